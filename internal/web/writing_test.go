package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

var crossSite = map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}

// TestImportedHTMLRoundTrip: an imported post with nested HTML, opened in the editor and
// saved without a change, keeps its body byte for byte.
func TestImportedHTMLRoundTrip(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	body := "<div class=\"wp-block\"><p>Nested <strong>bold <em>and <a href=\"https://example.org/?a=1&amp;b=2\">linked</a></em></strong> &amp; more</p>\n" +
		"<ul><li>one<ul><li>two &lt;three&gt;</li></ul></li></ul>\n<blockquote><p>“Quote”</p></blockquote>\n<!--more-->\n<table><tr><td>cell</td></tr></table></div>"
	p := ta.publish(admin, "Imported", body, func(in *posts.Input) { in.BodyFormat = broadside.FormatHTML })
	b := ta.signIn(admin)
	r := b.get(fmt.Sprintf("/admin/posts/%d", p.ID))
	wantStatus(t, r, http.StatusOK)
	f := formValues(t, r.Body, fmt.Sprintf("/admin/posts/%d", p.ID))
	if f.Get("body") != body {
		t.Fatalf("the editor shows a different body:\n%q\nwant\n%q", f.Get("body"), body)
	}
	f.Set("action", "update")
	wantRedirect(t, b.post(fmt.Sprintf("/admin/posts/%d", p.ID), f), fmt.Sprintf("/admin/posts/%d", p.ID))
	got, err := ta.App.Posts.Get(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.RawBody != body || got.BodyFormat != broadside.FormatHTML || got.Status != broadside.StatusPublished {
		t.Fatalf("round trip changed the post: format %s status %s body\n%q", got.BodyFormat, got.Status, got.RawBody)
	}
}

// TestRevisionsAdmin: every save keeps a revision; the revisions page compares two with the
// text escaped; restoring one makes it current and keeps a revision of its own; restoring
// across sites is refused.
func TestRevisionsAdmin(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	b := ta.signIn(admin)
	p := ta.publish(admin, "First title", "Line one\nLine <script>two</script>")
	f := editorForm("Second title", "Line one\nLine <b>changed</b>", "published")
	f.Set("action", "update")
	wantRedirect(t, b.post(fmt.Sprintf("/admin/posts/%d", p.ID), f), fmt.Sprintf("/admin/posts/%d", p.ID))
	revs, err := ta.App.Posts.Revisions(context.Background(), p.ID, admin)
	if err != nil || len(revs) != 2 {
		t.Fatalf("revisions = %d, %v", len(revs), err)
	}
	r := b.get(fmt.Sprintf("/admin/posts/%d", p.ID))
	if !strings.Contains(r.Body, `id="revisions-link"`) || !strings.Contains(r.Body, "Revisions (2)") {
		t.Fatal("the editor does not link the revisions")
	}
	r = b.get(fmt.Sprintf("/admin/posts/%d/revisions", p.ID))
	wantStatus(t, r, http.StatusOK)
	if strings.Contains(r.Body, "<script>two") || !strings.Contains(r.Body, "&lt;script&gt;two") {
		t.Fatal("the comparison does not escape the text")
	}
	if !strings.Contains(r.Body, "<del>First </del>") || !strings.Contains(r.Body, "<ins>Second </ins>") {
		t.Fatalf("the comparison does not mark the changed words:\n%s", r.Body)
	}
	wantStatus(t, b.get(fmt.Sprintf("/admin/posts/%d/revisions?from=999999", p.ID)), http.StatusNotFound)

	old := revs[1].ID
	path := fmt.Sprintf("/admin/posts/%d/revisions/%d/restore", p.ID, old)
	if r := b.postWith(path, url.Values{}, crossSite); r.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site restore: %d", r.StatusCode)
	}
	if got, _ := ta.App.Posts.Get(context.Background(), p.ID); got.Title != "Second title" {
		t.Fatal("a refused restore changed the post")
	}
	wantRedirect(t, b.post(path, url.Values{}), fmt.Sprintf("/admin/posts/%d", p.ID))
	got, _ := ta.App.Posts.Get(context.Background(), p.ID)
	if got.Title != "First title" || got.RawBody != "Line one\nLine <script>two</script>" {
		t.Fatalf("restored post: %q %q", got.Title, got.RawBody)
	}
	if revs, _ := ta.App.Posts.Revisions(context.Background(), p.ID, admin); len(revs) != 3 {
		t.Fatalf("the restore kept no revision: %d", len(revs))
	}
	// Another author may not see or restore them.
	other := ta.signIn(ta.user("o@example.org", broadside.RoleAuthor))
	wantStatus(t, other.get(fmt.Sprintf("/admin/posts/%d/revisions", p.ID)), http.StatusForbidden)
	wantStatus(t, other.post(path, url.Values{}), http.StatusForbidden)
}

