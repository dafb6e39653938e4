package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/store"
)

// alternates returns the feed auto-discovery links of a page as "type title href" lines.
func alternates(t *testing.T, body string) []string {
	var out []string
	for _, l := range find(parseHTML(t, body), func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "alternate" }) {
		out = append(out, attr(l, "type")+" "+attr(l, "title")+" "+attr(l, "href"))
	}
	return out
}

func metaNamed(doc *html.Node, name string) (string, bool) {
	for _, m := range find(doc, func(n *html.Node) bool { return n.Data == "meta" && attr(n, "name") == name }) {
		return attr(m, "content"), true
	}
	return "", false
}

func TestAutoDiscoveryAndStructuredData(t *testing.T) {
	t.Parallel()
	fs := newFeedSite(t)
	ta, b := fs.ta, fs.ta.browser()
	base := ta.Srv.URL
	site := []string{
		"application/rss+xml Feed & Test » Feed " + base + "/feed/",
		"application/atom+xml Feed & Test » Atom Feed " + base + "/feed/atom/",
		"application/feed+json Feed & Test » JSON Feed " + base + "/feed/json/",
		"application/rss+xml Feed & Test » Comments Feed " + base + "/comments/feed/",
	}
	// The ActivityStreams form of what has one (ActivityPub): the site actor on the home
	// page, each post or page readers may see (a password-protected one has none).
	activityAlternates := map[string]string{
		"/":                     "application/activity+json Feed & Test " + base + "/activitypub/site",
		ta.postPath(fs.second):  "application/activity+json Second story " + base + ta.postPath(fs.second),
		ta.postPath(fs.members): "application/activity+json Members story " + base + ta.postPath(fs.members),
		"/about-us/":            "application/activity+json About us " + base + "/about-us/",
	}
	for path, extra := range map[string]string{
		"/":                          "",
		"/category/news/":            "application/rss+xml Feed & Test » News Category Feed " + base + "/category/news/feed/",
		"/tag/council/":              "application/rss+xml Feed & Test » Council Tag Feed " + base + "/tag/council/feed/",
		"/author/ed/":                "application/rss+xml Feed & Test » Posts by ed Feed " + base + "/author/ed/feed/",
		ta.postPath(fs.second):       "application/rss+xml Feed & Test » Second story Comments Feed " + base + ta.postPath(fs.second) + "feed/",
		ta.postPath(fs.members):      "", // the discussion of a subscriber-only post has no public feed
		"/no-such-page/":             "",
		"/search?q=story":            "",
		"/2026/02/":                  "",
		ta.postPath(fs.protected):    "",
		"/about-us/":                 "application/rss+xml Feed & Test » About us Comments Feed " + base + "/about-us/feed/",
		"/?s=nothing-matches-this-1": "",
	} {
		r := b.get(path)
		want := append([]string(nil), site...)
		if extra != "" {
			want = append(want, extra)
		}
		if as := activityAlternates[path]; as != "" {
			want = append(want, as)
		}
		if got := alternates(t, r.Body); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("GET %s (%d): feed links\n%s\nwant\n%s", path, r.StatusCode, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}

	// A post with a featured image: a large Twitter card and JSON-LD Article.
	doc := parseHTML(t, b.get(ta.postPath(fs.second)).Body)
	for name, want := range map[string]string{"twitter:card": "summary_large_image", "twitter:title": "Second story",
		"twitter:image": "https://img.example/council.jpg", "twitter:image:alt": "The council chamber"} {
		if got, _ := metaNamed(doc, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	ld := jsonLD(t, doc)
	if ld["@context"] != "https://schema.org" || ld["@type"] != "Article" || ld["headline"] != "Second story" ||
		ld["url"] != base+ta.postPath(fs.second) || ld["datePublished"] != "2026-02-14T10:00:00Z" || ld["dateModified"] == nil ||
		ld["mainEntityOfPage"].(map[string]any)["@id"] != base+ta.postPath(fs.second) ||
		ld["author"].(map[string]any)["name"] != "ed" || ld["publisher"].(map[string]any)["name"] != "Feed & Test" ||
		ld["image"].([]any)[0] != "https://img.example/council.jpg" || ld["isAccessibleForFree"] != nil {
		t.Fatalf("JSON-LD: %v", ld)
	}
	// Without an image: a summary card; a subscriber-only post says it is not free.
	doc = parseHTML(t, b.get(ta.postPath(fs.members)).Body)
	if got, _ := metaNamed(doc, "twitter:card"); got != "summary" {
		t.Errorf("twitter:card without an image = %q", got)
	}
	if ld := jsonLD(t, doc); ld["isAccessibleForFree"] != false {
		t.Errorf("members post JSON-LD isAccessibleForFree = %v", ld["isAccessibleForFree"])
	}
	// Pages and archives have no Article.
	for _, path := range []string{"/", "/about-us/", "/category/news/"} {
		if n := len(find(parseHTML(t, b.get(path).Body), isJSONLD)); n != 0 {
			t.Errorf("GET %s: %d JSON-LD scripts", path, n)
		}
	}
}

// TestJSONLDHostileTitle: a title that tries to close the script element stays data.
func TestJSONLDHostileTitle(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	const evil = `</script><script>alert(1)</script> <!-- & "x" \u2028`
	p := ta.publish(ed, evil, "Body.", func(in *posts.Input) { in.FeaturedImageURL, in.FeaturedImageAlt = "/wp-content/uploads/x.jpg", "X" })
	r := ta.browser().get(ta.postPath(p))
	if strings.Count(r.Body, "<script") != 2 { // comments.js and the JSON-LD
		t.Fatalf("a script element was injected:\n%s", r.Body)
	}
	doc := parseHTML(t, r.Body)
	ld := jsonLD(t, doc)
	if ld["headline"] != evil {
		t.Fatalf("headline %q", ld["headline"])
	}
	// A featured image given as a site path becomes absolute for cards and JSON-LD.
	abs := ta.Srv.URL + "/wp-content/uploads/x.jpg"
	if got, _ := metaNamed(doc, "twitter:image"); got != abs || ld["image"].([]any)[0] != abs {
		t.Fatalf("image %q / %v", got, ld["image"])
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Fatalf("CSP %q", csp)
	}
}

func isJSONLD(n *html.Node) bool {
	return n.Data == "script" && attr(n, "type") == "application/ld+json"
}

func jsonLD(t *testing.T, doc *html.Node) map[string]any {
	t.Helper()
	scripts := find(doc, isJSONLD)
	if len(scripts) != 1 {
		t.Fatalf("%d JSON-LD scripts", len(scripts))
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(textOf(scripts[0])), &v); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, textOf(scripts[0]))
	}
	return v
}

type sitemapDoc struct {
	XMLName xml.Name
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

func getSitemap(t *testing.T, b *browser, path string) sitemapDoc {
	t.Helper()
	r := b.get(path)
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/xml; charset=UTF-8" {
		t.Fatalf("GET %s: %d %q", path, r.StatusCode, r.Header.Get("Content-Type"))
	}
	var d sitemapDoc
	if err := xml.Unmarshal([]byte(r.Body), &d); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if d.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" {
		t.Fatalf("GET %s: namespace %q", path, d.XMLName.Space)
	}
	return d
}

