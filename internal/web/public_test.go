package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

func TestPublicRoutes(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	ta.settings(func(s *broadside.Settings) { s.Title = "Broadside Test"; s.PostsPerPage = 2 })
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	news := &broadside.Category{Name: "News", Slug: "news"}
	if err := ta.App.Posts.SaveCategory(ctx, news, ed); err != nil {
		t.Fatal(err)
	}
	local := &broadside.Category{Name: "Local", Slug: "local", ParentID: news.ID}
	if err := ta.App.Posts.SaveCategory(ctx, local, ed); err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return time.Date(2026, 2, d, 10, 0, 0, 0, time.UTC) }
	first := ta.publish(ed, "First story", "One.", func(in *posts.Input) { in.PublishedAt = day(1); in.CategoryIDs = []int64{news.ID} })
	second := ta.publish(ed, "Second story", "Two.\n\n<!--more-->\n\nThe rest.", func(in *posts.Input) {
		in.PublishedAt = day(14)
		in.CategoryIDs = []int64{local.ID}
		in.Tags = []string{"Council", "Budget"}
		in.FeaturedImageURL = "https://img.example/council.jpg"
		in.FeaturedImageAlt = "The council chamber"
	})
	third := ta.publish(ed, "Third story", "Three.", func(in *posts.Input) { in.PublishedAt = day(28) })
	ta.publish(ed, "About us", "We report.", func(in *posts.Input) { in.Type = broadside.TypePage; in.PublishedAt = day(1) })
	draft := ta.publish(ed, "Secret draft", "Unpublished.", func(in *posts.Input) { in.Status = broadside.StatusDraft })
	b := ta.browser()

	get := func(path string, status int) *response {
		t.Helper()
		r := b.get(path)
		if r.StatusCode != status {
			t.Fatalf("GET %s: %d, want %d\n%.400s", path, r.StatusCode, status, r.Body)
		}
		return r
	}
	redirects := func(path, to string) {
		t.Helper()
		r := get(path, http.StatusMovedPermanently)
		if r.Header.Get("Location") != to {
			t.Fatalf("GET %s redirects to %q, want %q", path, r.Header.Get("Location"), to)
		}
	}
	titles := func(r *response) []string {
		var out []string
		for _, a := range find(parseHTML(t, r.Body), func(n *html.Node) bool { return n.Data == "h2" && hasClass(n, "entry-title") }) {
			out = append(out, textOf(a))
		}
		return strings.Split(strings.Join(out, "|"), "|")
	}
	eq := func(got []string, want ...string) {
		t.Helper()
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("listed %q, want %q", got, want)
		}
	}

	t.Run("home and pagination", func(t *testing.T) {
		r := get("/", 200)
		eq(titles(r), "Third story", "Second story")
		if !strings.Contains(r.Body, "<title>Broadside Test</title>") || !strings.Contains(r.Body, `href="/page/2/"`) {
			t.Fatal("home title or next link missing")
		}
		if !strings.Contains(r.Body, "Continue reading") {
			t.Fatal("teaser link missing for the post with <!--more-->")
		}
		eq(titles(get("/page/2/", 200)), "First story")
		get("/page/3/", 404)
		get("/page/x/", 404)
	})

	t.Run("post permalink", func(t *testing.T) {
		r := get("/2026/02/14/second-story/", 200)
		doc := parseHTML(t, r.Body)
		for _, want := range []string{
			"<title>Second story – Broadside Test</title>",
			`<link rel="canonical" href="` + ta.Srv.URL + `/2026/02/14/second-story/">`,
			`<meta property="og:type" content="article">`,
			`<meta property="og:image" content="https://img.example/council.jpg">`,
			`<meta property="og:image:alt" content="The council chamber">`,
			`<meta property="article:tag" content="Council">`,
			`<time class="published" datetime="2026-02-14T10:00:00Z">February 14, 2026</time>`,
			`<span id="more"></span>`,
			`href="/category/news/local/"`, `href="/tag/council/"`, `href="/author/ed/"`,
		} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("post page lacks %s", want)
			}
		}
		if len(find(doc, func(n *html.Node) bool { return n.Data == "article" })) != 1 || len(find(doc, func(n *html.Node) bool { return n.Data == "h1" })) != 1 {
			t.Error("post page should have one article and one h1")
		}
		redirects("/2026/02/14/second-story", "/2026/02/14/second-story/")
		redirects("/2026/02/15/second-story/", "/2026/02/14/second-story/")
		redirects("/second-story/", "/2026/02/14/second-story/")
		get("/2026/02/14/no-such-story/", 404)
	})

	t.Run("archives", func(t *testing.T) {
		eq(titles(get("/category/news/", 200)), "Second story", "First story") // includes the child category
		eq(titles(get("/category/news/local/", 200)), "Second story")
		redirects("/category/local/", "/category/news/local/")
		get("/category/nothing/", 404)
		eq(titles(get("/tag/council/", 200)), "Second story")
		get("/tag/nothing/", 404)
		eq(titles(get("/author/ed/", 200)), "Third story", "Second story")
		get("/author/nobody/", 404)
		eq(titles(get("/2026/", 200)), "Third story", "Second story")
		eq(titles(get("/2026/02/", 200)), "Third story", "Second story")
		eq(titles(get("/2026/02/14/", 200)), "Second story")
		get("/2026/13/", 404)
		get("/2026/02/30/", 404)
		if r := get("/category/news/", 200); !strings.Contains(r.Body, "Category: News") {
			t.Error("archive heading missing")
		}
	})

	t.Run("pages", func(t *testing.T) {
		r := get("/about-us/", 200)
		if !strings.Contains(r.Body, "We report.") {
			t.Fatal("page content wrong")
		}
		if !strings.Contains(get("/", 200).Body, `<a href="/about-us/">About us</a>`) {
			t.Error("page missing from navigation")
		}
	})

	t.Run("drafts are private", func(t *testing.T) {
		path := ta.postPath(draft)
		get(path, 404)
		editor := ta.signIn(ed)
		r := editor.get(path)
		if r.StatusCode != 200 || !strings.Contains(r.Body, "Preview: this post is not published") {
			t.Fatalf("editor preview: %d", r.StatusCode)
		}
	})

	t.Run("helpful 404", func(t *testing.T) {
		r := get("/no/such/thing/", 404)
		if !strings.Contains(r.Body, "Page not found") || !strings.Contains(r.Body, "Third story") || !strings.Contains(r.Body, `content="noindex"`) {
			t.Fatal("404 page should list recent posts and not be indexed")
		}
	})

	t.Run("health, assets and headers", func(t *testing.T) {
		r := get("/healthz", 200)
		if strings.TrimSpace(r.Body) != "ok" {
			t.Fatal("healthz body")
		}
		home := get("/", 200)
		css := strings.Split(strings.Split(home.Body, `<link rel="stylesheet" href="`)[1], `"`)[0]
		a := get(css, 200)
		if a.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/css") {
			t.Fatalf("asset headers: %v", a.Header)
		}
		get("/static/style.css", 404)
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Request-Id"} {
			if home.Header.Get(h) == "" {
				t.Errorf("missing header %s", h)
			}
		}
	})
	_, _, _ = first, second, third
}

