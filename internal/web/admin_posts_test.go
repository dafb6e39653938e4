package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

func editorForm(title, body, status string) url.Values {
	return url.Values{"title": {title}, "body": {body}, "status": {status}, "action": {"save"}, "comments_open": {"1"}}
}

// postCount counts every post and page in the store.
func (ta *testApp) postCount() int {
	ta.t.Helper()
	_, n, err := ta.App.Posts.List(context.Background(), broadside.PostFilter{Limit: 1})
	if err != nil {
		ta.t.Fatal(err)
	}
	return n
}

func (ta *testApp) category(name string, parent int64) *broadside.Category {
	ta.t.Helper()
	c := &broadside.Category{Name: name, ParentID: parent}
	if err := ta.App.Posts.SaveCategory(context.Background(), c, &broadside.User{ID: 1, Role: broadside.RoleAdmin}); err != nil {
		ta.t.Fatalf("category %q: %v", name, err)
	}
	return c
}

// idFromLocation returns the id at the end of a /admin/posts/{id} redirect.
func idFromLocation(t *testing.T, r *response) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(r.Header.Get("Location"), "/admin/posts/%d", &id); err != nil {
		t.Fatalf("redirect %q: %v\n%s", r.Header.Get("Location"), err, r.Body)
	}
	return id
}

func TestPostEditorCreateAndEdit(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	news := ta.category("News", 0)
	local := ta.category("Local", news.ID)
	b := ta.signIn(admin)

	r := b.get("/admin/posts/new")
	wantStatus(t, r, http.StatusOK)
	doc := parseHTML(t, r.Body)
	boxes := find(doc, func(n *html.Node) bool { return attr(n, "name") == "categories" })
	if len(boxes) != 3 { // uncategorized, News, Local
		t.Fatalf("%d category boxes", len(boxes))
	}
	if li := find(doc, func(n *html.Node) bool { return n.Data == "li" && hasClass(n, "depth-1") }); len(li) != 1 || !strings.Contains(textOf(li[0]), "Local") {
		t.Fatal("subcategory not indented under its parent")
	}
	if in := byID(doc, "published_at"); in == nil || attr(in, "type") != "datetime-local" {
		t.Fatal("no datetime-local publish date")
	}

	f := editorForm("Council votes on budget", "The **vote** was close.", "published")
	f["categories"] = []string{fmt.Sprint(local.ID)}
	f.Set("tags", "council, budget , council")
	f.Set("excerpt", "Short version.")
	r = b.post("/admin/posts/new", f)
	id := idFromLocation(t, r)
	p, err := ta.App.Posts.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != broadside.StatusPublished || p.Slug != "council-votes-on-budget" || len(p.Tags) != 2 ||
		len(p.Categories) != 1 || p.Categories[0].ID != local.ID || !p.CommentsOpen || p.AuthorID != admin.ID {
		t.Fatalf("saved post: %+v", p)
	}
	public := ta.postPath(p)
	r = b.follow(r)
	wantStatus(t, r, http.StatusOK)
	doc = parseHTML(t, r.Body)
	notice := find(doc, func(n *html.Node) bool { return hasClass(n, "notice") })
	if len(notice) != 1 || !strings.Contains(textOf(notice[0]), "Post published. View post") ||
		len(find(notice[0], func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == public })) != 1 {
		t.Fatalf("flash with link to %s missing:\n%s", public, r.Body)
	}
	if pl := byID(doc, "permalink"); pl == nil || !strings.HasSuffix(textOf(pl), public) {
		t.Fatal("permalink not shown")
	}
	if tags := attr(byID(doc, "tags"), "value"); tags != "council, budget" && tags != "budget, council" {
		t.Fatalf("tags field %q", tags)
	}
	wantStatus(t, ta.browser().get(public), http.StatusOK)

	// Edit: new title, explicit slug; the date and categories survive.
	f = editorForm("Council passes budget", p.RawBody, "published")
	f.Set("slug", "budget-passed")
	f.Set("published_at", p.PublishedAt.Format("2006-01-02T15:04"))
	f["categories"] = []string{fmt.Sprint(news.ID), fmt.Sprint(local.ID)}
	wantRedirect(t, b.post(fmt.Sprintf("/admin/posts/%d", id), f), fmt.Sprintf("/admin/posts/%d", id))
	p2, _ := ta.App.Posts.Get(context.Background(), id)
	if p2.Title != "Council passes budget" || p2.Slug != "budget-passed" || !p2.PublishedAt.Equal(p.PublishedAt) || len(p2.Categories) != 2 || p2.CommentsOpen != true {
		t.Fatalf("edited post: %+v", p2)
	}
	// Unticking "Allow comments" closes them.
	f.Del("comments_open")
	b.post(fmt.Sprintf("/admin/posts/%d", id), f)
	if p3, _ := ta.App.Posts.Get(context.Background(), id); p3.CommentsOpen {
		t.Fatal("comments still open")
	}
}

