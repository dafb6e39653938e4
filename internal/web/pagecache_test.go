package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// TestPageCache: anonymous readers get the cached page (also through tracking links), a
// change purges it at once, and personalised requests bypass it.
func TestPageCache(t *testing.T) {
	ta := newTestApp(t, withCache())
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Viral", "Everyone is reading this.")
	path := ta.postPath(p)
	anon := ta.browser()

	first := anon.get(path)
	etag := first.Header.Get("ETag")
	if first.StatusCode != 200 || etag == "" {
		t.Fatalf("first GET: %d etag %q", first.StatusCode, etag)
	}
	// Change the post behind the cache's back (straight to the store): a cached copy is served.
	raw, _ := ta.App.Store.PostByID(context.Background(), p.ID)
	raw.Title = "Edited behind the cache"
	if err := ta.App.Store.UpdatePost(context.Background(), raw); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "?utm_source=twitter&utm_medium=social", "?fbclid=IwAR0abc"} {
		r := anon.get(path + q)
		if r.Header.Get("ETag") != etag || strings.Contains(r.Body, "Edited behind the cache") {
			t.Fatalf("GET %s%s was not served from the cache", path, q)
		}
	}
	// A conditional GET gets 304.
	req, _ := http.NewRequest(http.MethodGet, ta.Srv.URL+path, nil)
	req.Header.Set("If-None-Match", etag)
	if r := anon.do(req); r.StatusCode != http.StatusNotModified {
		t.Fatalf("conditional GET: %d", r.StatusCode)
	}
	// Other query strings and signed-in users bypass the cache.
	if r := anon.get(path + "?replytocom=1"); !strings.Contains(r.Body, "Edited behind the cache") {
		t.Fatal("a query string that changes the page was served from the cache")
	}
	if r := ta.signIn(ed).get(path); !strings.Contains(r.Body, "Edited behind the cache") {
		t.Fatal("a signed-in editor was served the anonymous cached page")
	}
	// A change through the services purges the cache at once.
	ta.settings(func(s *broadside.Settings) { s.Tagline = "Purged" })
	if r := anon.get(path); !strings.Contains(r.Body, "Edited behind the cache") || r.Header.Get("ETag") == etag {
		t.Fatal("the cache was not purged by a settings change")
	}
}