// TestAutosaveAdmin: the editor autosaves a published post apart from it and offers the
// autosave after a reload; a draft is autosaved in place; a new post becomes a draft; the
// editor says autosave needs JavaScript when it is off.
func TestAutosaveAdmin(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	b := ta.signIn(admin)
	p := ta.publish(admin, "Live title", "Live body")
	r := b.get(fmt.Sprintf("/admin/posts/%d", p.ID))
	if !strings.Contains(r.Body, `id="autosave-noscript"`) || !strings.Contains(r.Body, "Autosave needs JavaScript") {
		t.Fatal("no notice for editors without JavaScript")
	}
	if strings.Contains(r.Body, `id="autosave-prompt"`) {
		t.Fatal("an autosave is offered before there is one")
	}
	ta.Clock.Advance(time.Minute)
	path := fmt.Sprintf("/admin/posts/%d/autosave", p.ID)
	if r := b.postWith(path, url.Values{"title": {"x"}}, crossSite); r.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site autosave: %d", r.StatusCode)
	}
	r = b.post(path, url.Values{"title": {"Live title, edited"}, "body": {"Unsaved body"}})
	wantStatus(t, r, http.StatusOK)
	var rep struct {
		OK   bool   `json:"ok"`
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal([]byte(r.Body), &rep); err != nil || !rep.OK || rep.Kind != "autosave" {
		t.Fatalf("autosave reply: %s", r.Body)
	}
	if got, _ := ta.App.Posts.Get(context.Background(), p.ID); got.Title != "Live title" || got.RawBody != "Live body" {
		t.Fatal("the autosave changed the live post")
	}
	wantStatus(t, ta.browser().get(ta.postPath(p)), http.StatusOK)
	if strings.Contains(ta.browser().get(ta.postPath(p)).Body, "Unsaved body") {
		t.Fatal("readers see the autosave")
	}
	if a, err := ta.App.Posts.Autosaves(context.Background(), p.ID, admin); err != nil || len(a) != 1 {
		t.Fatalf("autosaves: %+v %v", a, err)
	} else if cur, _ := ta.App.Posts.Get(context.Background(), p.ID); !a[0].CreatedAt.After(cur.UpdatedAt) {
		t.Fatalf("autosave at %v, post updated %v", a[0].CreatedAt, cur.UpdatedAt)
	}
	r = b.get(fmt.Sprintf("/admin/posts/%d", p.ID))
	if !strings.Contains(r.Body, "There is an autosave of this post that is more recent than the version below.") {
		t.Fatal("the editor does not offer the autosave")
	}
	r = b.get(fmt.Sprintf("/admin/posts/%d?autosave=1", p.ID))
	f := formValues(t, r.Body, fmt.Sprintf("/admin/posts/%d", p.ID))
	if f.Get("title") != "Live title, edited" || f.Get("body") != "Unsaved body" || !strings.Contains(r.Body, `id="autosave-loaded"`) {
		t.Fatalf("restoring the autosave did not fill the editor: %v", f)
	}
	// Saving it publishes the edits and drops the autosave.
	f.Set("action", "update")
	wantRedirect(t, b.post(fmt.Sprintf("/admin/posts/%d", p.ID), f), fmt.Sprintf("/admin/posts/%d", p.ID))
	if got, _ := ta.App.Posts.Get(context.Background(), p.ID); got.RawBody != "Unsaved body" {
		t.Fatal("the restored autosave was not saved")
	}
	if strings.Contains(b.get(fmt.Sprintf("/admin/posts/%d", p.ID)).Body, `id="autosave-prompt"`) {
		t.Fatal("the autosave is still offered after saving")
	}

	// A new post becomes a draft on its first autosave; later autosaves update it in place.
	r = b.post("/admin/posts/new/autosave?type=post", url.Values{"title": {"Fresh idea"}, "body": {"Typing"}})
	wantStatus(t, r, http.StatusOK)
	var created struct {
		ID      int64  `json:"id"`
		EditURL string `json:"edit_url"`
		Kind    string `json:"kind"`
	}
	if err := json.Unmarshal([]byte(r.Body), &created); err != nil || created.ID == 0 || created.Kind != "draft" {
		t.Fatalf("new post autosave: %s", r.Body)
	}
	r = b.post(created.EditURL+"/autosave", url.Values{"title": {"Fresh idea"}, "body": {"Typing more"}})
	wantStatus(t, r, http.StatusOK)
	d, _ := ta.App.Posts.Get(context.Background(), created.ID)
	if d.Status != broadside.StatusDraft || d.RawBody != "Typing more" {
		t.Fatalf("draft after autosave: %s %q", d.Status, d.RawBody)
	}
}

