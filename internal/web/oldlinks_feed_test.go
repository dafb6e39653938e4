package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestOldFeedLinks: the feed addresses a WordPress site served answer with RSS on an
// imported site. (The feeds themselves are internal/feeds' and feed_routes.go's; this only
// checks that the old addresses reach them with imported content.)
func TestOldFeedLinks(t *testing.T) {
	t.Parallel()
	ta := tutdApp(t)
	b := ta.browser()
	post := ta.postPath(ta.titled("Template: Comments"))
	for _, path := range []string{"/feed/", "/feed", "/comments/feed/", post + "feed/", "/category/parent/feed/", "/tag/content/feed/",
		"/author/themedemos/feed/", "/?feed=rss2"} {
		r := b.get(path)
		if r.StatusCode >= 300 && r.StatusCode < 400 { // /feed → /feed/
			r = b.follow(r)
		}
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "rss") || !strings.Contains(r.Body, "<rss") {
			t.Errorf("%s: %d %q", path, r.StatusCode, r.Header.Get("Content-Type"))
		}
	}
	// A post's feed carries its imported comments.
	if r := b.get(post + "feed/"); !strings.Contains(r.Body, "<item>") {
		t.Error("the post's comment feed has no items")
	}
}
