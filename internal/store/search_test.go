package store_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// search returns the slugs of the public posts matching text, in rank order.
func search(t *testing.T, s *store.Store, text string) []string {
	t.Helper()
	hits, total, err := s.SearchPosts(context.Background(), store.SearchFilter{Query: broadside.ParseSearch(text),
		Statuses: []broadside.PostStatus{broadside.StatusPublished}, PublishedBefore: t0})
	must(t, err)
	if total != len(hits) {
		t.Fatalf("search %q: total %d but %d hits", text, total, len(hits))
	}
	var out []string
	for _, h := range hits {
		out = append(out, h.Post.Slug)
	}
	return out
}

func wantSlugs(t *testing.T, text string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("search %q found %q, want %q", text, got, want)
	}
}

func TestSearchPosts(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		day := func(d int) time.Time { return t0.AddDate(0, 0, -d) }
		mkPost(t, s, u, "body-many", broadside.StatusPublished, day(1), func(p *broadside.Post) {
			p.Title = "Weekly roundup"
			p.RawBody = "The councils met. Council council council: the council budget and the council again."
		})
		mkPost(t, s, u, "title-match", broadside.StatusPublished, day(5), func(p *broadside.Post) {
			p.Title = "Council approves budget"
			p.RawBody = "A short note."
		})
		mkPost(t, s, u, "html-import", broadside.StatusPublished, day(3), func(p *broadside.Post) {
			p.Title = "Imported"
			p.BodyFormat = broadside.FormatHTML
			p.RawBody = `<!-- wp:paragraph --><p class="strong-words">The <strong>harbour</strong> café reopened, fish&nbsp;chips &amp; all.</p><!-- /wp:paragraph --><script>var secretword = 1;</script>`
		})
		mkPost(t, s, u, "markdown-link", broadside.StatusPublished, day(4), func(p *broadside.Post) {
			p.Title = "Links"
			p.RawBody = "Read [the report](https://example.com/zebrafish-report.pdf) on **rivers**."
			p.RawExcerpt = "An excerpt about lighthouses."
		})
		mkPost(t, s, u, "draft", broadside.StatusDraft, day(1), func(p *broadside.Post) { p.RawBody = "council draft" })
		mkPost(t, s, u, "future", broadside.StatusScheduled, t0.Add(time.Hour), func(p *broadside.Post) { p.RawBody = "council future" })
		mkPost(t, s, u, "about", broadside.StatusPublished, day(9), func(p *broadside.Post) {
			p.Type, p.Title, p.RawBody = broadside.TypePage, "About the council", "We cover it."
		})

		// Every term in the title ranks first; then bm25/ts_rank; drafts and scheduled posts never.
		wantSlugs(t, "council budget", search(t, s, "council budget"), "title-match", "body-many")
		if got := search(t, s, "council"); len(got) != 3 || got[2] != "body-many" {
			t.Fatalf("council: %q, want the two title matches before the body match", got)
		}
		// Stemming: councils finds council.
		wantSlugs(t, "councils approving", search(t, s, "councils approving"), "title-match")
		// Plain text of HTML: tags, attributes, comments and scripts are not indexed; entities are decoded.
		wantSlugs(t, "harbour", search(t, s, "harbour"), "html-import")
		wantSlugs(t, "café", search(t, s, "café"), "html-import")
		wantSlugs(t, "chips", search(t, s, "fish chips"), "html-import")
		wantSlugs(t, "strong", search(t, s, "strong"))
		wantSlugs(t, "paragraph", search(t, s, "paragraph"))
		wantSlugs(t, "secretword", search(t, s, "secretword"))
		// Markdown link targets are not text; the excerpt is.
		wantSlugs(t, "zebrafish", search(t, s, "zebrafish"))
		wantSlugs(t, "rivers", search(t, s, "rivers"), "markdown-link")
		wantSlugs(t, "lighthouses", search(t, s, "lighthouses"), "markdown-link")
		// Phrases, OR, exclusion, nothing positive.
		wantSlugs(t, `"budget and the council"`, search(t, s, `"budget and the council"`), "body-many")
		wantSlugs(t, "harbour or rivers", search(t, s, "harbour or rivers"), "html-import", "markdown-link")
		wantSlugs(t, "council -approves", search(t, s, "council -approves"), "about", "body-many")
		wantSlugs(t, "-council", search(t, s, "-council"))
		wantSlugs(t, "nothing", search(t, s, "xylophone"))

		// Type filter and paging with a total.
		hits, total, err := s.SearchPosts(ctx, store.SearchFilter{Query: broadside.ParseSearch("council"),
			Type: broadside.TypePost, Statuses: []broadside.PostStatus{broadside.StatusPublished}, PublishedBefore: t0, Limit: 1, Offset: 1})
		must(t, err)
		if total != 2 || len(hits) != 1 || hits[0].Post.Slug != "body-many" || hits[0].Post.Author == nil {
			t.Fatalf("page 2 of 1: total %d, hits %+v", total, hits)
		}
		if hits[0].Rank <= 0 || hits[0].Rank >= 1 {
			t.Fatalf("body match rank %v, want in (0, 1)", hits[0].Rank)
		}
		_, total, err = s.SearchPosts(ctx, store.SearchFilter{Query: broadside.ParseSearch("council"),
			Type: broadside.TypePost, Statuses: []broadside.PostStatus{broadside.StatusPublished}, PublishedBefore: t0, Limit: 10, Offset: 10})
		must(t, err)
		if total != 2 {
			t.Fatalf("past the last page: total %d, want 2", total)
		}
	})
}

