package wpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
)

// TestApplicationPasswords: good, grouped, wrong, revoked passwords, and the user name forms.
func TestApplicationPasswords(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	secret, p, err := s.App.AppPasswords.Create(ctx, s.Admin, "Phone app")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 29 || strings.Count(secret, " ") != 5 {
		t.Fatalf("secret %q is not 24 characters in groups of four", secret)
	}
	me := func(user, pass string) *reply {
		return s.do(call{path: "/wp-json/wp/v2/users/me", user: user, pass: pass})
	}
	for _, tc := range []struct{ user, pass string }{
		{s.Admin.Login, secret},
		{s.Admin.Email, secret},
		{strings.ToUpper(s.Admin.Email), secret},
		{s.Admin.Login, strings.ReplaceAll(secret, " ", "")},
	} {
		r := me(tc.user, tc.pass)
		wantStatus(t, r, http.StatusOK)
		if num(r.obj()["id"]) != s.Admin.ID {
			t.Errorf("users/me as %s: %s", tc.user, r.Raw)
		}
	}
	other := s.user("other@example.org", broadside.RoleEditor)
	for _, tc := range []struct{ user, pass string }{
		{s.Admin.Login, "abcd efgh ijkl mnop qrst uvwx"},
		{s.Admin.Login, testPassword}, // the account password is not an application password
		{other.Login, secret},         // another user's name with this password
		{"nobody", secret},
		{"", secret},
		{s.Admin.Login, ""},
	} {
		wantError(t, me(tc.user, tc.pass), http.StatusUnauthorized, "incorrect_password")
		// A bad password is refused on every route, reads included, as in WordPress.
		wantError(t, s.do(call{path: "/wp-json/wp/v2/posts", user: tc.user, pass: tc.pass}), http.StatusUnauthorized, "incorrect_password")
	}
	wantError(t, s.do(call{path: "/wp-json/wp/v2/posts", header: map[string]string{"Authorization": "Basic !!!"}}), http.StatusUnauthorized, "incorrect_password")
	// A bearer token is not ours: the request is anonymous.
	wantStatus(t, s.do(call{path: "/wp-json/wp/v2/posts", header: map[string]string{"Authorization": "Bearer abc"}}), http.StatusOK)

	// Last use is recorded.
	s.Clock.Advance(time.Hour)
	wantStatus(t, me(s.Admin.Login, secret), http.StatusOK)
	list, _ := s.App.AppPasswords.List(ctx, s.Admin)
	if len(list) != 1 || list[0].LastUsedAt.IsZero() || list[0].LastIP != "127.0.0.1" {
		t.Errorf("after use: %+v", list)
	}
	if list[0].SecretHash == secret || strings.Contains(list[0].SecretHash, auth.NormalizeAppPassword(secret)) {
		t.Error("the secret is stored in clear")
	}

	// Revoked: refused at once.
	if err := s.App.AppPasswords.Revoke(ctx, s.Admin, p.UUID); err != nil {
		t.Fatal(err)
	}
	wantError(t, me(s.Admin.Login, secret), http.StatusUnauthorized, "incorrect_password")
	if err := s.App.AppPasswords.Revoke(ctx, other, p.UUID); broadside.ErrorCode(err) != broadside.ENOTFOUND {
		t.Errorf("revoking someone else's password: %v", err)
	}

	// Names: required, unique per user, bounded.
	if _, _, err := s.App.AppPasswords.Create(ctx, s.Admin, "  "); broadside.ErrorFields(err)["app_password_name"] == "" {
		t.Errorf("empty name accepted: %v", err)
	}
	s.App.AppPasswords.Create(ctx, s.Admin, "Script")
	if _, _, err := s.App.AppPasswords.Create(ctx, s.Admin, "script"); broadside.ErrorFields(err)["app_password_name"] == "" {
		t.Errorf("duplicate name accepted: %v", err)
	}
	if _, _, err := s.App.AppPasswords.Create(ctx, s.Admin, strings.Repeat("x", 101)); err == nil {
		t.Error("a 101-character name was accepted")
	}
	// A deleted user's passwords go with them (ON DELETE CASCADE is in the migration).
}

