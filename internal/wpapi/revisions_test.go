package wpapi_test

import (
	"fmt"
	"net/http"
	"sort"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// revisionKeys are the fields of WordPress's revision schema (class-wp-rest-revisions-
// controller.php) in the edit context, plus _links.
var revisionKeys = []string{"_links", "author", "content", "date", "date_gmt", "excerpt", "guid", "id", "modified",
	"modified_gmt", "parent", "slug", "title"}

func sortedKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestRevisionsREST: every save keeps a revision, listed newest first in WordPress's shape;
// a revision can be read and deleted only with force=true; the post links its history;
// only those who may edit the post see any of it.
func TestRevisionsREST(t *testing.T) {
	s := newSite(t)
	api := s.as(s.Admin)
	r := api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "One", "content": "<p>first</p>", "status": "publish"})
	wantStatus(t, r, http.StatusCreated)
	id := num(r.obj()["id"])
	wantStatus(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"title": "Two", "content": "<p>second</p>"}), http.StatusOK)
	// A save that changes none of title, content, excerpt keeps no revision.
	wantStatus(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"comment_status": "closed"}), http.StatusOK)

	r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d/revisions?context=edit", id), nil)
	wantStatus(t, r, http.StatusOK)
	list := r.list()
	if len(list) != 2 || r.Header.Get("X-WP-Total") != "2" {
		t.Fatalf("revisions: %s", r.Raw)
	}
	newest := list[0].(map[string]any)
	if got := sortedKeys(newest); fmt.Sprint(got) != fmt.Sprint(revisionKeys) {
		t.Errorf("revision keys = %v, want %v", got, revisionKeys)
	}
	if newest["title"].(map[string]any)["raw"] != "Two" || num(newest["parent"]) != id ||
		newest["content"].(map[string]any)["raw"] != "<p>second</p>" || num(newest["author"]) != s.Admin.ID ||
		newest["slug"] != fmt.Sprintf("%d-revision-v1", id) {
		t.Errorf("newest revision: %v", newest)
	}
	rid := num(newest["id"])

	// The post links its history.
	r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d?context=edit", id), nil)
	links := r.obj()["_links"].(map[string]any)
	vh, _ := links["version-history"].([]any)
	pv, _ := links["predecessor-version"].([]any)
	if len(vh) != 1 || num(vh[0].(map[string]any)["count"]) != 2 || len(pv) != 1 || num(pv[0].(map[string]any)["id"]) != rid {
		t.Errorf("revision links: %v", links)
	}

	r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d/revisions/%d", id, rid), nil)
	wantStatus(t, r, http.StatusOK)
	if _, hasRaw := r.obj()["title"].(map[string]any)["raw"]; hasRaw {
		t.Errorf("view context shows raw title: %s", r.Raw)
	}
	// Someone else, or nobody, may not read them.
	other := s.user("other@example.org", broadside.RoleAuthor)
	wantError(t, s.as(other)(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d/revisions", id), nil), http.StatusForbidden, "rest_cannot_read")
	wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d/revisions", id)), http.StatusUnauthorized, "rest_cannot_read")
	wantError(t, api(http.MethodGet, "/wp-json/wp/v2/posts/999999/revisions", nil), http.StatusNotFound, "rest_post_invalid_parent")
	wantError(t, api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d/revisions/999999", id), nil), http.StatusNotFound, "rest_post_invalid_id")

	// Delete needs force=true.
	wantError(t, api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/posts/%d/revisions/%d", id, rid), nil), http.StatusNotImplemented, "rest_trash_not_supported")
	r = api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/posts/%d/revisions/%d?force=true", id, rid), nil)
	wantStatus(t, r, http.StatusOK)
	if prev, _ := r.obj()["previous"].(map[string]any); r.obj()["deleted"] != true || num(prev["id"]) != rid {
		t.Errorf("delete revision: %s", r.Raw)
	}
	wantError(t, api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d/revisions/%d", id, rid), nil), http.StatusNotFound, "rest_post_invalid_id")

	// Pages have them too.
	r = api(http.MethodPost, "/wp-json/wp/v2/pages", map[string]any{"title": "About", "status": "publish"})
	wantStatus(t, r, http.StatusCreated)
	r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/pages/%d/revisions", num(r.obj()["id"])), nil)
	wantStatus(t, r, http.StatusOK)
	if len(r.list()) != 1 {
		t.Errorf("page revisions: %s", r.Raw)
	}
}

// TestAutosavesREST: an autosave of a published post is kept apart and leaves the live post
// alone; the author's own draft is autosaved in place, as WordPress does.
func TestAutosavesREST(t *testing.T) {
	s := newSite(t)
	api := s.as(s.Admin)
	r := api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "Live", "content": "<p>live</p>", "status": "publish"})
	id := num(r.obj()["id"])
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d/autosaves", id), map[string]any{"title": "Live, edited", "content": "<p>unsaved</p>"})
	wantStatus(t, r, http.StatusOK)
	if r.obj()["slug"] != fmt.Sprintf("%d-autosave-v1", id) || num(r.obj()["parent"]) != id ||
		r.obj()["content"].(map[string]any)["raw"] != "<p>unsaved</p>" {
		t.Fatalf("autosave: %s", r.Raw)
	}
	aid := num(r.obj()["id"])
	live := s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d", id))
	if live.obj()["title"].(map[string]any)["rendered"] != "Live" {
		t.Fatalf("the autosave changed the live post: %s", live.Raw)
	}
	r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d/autosaves", id), nil)
	if len(r.list()) != 1 || num(r.list()[0].(map[string]any)["id"]) != aid {
		t.Fatalf("autosaves: %s", r.Raw)
	}
	wantStatus(t, api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d/autosaves/%d", id, aid), nil), http.StatusOK)
	// An autosave is not a revision.
	wantError(t, api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d/revisions/%d", id, aid), nil), http.StatusNotFound, "rest_post_invalid_id")

	r = api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "Draft", "status": "draft"})
	did := num(r.obj()["id"])
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d/autosaves", did), map[string]any{"title": "Draft, autosaved"})
	wantStatus(t, r, http.StatusOK)
	r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d?context=edit", did), nil)
	if r.obj()["title"].(map[string]any)["raw"] != "Draft, autosaved" {
		t.Fatalf("the draft was not autosaved in place: %s", r.Raw)
	}
	wantError(t, s.do(call{method: http.MethodPost, path: fmt.Sprintf("/wp-json/wp/v2/posts/%d/autosaves", id), body: map[string]any{"title": "x"}}),
		http.StatusUnauthorized, "rest_cannot_read")
}

// TestTrashREST: DELETE without force trashes (WordPress's shape), status=trash lists the
// trash for editors only, trashed posts vanish from public listings, force deletes.
func TestTrashREST(t *testing.T) {
	s := newSite(t)
	api := s.as(s.Admin)
	p := s.publish(s.Admin, "Going away", "<p>bye</p>")
	keep := s.publish(s.Admin, "Staying", "<p>hi</p>")
	r := api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), nil)
	wantStatus(t, r, http.StatusOK)
	if r.obj()["status"] != "trash" || r.obj()["title"].(map[string]any)["raw"] != "Going away" {
		t.Fatalf("trash answer: %s", r.Raw)
	}
	r = s.get("/wp-json/wp/v2/posts")
	seen := map[int64]bool{}
	for _, it := range r.list() {
		seen[num(it.(map[string]any)["id"])] = true
	}
	if seen[p.ID] || !seen[keep.ID] {
		t.Fatalf("public list after trashing: %v", seen)
	}
	r = api(http.MethodGet, "/wp-json/wp/v2/posts?status=trash", nil)
	wantStatus(t, r, http.StatusOK)
	if len(r.list()) != 1 || num(r.list()[0].(map[string]any)["id"]) != p.ID {
		t.Fatalf("status=trash: %s", r.Raw)
	}
	wantError(t, s.get("/wp-json/wp/v2/posts?status=trash"), http.StatusBadRequest, "rest_invalid_param")
	// Its editors reach it with context=edit (to restore or delete it); nobody reads it.
	r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d?context=edit", p.ID), nil)
	wantStatus(t, r, http.StatusOK)
	if r.obj()["status"] != "trash" {
		t.Fatalf("trashed post, context=edit: %s", r.Raw)
	}
	wantError(t, api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), nil), http.StatusForbidden, "rest_forbidden")
	wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID)), http.StatusUnauthorized, "rest_forbidden")
	r = api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/posts/%d?force=true", p.ID), nil)
	wantStatus(t, r, http.StatusOK)
	if prev, _ := r.obj()["previous"].(map[string]any); r.obj()["deleted"] != true || prev["status"] != "trash" {
		t.Fatalf("force delete: %s", r.Raw)
	}
	wantError(t, api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), nil), http.StatusNotFound, "rest_post_invalid_id")
}