func TestSitemapsAndRobots(t *testing.T) {
	t.Parallel()
	fs := newFeedSite(t, withCache())
	ta, b := fs.ta, fs.ta.browser()
	base := ta.Srv.URL

	r := b.get("/robots.txt")
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "text/plain; charset=utf-8" ||
		r.Body != "User-agent: *\nDisallow: /admin/\nAllow: /\n\nSitemap: "+base+"/sitemap.xml\n" {
		t.Fatalf("robots.txt: %d %q\n%s", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
	}

	idx := getSitemap(t, b, "/sitemap.xml")
	var maps []string
	for _, s := range idx.Sitemaps {
		maps = append(maps, strings.TrimPrefix(s.Loc, base)+" "+s.LastMod)
	}
	want := "/sitemap-posts.xml 2026-03-01T12:00:00Z|/sitemap-pages.xml 2026-03-01T12:00:00Z|" +
		"/sitemap-categories.xml 2026-03-01T12:00:00Z|/sitemap-tags.xml 2026-03-01T12:00:00Z"
	if idx.XMLName.Local != "sitemapindex" || strings.Join(maps, "|") != want {
		t.Fatalf("sitemap index:\n%s\nwant\n%s", strings.Join(maps, "|"), want)
	}

	locs := func(d sitemapDoc) string {
		var out []string
		for _, u := range d.URLs {
			if u.LastMod == "" {
				t.Errorf("%s has no lastmod", u.Loc)
			}
			out = append(out, strings.TrimPrefix(u.Loc, base))
		}
		return strings.Join(out, " ")
	}
	// Public posts only, oldest first: no drafts, scheduled or password-protected posts.
	if got, want := locs(getSitemap(t, b, "/sitemap-posts.xml")), strings.Join([]string{ta.postPath(fs.first),
		ta.postPath(fs.second), ta.postPath(fs.third), ta.postPath(fs.members)}, " "); got != want {
		t.Fatalf("posts sitemap: %s\nwant %s", got, want)
	}
	if got := locs(getSitemap(t, b, "/sitemap-pages.xml")); got != "/ /about-us/" {
		t.Fatalf("pages sitemap: %s", got)
	}
	if got := locs(getSitemap(t, b, "/sitemap-categories.xml")); got != "/category/news/local/ /category/news/ /category/uncategorized/" {
		t.Fatalf("categories sitemap: %s", got)
	}
	if got := locs(getSitemap(t, b, "/sitemap-tags.xml")); got != "/tag/council/" {
		t.Fatalf("tags sitemap: %s", got)
	}
	if r := b.get("/sitemap-posts-2.xml"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("sitemap-posts-2.xml with 4 posts: %d", r.StatusCode)
	}
	for _, path := range []string{"/sitemap-posts-1.xml", "/sitemap-posts-02.xml", "/sitemap-posts-x.xml"} {
		if r := b.get(path); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, r.StatusCode)
		}
	}
}

