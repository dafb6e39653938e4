package wpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// TestAppealAndNoticeMeta: a post's own support appeal and reuse notice are registered meta
// in WordPress's shape (meta.broadside_appeal, meta.broadside_notice): readable, set on
// create, changed one at a time on update, reset with null, refused with the field named
// when they are not strings or too long, and unknown meta keys are ignored as WordPress
// ignores unregistered ones.
func TestAppealAndNoticeMeta(t *testing.T) {
	s := newSite(t)
	api := s.as(s.Admin)
	appeal := "Please [click here](https://www.paypal.com/donate?hosted_button_id=X) to help."
	r := api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "With an appeal", "status": "publish",
		"content": "<p>x</p>", "meta": map[string]any{"broadside_appeal": appeal, "broadside_notice": "Reblog freely.", "unknown_key": 1}})
	wantStatus(t, r, http.StatusCreated)
	id := num(r.obj()["id"])
	meta := func(r *reply) map[string]any { m, _ := r.obj()["meta"].(map[string]any); return m }
	if m := meta(r); m["broadside_appeal"] != appeal || m["broadside_notice"] != "Reblog freely." || len(m) != 4 || m["broadside_likes"] != 0.0 || m["broadside_boosts"] != 0.0 {
		t.Fatalf("meta after create: %s", r.Raw)
	}
	// Readers see it too (it is on the public page).
	r = s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d", id))
	if meta(r)["broadside_appeal"] != appeal {
		t.Fatalf("meta in the view context: %s", r.Raw)
	}
	page := s.get(fmt.Sprintf("/?p=%d", id))
	if !strings.Contains(page.Raw, `href="https://www.paypal.com/donate?hosted_button_id=X"`) {
		t.Errorf("the post's appeal is not on its page:\n%s", page.Raw)
	}

	// One key changes, the other stays; null goes back to the site's default.
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"meta": map[string]any{"broadside_notice": nil}})
	wantStatus(t, r, http.StatusOK)
	if m := meta(r); m["broadside_appeal"] != appeal || m["broadside_notice"] != "" {
		t.Fatalf("meta after resetting the notice: %s", r.Raw)
	}
	// A client that sends no meta (or WordPress's empty array) changes nothing.
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"title": "Renamed", "meta": []any{}})
	wantStatus(t, r, http.StatusOK)
	if meta(r)["broadside_appeal"] != appeal {
		t.Fatalf("meta after an update without it: %s", r.Raw)
	}

	// Bad values name the field and change nothing.
	wantError(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"title": "Bad", "meta": map[string]any{"broadside_appeal": 5}}),
		http.StatusBadRequest, "rest_invalid_param")
	wantError(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"meta": "text"}),
		http.StatusBadRequest, "rest_invalid_param")
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"title": "Too long", "meta": map[string]any{"broadside_appeal": strings.Repeat("a", 2001)}})
	wantError(t, r, http.StatusBadRequest, "rest_invalid_param")
	if !strings.Contains(r.Raw, `"meta"`) {
		t.Errorf("the error does not name meta: %s", r.Raw)
	}
	r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d?context=edit", id), nil)
	if meta(r)["broadside_appeal"] != appeal || r.obj()["title"].(map[string]any)["raw"] != "Renamed" {
		t.Fatalf("a refused update changed the post: %s", r.Raw)
	}

	// Pages carry them too.
	r = api(http.MethodPost, "/wp-json/wp/v2/pages", map[string]any{"title": "About", "meta": map[string]any{"broadside_notice": "All rights reserved."}})
	wantStatus(t, r, http.StatusCreated)
	if meta(r)["broadside_notice"] != "All rights reserved." {
		t.Fatalf("page meta: %s", r.Raw)
	}
}

// TestCommentModerationReasonREST: why a comment was held is in the edit context of the
// comment shape (broadside_moderation: the queue's text and the machine codes), for those
// who moderate, and in no other context.
func TestCommentModerationReasonREST(t *testing.T) {
	s := newSite(t)
	editor := s.user("editor@example.org", broadside.RoleEditor)
	r := s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/comments", body: map[string]any{
		"post": s.Seed.ID, "author_name": "Held", "author_email": "held@example.net", "content": "Please approve"}})
	wantStatus(t, r, http.StatusCreated)
	id := num(r.obj()["id"])
	if _, leaked := r.obj()["broadside_moderation"]; leaked {
		t.Fatalf("the commenter sees the moderation reason: %s", r.Raw)
	}
	r = s.as(editor)(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/comments/%d?context=edit", id), nil)
	wantStatus(t, r, http.StatusOK)
	m, _ := r.obj()["broadside_moderation"].(map[string]any)
	codes, _ := m["codes"].([]any)
	if m == nil || m["reason"] == "" || len(codes) == 0 {
		t.Fatalf("no moderation reason in the edit context: %s", r.Raw)
	}
	found := false
	for _, c := range codes {
		found = found || c == broadside.ReasonAnonymousAPI
	}
	if !found {
		t.Errorf("codes %v lack %q", codes, broadside.ReasonAnonymousAPI)
	}
	r = s.as(editor)(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/comments/%d", id), nil)
	if _, shown := r.obj()["broadside_moderation"]; shown {
		t.Errorf("the view context carries the moderation reason: %s", r.Raw)
	}
	r = s.as(s.user("author@example.org", broadside.RoleAuthor))(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/comments/%d?context=edit", id), nil)
	if _, shown := r.obj()["broadside_moderation"]; shown || r.Status == http.StatusOK {
		t.Errorf("an author reads the moderation reason: %d %s", r.Status, r.Raw)
	}
}

// TestReactionCountsMeta: a post's fediverse likes and boosts are read-only meta
// (meta.broadside_likes, meta.broadside_boosts), the same in a listing (counted for the page
// at once) as for the post alone, and a client cannot set them.
func TestReactionCountsMeta(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	for i, kind := range []string{broadside.ReactionLike, broadside.ReactionLike, broadside.ReactionAnnounce} {
		actor := fmt.Sprintf("https://social.example/users/u%d", i)
		if _, err := s.App.Store.AddReaction(ctx, &broadside.Reaction{PostID: s.Seed.ID, Kind: kind, ActorID: actor, ActivityID: actor + "#r", CreatedAt: s.Clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	meta := func(o any) map[string]any { m, _ := o.(map[string]any)["meta"].(map[string]any); return m }
	want := func(where string, m map[string]any) {
		t.Helper()
		if m["broadside_likes"] != 2.0 || m["broadside_boosts"] != 1.0 {
			t.Fatalf("%s: meta %v, want 2 likes and 1 boost", where, m)
		}
	}
	want("post", meta(s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d", s.Seed.ID)).obj()))
	found := false
	for _, o := range s.get("/wp-json/wp/v2/posts?per_page=100").list() {
		if num(o.(map[string]any)["id"]) == s.Seed.ID {
			found = true
			want("listing", meta(o))
		}
	}
	if !found {
		t.Fatal("the post is not in the listing")
	}
	r := s.as(s.Admin)(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", s.Seed.ID), map[string]any{"meta": map[string]any{"broadside_likes": 99}})
	wantStatus(t, r, http.StatusOK)
	want("after a client sent a count", meta(r.obj()))
}
