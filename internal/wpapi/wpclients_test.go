package wpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// go-wordpress sends "content":{} and "title":{} (objects without raw) on every update, and
// WordPress leaves those fields alone; so does null.
func TestAPIUpdateWithEmptyObjectsKeepsFields(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	api := s.as(s.Admin)
	p := s.publish(s.Admin, "Kept title", "<p>Kept body.</p>")
	for _, body := range []string{
		`{"content":{},"title":{},"excerpt":{}}`,
		`{"content":null,"title":null,"excerpt":null}`,
		`{"content":{"rendered":"<p>ignored</p>"},"title":{"rendered":"ignored"}}`,
	} {
		r := s.do(call{method: http.MethodPost, path: fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), body: body,
			user: s.Admin.Login, pass: s.appPassword(s.Admin), header: map[string]string{"Content-Type": "application/json"}})
		wantStatus(t, r, http.StatusOK)
		got, err := s.App.Posts.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Kept title" || got.RawBody != "<p>Kept body.</p>" {
			t.Fatalf("%s: title %q, body %q", body, got.Title, got.RawBody)
		}
	}
	// A comment's content the same way.
	c := &broadside.Comment{PostID: p.ID, AuthorName: "Al", RawBody: "Kept comment.", Status: broadside.CommentApproved}
	if err := s.App.Store.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	r := api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/comments/%d", c.ID), map[string]any{"content": map[string]any{}})
	wantStatus(t, r, http.StatusOK)
	if got, _ := s.App.Comments.Get(ctx, c.ID); got == nil || got.RawBody != "Kept comment." {
		t.Fatalf("comment after {} update: %+v", got)
	}
}

// Go's zero time, "0001-01-01T00:00:00", is what go-wordpress sends for a date it was not
// given. It is not silently replaced with now: the request is refused naming the field, and
// the post is unchanged.
func TestAPIZeroDateRefused(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	p := s.publish(s.Admin, "Dated", "<p>x</p>")
	for _, body := range []string{
		`{"title":"x","date":"0001-01-01T00:00:00"}`,
		`{"title":"x","date_gmt":"0001-01-01T00:00:00"}`,
		`{"title":"x","date":"0001-01-01T00:00:00Z"}`,
		`{"title":"x","date":"0999-12-31T23:59:59"}`,
	} {
		param := "date"
		if strings.Contains(body, "date_gmt") {
			param = "date_gmt"
		}
		for _, path := range []string{"/wp-json/wp/v2/posts", fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID)} {
			r := s.do(call{method: http.MethodPost, path: path, body: body, user: s.Admin.Login, pass: s.appPassword(s.Admin),
				header: map[string]string{"Content-Type": "application/json"}})
			data := wantError(t, r, http.StatusBadRequest, "rest_invalid_param")
			if params, _ := data["params"].(map[string]any); params[param] == nil {
				t.Errorf("%s %s: params %v lack %s", path, body, data["params"], param)
			}
		}
	}
	got, _ := s.App.Posts.Get(ctx, p.ID)
	if got.Title != "Dated" || !got.PublishedAt.Equal(p.PublishedAt) {
		t.Fatalf("refused update changed the post: %+v", got)
	}
}

// A comment with replies links them as WordPress does: _links.children, embeddable, to
// /wp/v2/comments?parent=ID. Replies held for moderation count for moderators only.
func TestAPICommentChildrenLink(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	p := s.publish(s.Admin, "Talk", "<p>x</p>")
	add := func(parent int64, status broadside.CommentStatus) *broadside.Comment {
		c := &broadside.Comment{PostID: p.ID, ParentID: parent, AuthorName: "Al", RawBody: "Hi.", Status: status}
		if err := s.App.Store.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	top := add(0, broadside.CommentApproved)
	reply := add(top.ID, broadside.CommentApproved)
	lonely := add(0, broadside.CommentApproved)
	heldParent := add(0, broadside.CommentApproved)
	add(heldParent.ID, broadside.CommentPending)

	children := func(o map[string]any) string {
		links, _ := o["_links"].(map[string]any)
		l, _ := links["children"].([]any)
		if len(l) == 0 {
			return ""
		}
		first, _ := l[0].(map[string]any)
		if first["embeddable"] != true {
			t.Errorf("children link not embeddable: %v", first)
		}
		h, _ := first["href"].(string)
		return h
	}
	want := func(c *broadside.Comment) string {
		return fmt.Sprintf("%s/wp-json/wp/v2/comments?parent=%d", s.Srv.URL, c.ID)
	}
	// One comment, then the list (both shapes readers get).
	if got := children(s.get(fmt.Sprintf("/wp-json/wp/v2/comments/%d", top.ID)).obj()); got != want(top) {
		t.Fatalf("children of a comment with a reply: %q, want %q", got, want(top))
	}
	r := s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d", p.ID))
	wantStatus(t, r, http.StatusOK)
	seen := map[int64]string{}
	for _, it := range r.list() {
		o, _ := it.(map[string]any)
		seen[num(o["id"])] = children(o)
	}
	if seen[top.ID] != want(top) || seen[reply.ID] != "" || seen[lonely.ID] != "" || seen[heldParent.ID] != "" {
		t.Fatalf("children links for a reader: %v", seen)
	}
	// The link leads to the replies.
	r = s.get(fmt.Sprintf("/wp-json/wp/v2/comments?parent=%d", top.ID))
	if l := r.list(); len(l) != 1 || num(l[0].(map[string]any)["id"]) != reply.ID {
		t.Fatalf("children: %s", r.Raw)
	}
	// A moderator is told of the held reply.
	api := s.as(s.Admin)
	if got := children(api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/comments/%d?context=edit", heldParent.ID), nil).obj()); got != want(heldParent) {
		t.Fatalf("moderator: children %q", got)
	}
}

// Every reader gets a post's version-history link (with the count) and, once it has
// revisions, its predecessor-version link, as WordPress's prepare_links gives them; the
// revisions themselves stay for those who may edit the post.
func TestAPIVersionHistoryLinksForEveryReader(t *testing.T) {
	s := newSite(t)
	api := s.as(s.Admin)
	r := api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "Rev", "content": "one", "status": "publish"})
	wantStatus(t, r, http.StatusCreated)
	id := num(r.obj()["id"])
	wantStatus(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"content": "two"}), http.StatusOK)
	edited := api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d?context=edit", id), nil).obj()["_links"].(map[string]any)

	for _, path := range []string{fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), "/wp-json/wp/v2/posts"} {
		r := s.get(path)
		wantStatus(t, r, http.StatusOK)
		o := r.obj()
		if o == nil {
			o, _ = r.list()[0].(map[string]any)
		}
		links, _ := o["_links"].(map[string]any)
		vh, _ := links["version-history"].([]any)
		pv, _ := links["predecessor-version"].([]any)
		if len(vh) != 1 || len(pv) != 1 {
			t.Fatalf("GET %s: links %v", path, links)
		}
		v, p := vh[0].(map[string]any), pv[0].(map[string]any)
		base := fmt.Sprintf("%s/wp-json/wp/v2/posts/%d/revisions", s.Srv.URL, id)
		if v["href"] != base || num(v["count"]) < 1 || p["href"] != fmt.Sprintf("%s/%d", base, num(p["id"])) {
			t.Fatalf("GET %s: version-history %v, predecessor-version %v", path, v, p)
		}
		// The same links an editor sees.
		if fmt.Sprint(links["version-history"]) != fmt.Sprint(edited["version-history"]) ||
			fmt.Sprint(links["predecessor-version"]) != fmt.Sprint(edited["predecessor-version"]) {
			t.Fatalf("reader %v, editor %v", links, edited)
		}
		// Following it still needs the right to edit.
		wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d/revisions", id)), http.StatusUnauthorized, "rest_cannot_read")
	}
}