// TestRestoreFromTrashREST: WordPress has no untrash route; its clients (the block editor's
// "Restore", wp-cli, the npm client) restore a trashed post by updating its status. A
// published post comes back published with its date and is public again; a draft comes back
// as what the client asks; a trashed post edited without a status stays in the trash.
func TestRestoreFromTrashREST(t *testing.T) {
	s := newSite(t)
	api := s.as(s.Admin)
	p := s.publish(s.Admin, "Coming back", "<p>back</p>")
	r := api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), nil)
	date := r.obj()["date_gmt"]
	wantStatus(t, api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), nil), http.StatusOK)

	// Without a status the post stays in the trash and nothing changes.
	wantError(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), map[string]any{"title": "Edited in the trash"}),
		http.StatusBadRequest, "rest_invalid_param")
	// "trash" is not a status a client may set (WordPress's enum has no trash).
	wantError(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), map[string]any{"status": "trash"}),
		http.StatusBadRequest, "rest_invalid_param")
	r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d?context=edit", p.ID), nil)
	if r.obj()["status"] != "trash" || r.obj()["title"].(map[string]any)["raw"] != "Coming back" {
		t.Fatalf("a refused edit changed the trashed post: %s", r.Raw)
	}

	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), map[string]any{"status": "publish"})
	wantStatus(t, r, http.StatusOK)
	if r.obj()["status"] != "publish" || r.obj()["date_gmt"] != date {
		t.Fatalf("restored: status %v date %v, want publish %v: %s", r.obj()["status"], r.obj()["date_gmt"], date, r.Raw)
	}
	r = s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID))
	wantStatus(t, r, http.StatusOK)
	// Out of the trash for good: a DELETE trashes it again instead of answering 410.
	wantStatus(t, api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), nil), http.StatusOK)
	r = api(http.MethodPut, fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), map[string]any{"status": "draft", "title": "Back as a draft"})
	wantStatus(t, r, http.StatusOK)
	if r.obj()["status"] != "draft" || r.obj()["title"].(map[string]any)["raw"] != "Back as a draft" {
		t.Fatalf("restored as a draft: %s", r.Raw)
	}
	r = api(http.MethodGet, "/wp-json/wp/v2/posts?status=trash", nil)
	if len(r.list()) != 0 {
		t.Fatalf("the trash still lists the restored post: %s", r.Raw)
	}

	// Pages restore the same way.
	pg := s.publish(s.Admin, "A page", "<p>page</p>", func(in *posts.Input) { in.Type = broadside.TypePage })
	wantStatus(t, api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/pages/%d", pg.ID), nil), http.StatusOK)
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/pages/%d", pg.ID), map[string]any{"status": "publish"})
	if r.obj()["status"] != "publish" {
		t.Fatalf("restored page: %s", r.Raw)
	}
	// Only its editors may restore it.
	wantStatus(t, api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), nil), http.StatusOK)
	wantError(t, s.do(call{method: http.MethodPost, path: fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), body: map[string]any{"status": "publish"}}),
		http.StatusUnauthorized, "rest_cannot_edit")
}