func TestScheduledPostGoesLiveWithoutARequest(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	at := ta.Clock.Now().Add(2 * time.Hour)
	p := ta.publish(ed, "Embargoed", "Not yet.", func(in *posts.Input) { in.PublishedAt = at })
	if p.Status != broadside.StatusScheduled {
		t.Fatalf("status %s, want scheduled", p.Status)
	}
	b := ta.browser()
	path := ta.postPath(p)
	if r := b.get(path); r.StatusCode != 404 {
		t.Fatalf("scheduled post visible early: %d", r.StatusCode)
	}
	ctx := context.Background()
	if ran, err := ta.App.Worker.RunOne(ctx); err != nil || ran {
		t.Fatalf("a job ran before its time: ran=%v err=%v", ran, err)
	}
	ta.Clock.Advance(2*time.Hour + time.Second)
	if ran, err := ta.App.Worker.RunOne(ctx); err != nil || !ran {
		t.Fatalf("publish job did not run: ran=%v err=%v", ran, err)
	}
	got, err := ta.App.Posts.Get(ctx, p.ID)
	if err != nil || got.Status != broadside.StatusPublished {
		t.Fatalf("after the job: %v %v", got.Status, err)
	}
	if r := b.get(path); r.StatusCode != 200 {
		t.Fatalf("published post: %d", r.StatusCode)
	}
}

