package web_test

import (
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/importer"
)

// TestImportAttachmentCommentsWhosePostIsMissing: an attachment names a post the file does
// not hold; once the whole file is read, its comments (held until then) go on a page of the
// attachment's own, with their threading, as for an attachment that belongs to no post.
func TestImportAttachmentCommentsWhosePostIsMissing(t *testing.T) {
	ta := newTestApp(t)
	const base = "http://example.org"
	sum := ta.importWXR(writeWXR(t, base,
		wxrItem(map[string]string{"title": "orphan", "post_id": "53", "post_name": "orphan", "post_type": "attachment", "status": "inherit",
			"post_parent": "77", "link": base + "/orphan/", "attachment_url": base + "/wp-content/uploads/2012/05/orphan.jpg"},
			wxrComment("105", "104", "Gus", "A reply to Fay.")+wxrComment("104", "0", "Fay", "Whose photo is this?"))),
		importer.Options{})
	if len(sum.Skipped) != 0 {
		t.Errorf("skipped: %+v", sum.Skipped)
	}
	r := ta.browser().get("/attachment/53/")
	fay, gus := strings.Index(r.Body, "Whose photo is this?"), strings.Index(r.Body, "A reply to Fay.")
	if r.StatusCode != 200 || fay < 0 || gus < fay {
		t.Fatalf("the attachment's own page (%d) misses its comments or their order (%d, %d)", r.StatusCode, fay, gus)
	}
}