// TestTrashAdmin: moving to the trash hides the post from readers at once; the Trash tab
// lists it and All does not; restore brings its status back; Empty trash deletes for good;
// every step is a POST guarded against other sites.
func TestTrashAdmin(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	b := ta.signIn(admin)
	p := ta.publish(admin, "Binned story", "Body")
	path := ta.postPath(p)
	trash := fmt.Sprintf("/admin/posts/%d/trash", p.ID)
	if r := b.postWith(trash, url.Values{}, crossSite); r.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site trash: %d", r.StatusCode)
	}
	wantStatus(t, ta.browser().get(path), http.StatusOK)
	wantRedirect(t, b.post(trash, url.Values{}), "/admin/posts?type=post")
	wantStatus(t, ta.browser().get(path), http.StatusNotFound)
	wantStatus(t, b.get(path), http.StatusNotFound) // its editors too: restore it first
	if strings.Contains(ta.browser().get("/feed/").Body, "Binned story") {
		t.Fatal("the feed lists a trashed post")
	}
	if strings.Contains(b.get("/admin/posts?type=post").Body, fmt.Sprintf(`id="p-%d"`, p.ID)) {
		t.Fatal("All lists a trashed post")
	}
	r := b.get("/admin/posts?type=post&status=trash")
	if !strings.Contains(r.Body, fmt.Sprintf(`id="p-%d"`, p.ID)) || !strings.Contains(r.Body, `id="empty-trash"`) {
		t.Fatal("the Trash tab does not list it")
	}
	r = b.get(fmt.Sprintf("/admin/posts/%d", p.ID))
	if !strings.Contains(r.Body, `id="trashed-note"`) {
		t.Fatal("the editor does not say the post is in the trash")
	}
	wantRedirect(t, b.post(fmt.Sprintf("/admin/posts/%d/restore", p.ID), url.Values{}), fmt.Sprintf("/admin/posts/%d", p.ID))
	wantStatus(t, ta.browser().get(path), http.StatusOK)

	wantRedirect(t, b.post(trash, url.Values{}), "/admin/posts?type=post")
	if r := b.postWith("/admin/posts/empty-trash", url.Values{"type": {"post"}}, crossSite); r.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site empty trash: %d", r.StatusCode)
	}
	wantRedirect(t, b.post("/admin/posts/empty-trash", url.Values{"type": {"post"}}), "/admin/posts?type=post&status=trash")
	if _, err := ta.App.Posts.Get(context.Background(), p.ID); broadside.ErrorCode(err) != broadside.ENOTFOUND {
		t.Fatalf("emptied post still there: %v", err)
	}
}

