package wpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// A page's parent is a page that is not the page itself or one of its subpages, whichever
// channel sets it: the posts service decides, so the REST API refuses the loop the admin's
// form refuses (it only refused the page itself), and the page keeps its parent.
func TestPageParentLoopRefusedEverywhere(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	api := s.as(s.Admin)
	r := api(http.MethodPost, "/wp-json/wp/v2/pages", map[string]any{"title": "Top", "status": "publish"})
	wantStatus(t, r, http.StatusCreated)
	top := num(r.obj()["id"])
	r = api(http.MethodPost, "/wp-json/wp/v2/pages", map[string]any{"title": "Middle", "status": "publish", "parent": top})
	wantStatus(t, r, http.StatusCreated)
	middle := num(r.obj()["id"])
	r = api(http.MethodPost, "/wp-json/wp/v2/pages", map[string]any{"title": "Bottom", "status": "publish", "parent": middle})
	wantStatus(t, r, http.StatusCreated)
	bottom := num(r.obj()["id"])

	for _, parent := range []int64{top, bottom, s.Seed.ID, 999999} {
		r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/pages/%d", top), map[string]any{"parent": parent})
		wantError(t, r, http.StatusBadRequest, "rest_post_invalid_parent")
	}
	if p, _ := s.App.Posts.Get(ctx, top); p.ParentID != 0 {
		t.Errorf("the top page's parent became %d", p.ParentID)
	}

	// The service itself, as every channel reaches it.
	p, _ := s.App.Posts.Get(ctx, top)
	_, err := s.App.Posts.Save(ctx, top, posts.Input{Type: broadside.TypePage, Title: p.Title, Status: p.Status, ParentID: bottom}, s.Admin)
	if broadside.ErrorFields(err)["parent"] == "" {
		t.Errorf("Save with a subpage as parent: %v, want a parent field error", err)
	}
	// A legitimate move still works.
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/pages/%d", bottom), map[string]any{"parent": top})
	wantStatus(t, r, http.StatusOK)
}
