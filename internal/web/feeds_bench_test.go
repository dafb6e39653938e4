package web_test

// Benchmarks of the feed and of reader search, through the fully wired handler like the
// other benchmarks in bench_test.go. Figures are in docs/benchmarks.md ("Feeds and search").
//
//	go test -run '^$' -bench 'Feed|Search' -benchmem ./internal/web/

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/search"
	"github.com/broadside/broadside/internal/seed"
	"github.com/broadside/broadside/internal/store"
)

// benchPosts stores n published posts, one minute apart, in one transaction; body(i) gives
// the title and Markdown body of post i.
func benchPosts(b *testing.B, ta *testApp, n int, body func(i int) (string, string)) {
	b.Helper()
	ctx := context.Background()
	author := ta.user("editor@example.org", broadside.RoleEditor)
	news := &broadside.Category{Name: "News", Slug: "news"}
	if err := ta.App.Store.CreateCategory(ctx, news); err != nil {
		b.Fatal(err)
	}
	tags, err := ta.App.Store.EnsureTags(ctx, []string{"Council", "Harbour", "Budget"})
	if err != nil {
		b.Fatal(err)
	}
	start := ta.Clock.Now().Add(-time.Duration(n+1) * time.Minute)
	err = ta.App.Store.InTx(ctx, func(tx *store.Store) error {
		for i := range n {
			title, text := body(i)
			p := &broadside.Post{Type: broadside.TypePost, AuthorID: author.ID, Title: title, Slug: fmt.Sprintf("post-%d", i),
				RawBody: text, BodyFormat: broadside.FormatMarkdown, Status: broadside.StatusPublished,
				PublishedAt: start.Add(time.Duration(i) * time.Minute), CommentsOpen: true,
				Categories: []broadside.Category{*news}, Tags: tags[i%3 : i%3+1]}
			if err := tx.CreatePost(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	ta.App.Changed()
}

// seedArticle is the seed post's text (about 1,100 words in 14 paragraphs), a realistic
// full-text feed item.
func seedArticle(b *testing.B) (string, string) {
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
	return d.Title, strings.Join(d.Body, "\n\n")
}

// BenchmarkFeed builds /feed/ (RSS 2.0, 10 items with their full text: Markdown rendered
// and sanitized, relative URLs made absolute) on every request: the page cache is off.
func BenchmarkFeed(b *testing.B) {
	ta := newBenchApp(b, false)
	title, body := seedArticle(b)
	benchPosts(b, ta, 10, func(i int) (string, string) { return fmt.Sprintf("%s (%d)", title, i), body })
	benchGet(b, ta, "/feed/", "<content:encoded>")
}

// BenchmarkFeedCached is /feed/ as `broadside serve` answers it: from the page cache after
// the first request.
func BenchmarkFeedCached(b *testing.B) {
	ta := newBenchApp(b, true)
	title, body := seedArticle(b)
	benchPosts(b, ta, 10, func(i int) (string, string) { return fmt.Sprintf("%s (%d)", title, i), body })
	benchGet(b, ta, "/feed/", "<content:encoded>")
}

// BenchmarkFeedNotModified is a feed reader polling with the ETag it has: 304, no body.
func BenchmarkFeedNotModified(b *testing.B) {
	ta := newBenchApp(b, true)
	title, body := seedArticle(b)
	benchPosts(b, ta, 10, func(i int) (string, string) { return fmt.Sprintf("%s (%d)", title, i), body })
	etag := benchServe(ta, httptest.NewRequest(http.MethodGet, "/feed/", nil)).Header().Get("ETag")
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/feed/", nil)
		req.Header.Set("If-None-Match", etag)
		if rec := benchServe(ta, req); rec.Code != http.StatusNotModified {
			b.Fatalf("%d", rec.Code)
		}
	}
}

// benchVocabulary gives generated posts a Zipf-like word distribution: a few words in
// almost every post, most in few.
var benchVocabulary = strings.Fields(`the council harbour budget said would ferry town residents plan
	meeting school police road housing water election mayor report week year people local new public
	funding community centre business project library park traffic bridge hospital care workers
	union strike rent prices market shops festival museum river flood storm weather coast island
	fishing boats tourism summer winter night morning court judge appeal planning permission tower
	development councillor minister government tax rates cuts services bus train station parking
	cycle lane pavement repairs potholes schools teachers pupils exam results sports club football
	rugby cricket match league win loss season volunteers charity donation appeal church hall
	concert theatre cinema gallery exhibition history heritage archive memorial anniversary`)

func benchArticle(zipf *rand.Zipf, words int) string {
	var b strings.Builder
	for i := range words {
		if i > 0 {
			if i%40 == 0 {
				b.WriteString(".\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		k := int(zipf.Uint64())
		if k < len(benchVocabulary) {
			b.WriteString(benchVocabulary[k])
		} else {
			fmt.Fprintf(&b, "w%d", k) // the long tail
		}
	}
	return b.String() + "."
}

// benchSearchSite stores 1,000 posts of 300 generated words each.
func benchSearchSite(b *testing.B) *testApp {
	ta := newBenchApp(b, false)
	rnd := rand.New(rand.NewPCG(7, 9))
	zipf := rand.NewZipf(rnd, 1.1, 4, 20000)
	benchPosts(b, ta, 1000, func(i int) (string, string) {
		return benchArticle(zipf, 6), benchArticle(zipf, 300)
	})
	return ta
}

// BenchmarkSearch is a reader's search over 1,000 posts: /search?q=prices+market (two words
// found together in about a third of the posts), ranked in the database, one page of 10
// results with highlighted snippets.
func BenchmarkSearch(b *testing.B) {
	ta := benchSearchSite(b)
	res, err := ta.App.Search.Search(context.Background(), search.Query{Text: "prices market"})
	if err != nil || res.Total < 50 {
		b.Fatalf("search matched %d posts, %v", res.Total, err)
	}
	benchGet(b, ta, "/search?q=prices+market", "<mark>")
	b.ReportMetric(float64(res.Total), "matches")
}

// BenchmarkSearchRare is a search for a rare word (in about 1% of the posts), the common case
// of a reader looking for one story.
func BenchmarkSearchRare(b *testing.B) {
	ta := benchSearchSite(b)
	res, err := ta.App.Search.Search(context.Background(), search.Query{Text: "w3000"})
	if err != nil || res.Total == 0 {
		b.Fatalf("search matched %d posts, %v", res.Total, err)
	}
	benchGet(b, ta, "/search?q=w3000", "<mark>")
	b.ReportMetric(float64(res.Total), "matches")
}
