package web_test

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strconv"
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

func TestPageCacheGzip(t *testing.T) {
	ta := newTestApp(t, withCache())
	p := ta.publish(ta.user("ed@example.org", broadside.RoleEditor), "Long", strings.Repeat("A paragraph of text. ", 200))
	b := ta.browser()
	preq, _ := http.NewRequest(http.MethodGet, ta.Srv.URL+ta.postPath(p), nil)
	preq.Header.Set("Accept-Encoding", "identity") // Go's client would ask for gzip itself
	plain := b.do(preq)
	if plain.Header.Get("Content-Encoding") != "" {
		t.Fatal("a client that does not accept gzip got it")
	}
	req, _ := http.NewRequest(http.MethodGet, ta.Srv.URL+ta.postPath(p), nil)
	req.Header.Set("Accept-Encoding", "gzip")
	// The transport would transparently decompress; read the raw bytes instead.
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatalf("not gzip: %v (Content-Encoding %q)", err, res.Header.Get("Content-Encoding"))
	}
	body, _ := io.ReadAll(zr)
	if string(body) != plain.Body || !varies(res.Header, "Accept-Encoding") || res.Header.Get("ETag") == plain.Header.Get("ETag") {
		t.Fatalf("gzip response differs: vary %q etags %q %q", res.Header.Values("Vary"), res.Header.Get("ETag"), plain.Header.Get("ETag"))
	}
	if n, _ := strconv.Atoi(res.Header.Get("Content-Length")); n >= len(plain.Body)/2 {
		t.Fatalf("compressed %d bytes of %d", n, len(plain.Body))
	}
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	res2, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusNotModified {
		t.Fatalf("conditional gzip GET: %d", res2.StatusCode)
	}
}
