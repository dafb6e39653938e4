package web_test

import (
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/importer"
)

// TestImportedMoreInsideHeading: an export whose <!--more--> sits inside a heading is
// stored with the heading whole, and the post page shows the heading once, well-formed.
func TestImportedMoreInsideHeading(t *testing.T) {
	ta := newTestApp(t)
	ta.importWXR(writeWXR(t, "http://example.org", wxrItem(map[string]string{"title": "Code", "post_id": "7", "post_name": "code",
		"link":    "http://example.org/2012/05/10/code/",
		"content": "Intro.\n\n<h3>Source code:<!--more--></h3>\n<pre>x := 1</pre>\n\nAfter."}, "")), importer.Options{})
	p := ta.titled("Code")
	if !strings.Contains(p.RawBody, "<h3>Source code:<!--more--></h3>") || strings.Contains(p.RawBody, "</p>\n<!--more-->") {
		t.Fatalf("stored body: %q", p.RawBody)
	}
	r := ta.browser().get(ta.postPath(p))
	wantOK(t, r)
	if strings.Count(r.Body, "<h3>Source code:</h3>") != 1 || strings.Contains(r.Body, "<h3>Source code:</p>") {
		t.Errorf("the heading is not shown whole once:\n%s", r.Body)
	}
}
