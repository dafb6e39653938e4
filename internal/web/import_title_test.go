package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
)

// TestTitlesWithMarkup: a title with inline markup keeps it, sanitized as WordPress's kses
// does for titles: headings show it, the page's <title>, feeds and og tags show its text,
// the REST API gives title.raw as written and title.rendered sanitized, and the export writes
// it back. Attack strings in titles never reach any of them as markup.
func TestTitlesWithMarkup(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	const attack = `Evil <em onmouseover="alert(2)">hover</em> <a href="javascript:alert(3)">link</a> <b style="x:expression(alert(4))">bold</b>`
	ta.importWXR(writeWXR(t, "http://example.org",
		wxrItem(map[string]string{"title": "<![CDATA[Title <em>With</em> Markup &amp; more]]>", "post_id": "42", "post_name": "title-with-markup",
			"link": "http://example.org/2012/05/10/title-with-markup/", "content": "Body."}, "")+
			wxrItem(map[string]string{"title": "<![CDATA[" + attack + "]]>", "post_id": "43", "post_name": "evil",
				"link": "http://example.org/2012/05/10/evil/", "content": "Body."}, "")), importer.Options{})
	p := ta.titled("Title With Markup & more")
	if p.RawTitleMarkup != "Title <em>With</em> Markup &amp; more" {
		t.Fatalf("markup %q", p.RawTitleMarkup)
	}
	b := ta.browser()
	page := b.get(ta.postPath(p))
	wantOK(t, page)
	for _, want := range []string{`<h1 class="entry-title">Title <em>With</em> Markup &amp; more</h1>`,
		`<title>Title With Markup &amp; more – `, `<meta property="og:title" content="Title With Markup &amp; more">`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the post page misses %s", want)
		}
	}
	home := b.get("/")
	if !strings.Contains(home.Body, `rel="bookmark">Title <em>With</em> Markup &amp; more</a></h2>`) {
		t.Errorf("the home page's heading lost the markup")
	}
	rss := b.get("/feed/")
	if !strings.Contains(rss.Body, "<title>Title With Markup &amp; more</title>") {
		t.Errorf("the feed's title is not the text form")
	}
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	_, body := ta.api(admin, http.MethodGet, fmt.Sprintf("/wp/v2/posts/%d?context=edit", p.ID), nil)
	title := body.(map[string]any)["title"].(map[string]any)
	if title["raw"] != "Title <em>With</em> Markup &amp; more" || title["rendered"] != "Title <em>With</em> Markup &amp; more" {
		t.Errorf("REST title: %v", title)
	}
	// An update through the API that does not send the title keeps its markup.
	ta.api(admin, http.MethodPost, fmt.Sprintf("/wp/v2/posts/%d", p.ID), map[string]any{"excerpt": "x"})
	if got, _ := ta.App.Posts.Get(context.Background(), p.ID); got.RawTitleMarkup != p.RawTitleMarkup {
		t.Errorf("an update without a title changed it to %q", got.RawTitleMarkup)
	}
	var out bytes.Buffer
	if err := ta.App.WordPress.Export(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Title &lt;em&gt;With&lt;/em&gt; Markup &amp;amp; more") &&
		!strings.Contains(out.String(), "<![CDATA[Title <em>With</em> Markup &amp; more]]>") {
		t.Errorf("the export lost the title's markup")
	}

	// The attack: nothing executable anywhere it is shown.
	evil := ta.titled("Evil hover link bold")
	_, body = ta.api(nil, http.MethodGet, fmt.Sprintf("/wp/v2/posts/%d", evil.ID), nil)
	rendered := body.(map[string]any)["title"].(map[string]any)["rendered"].(string)
	for _, shown := range []string{b.get(ta.postPath(evil)).Body, b.get("/").Body, b.get("/feed/").Body, b.get("/feed/atom/").Body, rendered} {
		low := strings.ToLower(shown)
		for _, bad := range []string{"alert(", "onmouseover", "javascript:", "onerror", "<img src=x"} {
			if strings.Contains(low, bad) {
				i := strings.Index(low, bad)
				t.Errorf("%q got through: …%s…", bad, shown[max(0, i-80):min(len(shown), i+80)])
			}
		}
	}
	if !strings.Contains(rendered, "<em>hover</em>") {
		t.Errorf("the allowed markup of the attack title is gone: %s", rendered)
	}
}
