package wpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// TestPostWrites: create, partial update, scheduling, slugs, terms and delete semantics.
func TestPostWrites(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	api := s.as(s.Admin)
	cat := &broadside.Category{Name: "News"}
	if err := s.App.Posts.SaveCategory(ctx, cat, s.Admin); err != nil {
		t.Fatal(err)
	}
	tag := s.as(s.Admin)(http.MethodPost, "/wp-json/wp/v2/tags", map[string]any{"name": "Budget"})
	wantStatus(t, tag, http.StatusCreated)
	tagID := num(tag.obj()["id"])

	// Default status is draft, content is WordPress's post_content (stored as sent), title and
	// content accept {raw}.
	r := api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{
		"title": map[string]any{"raw": "A draft"}, "content": map[string]any{"raw": "<h2>Hi</h2><p>There</p>"},
		"excerpt": "Short", "categories": []int64{cat.ID}, "tags": []int64{tagID},
	})
	wantStatus(t, r, http.StatusCreated)
	id := num(r.obj()["id"])
	if r.Header.Get("Location") != fmt.Sprintf("%s/wp-json/wp/v2/posts/%d", s.Srv.URL, id) {
		t.Errorf("Location = %q", r.Header.Get("Location"))
	}
	p, _ := s.App.Posts.Get(ctx, id)
	if p.Status != broadside.StatusDraft || p.BodyFormat != broadside.FormatWordPress || p.Title != "A draft" || p.RawExcerpt != "Short" ||
		len(p.Categories) != 1 || p.Categories[0].ID != cat.ID || len(p.Tags) != 1 || p.Tags[0].ID != tagID {
		t.Fatalf("stored post: %+v", p)
	}
	draftDate := p.PublishedAt

	// Partial update: only the title changes; publishing a draft dates it now.
	s.Clock.Advance(time.Hour)
	r = api(http.MethodPut, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"title": "Published", "status": "publish"})
	wantStatus(t, r, http.StatusOK)
	p, _ = s.App.Posts.Get(ctx, id)
	if p.Title != "Published" || p.Status != broadside.StatusPublished || p.RawBody != "<h2>Hi</h2><p>There</p>" ||
		len(p.Tags) != 1 || !p.PublishedAt.After(draftDate) {
		t.Fatalf("after update: %+v", p)
	}
	// A future date schedules; date_gmt wins over date.
	future := s.Clock.Now().Add(48 * time.Hour).UTC().Format("2006-01-02T15:04:05")
	r = api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "Later", "status": "publish", "date_gmt": future, "date": "2001-01-01T00:00:00"})
	wantStatus(t, r, http.StatusCreated)
	if r.obj()["status"] != "future" || r.obj()["date_gmt"] != future {
		t.Errorf("scheduled: %v %v", r.obj()["status"], r.obj()["date_gmt"])
	}
	// Slugs are made unique as WordPress does.
	r = api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "Dup", "slug": p.Slug, "status": "publish"})
	wantStatus(t, r, http.StatusCreated)
	if r.obj()["slug"] != p.Slug+"-2" {
		t.Errorf("slug = %v, want %s-2", r.obj()["slug"], p.Slug)
	}
	// Bad input names the parameter.
	for body, param := range map[string]string{
		`{"title":"x","status":"sideways"}`:          "status",
		`{"title":"x","tags":[99999]}`:               "tags",
		`{"title":"x","categories":[99999]}`:         "categories",
		`{"title":"x","sticky":true,"password":"p"}`: "sticky", // WordPress: not both
		`{"title":"x","date":"soon"}`:                "date",
		`{"title":"x","comment_status":"maybe"}`:     "comment_status",
	} {
		r := s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/posts", body: body, user: s.Admin.Login, pass: s.appPassword(s.Admin),
			header: map[string]string{"Content-Type": "application/json"}})
		data := wantError(t, r, http.StatusBadRequest, "rest_invalid_param")
		if params, _ := data["params"].(map[string]any); params[param] == nil {
			t.Errorf("%s: params %v lack %s", body, data["params"], param)
		}
	}
	wantError(t, s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/posts", body: `{"title": "x"`, user: s.Admin.Login,
		pass: s.appPassword(s.Admin), header: map[string]string{"Content-Type": "application/json"}}), http.StatusBadRequest, "rest_invalid_json")
	wantError(t, api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "x", "featured_media": 5}), http.StatusBadRequest, "rest_invalid_featured_media")
	wantError(t, api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"id": id}), http.StatusBadRequest, "rest_post_exists")
	wantError(t, api(http.MethodPost, "/wp-json/wp/v2/posts/999999", map[string]any{"title": "x"}), http.StatusNotFound, "rest_post_invalid_id")

	// X-HTTP-Method-Override and ?_method=, for clients behind proxies that drop verbs.
	// Delete without force moves the post to the trash, as WordPress does (issue 10).
	r = s.do(call{method: http.MethodPost, path: fmt.Sprintf("/wp-json/wp/v2/posts/%d?_method=DELETE", id), user: s.Admin.Login, pass: s.appPassword(s.Admin)})
	wantStatus(t, r, http.StatusOK)
	if r.obj()["status"] != "trash" || num(r.obj()["id"]) != id {
		t.Errorf("trash answer: %s", r.Raw)
	}
	wantError(t, api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), nil), http.StatusGone, "rest_already_trashed")
	wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d", id)), http.StatusUnauthorized, "rest_forbidden")
	r = api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"force": true})
	wantStatus(t, r, http.StatusOK)
	prev, _ := r.obj()["previous"].(map[string]any)
	if r.obj()["deleted"] != true || num(prev["id"]) != id || prev["title"].(map[string]any)["raw"] != "Published" {
		t.Errorf("delete answer: %s", r.Raw)
	}
	wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d", id)), http.StatusNotFound, "rest_post_invalid_id")
}

