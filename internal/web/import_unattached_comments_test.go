package web_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/testdb"
)

// Comments on an attachment that belongs to no post (issue 13, defect 2): WordPress shows
// them on the attachment's page. They are imported with their threading onto a page of the
// attachment's own, which its old addresses lead to; the moderation list shows them, and the
// export writes them back under the attachment, so a round trip keeps them.
func TestImportUnattachedMediaComments(t *testing.T) { t.Parallel(); runUnattachedMediaComments(t) }

func TestImportUnattachedMediaCommentsOnPostgres(t *testing.T) {
	t.Parallel()
	runUnattachedMediaComments(t, withDSN(testdb.Postgres(t)))
}

func runUnattachedMediaComments(t *testing.T, opts ...appOption) {
	ta := newTestApp(t, opts...)
	sum := ta.importWXR(wxrFixture("unattached-media-comments.xml"), importer.Options{})
	if len(sum.Skipped) != 0 {
		for _, s := range sum.Skipped {
			if strings.Contains(s.Reason, "comment") {
				t.Errorf("comments skipped: %+v", sum.Skipped)
			}
		}
	}
	page := checkAttachmentPage(t, ta, "/?attachment_id=77", "/sunset/")

	// Comment pages of the attachment's page are served like a post's; nonsense is not.
	ta.settings(func(s *broadside.Settings) { s.Discussion.PerPage = 1 })
	if r := ta.browser().get("/attachment/77/comment-page-1/"); r.StatusCode != 200 || !strings.Contains(r.Body, "Where was this taken?") {
		t.Errorf("comment page 1: %d", r.StatusCode)
	}
	for _, bad := range []string{"/attachment/77/comment-page-x/", "/attachment/77/other/", "/attachment/78/", "/attachment/x/"} {
		if r := ta.browser().get(bad); r.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", bad, r.StatusCode)
		}
	}

	// The moderation list shows them, linked to the attachment's page.
	admin := ta.user("admin@example.com", broadside.RoleAdmin)
	q := ta.signIn(admin).get("/admin/comments?status=approved")
	wantOK(t, q)
	for _, want := range []string{"Where was this taken?", "Thank you, taken from the pier.", "/attachment/77/"} {
		if !strings.Contains(q.Body, want) {
			t.Errorf("the moderation list misses %q", want)
		}
	}
	// The page is never listed: not on the home page, in the feed, the sitemap or search.
	for _, path := range []string{"/", "/feed/", "/sitemap.xml", "/?s=sunset"} {
		if r := ta.browser().get(path); strings.Contains(r.Body, "/attachment/77/") || strings.Contains(r.Body, "attachment-77") {
			t.Errorf("%s lists the attachment's page", path)
		}
	}

	// The export writes both comments under the attachment's item, the reply with its parent.
	var out bytes.Buffer
	if err := ta.App.WordPress.Export(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	x := out.String()
	i := strings.Index(x, "<wp:post_name><![CDATA[sunset]]></wp:post_name>")
	if i < 0 {
		t.Fatalf("the export has no attachment item:\n%s", x)
	}
	item := x[strings.LastIndex(x[:i], "<item>") : i+strings.Index(x[i:], "</item>")]
	if !strings.Contains(item, "Where was this taken?") || !strings.Contains(item, "Thank you, taken from the pier.") ||
		!strings.Contains(item, "<wp:comment_parent>500</wp:comment_parent>") {
		t.Errorf("the attachment's item lacks its comments:\n%s", item)
	}
	if strings.Contains(x, "attachment-77") {
		t.Errorf("the export lists the attachment's page as an item")
	}
	if page.CommentsOpen {
		t.Errorf("the attachment's page is open for new comments")
	}

	// Broadside export -> Broadside import keeps them.
	path := filepath.Join(t.TempDir(), "again.xml")
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	again := newTestApp(t, opts...)
	again.importWXR(path, importer.Options{})
	checkAttachmentPage(t, again, "/?attachment_id=77")
}

// checkAttachmentPage checks that the attachment's old addresses lead to its page, which
// shows the image with its caption and both comments, threaded, and returns the page.
func checkAttachmentPage(t *testing.T, ta *testApp, oldPaths ...string) *broadside.Post {
	t.Helper()
	for _, old := range oldPaths {
		r := ta.browser().get(old)
		if r.StatusCode != 301 || !strings.HasSuffix(r.Header.Get("Location"), "/attachment/77/") {
			t.Errorf("%s: %d to %q, want the attachment's page", old, r.StatusCode, r.Header.Get("Location"))
		}
	}
	r := ta.browser().get("/attachment/77/")
	wantOK(t, r)
	for _, want := range []string{"Where was this taken?", "Thank you, taken from the pier.", "The harbour at dusk",
		`alt="Boats at sunset"`, "sunset.jpg"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the attachment's page misses %q", want)
		}
	}
	p, err := ta.App.Store.PostBySlug(context.Background(), broadside.TypeAttachment, broadside.AttachmentPageSlug(77))
	if err != nil {
		t.Fatalf("no page for the attachment: %v", err)
	}
	cs := ta.comments(p.ID)
	byID := map[int64]broadside.Comment{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	if len(cs) != 2 || byID[500].AuthorName != "Bob" || byID[501].ParentID != 500 {
		t.Fatalf("comments of the attachment: %+v", cs)
	}
	if p.CommentCount != 2 {
		t.Errorf("comment count %d, want 2", p.CommentCount)
	}
	return p
}
