package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/broadside/broadside"
)

// discardWriter is a ResponseWriter that keeps nothing, so a measurement of the cache hit
// counts the server's work and not the recorder's.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (d *discardWriter) Header() http.Header { return d.h }
func (d *discardWriter) WriteHeader(code int) {
	if d.status == 0 {
		d.status = code
	}
}
func (d *discardWriter) Write(b []byte) (int, error) { d.n += len(b); return len(b), nil }

// TestCachedHitAllocations: an anonymous reader's page served from the page cache — through
// the whole middleware chain (request id, security headers, cross-origin check, audience
// count) — allocates at most a handful of objects per request (the request id, the request
// with its context, the header map's values): no cookie parsing, no session lookup, no
// gzip, no per-request header building.
func TestCachedHitAllocations(t *testing.T) {
	// Not parallel: testing.AllocsPerRun refuses to run in a parallel test.
	ta := newTestApp(t, withCache())
	admin := ta.user("a@example.org", broadside.RoleEditor)
	p := ta.publish(admin, "Cached", "A body long enough to be worth compressing.")
	path := ta.postPath(p)
	for _, enc := range []string{"", "gzip, deflate, br"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = "192.0.2.1:1234"
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		w := &discardWriter{h: http.Header{}}
		ta.App.Web.ServeHTTP(w, req) // the miss that stores it
		w = &discardWriter{h: http.Header{}}
		ta.App.Web.ServeHTTP(w, req)
		if w.status != http.StatusOK || w.h.Get("X-Cache") != "hit" || w.n == 0 {
			t.Fatalf("%q: second request: %d, X-Cache %q, %d bytes", enc, w.status, w.h.Get("X-Cache"), w.n)
		}
		allocs := testing.AllocsPerRun(200, func() {
			w.h = http.Header{}
			w.status, w.n = 0, 0
			ta.App.Web.ServeHTTP(w, req)
		})
		t.Logf("Accept-Encoding %q: %.0f allocations per cached request", enc, allocs)
		if allocs > maxHitAllocs {
			t.Errorf("Accept-Encoding %q: a cache hit allocates %.0f objects, want at most %d", enc, allocs, maxHitAllocs)
		}
	}
	// A hit asks nothing of the database: with it closed the page is still served, fresh.
	if err := ta.App.Store.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, path, nil)
	w := &discardWriter{h: http.Header{}}
	ta.App.Web.ServeHTTP(w, req)
	if w.status != http.StatusOK || w.h.Get("X-Cache") != "hit" {
		t.Errorf("with the database closed: %d, X-Cache %q", w.status, w.h.Get("X-Cache"))
	}
}

// maxHitAllocs counts the test's own header map and the access-log line the test app writes at its
// info level (about six objects; a server at the default warn level skips it).
const maxHitAllocs = 16
