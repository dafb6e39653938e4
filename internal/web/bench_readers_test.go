package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// Post pages as readers other than the anonymous one get them, with the page cache on (as
// `broadside serve` runs): a returning commenter (remembered name) and a signed-in editor.
// Issue 11 goals 1 and 3; docs/benchmarks.md.

// benchCookies returns the Cookie header a browser holds for the test server.
func benchCookies(ta *testApp, b *browser) string {
	u, _ := url.Parse(ta.Srv.URL)
	var parts []string
	for _, c := range b.c.Jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// benchCommenter comments on p with "remember me" and returns the browser's cookies.
func benchCommenter(ta *testApp, p *broadside.Post) string {
	br := ta.browser()
	f := br.formFor(ta.postPath(p))
	f.Set("wp-comment-cookies-consent", "yes")
	if r := br.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		ta.t.Fatalf("comment: %d", r.StatusCode)
	}
	// Only the commenter cookie: a held comment's cookie would show it to its writer alone.
	for _, ck := range strings.Split(benchCookies(ta, br), "; ") {
		if strings.HasPrefix(ck, "bs_commenter=") {
			return ck
		}
	}
	ta.t.Fatal("no commenter cookie")
	return ""
}

func benchGetWith(b *testing.B, ta *testApp, path, want, cookie string) {
	b.Helper()
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Cookie", cookie)
		return benchServe(ta, req)
	}
	first := get()
	if first.Code != http.StatusOK || !strings.Contains(first.Body.String(), want) {
		b.Fatalf("GET %s: %d, %d bytes, contains %q: %v", path, first.Code, first.Body.Len(), want, strings.Contains(first.Body.String(), want))
	}
	b.SetBytes(int64(first.Body.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rec := get(); rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
	}
}

func BenchmarkPostPageSeedCommenter(b *testing.B) {
	ta := newBenchApp(b, true)
	p, path := benchLoadSeed(b, ta)
	ck := benchCommenter(ta, p)
	benchGetWith(b, ta, path, "comments", ck)
}

func BenchmarkPostPageSeedEditor(b *testing.B) {
	ta := newBenchApp(b, true)
	_, path := benchLoadSeed(b, ta)
	benchGetWith(b, ta, path, "31 comments", benchCookies(ta, ta.signIn(ta.user("ed2@example.org", broadside.RoleEditor))))
}

func BenchmarkPostPage10kCommentsCommenter(b *testing.B) {
	ta := newBenchApp(b, true)
	p, path := benchBigDiscussion(b, ta, 10000, 5)
	ck := benchCommenter(ta, p)
	benchGetWith(b, ta, path, "comments", ck)
}

func BenchmarkPostPage10kCommentsEditor(b *testing.B) {
	ta := newBenchApp(b, true)
	_, path := benchBigDiscussion(b, ta, 10000, 5)
	benchGetWith(b, ta, path, "10000 comments", benchCookies(ta, ta.signIn(ta.user("ed2@example.org", broadside.RoleEditor))))
}
