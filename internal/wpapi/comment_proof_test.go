package wpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/broadside/broadside"
)

// TestAPICommentIdentity: through the REST API an anonymous comment proves nothing, whatever
// name and address it carries, so it is held even when the site publishes comments at once;
// a signed-in client is known by its account, so once one of its comments is approved the
// next is published at once.
func TestAPICommentIdentity(t *testing.T) {
	s := newSite(t)
	editor := s.user("editor@example.org", broadside.RoleEditor)
	writer := s.user("writer@example.org", broadside.RoleAuthor)
	post := s.publish(editor, "Identity", "Body.")
	asWriter, asEditor := s.as(writer), s.as(editor)
	create := func(as func(string, string, any) *reply, body map[string]any) map[string]any {
		t.Helper()
		body["post"] = post.ID
		var r *reply
		if as == nil {
			r = s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/comments", body: body})
		} else {
			r = as(http.MethodPost, "/wp-json/wp/v2/comments", body)
		}
		wantStatus(t, r, http.StatusCreated)
		return r.obj()
	}
	first := create(asWriter, map[string]any{"content": "Signed in, first"})
	if first["status"] != "hold" {
		t.Fatalf("a signed-in author's first comment: %v", first["status"])
	}
	wantStatus(t, asEditor(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/comments/%d", num(first["id"])), map[string]any{"status": "approve"}), http.StatusOK)
	if c := create(asWriter, map[string]any{"content": "Signed in, second"}); c["status"] != "approved" {
		t.Fatalf("a signed-in author with an approved comment: %v", c["status"])
	}
	// Anyone typing the writer's name and address is held, however the site moderates.
	for _, mode := range []string{broadside.ModerateHoldUnlessPrior, broadside.ModeratePublish} {
		set, _ := s.App.Settings.Load(t.Context())
		set.Discussion.ModerationMode = mode
		if err := s.App.Settings.Save(t.Context(), set, s.Admin); err != nil {
			t.Fatal(err)
		}
		c := create(nil, map[string]any{"author_name": writer.Name(), "author_email": writer.Email, "content": "Posing as the writer in " + mode})
		if c["status"] != "hold" {
			t.Errorf("%s: anonymous comment in the writer's name: %v", mode, c["status"])
		}
	}
}