// TestSearchPublic: with Public, the search applies broadside.PublicBody's rule: no
// password-protected posts, and subscriber-only posts only by their title, terms and excerpt.
func TestSearchPublic(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		mkPost(t, s, u, "open", broadside.StatusPublished, t0, func(p *broadside.Post) { p.RawBody = "walrus" })
		mkPost(t, s, u, "protected", broadside.StatusPublished, t0, func(p *broadside.Post) {
			p.Title, p.RawBody, p.Password = "Walrus title", "walrus", "pw"
		})
		mkPost(t, s, u, "members", broadside.StatusPublished, t0, func(p *broadside.Post) {
			p.Title, p.RawBody, p.RawExcerpt, p.SubscribersOnly = "Members", "Teaser. <!--more--> walrus narwhal", "About seals", true
		})
		find := func(text string, public bool) []string {
			t.Helper()
			hits, _, err := s.SearchPosts(ctx, store.SearchFilter{Query: broadside.ParseSearch(text), Public: public})
			must(t, err)
			var out []string
			for _, h := range hits {
				out = append(out, h.Post.Slug)
			}
			sort.Strings(out)
			return out
		}
		wantSlugs(t, "walrus (all)", find("walrus", false), "members", "open", "protected")
		wantSlugs(t, "walrus (public)", find("walrus", true), "open")
		wantSlugs(t, "narwhal (public)", find("narwhal", true))
		wantSlugs(t, "seals (public)", find("seals", true), "members")
		wantSlugs(t, "members seals (public)", find("members seals", true), "members")
		wantSlugs(t, "seals -walrus (public)", find("seals -walrus", true), "members")
	})
}

// TestSearchIndexFollowsWrites: the triggers keep the index in step with posts, their
// category and tag links, renamed terms and deletions, and a rebuild gives the same answers.
func TestSearchIndexFollowsWrites(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "story", broadside.StatusPublished, t0.Add(-time.Hour))
		wantSlugs(t, "story", search(t, s, "story"), "story")

		p.Title, p.RawBody = "Ferries", "Timetables changed."
		must(t, s.UpdatePost(ctx, p))
		wantSlugs(t, "timetables", search(t, s, "timetables"), "story")
		wantSlugs(t, "old body", search(t, s, "body"))

		// Category and tag names are searchable, and follow links and renames.
		transport := &broadside.Category{Name: "Transport", Slug: "transport"}
		must(t, s.CreateCategory(ctx, transport))
		tags, err := s.EnsureTags(ctx, []string{"Harbour works"})
		must(t, err)
		p.Categories, p.Tags = []broadside.Category{*transport}, tags
		must(t, s.UpdatePost(ctx, p))
		wantSlugs(t, "transport", search(t, s, "transport"), "story")
		wantSlugs(t, "harbour", search(t, s, "harbour works"), "story")
		transport.Name = "Mobility"
		must(t, s.UpdateCategory(ctx, transport))
		wantSlugs(t, "mobility", search(t, s, "mobility"), "story")
		wantSlugs(t, "transport after rename", search(t, s, "transport"))
		p.Tags = nil
		must(t, s.UpdatePost(ctx, p))
		wantSlugs(t, "harbour after unlinking", search(t, s, "harbour"))
		must(t, s.DeleteCategory(ctx, transport.ID))
		wantSlugs(t, "mobility after delete", search(t, s, "mobility"))
		wantSlugs(t, "uncategorized", search(t, s, "uncategorized"), "story")

		// Comment counts do not reindex (no trigger on them) and do not disturb the index.
		mkComment(t, s, p.ID, "bob", broadside.CommentApproved, t0)
		wantSlugs(t, "ferries", search(t, s, "ferries"), "story")

		n, err := s.RebuildSearchIndex(ctx)
		must(t, err)
		if n != 1 {
			t.Fatalf("rebuilt %d posts, want 1", n)
		}
		wantSlugs(t, "ferries after rebuild", search(t, s, "ferries uncategorized"), "story")

		must(t, s.DeletePost(ctx, p.ID))
		wantSlugs(t, "after delete", search(t, s, "ferries"))
		n, err = s.RebuildSearchIndex(ctx)
		must(t, err)
		if n != 0 {
			t.Fatalf("rebuilt %d posts, want 0", n)
		}
	})
}