func TestPostPreviewDoesNotSave(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	b := ta.signIn(ta.user("a@example.org", broadside.RoleAuthor))
	f := editorForm("Draft idea", "Some *emphasis* and <script>alert(1)</script>", "published")
	f.Set("action", "preview")
	r := b.post("/admin/posts/new", f)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "<em>emphasis</em>") || strings.Contains(r.Body, "<script>alert") {
		t.Fatalf("preview not rendered safely:\n%s", r.Body)
	}
	// The preview is the public post page (issue 10), kept out of caches and search engines.
	if !strings.Contains(r.Body, "<title>Draft idea") || !strings.Contains(r.Body, `content="noindex`) {
		t.Fatalf("preview is not the public page of the unsaved version:\n%s", r.Body)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "private, no-store" {
		t.Fatalf("preview Cache-Control = %q", cc)
	}
	if n := ta.postCount(); n != 0 {
		t.Fatalf("preview saved %d posts", n)
	}
}

func TestPostEditorValidation(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	ta.publish(admin, "Taken", "x")
	b := ta.signIn(admin)
	cases := []struct {
		name, field, msg string
		mod              func(url.Values)
	}{
		{"empty title when publishing", "title", "A title is required before publishing.", func(f url.Values) { f.Set("title", " ") }},
		{"duplicate slug", "slug", "already used by another post", func(f url.Values) { f.Set("slug", "taken") }},
		{"bad image URL", "featured_image_url", "must be an http(s) URL", func(f url.Values) {
			f.Set("featured_image_url", "javascript:alert(1)")
			f.Set("featured_image_alt", "x")
		}},
		{"image without alt text", "featured_image_alt", "Describe the featured image", func(f url.Values) { f.Set("featured_image_url", "https://img.example/a.jpg") }},
		{"bad date", "published_at", "Enter the date and time", func(f url.Values) { f.Set("published_at", "2026-13-45T99:00") }},
		{"scheduled without date", "published_at", "needs a publish date", func(f url.Values) { f.Set("status", "scheduled") }},
		{"bad status", "status", "Status must be", func(f url.Values) { f.Set("status", "secret") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := ta.postCount()
			f := editorForm("A title", "Body kept <as typed>", "published")
			tc.mod(f)
			r := b.post("/admin/posts/new", f)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			doc := parseHTML(t, r.Body)
			in := byID(doc, tc.field)
			if in == nil || attr(in, "aria-invalid") != "true" {
				t.Fatalf("field %s not marked invalid", tc.field)
			}
			if !strings.Contains(textOf(in.Parent), tc.msg) {
				t.Fatalf("field %s: want message %q, got %q", tc.field, tc.msg, textOf(in.Parent))
			}
			if got := textOf(byID(doc, "body")); got != "Body kept <as typed>" {
				t.Fatalf("body not kept: %q", got)
			}
			if ta.postCount() != before {
				t.Fatal("an invalid form saved a post")
			}
		})
	}
}

