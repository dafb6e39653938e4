package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// TestEditorPasswordStickyStatuses: the editor sets a post's password and sticky flag and
// offers WordPress's pending and private statuses; an imported protected post keeps its
// password when edited.
func TestEditorPasswordStickyStatuses(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	b := ta.signIn(ta.user("admin@example.org", broadside.RoleAdmin))
	page := b.get("/admin/posts/new?type=post")
	for _, want := range []string{`value="pending"`, `value="private"`, `name="post_password"`, `name="sticky"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the editor has no %s", want)
		}
	}
	// WordPress's rule, the same as in the REST API: a post is not both sticky and protected.
	f := editorForm("Members' note", "Only for those who know.", "published")
	f.Set("post_password", "open sesame")
	f.Set("sticky", "1")
	if r := b.post("/admin/posts/new", f); r.StatusCode < 400 || !strings.Contains(r.Body, "can not be sticky and have a password") {
		t.Fatalf("sticky and protected: %d, the form does not say why", r.StatusCode)
	}
	f.Del("sticky")
	r := b.post("/admin/posts/new", f)
	id := idFromLocation(t, r)
	ctx := context.Background()
	p, err := ta.App.Posts.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Password != "open sesame" || p.Sticky {
		t.Fatalf("saved password %q sticky %v", p.Password, p.Sticky)
	}
	if r := ta.browser().get(ta.postPath(p)); strings.Contains(r.Body, "Only for those who know.") {
		t.Fatal("the protected body is public")
	}
	// The edit form shows the password, and saving it as private keeps it.
	editPath := r.Header.Get("Location")
	if edit := b.get(editPath); !strings.Contains(edit.Body, `value="open sesame"`) {
		t.Error("the edit form does not show the password")
	}
	f.Set("title", "Members' note, edited")
	f.Set("status", "private")
	b.post(editPath, f)
	p, _ = ta.App.Posts.Get(ctx, id)
	if p.Password != "open sesame" || p.Status != broadside.StatusPrivate {
		t.Fatalf("after editing: password %q status %s", p.Password, p.Status)
	}
}
