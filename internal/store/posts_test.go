package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestPostRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		news := &broadside.Category{Name: "News", Slug: "news"}
		must(t, s.CreateCategory(ctx, news))
		tags, err := s.EnsureTags(ctx, []string{"Go", "SQL"})
		must(t, err)
		p := &broadside.Post{Type: broadside.TypePost, AuthorID: u.ID, Title: "Hello", Slug: "hello",
			RawBody: "# Hi\n\n<!--more-->rest", BodyFormat: broadside.FormatMarkdown, RawExcerpt: "ex",
			Status: broadside.StatusPublished, PublishedAt: t0, CreatedAt: t0, UpdatedAt: t0.Add(time.Minute),
			FeaturedImageURL: "https://example.com/a.png", FeaturedImageAlt: "A", CommentsOpen: true,
			Categories: []broadside.Category{*news, *news}, Tags: tags}
		must(t, s.CreatePost(ctx, p))
		if p.ID == 0 {
			t.Fatal("CreatePost did not set ID")
		}
		byID, err := s.PostByID(ctx, p.ID)
		must(t, err)
		bySlug, err := s.PostBySlug(ctx, broadside.TypePost, "hello")
		must(t, err)
		if d := cmp.Diff(byID, bySlug); d != "" {
			t.Fatalf("PostByID and PostBySlug differ:\n%s", d)
		}
		// PostHeadByID is the same post without its body.
		head, err := s.PostHeadByID(ctx, p.ID)
		must(t, err)
		if head.RawBody != "" {
			t.Errorf("PostHeadByID read the body %q", head.RawBody)
		}
		head.RawBody = byID.RawBody
		if d := cmp.Diff(byID, head); d != "" {
			t.Fatalf("PostByID and PostHeadByID differ beyond the body:\n%s", d)
		}
		want := *p
		want.Categories = []broadside.Category{{ID: news.ID, Name: "News", Slug: "news"}}
		want.Author = &broadside.User{ID: u.ID, Email: u.Email, Login: u.Login, DisplayName: u.DisplayName, Role: u.Role, CreatedAt: t0}
		if d := cmp.Diff(&want, byID); d != "" {
			t.Fatalf("round trip (-want +got):\n%s", d)
		}

		// Update replaces fields and links; CreatedAt and CommentCount are the store's.
		byID.Title, byID.Status, byID.CommentsOpen, byID.ParentID = "Hello again", broadside.StatusDraft, false, 0
		byID.Categories, byID.Tags = nil, tags[1:]
		byID.UpdatedAt = t0.Add(time.Hour)
		must(t, s.UpdatePost(ctx, byID))
		got, err := s.PostByID(ctx, p.ID)
		must(t, err)
		if got.Title != "Hello again" || got.Status != broadside.StatusDraft || got.CommentsOpen ||
			len(got.Categories) != 0 || len(got.Tags) != 1 || got.Tags[0].Slug != "sql" || !got.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("after update: %+v", got)
		}

		must(t, s.DeletePost(ctx, p.ID))
		_, err = s.PostByID(ctx, p.ID)
		wantCode(t, err, broadside.ENOTFOUND)
		_, err = s.PostHeadByID(ctx, p.ID)
		wantCode(t, err, broadside.ENOTFOUND)
		wantCode(t, s.DeletePost(ctx, p.ID), broadside.ENOTFOUND)
		wantCode(t, s.UpdatePost(ctx, p), broadside.ENOTFOUND)
		_, err = s.PostBySlug(ctx, broadside.TypePost, "nope")
		wantCode(t, err, broadside.ENOTFOUND)
	})
}