// TestSearchHostileInput: what readers type never reaches the query language as syntax.
func TestSearchHostileInput(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		mkPost(t, s, u, "quotes", broadside.StatusPublished, t0.Add(-time.Hour), func(p *broadside.Post) {
			p.RawBody = `He said "it's fine" (it was not) — 100% sure; title:fake NEAR/2 * ^x`
		})
		for _, q := range []string{`"`, `""`, `'`, `it's`, `(it`, `100%`, `title:fake`, `NEAR/2`, `*`, `^x`,
			`AND OR NOT`, `"unclosed`, `\`, `%_`, `'; DROP TABLE posts; --`, "\x00", strings.Repeat("a ", 300)} {
			if _, _, err := s.SearchPosts(ctx, store.SearchFilter{Query: broadside.ParseSearch(q)}); err != nil {
				t.Errorf("search %q: %v", q, err)
			}
		}
		wantSlugs(t, "it's", search(t, s, "it's fine"), "quotes")
		wantSlugs(t, "title:fake", search(t, s, "title:fake"), "quotes")
	})
}

// TestAdminCommentSearch: the moderation queue finds comments by author name, email, IP and
// text, case-insensitively, with LIKE's wildcards taken literally.
func TestAdminCommentSearch(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "post", broadside.StatusPublished, t0)
		a := mkComment(t, s, p.ID, "Zelda", broadside.CommentApproved, t0, func(c *broadside.Comment) {
			c.AuthorEmail, c.AuthorIP, c.RawBody = "zelda@hyrule.example", "203.0.113.77", "Ferry timetables are 100% wrong"
		})
		b := mkComment(t, s, p.ID, "Link", broadside.CommentPending, t0.Add(time.Minute), func(c *broadside.Comment) {
			c.AuthorEmail, c.AuthorIP, c.RawBody = "link@example.org", "2001:db8::42", "I agree with ZELDA"
		})
		spam := mkComment(t, s, p.ID, "Spammer", broadside.CommentSpam, t0, func(c *broadside.Comment) { c.RawBody = "zelda cheap pills" })
		find := func(f broadside.CommentFilter) string {
			t.Helper()
			rows, total, err := s.ListComments(ctx, f)
			must(t, err)
			if total != len(rows) {
				t.Fatalf("%+v: total %d, %d rows", f, total, len(rows))
			}
			var out []string
			for _, r := range rows {
				out = append(out, fmt.Sprint(r.ID))
			}
			return strings.Join(out, ",")
		}
		id := func(cs ...*broadside.Comment) string {
			var out []string
			for _, c := range cs {
				out = append(out, fmt.Sprint(c.ID))
			}
			return strings.Join(out, ",")
		}
		for _, tc := range []struct {
			f    broadside.CommentFilter
			want string
		}{
			{broadside.CommentFilter{Search: "zelda"}, id(b, a)},                 // name and text, newest first
			{broadside.CommentFilter{Search: "HYRULE.example"}, id(a)},           // email, any case
			{broadside.CommentFilter{Search: "203.0.113"}, id(a)},                // IP prefix
			{broadside.CommentFilter{Search: "db8::42"}, id(b)},                  // IPv6
			{broadside.CommentFilter{Search: "100%"}, id(a)},                     // % is literal
			{broadside.CommentFilter{Search: "_"}, ""},                           // _ is literal
			{broadside.CommentFilter{Search: "timetables"}, id(a)},               // body
			{broadside.CommentFilter{Search: "zelda", Status: "spam"}, id(spam)}, // spam only when asked
			{broadside.CommentFilter{Search: "nobody"}, ""},
		} {
			if got := find(tc.f); got != tc.want {
				t.Errorf("ListComments(%+v) = %s, want %s", tc.f, got, tc.want)
			}
		}
	})
}