func TestCommentPagination(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(func(s *broadside.Settings) {
		publishImmediately(s)
		s.Discussion.PerPage = 2
	})
	p := ta.publish(ta.user("ed@example.org", broadside.RoleEditor), "Busy thread", "Body.")
	path := ta.postPath(p)
	b := ta.browser()
	for i := 1; i <= 5; i++ {
		f := b.formFor(path)
		f.Set("comment", "Top-level number "+strconv.Itoa(i))
		r := b.post("/comments", f)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment %d: %d", i, r.StatusCode)
		}
		wantPage := (i + 1) / 2
		loc := r.Header.Get("Location")
		if wantPage > 1 && !strings.Contains(loc, "comment-page-"+strconv.Itoa(wantPage)+"/#comment-") {
			t.Fatalf("comment %d redirected to %s, want page %d", i, loc, wantPage)
		}
	}
	cs := ta.comments(p.ID)
	// A reply stays with its parent on the parent's page.
	f := b.formFor(path)
	f.Set("comment", "Reply to the first")
	f.Set("comment_parent", strconv.FormatInt(cs[0].ID, 10))
	r := b.post("/comments", f)
	if loc := r.Header.Get("Location"); strings.Contains(loc, "comment-page-") {
		t.Fatalf("reply to a page-1 comment sent to %s", loc)
	}
	p2 := b.get(path + "comment-page-2/")
	if p2.StatusCode != 200 || !strings.Contains(p2.Body, "Top-level number 3") || strings.Contains(p2.Body, "Top-level number 1<") {
		t.Fatalf("page 2 wrong: %d", p2.StatusCode)
	}
	if !strings.Contains(p2.Body, `<ol class="comment-list" start="3">`) {
		t.Error("page 2 numbering should continue at 3")
	}
	if !strings.Contains(p2.Body, `<link rel="canonical" href="`+ta.Srv.URL+path+`comment-page-2/">`) {
		t.Error("comment page canonical")
	}
	p1 := b.get(path)
	if !strings.Contains(p1.Body, "Reply to the first") || !strings.Contains(p1.Body, "6 comments") {
		t.Fatal("page 1 lacks the reply or the total count")
	}
	if r := b.get(path + "comment-page-4/"); r.StatusCode != 404 {
		t.Fatalf("page past the end: %d", r.StatusCode)
	}
}

func TestPermalinkStructureChangeKeepsOldLinks(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Moved story", "Body.", func(in *posts.Input) { in.PublishedAt = time.Date(2025, 6, 7, 8, 0, 0, 0, time.UTC) })
	b := ta.browser()
	if r := b.get("/2025/06/07/moved-story/"); r.StatusCode != 200 {
		t.Fatalf("day-and-name: %d", r.StatusCode)
	}
	ta.settings(func(s *broadside.Settings) { s.PermalinkStructure = "/archives/%post_id%" })
	want := "/archives/" + strconv.FormatInt(p.ID, 10)
	if r := b.get(want); r.StatusCode != 200 {
		t.Fatalf("numeric permalink: %d", r.StatusCode)
	}
	r := b.get("/2025/06/07/moved-story/")
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != want {
		t.Fatalf("old link: %d → %q, want 301 → %q", r.StatusCode, r.Header.Get("Location"), want)
	}
	ta.settings(func(s *broadside.Settings) { s.PermalinkStructure = "/%postname%/" })
	if r := b.get("/moved-story/"); r.StatusCode != 200 {
		t.Fatalf("post-name permalink: %d", r.StatusCode)
	}
	if r := b.get("/2025/06/07/moved-story/"); r.Header.Get("Location") != "/moved-story/" {
		t.Fatalf("old day-and-name link not redirected: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}
