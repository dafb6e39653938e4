package web_test

import (
	"strings"
	"testing"
)

const rdfType = "application/rdf+xml; charset=UTF-8"

// Every spelling of a feed WordPress answers names itself as atom:link rel="self" (WordPress
// writes the requested URL there), so a validator or a reader subscribed to /feed/rss2/ or
// /?feed=rss2 sees the document describe the address it fetched.
func TestFeedSelfLinkIsTheRequestedURL(t *testing.T) {
	t.Parallel()
	fs := newFeedSite(t)
	ta, b := fs.ta, fs.ta.browser()
	base := ta.Srv.URL
	for _, tc := range []struct{ path, ctype string }{
		{"/feed/", rssType},
		{"/feed/rss2/", rssType},
		{"/feed/rss/", rssType},
		{"/feed/atom/", atomType},
		{"/feed/json/", jsonType},
		{"/?feed=rss2", rssType},
		{"/?feed=rss", rssType},
		{"/?feed=atom", atomType},
		{"/comments/feed/", rssType},
		{"/comments/feed/rss2/", rssType},
		{"/comments/feed/atom/", atomType},
		{"/?feed=comments-rss2", rssType},
		{"/?feed=comments-atom", atomType},
		{"/category/news/feed/rss2/", rssType},
		{"/category/news/feed/atom/", atomType},
		{ta.postPath(fs.second) + "feed/rss2/", rssType},
	} {
		f, _ := getFeed(t, b, tc.path, tc.ctype)
		if f.FeedLink != base+tc.path {
			t.Errorf("GET %s: self link %q, want %q", tc.path, f.FeedLink, base+tc.path)
		}
	}
}

// /feed/rdf/ and /?feed=rdf answer RSS 1.0 (RDF) as WordPress's feed-rdf.php does, not RSS 2.0.
func TestFeedRDF(t *testing.T) {
	t.Parallel()
	fs := newFeedSite(t)
	ta, b := fs.ta, fs.ta.browser()
	base := ta.Srv.URL
	for _, path := range []string{"/feed/rdf/", "/?feed=rdf", "/category/news/feed/rdf/"} {
		f, r := getFeed(t, b, path, rdfType)
		if f.FeedType != "rss" || f.FeedVersion != "1.0" || !strings.Contains(r.Body, `<rdf:RDF`) ||
			!strings.Contains(r.Body, `xmlns="http://purl.org/rss/1.0/"`) {
			t.Fatalf("GET %s: %s %s\n%.600s", path, f.FeedType, f.FeedVersion, r.Body)
		}
		if f.Title != "Feed & Test" && !strings.HasPrefix(f.Title, "Feed & Test »") || f.Link != base+"/" && !strings.HasPrefix(f.Link, base+"/category/") {
			t.Fatalf("GET %s: channel %q %q", path, f.Title, f.Link)
		}
	}
	f, r := getFeed(t, b, "/feed/rdf/", rdfType)
	if got := itemTitles(f); got != "Members story|Protected story|Third story|Second story|First story" {
		t.Fatalf("items %q", got)
	}
	for _, it := range f.Items {
		if it.Title != "Second story" {
			continue
		}
		if it.Link != base+ta.postPath(fs.second) || it.Authors[0].Name != "ed" || !strings.Contains(it.Content, "The rest of two.") ||
			it.Published != "2026-02-14T10:00:00Z" {
			t.Fatalf("item %+v", it)
		}
	}
	// Each item is listed in the channel's rdf:Seq, as RSS 1.0 requires.
	if n := strings.Count(r.Body, "<rdf:li "); n != 5 {
		t.Fatalf("%d rdf:li in\n%s", n, r.Body)
	}
}