// TestSitemapPagination: more than 2,000 posts spill into /sitemap-posts-2.xml.
func TestSitemapPagination(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	ctx := context.Background()
	cat, err := ta.App.Store.CategoryBySlug(ctx, broadside.DefaultCategorySlug)
	if err != nil {
		t.Fatal(err)
	}
	const n = 2003
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	err = ta.App.Store.InTx(ctx, func(tx *store.Store) error {
		for i := range n {
			p := &broadside.Post{Type: broadside.TypePost, AuthorID: ed.ID, Title: "Post " + strconv.Itoa(i), Slug: "post-" + strconv.Itoa(i),
				RawBody: "x", BodyFormat: broadside.FormatMarkdown, Status: broadside.StatusPublished,
				PublishedAt: at.Add(time.Duration(i) * time.Minute), Categories: []broadside.Category{*cat}}
			if err := tx.CreatePost(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ta.App.Changed()
	b := ta.browser()
	idx := getSitemap(t, b, "/sitemap.xml")
	if len(idx.Sitemaps) != 4 || idx.Sitemaps[1].Loc != ta.Srv.URL+"/sitemap-posts-2.xml" {
		t.Fatalf("index: %+v", idx.Sitemaps)
	}
	if p1, p2 := getSitemap(t, b, "/sitemap-posts.xml"), getSitemap(t, b, "/sitemap-posts-2.xml"); len(p1.URLs) != 2000 || len(p2.URLs) != 3 ||
		!strings.HasSuffix(p2.URLs[2].Loc, "/post-2002/") {
		t.Fatalf("pages of 2000: %d and %d", len(p1.URLs), len(p2.URLs))
	}
	if r := b.get("/sitemap-posts-3.xml"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("sitemap-posts-3.xml: %d", r.StatusCode)
	}
}
