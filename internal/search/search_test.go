package search_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/render"
	"github.com/broadside/broadside/internal/search"
	"github.com/broadside/broadside/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestHighlight(t *testing.T) {
	for _, tc := range []struct {
		text  string
		words []string
		want  string
	}{
		{"Council approves budget", []string{"council"}, "<mark>Council</mark> approves budget"},
		{"The councils approved it", []string{"council", "approving"}, "The <mark>councils</mark> <mark>approved</mark> it"},
		{"Café and cafe", []string{"cafe"}, "<mark>Café</mark> and <mark>cafe</mark>"},
		{"Cities and city", []string{"cities"}, "<mark>Cities</mark> and <mark>city</mark>"},
		{`<script>alert("council")</script> & council`, []string{"council"},
			`&lt;script&gt;alert(&#34;<mark>council</mark>&#34;)&lt;/script&gt; &amp; <mark>council</mark>`},
		{`<mark>fake</mark> mark`, []string{"mark"}, `&lt;<mark>mark</mark>&gt;fake&lt;/<mark>mark</mark>&gt; <mark>mark</mark>`},
		{"nothing here", nil, "nothing here"},
		{"", []string{"x"}, ""},
	} {
		if got := string(search.Highlight(tc.text, tc.words)); got != tc.want {
			t.Errorf("Highlight(%q, %q) = %s, want %s", tc.text, tc.words, got, tc.want)
		}
	}
}

func TestSnippet(t *testing.T) {
	text := strings.Repeat("filler ", 40) + "the council met " + strings.Repeat("more ", 40)
	got, ok := search.Snippet(text, []string{"council"}, 20)
	if !ok || !strings.HasPrefix(string(got), "… filler") || !strings.HasSuffix(string(got), "more …") ||
		!strings.Contains(string(got), "the <mark>council</mark> met") || len(strings.Fields(string(got))) != 22 {
		t.Fatalf("snippet = %q", got)
	}
	got, ok = search.Snippet("short text & more", []string{"absent"}, 20)
	if ok || got != "short text &amp; more" {
		t.Fatalf("no match: %q, %v", got, ok)
	}
	got, _ = search.Snippet(strings.Repeat("word ", 10)+"end council", []string{"council"}, 4)
	if got != "… word word end <mark>council</mark>" {
		t.Fatalf("match at the end: %q", got)
	}
}

// FuzzSnippet: whatever the text, the only markup in a snippet is our <mark>.
func FuzzSnippet(f *testing.F) {
	for _, s := range []string{"a <b>c</b> d", `"><img src=x onerror=alert(1)>`, "<mark>x</mark>", "\xff\xfe<", "a&amp;b"} {
		f.Add(s, "c")
	}
	f.Fuzz(func(t *testing.T, text, w string) {
		words := broadside.SearchWords(w)
		for _, h := range []string{string(search.Highlight(text, words)), string(mustSnippet(text, words))} {
			rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h)
			if strings.ContainsAny(rest, "<>") {
				t.Fatalf("markup leaked from %q: %s", text, h)
			}
			if strings.Count(h, "<mark>") != strings.Count(h, "</mark>") {
				t.Fatalf("unbalanced marks: %s", h)
			}
		}
	})
}

func mustSnippet(text string, words []string) string {
	h, _ := search.Snippet(text, words, 10)
	return string(h)
}