// TestBulkActions: each bulk action goes through the posts service, so an author's bulk
// action skips posts that are not theirs; delete permanently only takes trashed posts.
func TestBulkActions(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	author := ta.user("w@example.org", broadside.RoleAuthor)
	mine := ta.publish(author, "Mine", "x")
	theirs := ta.publish(admin, "Theirs", "y")
	draft, err := ta.App.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: "Draft", Status: broadside.StatusDraft}, author)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(ps ...*broadside.Post) []string {
		var out []string
		for _, p := range ps {
			out = append(out, fmt.Sprint(p.ID))
		}
		return out
	}
	b := ta.signIn(author)
	if r := b.postWith("/admin/posts/bulk", url.Values{"bulk_action": {"trash"}, "ids": ids(mine)}, crossSite); r.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site bulk: %d", r.StatusCode)
	}
	r := b.post("/admin/posts/bulk", url.Values{"bulk_action": {"trash"}, "type": {"post"}, "ids": ids(mine, theirs)})
	wantRedirect(t, r, "/admin/posts?type=post")
	if got, _ := ta.App.Posts.Get(ctx, mine.ID); got.Status != broadside.StatusTrash {
		t.Fatalf("own post: %s", got.Status)
	}
	if got, _ := ta.App.Posts.Get(ctx, theirs.ID); got.Status != broadside.StatusPublished {
		t.Fatal("an author trashed someone else's post")
	}
	// Delete permanently refuses what is not in the trash.
	b.post("/admin/posts/bulk", url.Values{"bulk_action": {"delete"}, "type": {"post"}, "ids": ids(mine, draft)})
	if _, err := ta.App.Posts.Get(ctx, mine.ID); broadside.ErrorCode(err) != broadside.ENOTFOUND {
		t.Fatal("delete permanently left a trashed post")
	}
	if _, err := ta.App.Posts.Get(ctx, draft.ID); err != nil {
		t.Fatal("delete permanently took a post that was not in the trash")
	}
	// An editor publishes, switches to draft and sets categories in bulk.
	ed := ta.signIn(admin)
	cat := &broadside.Category{Name: "Politics", Slug: "politics"}
	if err := ta.App.Store.CreateCategory(ctx, cat); err != nil {
		t.Fatal(err)
	}
	wantRedirect(t, ed.post("/admin/posts/bulk", url.Values{"bulk_action": {"publish"}, "type": {"post"}, "ids": ids(draft)}), "/admin/posts?type=post")
	if got, _ := ta.App.Posts.Get(ctx, draft.ID); got.Status != broadside.StatusPublished {
		t.Fatalf("bulk publish: %s", got.Status)
	}
	ed.post("/admin/posts/bulk", url.Values{"bulk_action": {"category"}, "category": {fmt.Sprint(cat.ID)}, "type": {"post"}, "ids": ids(draft, theirs)})
	for _, p := range []*broadside.Post{draft, theirs} {
		if got, _ := ta.App.Posts.Get(ctx, p.ID); len(got.Categories) != 1 || got.Categories[0].ID != cat.ID {
			t.Fatalf("bulk category: %+v", got.Categories)
		}
	}
	ed.post("/admin/posts/bulk", url.Values{"bulk_action": {"draft"}, "type": {"post"}, "ids": ids(theirs)})
	if got, _ := ta.App.Posts.Get(ctx, theirs.ID); got.Status != broadside.StatusDraft {
		t.Fatalf("bulk draft: %s", got.Status)
	}
	r = ed.get("/admin/posts?type=post")
	if !strings.Contains(r.Body, `id="select-all"`) || !strings.Contains(r.Body, `name="ids"`) {
		t.Fatal("the list has no select-all or row boxes")
	}
}

