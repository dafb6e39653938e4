package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testdb"
)

// resultTitles lists the titles of a search results page.
func resultTitles(t *testing.T, body string) []string {
	var out []string
	for _, h := range find(parseHTML(t, body), func(n *html.Node) bool { return n.Data == "h2" && hasClass(n, "entry-title") }) {
		out = append(out, textOf(h))
	}
	return out
}

func TestSearchPages(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(func(s *broadside.Settings) { s.PostsPerPage = 2 })
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	day := func(d int) time.Time { return time.Date(2026, 2, d, 10, 0, 0, 0, time.UTC) }
	ta.publish(ed, "Harbour dredging begins", "Boats wait.", func(in *posts.Input) { in.PublishedAt = day(1) })
	ta.publish(ed, "Council notes", "The harbour `<script>alert(1)</script>` budget & more.", func(in *posts.Input) { in.PublishedAt = day(2) })
	ta.publish(ed, "Weather", "Storms.", func(in *posts.Input) { in.PublishedAt = day(3); in.Tags = []string{"Harbour"} })
	ta.publish(ed, "Harbour draft", "harbour", func(in *posts.Input) { in.Status = broadside.StatusDraft })
	ta.publish(ed, "Harbour tomorrow", "harbour", func(in *posts.Input) {
		in.Status, in.PublishedAt = broadside.StatusScheduled, ta.Clock.Now().Add(time.Hour)
	})
	b := ta.browser()

	// Both URLs, ranked (title match first), paginated by the posts-per-page setting.
	for _, path := range []string{"/search?q=harbour", "/?s=harbour"} {
		r := b.get(path)
		wantStatus(t, r, 200)
		if got := resultTitles(t, r.Body); strings.Join(got, "|") != "Harbour dredging begins|Weather" {
			t.Fatalf("GET %s: %q", path, got)
		}
		doc := parseHTML(t, r.Body)
		if robots, _ := metaNamed(doc, "robots"); robots != "noindex, follow" {
			t.Errorf("search results robots = %q", robots)
		}
		if !strings.Contains(r.Body, "3 results") || !strings.Contains(r.Body, `href="/search?q=harbour&amp;page=2"`) {
			t.Fatalf("GET %s: count or next link missing\n%s", path, r.Body)
		}
	}
	for _, path := range []string{"/search?q=harbour&page=2", "/?s=harbour&paged=2"} {
		r := b.get(path)
		if got := resultTitles(t, r.Body); strings.Join(got, "|") != "Council notes" {
			t.Fatalf("GET %s: %q", path, got)
		}
		// The snippet is escaped text with the match marked: markup shown as code in the
		// post stays text.
		snippet := find(parseHTML(t, r.Body), func(n *html.Node) bool { return hasClass(n, "search-snippet") })
		if len(snippet) != 1 || !strings.Contains(r.Body, `<mark>harbour</mark> &lt;script&gt;`) ||
			len(find(snippet[0], func(n *html.Node) bool { return n.Data == "script" })) != 0 {
			t.Fatalf("snippet:\n%s", r.Body)
		}
	}
	for _, path := range []string{"/search?q=harbour&page=3", "/search?q=harbour&page=0", "/search?q=harbour&page=x"} {
		if r := b.get(path); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, r.StatusCode)
		}
	}

	// No results: the query is shown escaped, with suggestions and the form.
	q := `<img src=x onerror=alert(1)> zzzz`
	r := b.get("/search?q=" + url.QueryEscape(q))
	wantStatus(t, r, 200)
	if strings.Contains(r.Body, "<img src=x") || !strings.Contains(r.Body, "Nothing found") ||
		!strings.Contains(r.Body, "Recent posts") || byID(parseHTML(t, r.Body), "search-page-q") == nil ||
		attr(byID(parseHTML(t, r.Body), "search-page-q"), "value") != q {
		t.Fatalf("no results page:\n%s", r.Body)
	}
	// An empty search shows the form; a too long one is refused politely.
	r = b.get("/search?q=")
	wantStatus(t, r, 200)
	if len(resultTitles(t, r.Body)) != 0 || strings.Contains(r.Body, "Nothing found") || byID(parseHTML(t, r.Body), "search-page-q") == nil {
		t.Fatalf("empty search:\n%s", r.Body)
	}
	r = b.get("/search?q=" + strings.Repeat("a", 201))
	wantStatus(t, r, http.StatusBadRequest)
	if !strings.Contains(r.Body, "too long") {
		t.Fatalf("long search:\n%s", r.Body)
	}
	// WordPress's pretty search URL.
	r = b.get("/search/harbour+dredging/")
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/search?q=harbour+dredging" {
		t.Fatalf("/search/harbour+dredging/: %d %q", r.StatusCode, r.Header.Get("Location"))
	}

	// The search form is in every page's header and on the 404 page.
	for path, status := range map[string]int{"/": 200, "/no-such-page/": 404} {
		r := b.get(path)
		wantStatus(t, r, status)
		form := find(parseHTML(t, r.Body), func(n *html.Node) bool { return n.Data == "form" && attr(n, "role") == "search" })
		want := 1
		if status == 404 {
			want = 2
		}
		if len(form) != want || attr(form[0], "action") != "/search" || attr(form[0], "method") != "get" {
			t.Fatalf("GET %s: %d search forms", path, len(form))
		}
	}
}