func TestSchedulePostInSiteTimeZone(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(func(s *broadside.Settings) { s.Timezone = "America/New_York" })
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	b := ta.signIn(admin)
	f := editorForm("Coming soon", "Later.", "published") // a future date schedules it
	f.Set("published_at", "2026-03-05T09:30")
	r := b.post("/admin/posts/new", f)
	id := idFromLocation(t, r)
	p, _ := ta.App.Posts.Get(context.Background(), id)
	want := time.Date(2026, 3, 5, 14, 30, 0, 0, time.UTC)
	if p.Status != broadside.StatusScheduled || !p.PublishedAt.Equal(want) {
		t.Fatalf("status %s at %s, want scheduled at %s", p.Status, p.PublishedAt, want)
	}
	r = b.follow(r)
	if !strings.Contains(r.Body, "Post scheduled for March 5, 2026 at 9:30 am (America/New_York).") {
		t.Fatalf("flash:\n%s", r.Body)
	}
	doc := parseHTML(t, r.Body)
	if v := attr(byID(doc, "published_at"), "value"); v != "2026-03-05T09:30" {
		t.Fatalf("date field shows %q", v)
	}
	if note := textOf(byID(doc, "status-note")); !strings.Contains(note, "Scheduled for March 5, 2026 at 9:30 am") {
		t.Fatalf("status note %q", note)
	}
	if !strings.Contains(textOf(byID(doc, "permalink")), "/2026/03/05/coming-soon/") {
		t.Fatal("permalink not in the site's zone")
	}
	list := b.get("/admin/posts?type=post&status=scheduled")
	if !strings.Contains(list.Body, "Scheduled for March 5, 2026 at 9:30 am") {
		t.Fatalf("list does not show the scheduled time:\n%s", list.Body)
	}
	wantStatus(t, ta.browser().get("/2026/03/05/coming-soon/"), http.StatusNotFound)
}

func TestPostDelete(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	p := ta.publish(admin, "Doomed", "x")
	b := ta.signIn(admin)
	path := fmt.Sprintf("/admin/posts/%d/delete", p.ID)
	r := b.get(path)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "Doomed") || !strings.Contains(r.Body, `action="`+path+`"`) {
		t.Fatalf("confirm page:\n%s", r.Body)
	}
	wantRedirect(t, b.post(path, nil), "/admin/posts?type=post")
	if _, err := ta.App.Posts.Get(context.Background(), p.ID); broadside.ErrorCode(err) != broadside.ENOTFOUND {
		t.Fatalf("post not deleted: %v", err)
	}
	wantStatus(t, b.get(path), http.StatusNotFound)
	wantStatus(t, b.get("/admin/posts/abc"), http.StatusNotFound)
}

func TestPostRoles(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ann := ta.user("ann@example.org", broadside.RoleAuthor)
	bob := ta.user("bob@example.org", broadside.RoleAuthor)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ann, "Ann's post", "x")
	ta.publish(ed, "Editor's post", "x")
	edit := fmt.Sprintf("/admin/posts/%d", p.ID)

	bb := ta.signIn(bob)
	wantStatus(t, bb.get(edit), http.StatusForbidden)
	wantStatus(t, bb.post(edit, editorForm("Hijacked", "x", "published")), http.StatusForbidden)
	wantStatus(t, bb.get(edit+"/delete"), http.StatusForbidden)
	wantStatus(t, bb.post(edit+"/delete", nil), http.StatusForbidden)
	if got, _ := ta.App.Posts.Get(context.Background(), p.ID); got.Title != "Ann's post" {
		t.Fatal("another author changed the post")
	}
	r := bb.get("/admin/posts")
	wantStatus(t, r, http.StatusOK)
	if strings.Contains(r.Body, "Ann&#39;s post") || strings.Contains(r.Body, "Editor&#39;s post") {
		t.Fatal("an author's list shows other people's posts")
	}
	for _, path := range []string{"/admin/comments", "/admin/categories", "/admin/settings", "/admin/users"} {
		wantStatus(t, bb.get(path), http.StatusForbidden)
	}
	nav := parseHTML(t, bb.get("/admin/").Body)
	if len(find(nav, func(n *html.Node) bool { return attr(n, "href") == "/admin/settings" })) != 0 {
		t.Fatal("authors see the Settings link")
	}

	ab := ta.signIn(ann)
	wantStatus(t, ab.get(edit), http.StatusOK)
	wantRedirect(t, ab.post(edit, editorForm("Ann's post, revised", "x", "published")), edit)

	eb := ta.signIn(ed)
	wantStatus(t, eb.get(edit), http.StatusOK)
	wantRedirect(t, eb.post(edit, editorForm("Edited by the editor", "x", "published")), edit)
	if got, _ := ta.App.Posts.Get(context.Background(), p.ID); got.AuthorID != ann.ID {
		t.Fatal("editing changed the author")
	}
	wantStatus(t, eb.get("/admin/comments"), http.StatusOK)
	wantStatus(t, eb.get("/admin/categories"), http.StatusOK)
	wantStatus(t, eb.get("/admin/settings"), http.StatusForbidden)
	wantStatus(t, eb.get("/admin/users"), http.StatusForbidden)
}

