package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/testimg"
)

// mediaActor is one row of the media access table: a browser (its cookies: a session, a
// subscriber's sign-in, or none) and, for users, the Application Password the REST channel
// authenticates with.
type mediaActor struct {
	name   string
	b      *browser
	user   *broadside.User
	secret string
	// may says whether the row may upload, and may manage the owner's file.
	upload, manage bool
}

// rest sends an API request the way this actor's client would: with its Application
// Password, or else with its browser's cookies from a page of the site.
func (a *mediaActor) rest(ta *testApp, method, path string, body []byte, header map[string]string) *response {
	ta.t.Helper()
	req, _ := http.NewRequest(method, ta.Srv.URL+"/wp-json"+path, bytes.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if a.user != nil {
		req.SetBasicAuth(a.user.Login, a.secret)
	} else {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", ta.Srv.URL)
	}
	return a.b.do(req)
}

// TestMediaAccessTable: who may upload and manage files, on both channels that offer it
// (Admin → Media and wp/v2/media): authors their own files, editors and administrators
// every file, readers (anonymous or signed-in subscribers) nothing. Each refused attempt
// leaves the file and the library as they were.
func TestMediaAccessTable(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	ctx := context.Background()
	owner := ta.user("owner@example.org", broadside.RoleAuthor)
	other := ta.user("other@example.org", broadside.RoleAuthor)
	editor := ta.user("editor@example.org", broadside.RoleEditor)
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	secret := func(u *broadside.User) string {
		s, _, err := ta.App.AppPasswords.Create(ctx, u, "media table")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	actors := []*mediaActor{
		{name: "anonymous", b: ta.browser()},
		{name: "subscriber", b: ta.subscribe(srv, "reader@example.net", "")},
		{name: "owner author", b: ta.signIn(owner), user: owner, secret: secret(owner), upload: true, manage: true},
		{name: "other author", b: ta.signIn(other), user: other, secret: secret(other), upload: true},
		{name: "editor", b: ta.signIn(editor), user: editor, secret: secret(editor), upload: true, manage: true},
		{name: "admin", b: ta.signIn(admin), user: admin, secret: secret(admin), upload: true, manage: true},
	}
	ownersFile := func() *broadside.Media {
		t.Helper()
		m, err := ta.App.Media.Upload(ctx, owner, "owners.jpg", bytes.NewReader(testimg.JPEG(t, 8, 8)))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	stored := func(id int64) *broadside.Media {
		m, err := ta.App.Store.MediaByID(ctx, id)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	count := func() int { return len(ta.mediaFiles()) }

	type channel struct {
		name               string
		upload             func(a *mediaActor) bool // reports whether the channel said yes
		view, edit, delete func(a *mediaActor, m *broadside.Media) bool
	}
	admin2xx := func(r *response) bool {
		return r.StatusCode == http.StatusOK || r.StatusCode == http.StatusSeeOther && !strings.Contains(r.Header.Get("Location"), "/admin/login")
	}
	channels := []channel{
		{name: "admin",
			upload: func(a *mediaActor) bool {
				r := a.b.upload(upFile{"a.jpg", testimg.JPEG(t, 4, 4)})
				return r.StatusCode == http.StatusSeeOther && r.Header.Get("Location") == "/admin/media"
			},
			view: func(a *mediaActor, m *broadside.Media) bool {
				return a.b.get(fmt.Sprintf("/admin/media/%d", m.ID)).StatusCode == http.StatusOK
			},
			edit: func(a *mediaActor, m *broadside.Media) bool {
				return admin2xx(a.b.post(fmt.Sprintf("/admin/media/%d", m.ID), url.Values{"title": {"Edited"}, "alt": {"x"}}))
			},
			delete: func(a *mediaActor, m *broadside.Media) bool {
				return admin2xx(a.b.post(fmt.Sprintf("/admin/media/%d/delete", m.ID), nil))
			},
		},
		{name: "rest",
			upload: func(a *mediaActor) bool {
				r := a.rest(ta, http.MethodPost, "/wp/v2/media", testimg.JPEG(t, 4, 4),
					map[string]string{"Content-Type": "image/jpeg", "Content-Disposition": `attachment; filename="a.jpg"`})
				return r.StatusCode == http.StatusCreated
			},
			view: func(a *mediaActor, m *broadside.Media) bool {
				return a.rest(ta, http.MethodGet, fmt.Sprintf("/wp/v2/media/%d", m.ID), nil, nil).StatusCode == http.StatusOK
			},
			edit: func(a *mediaActor, m *broadside.Media) bool {
				r := a.rest(ta, http.MethodPost, fmt.Sprintf("/wp/v2/media/%d", m.ID), []byte(`{"title":"Edited"}`),
					map[string]string{"Content-Type": "application/json"})
				return r.StatusCode == http.StatusOK
			},
			delete: func(a *mediaActor, m *broadside.Media) bool {
				return a.rest(ta, http.MethodDelete, fmt.Sprintf("/wp/v2/media/%d?force=true", m.ID), nil, nil).StatusCode == http.StatusOK
			},
		},
	}
	for _, ch := range channels {
		for _, a := range actors {
			what := ch.name + "/" + a.name
			before := count()
			if got := ch.upload(a); got != a.upload {
				t.Errorf("%s: upload allowed = %v, want %v", what, got, a.upload)
			}
			if want := before + map[bool]int{true: 1, false: 0}[a.upload]; count() != want {
				t.Errorf("%s: %d files after the upload, want %d", what, count(), want)
			}
			m := ownersFile()
			if got := ch.view(a, m); got != a.manage {
				t.Errorf("%s: viewing the owner's file allowed = %v, want %v", what, got, a.manage)
			}
			if got := ch.edit(a, m); got != a.manage {
				t.Errorf("%s: editing the owner's file allowed = %v, want %v", what, got, a.manage)
			}
			if s := stored(m.ID); s == nil || (s.Title == "Edited") != a.manage {
				t.Errorf("%s: after the edit the file is %+v", what, s)
			}
			if got := ch.delete(a, m); got != a.manage {
				t.Errorf("%s: deleting the owner's file allowed = %v, want %v", what, got, a.manage)
			}
			if gone := stored(m.ID) == nil; gone != a.manage {
				t.Errorf("%s: after the delete the file is gone = %v, want %v", what, gone, a.manage)
			}
		}
	}
}