// TestCapabilities maps WordPress's capability checks onto the roles.
func TestCapabilities(t *testing.T) {
	s := newSite(t)
	author := s.user("author@example.org", broadside.RoleAuthor)
	editor := s.user("editor@example.org", broadside.RoleEditor)
	asAuthor, asEditor, asAdmin := s.as(author), s.as(editor), s.as(s.Admin)
	others := s.publish(editor, "Editor's post", "x")

	// Strangers: 401 on every write.
	for _, tc := range []struct{ method, path, code string }{
		{http.MethodPost, "/wp-json/wp/v2/posts", "rest_cannot_create"},
		{http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", others.ID), "rest_cannot_edit"},
		{http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/posts/%d?force=true", others.ID), "rest_cannot_delete"},
		{http.MethodPost, "/wp-json/wp/v2/pages", "rest_cannot_create"},
		{http.MethodPost, "/wp-json/wp/v2/categories", "rest_cannot_create"},
		{http.MethodPost, "/wp-json/wp/v2/categories/1", "rest_cannot_update"},
		{http.MethodDelete, "/wp-json/wp/v2/categories/1?force=true", "rest_cannot_delete"},
		{http.MethodPost, "/wp-json/wp/v2/tags", "rest_cannot_create"},
		{http.MethodPost, "/wp-json/wp/v2/comments/1", "rest_cannot_edit"},
		{http.MethodDelete, "/wp-json/wp/v2/comments/1", "rest_cannot_delete"},
		{http.MethodGet, "/wp-json/wp/v2/users/me", "rest_not_logged_in"},
	} {
		wantError(t, s.do(call{method: tc.method, path: tc.path, body: map[string]any{"title": "x", "name": "x"}}), http.StatusUnauthorized, tc.code)
	}

	// Authors: their own posts only, published or not; no pages, terms or moderation (403).
	r := asAuthor(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "Mine", "content": "<p>x</p>", "status": "publish"})
	wantStatus(t, r, http.StatusCreated)
	mine := num(r.obj()["id"])
	if r.obj()["status"] != "publish" || num(r.obj()["author"]) != author.ID {
		t.Errorf("author's post: %s", r.Raw)
	}
	wantStatus(t, asAuthor(http.MethodPatch, fmt.Sprintf("/wp-json/wp/v2/posts/%d", mine), map[string]any{"title": "Mine, edited"}), http.StatusOK)
	wantError(t, asAuthor(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", others.ID), map[string]any{"title": "Hijack"}), http.StatusForbidden, "rest_cannot_edit")
	wantError(t, asAuthor(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/posts/%d?force=true", others.ID), nil), http.StatusForbidden, "rest_cannot_delete")
	wantError(t, asAuthor(http.MethodPost, "/wp-json/wp/v2/pages", map[string]any{"title": "Page"}), http.StatusForbidden, "rest_cannot_create")
	wantError(t, asAuthor(http.MethodPost, "/wp-json/wp/v2/categories", map[string]any{"name": "Mine"}), http.StatusForbidden, "rest_cannot_create")
	wantError(t, asAuthor(http.MethodPost, "/wp-json/wp/v2/comments/1", map[string]any{"status": "spam"}), http.StatusForbidden, "rest_cannot_edit")
	wantError(t, asAuthor(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", mine), map[string]any{"author": editor.ID}), http.StatusForbidden, "rest_cannot_edit_others")
	wantError(t, asAuthor(http.MethodGet, "/wp-json/wp/v2/users?context=edit", nil), http.StatusForbidden, "rest_forbidden_context")
	wantError(t, asAuthor(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d?context=edit", others.ID), nil), http.StatusForbidden, "rest_forbidden_context")
	wantStatus(t, asAuthor(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d?context=edit", mine), nil), http.StatusOK)

	// Editors: every post, pages, terms, moderation, and reassigning authors.
	wantStatus(t, asEditor(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", mine), map[string]any{"title": "Edited by the editor", "author": editor.ID}), http.StatusOK)
	if p, _ := s.App.Posts.Get(context.Background(), mine); p.AuthorID != editor.ID || p.Title != "Edited by the editor" {
		t.Errorf("after the editor's edit: author %d title %q", p.AuthorID, p.Title)
	}
	wantStatus(t, asEditor(http.MethodPost, "/wp-json/wp/v2/pages", map[string]any{"title": "A page", "status": "publish"}), http.StatusCreated)
	wantStatus(t, asEditor(http.MethodPost, "/wp-json/wp/v2/tags", map[string]any{"name": "Fresh"}), http.StatusCreated)
	wantError(t, asEditor(http.MethodGet, "/wp-json/wp/v2/users?context=edit", nil), http.StatusForbidden, "rest_forbidden_context")
	wantError(t, asEditor(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "x", "author": 9999}), http.StatusBadRequest, "rest_invalid_author")

	// Administrators: everything, including the users' edit context.
	r = asAdmin(http.MethodGet, "/wp-json/wp/v2/users?context=edit", nil)
	wantStatus(t, r, http.StatusOK)
	if len(r.list()) != 3 || r.list()[0].(map[string]any)["email"] == nil {
		t.Errorf("users for the admin: %s", r.Raw)
	}
	wantStatus(t, asAdmin(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/posts/%d?force=true", others.ID), nil), http.StatusOK)
}

// TestCookieAuthentication: the admin's session cookie works for the API from the site itself;
// a cross-site write with the cookie is refused; Basic requests skip the check.
func TestCookieAuthentication(t *testing.T) {
	s := newSite(t)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"email": {s.Admin.Email}, "password": {testPassword}}
	req, _ := http.NewRequest(http.MethodPost, s.Srv.URL+"/admin/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := client.Do(req)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %v %v", err, res)
	}
	res.Body.Close()
	send := func(method, path, site string, body string) int {
		req, _ := http.NewRequest(method, s.Srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := send(http.MethodGet, "/wp-json/wp/v2/users/me", "", ""); got != http.StatusOK {
		t.Errorf("users/me with the session cookie: %d", got)
	}
	if got := send(http.MethodPost, "/wp-json/wp/v2/posts", "same-origin", `{"title":"From the admin"}`); got != http.StatusCreated {
		t.Errorf("same-origin cookie write: %d", got)
	}
	if got := send(http.MethodPost, "/wp-json/wp/v2/posts", "cross-site", `{"title":"Forged"}`); got != http.StatusForbidden {
		t.Errorf("cross-site cookie write: %d, want 403", got)
	}
	r := s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/posts", body: map[string]any{"title": "Forged"},
		header: map[string]string{"Sec-Fetch-Site": "cross-site", "Cookie": jar.Cookies(mustURL(s.Srv.URL))[0].String()}})
	wantError(t, r, http.StatusForbidden, "rest_cookie_invalid_nonce")
	// With an Application Password the request is judged by it alone, from anywhere.
	pw := s.appPassword(s.Admin)
	r = s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/posts", body: map[string]any{"title": "From an app"},
		header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://app.example"}, user: s.Admin.Login, pass: pw})
	wantStatus(t, r, http.StatusCreated)
	// Without the cookie a cross-site request is simply anonymous (nothing to forge).
	r = s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/posts", body: map[string]any{"title": "x"},
		header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}})
	wantError(t, r, http.StatusUnauthorized, "rest_cannot_create")
	// The rest of the site keeps its protection.
	r = s.do(call{method: http.MethodPost, path: "/comments", body: "comment=x",
		header: map[string]string{"Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded"}})
	wantStatus(t, r, http.StatusForbidden)
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