func TestPostListSearchFilterAndPages(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	for i := 1; i <= 23; i++ {
		ta.publish(admin, fmt.Sprintf("Story %02d", i), "x")
	}
	ta.publish(admin, "Needle in a haystack", "x")
	ta.publish(admin, "Unfinished", "x", func(in *posts.Input) { in.Status = broadside.StatusDraft })
	b := ta.signIn(admin)
	rows := func(r *response) int {
		return len(find(parseHTML(t, r.Body), func(n *html.Node) bool { return n.Data == "tr" && strings.HasPrefix(attr(n, "id"), "p-") }))
	}
	r := b.get("/admin/posts?type=post")
	if n := rows(r); n != 20 || !strings.Contains(r.Body, `href="/admin/posts?page=2&amp;type=post"`) {
		t.Fatalf("page 1: %d rows", n)
	}
	if !strings.Contains(r.Body, "All <span class=\"count\">(25)") || !strings.Contains(r.Body, "Drafts <span class=\"count\">(1)") {
		t.Fatal("status tabs without counts")
	}
	if n := rows(b.get("/admin/posts?type=post&page=2")); n != 5 {
		t.Fatalf("page 2: %d rows", n)
	}
	if r := b.get("/admin/posts?type=post&q=needle"); rows(r) != 1 || !strings.Contains(r.Body, "Needle in a haystack") {
		t.Fatal("search does not find the post")
	}
	if r := b.get("/admin/posts?type=post&status=draft"); rows(r) != 1 || !strings.Contains(r.Body, "Unfinished") {
		t.Fatal("status filter")
	}
	if n := rows(b.get("/admin/posts?type=page")); n != 0 {
		t.Fatalf("pages list shows %d posts", n)
	}
}

func TestPageParent(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	b := ta.signIn(admin)
	about := idFromLocation(t, b.post("/admin/posts/new", url.Values{"type": {"page"}, "title": {"About"}, "status": {"published"}}))
	f := url.Values{"type": {"page"}, "title": {"Team"}, "status": {"published"}, "parent": {fmt.Sprint(about)}}
	team := idFromLocation(t, b.post("/admin/posts/new", f))
	if p, _ := ta.App.Posts.Get(context.Background(), team); p.ParentID != about || p.Type != broadside.TypePage {
		t.Fatalf("page: %+v", p)
	}
	// About cannot move under its own subpage, nor under itself.
	for _, parent := range []int64{team, about} {
		r := b.post(fmt.Sprintf("/admin/posts/%d", about), url.Values{"title": {"About"}, "status": {"published"}, "parent": {fmt.Sprint(parent)}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "not this page or one of its subpages") {
			t.Fatalf("no parent error:\n%s", r.Body)
		}
	}
	doc := parseHTML(t, b.get(fmt.Sprintf("/admin/posts/%d", about)).Body)
	opts := find(byID(doc, "parent"), func(n *html.Node) bool { return n.Data == "option" })
	if len(opts) != 1 { // only "(no parent)"
		t.Fatalf("parent choices for About: %d", len(opts))
	}
}