func TestSearchService(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := testdb.Open(t, dsn)
		u := &broadside.User{Email: "a@example.org", Login: "ann", Role: broadside.RoleAuthor, CreatedAt: now}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		mk := func(slug, title, body string, mod func(*broadside.Post)) {
			p := &broadside.Post{Type: broadside.TypePost, AuthorID: u.ID, Title: title, Slug: slug, RawBody: body,
				BodyFormat: broadside.FormatMarkdown, Status: broadside.StatusPublished, PublishedAt: now.Add(-time.Hour),
				CreatedAt: now, UpdatedAt: now}
			if mod != nil {
				mod(p)
			}
			if err := st.CreatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		mk("a", `Ferry <b>news</b>`, "The **ferry** to the island & back. "+strings.Repeat("More words. ", 50), nil)
		mk("b", "Weather", "Storms stopped the ferries.", func(p *broadside.Post) { p.RawExcerpt = "Ferry excerpt" })
		mk("c", "Members' ferry", "Teaser about the ferry.\n\n<!--more-->\n\nSecret ferry plans.", func(p *broadside.Post) {
			p.SubscribersOnly = true
		})
		mk("g", "Protected ferry", "Ferry.", func(p *broadside.Post) { p.Password = "pw" })
		mk("d", "Draft ferry", "Not yet.", func(p *broadside.Post) { p.Status = broadside.StatusDraft })
		mk("e", "Later ferry", "Not yet.", func(p *broadside.Post) {
			p.Status, p.PublishedAt = broadside.StatusScheduled, now.Add(time.Hour)
		})
		mk("f", "About ferries", "A page.", func(p *broadside.Post) { p.Type = broadside.TypePage })

		s := &search.Service{Store: st, Render: render.New(), Now: func() time.Time { return now }}
		res, err := s.Search(ctx, search.Query{Text: "ferry", Type: broadside.TypePost})
		if err != nil {
			t.Fatal(err)
		}
		var slugs []string
		for _, h := range res.Hits {
			slugs = append(slugs, h.Post.Slug)
		}
		// Drafts, scheduled posts and pages (with Type post) are left out; title matches first.
		if len(slugs) != 3 || slugs[2] != "b" || res.Total != 3 || strings.Join(res.Words, " ") != "ferry" {
			t.Fatalf("hits %q total %d words %q", slugs, res.Total, res.Words)
		}
		bySlug := map[string]search.Hit{}
		for _, h := range res.Hits {
			bySlug[h.Post.Slug] = h
		}
		a, b, c := bySlug["a"], bySlug["b"], bySlug["c"]
		if a.Title != "<mark>Ferry</mark> &lt;b&gt;news&lt;/b&gt;" {
			t.Errorf("title = %s", a.Title)
		}
		if !strings.HasPrefix(string(a.Snippet), "The <mark>ferry</mark> to the island &amp; back.") || !strings.HasSuffix(string(a.Snippet), "…") {
			t.Errorf("snippet = %s", a.Snippet)
		}
		if b.Snippet != "Storms stopped the <mark>ferries</mark>." {
			t.Errorf("snippet from body = %s", b.Snippet)
		}
		// What broadside.PublicBody withholds never appears in a snippet; protected posts are
		// not found at all.
		if c.Snippet != "Teaser about the <mark>ferry</mark>." {
			t.Errorf("subscriber-only post's snippet = %s", c.Snippet)
		}
		if !(a.Rank > 1 && c.Rank > 1 && b.Rank < 1 && b.Rank > 0) {
			t.Errorf("ranks %v %v %v", a.Rank, c.Rank, b.Rank)
		}

		res, err = s.Search(ctx, search.Query{Text: "ferry", PerPage: 2, Page: 2})
		if err != nil || res.Total != 4 || len(res.Hits) != 2 || res.Pages(2) != 2 {
			t.Fatalf("page 2 of posts and pages: %d hits of %d, %v", len(res.Hits), res.Total, err)
		}
		res, err = s.Search(ctx, search.Query{Text: "  "})
		if err != nil || res.Total != 0 || res.Hits != nil {
			t.Fatalf("empty search: %+v, %v", res, err)
		}
		for _, q := range []search.Query{{Text: strings.Repeat("x", 201)}, {Text: "a", Type: "attachment"},
			{Text: "a", Page: -1}, {Text: "a", PerPage: 101}, {Text: "a", PerPage: -5}} {
			if _, err := s.Search(ctx, q); broadside.ErrorCode(err) != broadside.EINVALID {
				t.Errorf("Search(%+v) = %v, want EINVALID", q, err)
			}
		}
		if n, err := s.Rebuild(ctx); err != nil || n != 7 {
			t.Fatalf("Rebuild = %d, %v", n, err)
		}
	})
}
