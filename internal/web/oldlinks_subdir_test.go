package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/importer"
)

// subdirWXR is a WordPress site installed at http://example.org/blog: its links all live
// below /blog, in a date-and-name structure, with attachment pages of both kinds (below their
// post, and WordPress's ?attachment_id= for an unattached one).
func subdirWXR(t *testing.T) string {
	const base = "http://example.org/blog"
	return writeWXR(t, base, `<wp:category><wp:term_id>7</wp:term_id><wp:category_nicename><![CDATA[news]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
`+wxrItem(map[string]string{"title": "Hello", "link": base + "/2012/05/hello/", "post_id": "42", "post_name": "hello"},
		`<category domain="category" nicename="news"><![CDATA[News]]></category>`)+
		wxrItem(map[string]string{"title": "Second", "link": base + "/2012/06/second/", "post_id": "43", "post_name": "second", "post_date": "2012-06-01 09:00:00"}, "")+
		wxrItem(map[string]string{"title": "About", "link": base + "/about/", "post_id": "60", "post_name": "about", "post_type": "page"}, "")+
		wxrItem(map[string]string{"title": "photo", "link": base + "/2012/05/hello/photo/", "post_id": "50", "post_name": "photo",
			"post_type": "attachment", "status": "inherit", "post_parent": "42", "attachment_url": base + "/wp-content/uploads/2012/05/photo.jpg"}, "")+
		wxrItem(map[string]string{"title": "loose", "link": base + "/?attachment_id=51", "post_id": "51", "post_name": "loose",
			"post_type": "attachment", "status": "inherit", "attachment_url": base + "/wp-content/uploads/2012/05/loose.jpg"}, ""))
}

// TestOldLinksOfSiteInSubdirectory: a site that WordPress served from /blog keeps every old
// address working: plain links, its permalinks, attachment pages, pages, archives and feeds
// below /blog answer 301 to where the content lives now, in one hop.
func TestOldLinksOfSiteInSubdirectory(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.importWXR(subdirWXR(t), importer.Options{})
	set, err := ta.App.Store.LoadSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The structure is the old one without the directory the old site lived in.
	if set.PermalinkStructure != "/%year%/%monthnum%/%postname%/" {
		t.Errorf("adopted structure %q", set.PermalinkStructure)
	}
	b := ta.browser()
	hello := "/2012/05/hello/"
	photo := "http://example.org/blog/wp-content/uploads/2012/05/photo.jpg"
	loose := "http://example.org/blog/wp-content/uploads/2012/05/loose.jpg"
	for from, to := range map[string]string{
		"/blog/?p=42":                hello,
		"/blog/?p=42&replytocom=3":   hello + "?replytocom=3",
		"/blog/2012/05/hello/":       hello,
		"/blog/2012/05/hello":        hello,
		"/blog/2012/05/hello/feed/":  hello + "feed/",
		"/blog/2012/05/hello/photo/": photo,
		"/blog/?attachment_id=50":    photo,
		"/blog/?attachment_id=51":    loose,
		"/blog/?p=51":                loose,
		"/blog/?page_id=60":          "/about/",
		"/blog/about/":               "/about/",
		"/blog/category/news/":       "/category/news/",
		"/blog/?cat=7":               "/category/news/",
		"/blog/feed/":                "/feed/",
		"/blog/feed/atom/":           "/feed/atom/",
		"/blog/?feed=rss2":           "/?feed=rss2",
		"/blog/":                     "/",
		"/blog":                      "/",
		"/blog/2012/06/":             "/2012/06/",
	} {
		r := b.get(from)
		loc := r.Header.Get("Location")
		if u, err := url.Parse(loc); err == nil && u.Host == "127.0.0.1" || strings.HasPrefix(loc, ta.Srv.URL) {
			loc = strings.TrimPrefix(loc, ta.Srv.URL)
		}
		if r.StatusCode != http.StatusMovedPermanently || loc != to {
			t.Errorf("%s: %d to %q, want 301 to %q", from, r.StatusCode, loc, to)
		}
	}
	wantOK(t, b.get(hello))
	// Nothing else is claimed: an unknown id below /blog is still a 404.
	if r := b.get("/blog/?p=999"); r.StatusCode != 404 {
		t.Errorf("/blog/?p=999: %d", r.StatusCode)
	}
}