// Anonymous REST comments: Broadside behaves as WordPress does with its
// rest_allow_anonymous_comments filter returning true (WordPress's default is false, which
// answers 401 rest_comment_login_required). Broadside accepts them because every anonymous
// API comment is held for a moderator, whatever the site's moderation mode, and goes through
// the same service rules and site-wide rate limit as the form; so nothing is published
// without a human's look. With the filter on, WordPress then asks for name and e-mail when
// the site requires them (400 rest_comment_author_data_required); so does Broadside.
func TestAPIAnonymousCommentsAreAllowedAndHeld(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	p := s.publish(s.Admin, "Open", "<p>x</p>")
	set, _ := s.App.Settings.Load(ctx)
	set.Discussion.ModerationMode, set.Discussion.RequireNameEmail = broadside.ModeratePublish, true
	if err := s.App.Settings.Save(ctx, set, s.Admin); err != nil {
		t.Fatal(err)
	}
	post := func(body map[string]any) *reply {
		return s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/comments", body: body})
	}
	r := post(map[string]any{"post": p.ID, "author_name": "Anon", "author_email": "anon@example.net", "content": "Hello."})
	wantStatus(t, r, http.StatusCreated)
	if r.obj()["status"] != "hold" {
		t.Fatalf("anonymous API comment on a site that publishes comments: %v", r.obj()["status"])
	}
	data := wantError(t, post(map[string]any{"post": p.ID, "content": "No name."}), http.StatusBadRequest, "rest_comment_author_data_required")
	if params, _ := data["params"].(map[string]any); params["author_name"] == nil || params["author_email"] == nil {
		t.Fatalf("params %v", data["params"])
	}
}

// ping_status is kept per post as WordPress keeps it: what a client sets is what it reads
// back. A new post's is "closed", as on a WordPress site whose discussion settings do not
// allow link notifications, since Broadside takes no pingbacks or trackbacks.
func TestAPIPingStatusIsKeptPerPost(t *testing.T) {
	s := newSite(t)
	api := s.as(s.Admin)
	r := api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "Pings", "status": "publish"})
	wantStatus(t, r, http.StatusCreated)
	if r.obj()["ping_status"] != "closed" {
		t.Fatalf("new post: ping_status %v", r.obj()["ping_status"])
	}
	id := num(r.obj()["id"])
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"ping_status": "open"})
	wantStatus(t, r, http.StatusOK)
	if r.obj()["ping_status"] != "open" {
		t.Fatalf("after setting open: %v", r.obj()["ping_status"])
	}
	if got := s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d", id)).obj()["ping_status"]; got != "open" {
		t.Fatalf("read back: %v", got)
	}
	// An update that does not name it keeps it.
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", id), map[string]any{"title": "Pings 2"})
	if r.obj()["ping_status"] != "open" {
		t.Fatalf("after an update without ping_status: %v", r.obj()["ping_status"])
	}
	r = api(http.MethodPost, "/wp-json/wp/v2/pages", map[string]any{"title": "Page pings", "ping_status": "open"})
	wantStatus(t, r, http.StatusCreated)
	if r.obj()["ping_status"] != "open" {
		t.Fatalf("page: %v", r.obj()["ping_status"])
	}
}
