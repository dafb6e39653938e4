package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestSitemapAndFeedQueries: what sitemaps and comment feeds list is public only: published by
// now and not password-protected; comment feeds also leave out subscriber-only discussions.
func TestSitemapAndFeedQueries(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		zeta := &broadside.Category{Name: "Zeta", Slug: "zeta"}
		alpha := &broadside.Category{Name: "Alpha", Slug: "alpha"}
		must(t, s.CreateCategory(ctx, zeta))
		must(t, s.CreateCategory(ctx, alpha))
		tags, err := s.EnsureTags(ctx, []string{"Ferries"})
		must(t, err)
		hour := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
		a := mkPost(t, s, u, "a", broadside.StatusPublished, hour(-5), func(p *broadside.Post) {
			p.Categories, p.Tags, p.UpdatedAt = []broadside.Category{*zeta, *alpha}, tags, hour(-1)
		})
		b := mkPost(t, s, u, "b", broadside.StatusPublished, hour(-4), func(p *broadside.Post) { p.Categories = []broadside.Category{*zeta} })
		mkPost(t, s, u, "draft", broadside.StatusDraft, hour(-3), func(p *broadside.Post) { p.Categories = []broadside.Category{*alpha} })
		mkPost(t, s, u, "future", broadside.StatusPublished, hour(2), func(p *broadside.Post) { p.Tags = tags })
		locked := mkPost(t, s, u, "locked", broadside.StatusPublished, hour(-2), func(p *broadside.Post) { p.Password = "pw" })
		members := mkPost(t, s, u, "members", broadside.StatusPublished, hour(-2), func(p *broadside.Post) { p.SubscribersOnly = true })
		page := mkPost(t, s, u, "about", broadside.StatusPublished, hour(-9), func(p *broadside.Post) { p.Type = broadside.TypePage })

		posts, total, err := s.SitemapPosts(ctx, broadside.TypePost, t0, 2, 0)
		must(t, err)
		if total != 3 || len(posts) != 2 || posts[0].ID != a.ID || posts[1].ID != b.ID {
			t.Fatalf("page 1: total %d, %+v", total, posts)
		}
		// The first category by name, as PostByID orders them, for %category% permalinks.
		if p := posts[0]; p.Slug != "a" || p.Author.Login != "ann" || len(p.Categories) != 1 || p.Categories[0].Slug != "alpha" ||
			!p.UpdatedAt.Equal(hour(-1)) || !p.PublishedAt.Equal(hour(-5)) {
			t.Fatalf("sitemap post %+v", p)
		}
		posts, _, err = s.SitemapPosts(ctx, broadside.TypePost, t0, 2, 2)
		must(t, err)
		if len(posts) != 1 || posts[0].ID != members.ID {
			t.Fatalf("page 2: %+v", posts)
		}
		pages, total, err := s.SitemapPosts(ctx, broadside.TypePage, t0, 10, 0)
		must(t, err)
		if total != 1 || pages[0].ID != page.ID || pages[0].Categories != nil {
			t.Fatalf("pages %+v", pages)
		}

		sums, err := s.SitemapSummaries(ctx, t0)
		must(t, err)
		if sums[broadside.TypePost].Count != 3 || !sums[broadside.TypePost].Modified.Equal(t0) || sums[broadside.TypePage].Count != 1 {
			t.Fatalf("summaries %+v", sums)
		}
		cats, tagMods, err := s.TermsModified(ctx, t0)
		must(t, err)
		if len(cats) != 2 || !cats[zeta.ID].Equal(t0) || !cats[alpha.ID].Equal(hour(-1)) || len(tagMods) != 1 || !tagMods[tags[0].ID].Equal(hour(-1)) {
			t.Fatalf("terms modified: %v %v", cats, tagMods)
		}

		c1 := mkComment(t, s, a.ID, "one", broadside.CommentApproved, hour(-3))
		c2 := mkComment(t, s, b.ID, "two", broadside.CommentApproved, hour(-2))
		mkComment(t, s, b.ID, "held", broadside.CommentPending, hour(-1))
		mkComment(t, s, b.ID, "spam", broadside.CommentSpam, hour(-1))
		mkComment(t, s, locked.ID, "locked", broadside.CommentApproved, hour(-1))
		mkComment(t, s, members.ID, "member", broadside.CommentApproved, hour(-1))
		all, err := s.FeedComments(ctx, 0, t0, 10)
		must(t, err)
		if ids := commentIDs(all); len(ids) != 2 || ids[0] != c2.ID || ids[1] != c1.ID {
			t.Fatalf("site comments %v", ids)
		}
		one, err := s.FeedComments(ctx, a.ID, t0, 10)
		must(t, err)
		if len(one) != 1 || one[0].ID != c1.ID || one[0].AuthorName != "one" {
			t.Fatalf("post comments %+v", one)
		}
		limited, err := s.FeedComments(ctx, 0, t0, 1)
		must(t, err)
		if len(limited) != 1 || limited[0].ID != c2.ID {
			t.Fatalf("limit 1: %+v", limited)
		}
		for _, id := range []int64{locked.ID, members.ID} {
			if cs, err := s.FeedComments(ctx, id, t0, 10); err != nil || len(cs) != 0 {
				t.Fatalf("comments of post %d: %d, %v", id, len(cs), err)
			}
		}
	})
}
