package web_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
)

// TestImportedAttachmentComments: comments written on an attachment's page are kept, with
// their threading, on the page of the post the attachment belongs to (also when the post
// comes after the attachment in the file), and the export writes them back under the
// attachment. Comments on an attachment that belongs to no post are shown on a page of the
// attachment's own (see import_unattached_comments_test.go).
func TestImportedAttachmentComments(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	const base = "http://example.org"
	att := func(id, parent, name string, comments string) string {
		return wxrItem(map[string]string{"title": name, "post_id": id, "post_name": name, "post_type": "attachment", "status": "inherit",
			"post_parent": parent, "link": base + "/" + name + "/", "attachment_url": base + "/wp-content/uploads/2012/05/" + name + ".jpg"}, comments)
	}
	sum := ta.importWXR(writeWXR(t, base,
		wxrItem(map[string]string{"title": "Holiday", "post_id": "42", "post_name": "holiday", "link": base + "/2012/05/10/holiday/", "content": "Photos."},
			wxrComment("90", "0", "Ann", "On the post."))+
			att("50", "42", "beach", wxrComment("101", "100", "Cid", "A reply before its parent.")+wxrComment("100", "0", "Bob", "Lovely beach!"))+
			att("51", "45", "dunes", wxrComment("102", "0", "Dee", "The dunes!"))+
			att("52", "0", "loose", wxrComment("103", "0", "Eve", "Nobody's photo."))+
			wxrItem(map[string]string{"title": "Later", "post_id": "45", "post_name": "later", "link": base + "/2012/05/10/later/", "content": "Later."}, "")),
		importer.Options{})
	if len(sum.Skipped) != 0 {
		t.Errorf("skipped: %+v", sum.Skipped)
	}
	// The attachment that belongs to no post shows its comment on a page of its own.
	if r := ta.browser().get("/attachment/52/"); !strings.Contains(r.Body, "Nobody's photo.") && !strings.Contains(r.Body, "Nobody&#39;s photo.") {
		t.Errorf("the loose attachment's page (%d) misses its comment", r.StatusCode)
	}
	holiday := ta.titled("Holiday")
	cs := ta.comments(holiday.ID)
	byID := map[int64]broadside.Comment{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	if len(cs) != 3 || byID[100].AuthorName != "Bob" || byID[101].ParentID != 100 || byID[90].AuthorName != "Ann" {
		t.Fatalf("comments of Holiday: %+v", cs)
	}
	later := ta.titled("Later")
	if cs := ta.comments(later.ID); len(cs) != 1 || cs[0].ID != 102 {
		t.Fatalf("comments of Later: %+v", cs)
	}
	page := ta.browser().get(ta.postPath(holiday))
	wantOK(t, page)
	for _, want := range []string{"Lovely beach!", "A reply before its parent.", "On the post."} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the post page misses %q", want)
		}
	}
	var out bytes.Buffer
	if err := ta.App.WordPress.Export(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	x := out.String()
	// Each comment is inside the item it was written on.
	item := func(marker string) string {
		i := strings.Index(x, marker)
		if i < 0 {
			t.Fatalf("the export has no %s", marker)
		}
		start := strings.LastIndex(x[:i], "<item>")
		end := strings.Index(x[i:], "</item>")
		return x[start : i+end]
	}
	beach := item("<wp:post_name><![CDATA[beach]]></wp:post_name>")
	if !strings.Contains(beach, "Lovely beach!") || !strings.Contains(beach, "A reply before its parent.") ||
		!strings.Contains(beach, "<wp:comment_parent>100</wp:comment_parent>") {
		t.Errorf("the attachment's item lacks its comments:\n%s", beach)
	}
	post := item("<wp:post_name><![CDATA[holiday]]></wp:post_name>")
	if strings.Contains(post, "Lovely beach!") || !strings.Contains(post, "On the post.") {
		t.Errorf("the post's item:\n%s", post)
	}
	if dunes := item("<wp:post_name><![CDATA[dunes]]></wp:post_name>"); !strings.Contains(dunes, "The dunes!") {
		t.Errorf("the dunes' item lacks its comment")
	}
}
