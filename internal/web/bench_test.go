package web_test

// Benchmarks of the two hot paths of a busy post: rendering the post page with its
// discussion, and accepting a comment. Everything goes through the fully wired handler
// (a.Web.ServeHTTP into an httptest.ResponseRecorder), so middleware, templates and the
// real SQLite store are included, the network is not. Figures and the exact commands are in
// docs/benchmarks.md; bench/run.sh measures the built binary over HTTP with wrk.
//
//	go test -run '^$' -bench . -benchmem ./internal/web/

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/cli"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/seed"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

const benchSeedFile = "../../testdata/seed/wordpress-post-with-comments.txt"

// newBenchApp is newTestApp with the log at warn level, as bench/run.sh serves: at info
// every request writes an access-log line, which would grow the in-memory log without bound
// over millions of iterations and measure the log buffer rather than the handler.
func newBenchApp(b *testing.B, cache bool) *testApp {
	b.Helper()
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	cfg := config.Defaults()
	cfg.DataDir = b.TempDir()
	if os.Getenv("BROADSIDE_BENCH_DSN") == "postgres" {
		cfg.DB = testdb.Postgres(b) // a throwaway PostgreSQL database
	}
	logs := &strings.Builder{}
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(lockedWriter{w: logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Open(context.Background(), cfg, log, app.Options{Now: clk.Now, NoCache: !cache})
	if err != nil {
		b.Fatalf("open app: %v", err)
	}
	srv := httptest.NewServer(a.Web)
	b.Cleanup(func() {
		srv.Close()
		a.Close()
		if b.Failed() || os.Getenv("BROADSIDE_TEST_LOGS") != "" {
			b.Log(logs.String())
		}
	})
	return &testApp{t: b, App: a, Srv: srv, Clock: clk, Log: logs}
}

// benchLoadSeed stores the seed post and its 31-comment discussion (as `broadside demo` does) and
// returns the post's path.
func benchLoadSeed(b *testing.B, ta *testApp) (*broadside.Post, string) {
	b.Helper()
	f, err := os.Open(benchSeedFile)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	d, err := seed.Parse(f)
	if err != nil {
		b.Fatal(err)
	}
	p, n, err := cli.LoadDiscussion(context.Background(), ta.App, d, time.Date(2018, 9, 5, 9, 0, 0, 0, time.UTC))
	if err != nil {
		b.Fatal(err)
	}
	if n != 31 {
		b.Fatalf("seed loaded %d comments, want 31", n)
	}
	return p, ta.postPath(p)
}

// benchServe runs one request through the whole handler.
func benchServe(ta *testApp, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	ta.App.Web.ServeHTTP(rec, req)
	return rec
}

// benchGet measures GET path, checking the first response is a full page containing want.
func benchGet(b *testing.B, ta *testApp, path, want string) {
	b.Helper()
	first := benchServe(ta, httptest.NewRequest(http.MethodGet, path, nil))
	if first.Code != http.StatusOK || !strings.Contains(first.Body.String(), want) {
		b.Fatalf("GET %s: %d, %d bytes, contains %q: %v", path, first.Code, first.Body.Len(), want, strings.Contains(first.Body.String(), want))
	}
	b.SetBytes(int64(first.Body.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := benchServe(ta, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
	}
}

// BenchmarkPostPageSeed renders the seed post page (31 comments threaded 3 deep) with the
// page cache off: template, thread building, sanitizing and the store on every request.
func BenchmarkPostPageSeed(b *testing.B) {
	ta := newBenchApp(b, false)
	_, path := benchLoadSeed(b, ta)
	benchGet(b, ta, path, "31 comments")
}

// BenchmarkPostPageSeedCached is the same page for an anonymous reader with the page cache
// on, as `broadside serve` runs: after the first request it is served from memory.
func BenchmarkPostPageSeedCached(b *testing.B) {
	ta := newBenchApp(b, true)
	_, path := benchLoadSeed(b, ta)
	benchGet(b, ta, path, "31 comments")
}

// benchBigDiscussion stores a post with n approved comments in one transaction: about one in four
// is a top-level comment, the rest reply to one of the 200 comments before it, chosen at
// random (readers answer what is recent), never deeper than maxDepth. Page 1 (50 top-level
// threads) then holds about 200 comments.
func benchBigDiscussion(b testing.TB, ta *testApp, n, maxDepth int) (*broadside.Post, string) {
	b.Helper()
	author := ta.user("editor@example.org", broadside.RoleEditor)
	p := ta.publish(author, "A post that went viral", "The body of a post that drew a very long discussion.\n\nSecond paragraph.")
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(1, 2))
	start := ta.Clock.Now().Add(-50 * time.Minute)
	ids := make([]int64, 0, n)
	depth := make([]int, 0, n)
	err := ta.App.Store.InTx(ctx, func(tx *store.Store) error {
		for i := range n {
			parent, d := int64(0), 1
			if i > 0 && rnd.IntN(4) != 0 {
				j := i - 1 - rnd.IntN(min(i, 200))
				for depth[j] >= maxDepth { // too deep: reply to its parent instead
					j--
				}
				parent, d = ids[j], depth[j]+1
			}
			name := fmt.Sprintf("Reader %d", rnd.IntN(2000))
			c := &broadside.Comment{PostID: p.ID, ParentID: parent, Kind: broadside.KindComment,
				AuthorName: name, AuthorEmail: strings.ReplaceAll(strings.ToLower(name), " ", ".") + "@example.org",
				AuthorIP: fmt.Sprintf("10.1.%d.%d", i/250, i%250+1), RawBody: benchCommentBody(rnd, i),
				Status: broadside.CommentApproved, CreatedAt: start.Add(time.Duration(i) * 250 * time.Millisecond)}
			if rnd.IntN(10) == 0 {
				c.AuthorURL = "https://example.org/~" + strings.Fields(name)[1]
			}
			if err := tx.CreateComment(ctx, c); err != nil {
				return err
			}
			ids, depth = append(ids, c.ID), append(depth, d)
		}
		return nil
	})
	if err != nil {
		b.Fatalf("insert %d comments: %v", n, err)
	}
	ta.App.Changed()
	return p, ta.postPath(p)
}

var benchWords = strings.Fields(`the council vote on the new housing plan was closer than anyone expected and
	several members said they had not read the report before the meeting which is exactly the
	problem this blog has been pointing out for years I agree with the point about transport but
	not about the budget figures quoted here`)

// benchCommentBody returns a comment of one to three paragraphs (about 100-600 characters), some
// with a link, as readers write them.
func benchCommentBody(rnd *rand.Rand, i int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "Comment %d: ", i)
	paras := 1 + rnd.IntN(3)
	for p := range paras {
		if p > 0 {
			sb.WriteString("\n\n")
		}
		for w := 15 + rnd.IntN(40); w > 0; w-- {
			sb.WriteString(benchWords[rnd.IntN(len(benchWords))])
			sb.WriteByte(' ')
		}
	}
	if rnd.IntN(8) == 0 {
		sb.WriteString("See https://example.org/report.pdf for the figures.")
	}
	return sb.String()
}

// BenchmarkPostPage10kComments renders page 1 (50 top-level threads, the default) of a post
// with 10,000 comments, page cache off.
func BenchmarkPostPage10kComments(b *testing.B) {
	ta := newBenchApp(b, false)
	_, path := benchBigDiscussion(b, ta, 10000, 5)
	benchGet(b, ta, path, "10000 comments")
}

// BenchmarkPostPage10kCommentsAllOnOnePage renders all 10,000 comments on one page
// (comments per page 0), page cache off.
func BenchmarkPostPage10kCommentsAllOnOnePage(b *testing.B) {
	ta := newBenchApp(b, false)
	_, path := benchBigDiscussion(b, ta, 10000, 5)
	ta.settings(func(s *broadside.Settings) { s.Discussion.PerPage = 0 })
	benchGet(b, ta, path, "10000 comments")
}

// BenchmarkCommentPost accepts a comment via POST /comments on the seed post: each iteration
// a new reader (own name, email and client address, so neither the per-IP limiter nor the
// duplicate check refuses it) with a unique body. Under the default moderation ("hold unless
// previously approved") each is stored pending, with its notification job, in one durable
// transaction, and answered 303. The post grows by one comment per iteration.
func BenchmarkCommentPost(b *testing.B) {
	ta := newBenchApp(b, false)
	p, path := benchLoadSeed(b, ta)
	benchCommentPost(b, ta, p, path)
}

// BenchmarkCommentPost10kComments is the same on a post that already has 10,000 comments:
// the duplicate check and finding the new comment's page read the whole discussion.
func BenchmarkCommentPost10kComments(b *testing.B) {
	ta := newBenchApp(b, false)
	p, path := benchBigDiscussion(b, ta, 10000, 5)
	benchCommentPost(b, ta, p, path)
}

func benchCommentPost(b *testing.B, ta *testApp, p *broadside.Post, path string) {
	b.Helper()
	before, err := ta.App.Store.CommentCounts(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	hidden := benchCommentForm(b, ta, p, path)
	i := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		i++
		rec := benchServe(ta, benchCommentRequest(hidden, i))
		if rec.Code != http.StatusSeeOther {
			b.Fatalf("POST /comments #%d: %d\n%s", i, rec.Code, rec.Body.String())
		}
	}
	b.StopTimer()
	counts, err := ta.App.Store.CommentCounts(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if counts[broadside.CommentPending]-before[broadside.CommentPending] != i {
		b.Fatalf("stored %d new pending comments, want %d", counts[broadside.CommentPending]-before[broadside.CommentPending], i)
	}
}

// benchCommentForm returns the comment form's hidden fields from p's page as a reader gets
// it, and moves the clock past the minimum time to submit.
func benchCommentForm(b *testing.B, ta *testApp, p *broadside.Post, path string) url.Values {
	b.Helper()
	page := benchServe(ta, httptest.NewRequest(http.MethodGet, path, nil))
	form := byID(parseHTML(b, page.Body.String()), "commentform")
	if form == nil {
		b.Fatal("no comment form")
	}
	hidden := url.Values{}
	for _, in := range find(form, func(n *html.Node) bool { return n.Data == "input" && attr(n, "type") == "hidden" }) {
		hidden.Set(attr(in, "name"), attr(in, "value"))
	}
	if hidden.Get("ts") == "" || hidden.Get("comment_post_ID") != fmt.Sprint(p.ID) {
		b.Fatalf("hidden fields: %v", hidden)
	}
	ta.Clock.Advance(30 * time.Second) // past the minimum time to submit
	return hidden
}

// benchCommentRequest is comment number i: a new reader (own name, e-mail and client
// address) with a unique body.
func benchCommentRequest(hidden url.Values, i int) *http.Request {
	f := url.Values{}
	for k, v := range hidden {
		f[k] = v
	}
	f.Set("author", fmt.Sprintf("Bench Reader %d", i))
	f.Set("email", fmt.Sprintf("bench-reader%d@example.org", i))
	f.Set("comment", fmt.Sprintf("Benchmark comment number %d: I read the whole thread and still disagree with the budget figures.", i))
	req := httptest.NewRequest(http.MethodPost, "/comments", strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	// A different (made-up, in-process) client address per iteration, so each is a new reader.
	req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:%d", byte(i>>16), byte(i>>8), byte(i), 40000+i%20000)
	return req
}