// TestPageWrites: parents and their validation.
func TestPageWrites(t *testing.T) {
	s := newSite(t)
	api := s.as(s.Admin)
	r := api(http.MethodPost, "/wp-json/wp/v2/pages", map[string]any{"title": "About", "content": "<p>Us</p>", "status": "publish"})
	wantStatus(t, r, http.StatusCreated)
	about := num(r.obj()["id"])
	if r.obj()["comment_status"] != "closed" {
		t.Errorf("a new page's comments are %v, want closed as in WordPress", r.obj()["comment_status"])
	}
	r = api(http.MethodPost, "/wp-json/wp/v2/pages", map[string]any{"title": "Team", "parent": about, "status": "publish"})
	wantStatus(t, r, http.StatusCreated)
	if num(r.obj()["parent"]) != about || !strings.HasSuffix(r.obj()["link"].(string), "/team/") {
		t.Errorf("child page: %s", r.Raw)
	}
	wantError(t, api(http.MethodPost, "/wp-json/wp/v2/pages", map[string]any{"title": "Orphan", "parent": 99999}), http.StatusBadRequest, "rest_post_invalid_parent")
	wantError(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/pages/%d", about), map[string]any{"parent": about}), http.StatusBadRequest, "rest_post_invalid_parent")
	wantError(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", about), map[string]any{"title": "x"}), http.StatusNotFound, "rest_post_invalid_id")
}

// TestTermWrites: categories and tags created, renamed, reparented and deleted.
func TestTermWrites(t *testing.T) {
	s := newSite(t)
	api := s.as(s.Admin)
	r := api(http.MethodPost, "/wp-json/wp/v2/categories", map[string]any{"name": "World", "description": "Abroad"})
	wantStatus(t, r, http.StatusCreated)
	world := num(r.obj()["id"])
	if r.obj()["slug"] != "world" || r.obj()["taxonomy"] != "category" || !strings.HasSuffix(r.Header.Get("Location"), fmt.Sprintf("/categories/%d", world)) {
		t.Errorf("created: %s", r.Raw)
	}
	r = api(http.MethodPost, "/wp-json/wp/v2/categories", map[string]any{"name": "Europe", "parent": world, "slug": "eu"})
	wantStatus(t, r, http.StatusCreated)
	eu := num(r.obj()["id"])
	if !strings.HasSuffix(r.obj()["link"].(string), "/category/world/eu/") {
		t.Errorf("child link %v", r.obj()["link"])
	}
	data := wantError(t, api(http.MethodPost, "/wp-json/wp/v2/categories", map[string]any{"name": "world"}), http.StatusBadRequest, "term_exists")
	if num(data["term_id"]) != world {
		t.Errorf("term_exists data %v", data)
	}
	wantError(t, api(http.MethodPost, "/wp-json/wp/v2/categories", map[string]any{"description": "no name"}), http.StatusBadRequest, "rest_missing_callback_param")
	wantError(t, api(http.MethodPost, "/wp-json/wp/v2/categories", map[string]any{"name": "X", "parent": 99999}), http.StatusBadRequest, "rest_term_invalid")
	wantError(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/categories/%d", world), map[string]any{"parent": eu}), http.StatusBadRequest, "rest_invalid_param")
	r = api(http.MethodPatch, fmt.Sprintf("/wp-json/wp/v2/categories/%d", eu), map[string]any{"name": "European Union"})
	wantStatus(t, r, http.StatusOK)
	if r.obj()["name"] != "European Union" || r.obj()["slug"] != "eu" || num(r.obj()["parent"]) != world {
		t.Errorf("renamed: %s", r.Raw)
	}
	wantError(t, api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/categories/%d", eu), nil), http.StatusNotImplemented, "rest_trash_not_supported")
	r = api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/categories/%d?force=true", eu), nil)
	wantStatus(t, r, http.StatusOK)
	if r.obj()["deleted"] != true || num(r.obj()["previous"].(map[string]any)["id"]) != eu {
		t.Errorf("deleted: %s", r.Raw)
	}
	wantError(t, api(http.MethodDelete, "/wp-json/wp/v2/categories/1?force=true", nil), http.StatusForbidden, "rest_cannot_delete")

	r = api(http.MethodPost, "/wp-json/wp/v2/tags", map[string]any{"name": "Elections 2026"})
	wantStatus(t, r, http.StatusCreated)
	tag := num(r.obj()["id"])
	if r.obj()["slug"] != "elections-2026" || containsKey(r.obj(), "parent") {
		t.Errorf("tag: %s", r.Raw)
	}
	wantStatus(t, api(http.MethodPut, fmt.Sprintf("/wp-json/wp/v2/tags/%d", tag), map[string]any{"slug": "votes"}), http.StatusOK)
	if r := s.get(fmt.Sprintf("/wp-json/wp/v2/tags/%d", tag)); r.obj()["slug"] != "votes" {
		t.Errorf("tag slug: %s", r.Raw)
	}
	r = api(http.MethodPost, "/wp-json/wp/v2/tags", map[string]any{"name": "Other", "slug": "votes"})
	wantError(t, r, http.StatusBadRequest, "duplicate_term_slug")
	wantStatus(t, api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/tags/%d?force=1", tag), nil), http.StatusOK)
	wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/tags/%d", tag)), http.StatusNotFound, "rest_term_invalid")
}

// TestAnonymousComments: the API applies the comment form's rules.
func TestAnonymousComments(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	post := s.publish(s.Admin, "Open", "x")
	comment := func(body map[string]any, header ...string) *reply {
		c := call{method: http.MethodPost, path: "/wp-json/wp/v2/comments", body: body, header: map[string]string{}}
		for i := 0; i+1 < len(header); i += 2 {
			c.header[header[i]] = header[i+1]
		}
		return s.do(c)
	}
	base := func(content string) map[string]any {
		return map[string]any{"post": post.ID, "author_name": "Ann", "author_email": "ann@example.net", "content": content}
	}
	r := comment(base("First!"))
	wantStatus(t, r, http.StatusCreated)
	first := num(r.obj()["id"])
	// A first-time commenter is held (hold unless previously approved), like the form.
	if r.obj()["status"] != "hold" || containsKey(r.obj(), "author_email") {
		t.Errorf("anonymous create answer: %s", r.Raw)
	}
	if !strings.HasSuffix(r.Header.Get("Location"), fmt.Sprintf("/wp-json/wp/v2/comments/%d", first)) {
		t.Errorf("Location %q", r.Header.Get("Location"))
	}
	// Held comments are not listed publicly.
	if got := ids(s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d", post.ID))); len(got) != 0 {
		t.Errorf("held comment listed: %v", got)
	}
	wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/comments/%d", first)), http.StatusUnauthorized, "rest_cannot_read")
	wantError(t, comment(base("First!")), http.StatusConflict, "comment_duplicate")

	data := wantError(t, comment(map[string]any{"post": post.ID, "content": "Who am I?"}), http.StatusBadRequest, "rest_comment_author_data_required")
	if p := data["params"].(map[string]any); p["author_name"] == nil || p["author_email"] == nil {
		t.Errorf("params %v", data["params"])
	}
	wantError(t, comment(map[string]any{"post": post.ID, "author_name": "Ann", "author_email": "ann@example.net"}), http.StatusBadRequest, "rest_comment_content_invalid")
	data = wantError(t, comment(map[string]any{"post": post.ID, "author_name": "Ann", "author_email": "not-an-email", "content": "x"}), http.StatusBadRequest, "rest_invalid_param")
	if data["params"].(map[string]any)["author_email"] == nil {
		t.Errorf("bad email params %v", data["params"])
	}
	wantError(t, comment(map[string]any{"author_name": "Ann", "author_email": "ann@example.net", "content": "x"}), http.StatusForbidden, "rest_comment_invalid_post_id")
	wantError(t, comment(map[string]any{"post": 99999, "author_name": "Ann", "author_email": "ann@example.net", "content": "x"}), http.StatusForbidden, "rest_comment_invalid_post_id")
	wantError(t, comment(map[string]any{"post": post.ID, "parent": 99999, "author_name": "Ann", "author_email": "ann@example.net", "content": "x"}), http.StatusBadRequest, "rest_invalid_param")
	wantError(t, comment(map[string]any{"post": post.ID, "status": "approve", "author_name": "Ann", "author_email": "ann@example.net", "content": "x"}), http.StatusUnauthorized, "rest_comment_invalid_status")

	closed := s.publish(s.Admin, "Closed", "x", func(in *posts.Input) { in.CommentsOpen = false })
	wantError(t, comment(map[string]any{"post": closed.ID, "author_name": "Ann", "author_email": "ann@example.net", "content": "x"}), http.StatusForbidden, "rest_comment_closed")
	draft, _ := s.App.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: "Draft", Status: broadside.StatusDraft, CommentsOpen: true}, s.Admin)
	wantError(t, comment(map[string]any{"post": draft.ID, "author_name": "Ann", "author_email": "ann@example.net", "content": "x"}), http.StatusForbidden, "rest_comment_draft_post")

	// Disallowed words make spam, as on the form.
	set, _ := s.App.Settings.Load(ctx)
	set.Discussion.DisallowedKeys = "casino"
	set.Discussion.RateLimitPerMinute = 3
	if err := s.App.Settings.Save(ctx, set, s.Admin); err != nil {
		t.Fatal(err)
	}
	r = comment(base("Visit my casino"), "X-Forwarded-For", "ignored")
	wantStatus(t, r, http.StatusCreated)
	if r.obj()["status"] != "spam" {
		t.Errorf("disallowed word: status %v", r.obj()["status"])
	}
	// The per-IP rate limit: the bucket allows 3 a minute, some already spent above.
	var last *reply
	for i := 0; i < 5; i++ {
		last = comment(base(fmt.Sprintf("Comment number %d", i)))
	}
	wantError(t, last, http.StatusBadRequest, "comment_flood")
	if last.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After on a flood")
	}
}

// TestCommentModeration: approve, hold, spam, trash, edit and delete as an editor.
func TestCommentModeration(t *testing.T) {
	s := newSite(t)
	editor := s.user("editor@example.org", broadside.RoleEditor)
	api := s.as(editor)
	r := s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/comments", body: map[string]any{
		"post": s.Seed.ID, "author_name": "Held", "author_email": "held@example.net", "content": "Please approve"}})
	wantStatus(t, r, http.StatusCreated)
	id := num(r.obj()["id"])
	path := fmt.Sprintf("/wp-json/wp/v2/comments/%d", id)

	held := api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&status=hold&context=edit", s.Seed.ID), nil)
	if got := ids(held); !sameIDs(got, id) || held.list()[0].(map[string]any)["author_email"] != "held@example.net" {
		t.Fatalf("moderation queue: %s", held.Raw)
	}
	for _, st := range []struct{ in, out string }{{"approve", "approved"}, {"hold", "hold"}, {"spam", "spam"}, {"approved", "approved"}} {
		r := api(http.MethodPost, path, map[string]any{"status": st.in})
		wantStatus(t, r, http.StatusOK)
		if r.obj()["status"] != st.out {
			t.Errorf("status %s -> %v", st.in, r.obj()["status"])
		}
	}
	if p, _ := s.App.Posts.Get(context.Background(), s.Seed.ID); p.CommentCount != 32 {
		t.Errorf("comment count after approval = %d, want 32", p.CommentCount)
	}
	r = api(http.MethodPatch, path, map[string]any{"content": "Edited <b>text</b>", "author_name": "Held Reader"})
	wantStatus(t, r, http.StatusOK)
	if c := r.obj()["content"].(map[string]any); c["raw"] != "Edited <b>text</b>" || r.obj()["author_name"] != "Held Reader" {
		t.Errorf("edited: %s", r.Raw)
	}
	wantError(t, api(http.MethodPost, path, map[string]any{"status": "maybe"}), http.StatusBadRequest, "rest_invalid_param")
	wantError(t, api(http.MethodPost, path, map[string]any{"post": 12345}), http.StatusBadRequest, "rest_invalid_param")
	// DELETE without force trashes; again: 410; force deletes.
	r = api(http.MethodDelete, path, nil)
	wantStatus(t, r, http.StatusOK)
	if r.obj()["status"] != "trash" {
		t.Errorf("trashed: %s", r.Raw)
	}
	wantError(t, api(http.MethodDelete, path, nil), http.StatusGone, "rest_already_trashed")
	r = api(http.MethodDelete, path+"?force=true", nil)
	wantStatus(t, r, http.StatusOK)
	if r.obj()["deleted"] != true {
		t.Errorf("deleted: %s", r.Raw)
	}
	wantError(t, api(http.MethodGet, path, nil), http.StatusNotFound, "rest_comment_invalid_id")
	// An approved comment can be deleted for good in one step.
	first := ids(s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&per_page=1", s.Seed.ID)))[0]
	wantStatus(t, api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/comments/%d?force=true", first), nil), http.StatusOK)
	// A moderator's own comment is approved and returned in the edit context.
	r = api(http.MethodPost, "/wp-json/wp/v2/comments", map[string]any{"post": s.Seed.ID, "content": "Thanks, all."})
	wantStatus(t, r, http.StatusCreated)
	if r.obj()["status"] != "approved" || num(r.obj()["author"]) != editor.ID || r.obj()["author_email"] != editor.Email {
		t.Errorf("moderator's comment: %s", r.Raw)
	}
}