// TestSearchOnPostgres runs reader search through HTTP against PostgreSQL's full-text search.
func TestSearchOnPostgres(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withDSN(testdb.Postgres(t)))
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	for i, title := range []string{"Ferry timetable changes", "Island news", "Weekly roundup"} {
		body := "Nothing about boats."
		if i > 0 {
			body = "The ferries run late again; ferry users complain."
		}
		ta.publish(ed, title, body, func(in *posts.Input) { in.PublishedAt = ta.Clock.Now().Add(-time.Duration(i+1) * time.Hour) })
	}
	r := ta.browser().get("/?s=ferry")
	wantStatus(t, r, 200)
	got := resultTitles(t, r.Body)
	if len(got) != 3 || got[0] != "Ferry timetable changes" || !strings.Contains(r.Body, "<mark>ferries</mark>") {
		t.Fatalf("search on PostgreSQL: %q\n%s", got, r.Body)
	}
	if !strings.Contains(r.Body, strconv.Itoa(3)+" results") {
		t.Fatal("count missing")
	}
}

// TestAdminCommentSearchHTTP: the moderation queue's search box finds comments by author,
// email, IP address and text.
func TestAdminCommentSearchHTTP(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Post", "Body.")
	mk := func(name, email, ip, body string) *broadside.Comment {
		c := &broadside.Comment{PostID: p.ID, AuthorName: name, AuthorEmail: email, AuthorIP: ip, RawBody: body,
			Status: broadside.CommentPending, CreatedAt: ta.Clock.Now()}
		if err := ta.App.Store.CreateComment(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	zelda := mk("Zelda", "zelda@hyrule.example", "203.0.113.77", "The ferry timetable is wrong.")
	link := mk("Link", "link@example.org", "2001:db8::42", "I agree <b>with</b> her.")
	b := ta.signIn(ed)
	for q, want := range map[string][]*broadside.Comment{
		"zelda": {zelda}, "HYRULE.EXAMPLE": {zelda}, "203.0.113.77": {zelda}, "2001:db8::42": {link},
		"timetable": {zelda}, "<b>with": {link}, "nobody": nil,
	} {
		r := b.get("/admin/comments?status=pending&q=" + url.QueryEscape(q))
		wantStatus(t, r, 200)
		for _, c := range []*broadside.Comment{zelda, link} {
			listed := strings.Contains(r.Body, `id="c-`+strconv.FormatInt(c.ID, 10)+`"`)
			wanted := false
			for _, w := range want {
				wanted = wanted || w == c
			}
			if listed != wanted {
				t.Errorf("q=%q: comment by %s listed %v, want %v", q, c.AuthorName, listed, wanted)
			}
		}
	}
}