func TestPostConflictsAndBadReferences(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		a := mkPost(t, s, u, "same", broadside.StatusDraft, time.Time{})
		dup := &broadside.Post{Type: broadside.TypePost, AuthorID: u.ID, Slug: "same", BodyFormat: "markdown", Status: "draft"}
		wantCode(t, s.CreatePost(ctx, dup), broadside.ECONFLICT)
		// The same slug is fine for a page.
		page := &broadside.Post{Type: broadside.TypePage, AuthorID: u.ID, Slug: "same", BodyFormat: "markdown", Status: "draft"}
		must(t, s.CreatePost(ctx, page))
		// Renaming onto a taken slug conflicts.
		b := mkPost(t, s, u, "other", broadside.StatusDraft, time.Time{})
		b.Slug = "same"
		wantCode(t, s.UpdatePost(ctx, b), broadside.ECONFLICT)
		// Explicit id already used.
		again := &broadside.Post{ID: a.ID, Type: broadside.TypePost, AuthorID: u.ID, Slug: "fresh", BodyFormat: "markdown", Status: "draft"}
		wantCode(t, s.CreatePost(ctx, again), broadside.ECONFLICT)
		// Unknown author, unknown category.
		orphan := &broadside.Post{Type: broadside.TypePost, AuthorID: 9999, Slug: "orphan", BodyFormat: "markdown", Status: "draft"}
		wantCode(t, s.CreatePost(ctx, orphan), broadside.EINVALID)
		badCat := &broadside.Post{Type: broadside.TypePost, AuthorID: u.ID, Slug: "badcat", BodyFormat: "markdown", Status: "draft",
			Categories: []broadside.Category{{ID: 9999}}}
		wantCode(t, s.CreatePost(ctx, badCat), broadside.EINVALID)
		// Failed creates leave nothing behind.
		if taken, _ := s.SlugTaken(ctx, "post", "badcat", 0); taken {
			t.Fatal("a failed CreatePost left its row")
		}
	})
}

func TestSlugTaken(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "taken", broadside.StatusDraft, time.Time{})
		for _, tc := range []struct {
			typ, slug string
			except    int64
			want      bool
		}{
			{"post", "taken", 0, true},
			{"post", "taken", p.ID, false},
			{"page", "taken", 0, false},
			{"post", "free", 0, false},
		} {
			got, err := s.SlugTaken(ctx, tc.typ, tc.slug, tc.except)
			must(t, err)
			if got != tc.want {
				t.Errorf("SlugTaken(%s, %s, %d) = %v, want %v", tc.typ, tc.slug, tc.except, got, tc.want)
			}
		}
	})
}

