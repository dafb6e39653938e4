package wpapi_test

// Benchmarks of the REST API through the fully wired handler (middleware, routing, services,
// the real SQLite store), without the network. Figures and commands: docs/benchmarks.md.
//
//	go test -run '^$' -bench . -benchmem ./internal/wpapi/

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/config"
)

// noAPILimit turns the site-wide API request limits off: a benchmark is one client making
// thousands of requests a second, which is exactly what they refuse.
func noAPILimit(c *config.Config) { c.Limits.APIPerMinute, c.Limits.APIAnonPerMinute = 0, 0 }

func benchGet(b *testing.B, s *site, path string) {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, s.Srv.URL+path, nil)
	req.RemoteAddr = "127.0.0.1:1234"
	rec := httptest.NewRecorder()
	s.App.Web.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
	}
	b.SetBytes(int64(rec.Body.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.App.Web.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkCommentsEndpoint is GET /wp-json/wp/v2/comments?post=ID&per_page=100 for the
// seed post's 31-comment discussion: one page with every comment, rendered and linked.
func BenchmarkCommentsEndpoint(b *testing.B) {
	s := newSite(b, noAPILimit)
	benchGet(b, s, fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&per_page=100", s.Seed.ID))
}

// BenchmarkCommentsEndpointEmbed adds _embed (the post each comment belongs to).
func BenchmarkCommentsEndpointEmbed(b *testing.B) {
	s := newSite(b, noAPILimit)
	benchGet(b, s, fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&per_page=100&_embed", s.Seed.ID))
}

// BenchmarkPostsEndpoint is GET /wp-json/wp/v2/posts (the seed post, default page of 10).
func BenchmarkPostsEndpoint(b *testing.B) {
	s := newSite(b, noAPILimit)
	benchGet(b, s, "/wp-json/wp/v2/posts")
}

// BenchmarkCommentsEndpointParallel is the comment list with 64 requests at once, as
// bench/run.sh's api-comments target asks it; it reports the largest heap the collector
// found alive (runtime/metrics /gc/heap/live:bytes, sampled through the run), which is
// what many requests at once hold together; idle-live-MB is the site's heap before the load.
func BenchmarkCommentsEndpointParallel(b *testing.B) {
	s := newSite(b, noAPILimit)
	path := fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&per_page=100", s.Seed.ID)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	runtime.GC()
	metrics.Read(sample)
	idle := sample[0].Value.Uint64()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	b.SetParallelism((64 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest(http.MethodGet, s.Srv.URL+path, nil)
		req.RemoteAddr = "127.0.0.1:1234"
		for pb.Next() {
			rec := httptest.NewRecorder()
			s.App.Web.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("status %d", rec.Code)
				return
			}
		}
	})
	b.StopTimer()
	close(stop)
	<-done
	b.ReportMetric(float64(idle)/1e6, "idle-live-MB")
	b.ReportMetric(float64(peak.Load())/1e6, "peak-live-MB")
}
