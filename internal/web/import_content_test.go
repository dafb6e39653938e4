package web_test

import (
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/importer"
)

// TestImportedMoreInsideHeading: an export whose <!--more--> sits inside a heading is
// stored with the heading whole, and the post page shows the heading once, well-formed.
func TestImportedMoreInsideHeading(t *testing.T) {
	t.Parallel()
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

// TestImportedRightToLeftText: a Persian post written with dir="auto" paragraphs keeps them
// on its page and in its feed; a hostile dir value does not get through.
func TestImportedRightToLeftText(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.importWXR(writeWXR(t, "http://example.org", wxrItem(map[string]string{"title": "سلام", "post_id": "8", "post_name": "salam",
		"link": "http://example.org/2012/05/10/salam/",
		"content": `<p dir="auto">این یک متن فارسی است.</p>` + "\n\n" + `<p dir="auto" lang="fa">پاراگراف دوم <span dir="ltr">English</span></p>` +
			"\n\n" + `<p dir="auto&quot; onmouseover=&quot;alert(1)">حمله</p>`}, "")), importer.Options{})
	p := ta.titled("سلام")
	r := ta.browser().get(ta.postPath(p))
	wantOK(t, r)
	for _, want := range []string{`<p dir="auto">این یک متن فارسی است.</p>`, `<p dir="auto" lang="fa">پاراگراف دوم <span dir="ltr">English</span></p>`, `<p>حمله</p>`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the page misses %s", want)
		}
	}
	if strings.Contains(r.Body, "alert(1)") {
		t.Errorf("the attack got through")
	}
}