func TestListPosts(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		ann, bob := mkUser(t, s, "ann"), mkUser(t, s, "bob")
		parent := &broadside.Category{Name: "Parent", Slug: "parent"}
		must(t, s.CreateCategory(ctx, parent))
		child := &broadside.Category{Name: "Child", Slug: "child", ParentID: parent.ID}
		must(t, s.CreateCategory(ctx, child))
		tags, err := s.EnsureTags(ctx, []string{"Tagged"})
		must(t, err)
		day := func(d int) time.Time { return time.Date(2024, 1, d, 9, 0, 0, 0, time.UTC) }
		p1 := mkPost(t, s, ann, "p1", broadside.StatusPublished, day(1), func(p *broadside.Post) {
			p.Title, p.Categories = "Zebra 100% sure", []broadside.Category{*parent}
		})
		p2 := mkPost(t, s, bob, "p2", broadside.StatusPublished, day(2), func(p *broadside.Post) {
			p.Title, p.Categories, p.Tags = "apple", []broadside.Category{*child}, tags
		})
		p3 := mkPost(t, s, ann, "p3", broadside.StatusPublished, time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), func(p *broadside.Post) {
			p.RawBody, p.UpdatedAt = "Contains the NEEDLE word", t0.Add(time.Hour)
		})
		sched := mkPost(t, s, ann, "future", broadside.StatusScheduled, day(20).AddDate(1, 0, 0))
		draft := mkPost(t, s, bob, "draft", broadside.StatusDraft, time.Time{})
		page := mkPost(t, s, ann, "about", broadside.StatusPublished, day(3), func(p *broadside.Post) { p.Type = broadside.TypePage })

		all := []broadside.PostStatus{broadside.StatusPublished, broadside.StatusScheduled, broadside.StatusDraft}
		for _, tc := range []struct {
			name  string
			f     broadside.PostFilter
			want  []int64
			total int
		}{
			{"published newest first", broadside.PostFilter{Type: "post", Statuses: []broadside.PostStatus{"published"}}, []int64{p3.ID, p2.ID, p1.ID}, 3},
			{"any type", broadside.PostFilter{Statuses: []broadside.PostStatus{"published"}}, []int64{p3.ID, page.ID, p2.ID, p1.ID}, 4},
			{"drafts last", broadside.PostFilter{Type: "post", Statuses: all}, []int64{sched.ID, p3.ID, p2.ID, p1.ID, draft.ID}, 5},
			{"oldest first, drafts still last", broadside.PostFilter{Type: "post", Statuses: all, Asc: true}, []int64{p1.ID, p2.ID, p3.ID, sched.ID, draft.ID}, 5},
			{"published before", broadside.PostFilter{Type: "post", PublishedBefore: t0}, []int64{p3.ID, p2.ID, p1.ID}, 3},
			{"page 1", broadside.PostFilter{Type: "post", Statuses: all, Limit: 2}, []int64{sched.ID, p3.ID}, 5},
			{"page 2", broadside.PostFilter{Type: "post", Statuses: all, Limit: 2, Offset: 2}, []int64{p2.ID, p1.ID}, 5},
			{"page 3", broadside.PostFilter{Type: "post", Statuses: all, Limit: 2, Offset: 4}, []int64{draft.ID}, 5},
			{"offset without limit", broadside.PostFilter{Type: "post", Statuses: all, Offset: 3}, []int64{p1.ID, draft.ID}, 5},
			{"past the end", broadside.PostFilter{Type: "post", Limit: 2, Offset: 10}, nil, 5},
			{"category", broadside.PostFilter{CategoryIDs: []int64{child.ID}}, []int64{p2.ID}, 1},
			{"category and descendants", broadside.PostFilter{CategoryIDs: []int64{parent.ID, child.ID}}, []int64{p2.ID, p1.ID}, 2},
			{"tag", broadside.PostFilter{TagID: tags[0].ID}, []int64{p2.ID}, 1},
			{"author", broadside.PostFilter{Type: "post", AuthorID: bob.ID}, []int64{p2.ID, draft.ID}, 2},
			{"month archive", broadside.PostFilter{Type: "post", From: day(1), To: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)}, []int64{p2.ID, p1.ID}, 2},
			{"from is inclusive", broadside.PostFilter{Type: "post", From: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), To: day(1).AddDate(0, 2, 0)}, []int64{p3.ID}, 1},
			{"search body case-insensitive", broadside.PostFilter{Search: "needle"}, []int64{p3.ID}, 1},
			{"search title", broadside.PostFilter{Search: "APPLE"}, []int64{p2.ID}, 1},
			{"search percent is literal", broadside.PostFilter{Search: "100%"}, []int64{p1.ID}, 1},
			{"search underscore is literal", broadside.PostFilter{Search: "zebra_100"}, nil, 0},
			{"by title", broadside.PostFilter{Type: "post", Statuses: []broadside.PostStatus{"published"}, OrderBy: "title", Asc: true}, []int64{p2.ID, p3.ID, p1.ID}, 3},
			{"by updated", broadside.PostFilter{Type: "post", Statuses: []broadside.PostStatus{"published"}, OrderBy: "updated_at"}, []int64{p3.ID, p2.ID, p1.ID}, 3},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, total, err := s.ListPosts(ctx, tc.f)
				must(t, err)
				if d := cmp.Diff(tc.want, postIDs(got), cmpopts.EquateEmpty()); d != "" || total != tc.total {
					t.Fatalf("ids (-want +got):\n%s\ntotal = %d, want %d", d, total, tc.total)
				}
			})
		}

		got, _, err := s.ListPosts(ctx, broadside.PostFilter{CategoryIDs: []int64{parent.ID, child.ID}})
		must(t, err)
		if got[0].Author == nil || got[0].Author.Login != "bob" || got[0].Author.PasswordHash != "" ||
			len(got[0].Categories) != 1 || got[0].Categories[0].Slug != "child" || len(got[0].Tags) != 1 ||
			got[1].Author.Login != "ann" || len(got[1].Tags) != 0 {
			t.Fatalf("relations not loaded: %+v", got)
		}
		_, _, err = s.ListPosts(ctx, broadside.PostFilter{OrderBy: "id; DROP TABLE posts"})
		wantCode(t, err, broadside.EINVALID)
	})
}

