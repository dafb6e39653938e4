package wpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// TestPasswordAndStickyWrites: the API sets, keeps and removes a post's password and sticky
// flag as WordPress does, and the answer withholds a protected post's text from readers.
func TestPasswordAndStickyWrites(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	au := s.user("au@example.org", broadside.RoleAuthor)
	api := s.as(au)
	r := api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "Locked", "content": "<p>Hushword.</p>",
		"excerpt": "Excerptword", "status": "publish", "password": "opensesame"})
	wantStatus(t, r, http.StatusCreated)
	o := r.obj()
	id := num(o["id"])
	if o["password"] != "opensesame" || o["content"].(map[string]any)["protected"] != true || o["excerpt"].(map[string]any)["protected"] != true {
		t.Fatalf("answer: %s", r.Raw)
	}
	path := fmt.Sprintf("/wp-json/wp/v2/posts/%d", id)
	if r := s.get(path); strings.Contains(r.Raw, "Hushword") || strings.Contains(r.Raw, "Excerptword") || strings.Contains(r.Raw, `"password"`) {
		t.Fatalf("a reader sees: %s", r.Raw)
	}
	if r := s.get(path + "?password=opensesame"); !strings.Contains(r.Raw, "Hushword") {
		t.Fatalf("with the password: %s", r.Raw)
	}
	// An update that does not mention it keeps it; sticky and a password do not go together.
	wantStatus(t, api(http.MethodPost, path, map[string]any{"title": "Still locked"}), http.StatusOK)
	if p, _ := s.App.Posts.Get(ctx, id); p.Password != "opensesame" {
		t.Fatalf("password after an update: %q", p.Password)
	}
	wantError(t, api(http.MethodPost, path, map[string]any{"sticky": true}), http.StatusBadRequest, "rest_invalid_param")
	r = api(http.MethodPost, path, map[string]any{"password": "", "sticky": true})
	wantStatus(t, r, http.StatusOK)
	if p, _ := s.App.Posts.Get(ctx, id); p.Password != "" || !p.Sticky || r.obj()["sticky"] != true {
		t.Fatalf("after removing the password and sticking: %+v", p)
	}
	// Pages stay an editor's business, whatever the channel.
	wantError(t, api(http.MethodPost, "/wp-json/wp/v2/pages", map[string]any{"title": "wp-login", "status": "publish"}), http.StatusForbidden, "rest_cannot_create")
}
