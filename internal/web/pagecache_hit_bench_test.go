package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkCachedHit is the anonymous hit of the seed post page as a load generator asks for
// it (no cookie, no Accept-Encoding), through the whole handler into a writer that keeps
// nothing: the server's own work per hit, without the network and without copying the page.
//
//	go test -run '^$' -bench CachedHit -benchmem -count 10 ./internal/web/
func BenchmarkCachedHit(b *testing.B) {
	ta := newBenchApp(b, true)
	_, path := benchLoadSeed(b, ta)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = "127.0.0.1:40000"
	w := &discardWriter{h: http.Header{}}
	ta.App.Web.ServeHTTP(w, req) // the miss that stores it
	b.ReportAllocs()
	for b.Loop() {
		w.h = http.Header{}
		w.status, w.n = 0, 0
		ta.App.Web.ServeHTTP(w, req)
		if w.status != http.StatusOK || w.n == 0 {
			b.Fatalf("status %d, %d bytes", w.status, w.n)
		}
	}
}