func TestScheduling(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		if _, ok, err := s.NextScheduled(ctx); err != nil || ok {
			t.Fatalf("NextScheduled on empty = %v, %v", ok, err)
		}
		a := mkPost(t, s, u, "a", broadside.StatusScheduled, t0.Add(time.Hour))
		b := mkPost(t, s, u, "b", broadside.StatusScheduled, t0.Add(2*time.Hour))
		mkPost(t, s, u, "draft", broadside.StatusDraft, t0)
		next, ok, err := s.NextScheduled(ctx)
		must(t, err)
		if !ok || !next.Equal(a.PublishedAt) {
			t.Fatalf("NextScheduled = %v, %v; want %v", next, ok, a.PublishedAt)
		}
		ids, err := s.PublishDuePosts(ctx, t0)
		must(t, err)
		if len(ids) != 0 {
			t.Fatalf("published early: %v", ids)
		}
		ids, err = s.PublishDuePosts(ctx, t0.Add(time.Hour)) // inclusive
		must(t, err)
		if d := cmp.Diff([]int64{a.ID}, ids); d != "" {
			t.Fatalf("PublishDuePosts: %s", d)
		}
		got, err := s.PostByID(ctx, a.ID)
		must(t, err)
		if got.Status != broadside.StatusPublished || !got.PublishedAt.Equal(a.PublishedAt) {
			t.Fatalf("after publishing: %s %v", got.Status, got.PublishedAt)
		}
		next, ok, _ = s.NextScheduled(ctx)
		if !ok || !next.Equal(b.PublishedAt) {
			t.Fatalf("NextScheduled = %v, %v; want %v", next, ok, b.PublishedAt)
		}
		ids, _ = s.PublishDuePosts(ctx, t0.Add(24*time.Hour))
		if d := cmp.Diff([]int64{b.ID}, ids); d != "" {
			t.Fatalf("PublishDuePosts: %s", d)
		}
		if _, ok, _ := s.NextScheduled(ctx); ok {
			t.Fatal("NextScheduled still finds a post")
		}
	})
}

func TestPostArchiveMonths(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		for i, at := range []time.Time{
			time.Date(2023, 12, 31, 23, 59, 0, 0, time.UTC),
			time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC),
			time.Date(2024, 11, 5, 10, 0, 0, 0, time.UTC),
		} {
			mkPost(t, s, u, fmt.Sprint("p", i), broadside.StatusPublished, at)
		}
		mkPost(t, s, u, "draft", broadside.StatusDraft, time.Time{})
		mkPost(t, s, u, "sched", broadside.StatusScheduled, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
		mkPost(t, s, u, "page", broadside.StatusPublished, time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC),
			func(p *broadside.Post) { p.Type = broadside.TypePage })
		got, err := s.PostArchiveMonths(ctx)
		must(t, err)
		want := []broadside.YearMonth{{Year: 2024, Month: 11, Count: 1}, {Year: 2024, Month: 1, Count: 2}, {Year: 2023, Month: 12, Count: 1}}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("PostArchiveMonths (-want +got):\n%s", d)
		}
	})
}

// TestExplicitIDs imports rows with WordPress ids, then creates rows normally: no collisions.
func TestExplicitIDs(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := &broadside.User{ID: 40, Email: "imp@example.com", Login: "imp", Role: broadside.RoleAuthor, CreatedAt: t0}
		must(t, s.CreateUser(ctx, u))
		p := mkPost(t, s, u, "imported", broadside.StatusPublished, t0, func(p *broadside.Post) { p.ID = 1234 })
		if p.ID != 1234 {
			t.Fatalf("post id = %d, want 1234", p.ID)
		}
		c := mkComment(t, s, p.ID, "old", broadside.CommentApproved, t0, func(c *broadside.Comment) { c.ID = 5678 })
		reply := mkComment(t, s, p.ID, "reply", broadside.CommentApproved, t0, func(c *broadside.Comment) { c.ID = 5679; c.ParentID = 5678 })
		cat := &broadside.Category{ID: 77, Name: "Imported", Slug: "imported"}
		must(t, s.CreateCategory(ctx, cat))

		u2 := mkUser(t, s, "native")
		p2 := mkPost(t, s, u2, "native", broadside.StatusPublished, t0)
		c2 := mkComment(t, s, p2.ID, "new", broadside.CommentApproved, t0)
		cat2 := &broadside.Category{Name: "Native", Slug: "native"}
		must(t, s.CreateCategory(ctx, cat2))
		if u2.ID <= 40 || p2.ID <= 1234 || c2.ID <= 5679 || cat2.ID <= 77 {
			t.Fatalf("ids after import: user %d post %d comment %d category %d", u2.ID, p2.ID, c2.ID, cat2.ID)
		}
		got, err := s.CommentByID(ctx, reply.ID)
		must(t, err)
		if got.ParentID != c.ID || commentCount(t, s, p.ID) != 2 {
			t.Fatalf("imported reply: parent %d, count %d", got.ParentID, commentCount(t, s, p.ID))
		}
	})
}
