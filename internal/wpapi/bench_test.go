package wpapi_test

// Benchmarks of the REST API through the fully wired handler (middleware, routing, services,
// the real SQLite store), without the network. Figures and commands: docs/benchmarks.md.
//
//	go test -run '^$' -bench . -benchmem ./internal/wpapi/

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

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
