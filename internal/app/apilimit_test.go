package app_test

import (
	"net/http"
	"testing"

	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/testdb"
)

// TestAPILimitHoldsAcrossNodes: the anonymous REST API limit is one budget for the whole
// site. A client alternating between two nodes gets exactly --api-rate-anonymous requests,
// then 429 with Retry-After from whichever node it asks.
func TestAPILimitHoldsAcrossNodes(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.DB = testdb.Postgres(t)
	cfg.DataDir = t.TempDir()
	cfg.Limits.APIAnonPerMinute = 3
	prepare(t, cfg)
	_, s1 := startNode(t, cfg)
	_, s2 := startNode(t, cfg)
	get := func(base string) *http.Response {
		t.Helper()
		res, err := http.Get(base + "/wp-json/wp/v2/posts")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	for i, base := range []string{s1.URL, s2.URL, s1.URL} {
		if res := get(base); res.StatusCode != 200 {
			t.Fatalf("request %d within the limit: %d", i+1, res.StatusCode)
		}
	}
	for _, base := range []string{s2.URL, s1.URL} {
		res := get(base)
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("past the site-wide limit on %s: %d Retry-After %q, want 429 with Retry-After",
				base, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
}