// TestPurgeTrashJob: the daily job deletes what was trashed more than 30 days ago and keeps
// the rest (time injected).
func TestPurgeTrashJob(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	old := ta.publish(admin, "Old", "x")
	recent := ta.publish(admin, "Recent", "y")
	if _, err := ta.App.Posts.Trash(ctx, old.ID, admin); err != nil {
		t.Fatal(err)
	}
	ta.Clock.Advance(20 * 24 * time.Hour)
	if _, err := ta.App.Posts.Trash(ctx, recent.ID, admin); err != nil {
		t.Fatal(err)
	}
	ta.Clock.Advance(11 * 24 * time.Hour) // old: 31 days in the trash; recent: 11
	if err := ta.App.Posts.EnqueuePurge(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ta.App.Posts.EnqueuePurge(ctx); err != nil { // the same day: one job
		t.Fatal(err)
	}
	ta.drainJobs()
	if _, err := ta.App.Posts.Get(ctx, old.ID); broadside.ErrorCode(err) != broadside.ENOTFOUND {
		t.Fatalf("31 days in the trash and not purged: %v", err)
	}
	if got, err := ta.App.Posts.Get(ctx, recent.ID); err != nil || got.Status != broadside.StatusTrash {
		t.Fatalf("11 days in the trash: %v", err)
	}
}

// TestSharedPreview: a signed preview link shows an unpublished post to a colleague without
// an account, as its public page, uncached and unindexed, until it is revoked, expires or the
// post is published; a tampered link shows nothing.
func TestSharedPreview(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	b := ta.signIn(admin)
	d, err := ta.App.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: "Embargoed scoop", Body: "Secret body", Status: broadside.StatusDraft}, admin)
	if err != nil {
		t.Fatal(err)
	}
	share := fmt.Sprintf("/admin/posts/%d/preview-link", d.ID)
	if r := b.postWith(share, url.Values{}, crossSite); r.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site share: %d", r.StatusCode)
	}
	b.post(share, url.Values{})
	link := func() string {
		t.Helper()
		f := parseHTML(t, b.get(fmt.Sprintf("/admin/posts/%d", d.ID)).Body)
		in := byID(f, "preview-link")
		if in == nil {
			return ""
		}
		u, _ := url.Parse(attr(in, "value"))
		return u.Path
	}
	p := link()
	if !strings.HasPrefix(p, "/preview/") {
		t.Fatalf("no preview link shown: %q", p)
	}
	colleague := ta.browser()
	r := colleague.get(p)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "Embargoed scoop") || !strings.Contains(r.Body, "Secret body") || !strings.Contains(r.Body, `content="noindex`) {
		t.Fatalf("preview page:\n%s", r.Body)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "private, no-store" {
		t.Fatalf("Cache-Control = %q", cc)
	}
	// A newer autosave is what the colleague sees.
	ta.Clock.Advance(time.Minute)
	if _, _, err := ta.App.Posts.Autosave(ctx, d.ID, posts.AutosaveInput{Title: "Embargoed scoop, v2", Body: "Secret body"}, ta.user("e@example.org", broadside.RoleEditor)); err != nil {
		t.Fatal(err)
	}
	if r := colleague.get(p); !strings.Contains(r.Body, "Embargoed scoop, v2") {
		t.Fatal("the preview does not show the latest autosave")
	}
	wantStatus(t, colleague.get(p[:len(p)-2]+"xx"), http.StatusNotFound)
	wantStatus(t, colleague.get(fmt.Sprintf("/preview/%d-guess", d.ID)), http.StatusNotFound)

	b.post(share+"/revoke", url.Values{})
	wantStatus(t, colleague.get(p), http.StatusNotFound)
	b.post(share, url.Values{})
	p2 := link()
	wantStatus(t, colleague.get(p2), http.StatusOK)
	ta.Clock.Advance(49 * time.Hour)
	wantStatus(t, colleague.get(p2), http.StatusNotFound)
	b.post(share, url.Values{})
	p3 := link()
	wantStatus(t, colleague.get(p3), http.StatusOK)
	in := posts.InputOf(d)
	in.Status = broadside.StatusPublished
	in.PublishedAt = time.Time{}
	if _, err := ta.App.Posts.Save(ctx, d.ID, in, admin); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, colleague.get(p3), http.StatusNotFound)
}
