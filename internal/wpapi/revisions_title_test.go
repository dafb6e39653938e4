package wpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/posts"
)

// TestRevisionKeepsTitleMarkup: a title with markup (Title <em>With</em> Markup) is kept by
// its revision, shown by the REST revisions endpoint as written (raw) and sanitized
// (rendered), and restoring the revision brings the markup back; an autosave keeps it too.
func TestRevisionKeepsTitleMarkup(t *testing.T) {
	s := newSite(t)
	api := s.as(s.Admin)
	const marked = "Title <em>With</em> Markup"
	r := api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": marked, "content": "<p>first</p>", "status": "publish"})
	wantStatus(t, r, http.StatusCreated)
	id := num(r.obj()["id"])
	wantStatus(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"title": "Plain now"}), http.StatusOK)

	r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d/revisions?context=edit", id), nil)
	wantStatus(t, r, http.StatusOK)
	list := r.list()
	if len(list) != 2 {
		t.Fatalf("revisions: %s", r.Raw)
	}
	first := list[1].(map[string]any)
	title := first["title"].(map[string]any)
	if title["raw"] != marked || !strings.Contains(title["rendered"].(string), "<em>With</em>") {
		t.Errorf("the first revision's title: %v", title)
	}
	ctx := context.Background()
	p, err := s.App.Posts.RestoreRevision(ctx, id, num(first["id"]), s.Admin)
	if err != nil {
		t.Fatal(err)
	}
	if p.RawTitleMarkup != marked || p.Title != "Title With Markup" {
		t.Errorf("restored title: %q, markup %q", p.Title, p.RawTitleMarkup)
	}
	r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d?context=edit", id), nil)
	if got := r.obj()["title"].(map[string]any); got["raw"] != marked || !strings.Contains(got["rendered"].(string), "<em>With</em>") {
		t.Errorf("the post after the restore: %v", got)
	}

	// An autosave of the published post keeps the markup, and so does the draft autosaved in place.
	s.Clock.Advance(time.Minute)
	a, _, err := s.App.Posts.Autosave(ctx, id, posts.AutosaveInput{Title: "Other <strong>bold</strong> title", Body: "<p>x</p>"}, s.Admin)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Other bold title" || a.TitleMarkup != "Other <strong>bold</strong> title" {
		t.Errorf("autosave title %q, markup %q", a.Title, a.TitleMarkup)
	}
	pa, err := s.App.Posts.PendingAutosave(ctx, p, s.Admin)
	if err != nil || pa == nil || pa.TitleSource() != "Other <strong>bold</strong> title" {
		t.Errorf("stored autosave: %+v, %v", pa, err)
	}
}
