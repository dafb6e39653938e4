package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/google/go-cmp/cmp"
)

func TestCategories(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		def, err := s.CategoryBySlug(ctx, broadside.DefaultCategorySlug)
		must(t, err)
		news := &broadside.Category{Name: "News", Slug: "news", Description: "What happened"}
		must(t, s.CreateCategory(ctx, news))
		local := &broadside.Category{Name: "local", Slug: "local", ParentID: news.ID}
		must(t, s.CreateCategory(ctx, local))
		wantCode(t, s.CreateCategory(ctx, &broadside.Category{Name: "Again", Slug: "news"}), broadside.ECONFLICT)

		mkPost(t, s, u, "a", broadside.StatusPublished, t0, func(p *broadside.Post) { p.Categories = []broadside.Category{*news} })
		mkPost(t, s, u, "b", broadside.StatusPublished, t0, func(p *broadside.Post) { p.Categories = []broadside.Category{*news, *local} })
		mkPost(t, s, u, "c", broadside.StatusDraft, time.Time{}, func(p *broadside.Post) { p.Categories = []broadside.Category{*news} })

		got, err := s.CategoryByID(ctx, news.ID)
		must(t, err)
		want := broadside.Category{ID: news.ID, Name: "News", Slug: "news", Description: "What happened", PostCount: 2}
		if d := cmp.Diff(&want, got); d != "" {
			t.Fatalf("CategoryByID (-want +got):\n%s", d)
		}
		list, err := s.ListCategories(ctx)
		must(t, err)
		var names []string
		for _, c := range list {
			names = append(names, c.Name)
		}
		if d := cmp.Diff([]string{"local", "News", "Uncategorized"}, names); d != "" {
			t.Fatalf("ListCategories order (-want +got):\n%s", d)
		}
		if list[0].ParentID != news.ID || list[0].PostCount != 1 {
			t.Fatalf("local = %+v", list[0])
		}

		got.Name, got.Slug = "World news", "world"
		must(t, s.UpdateCategory(ctx, got))
		if _, err := s.CategoryBySlug(ctx, "world"); err != nil {
			t.Fatal(err)
		}
		_, err = s.CategoryBySlug(ctx, "news")
		wantCode(t, err, broadside.ENOTFOUND)
		got.Slug = "local"
		wantCode(t, s.UpdateCategory(ctx, got), broadside.ECONFLICT)
		wantCode(t, s.UpdateCategory(ctx, &broadside.Category{ID: 999, Name: "x", Slug: "x"}), broadside.ENOTFOUND)

		// Deleting "world": post a falls back to uncategorized, post b keeps local, local moves up.
		must(t, s.DeleteCategory(ctx, news.ID))
		_, err = s.CategoryByID(ctx, news.ID)
		wantCode(t, err, broadside.ENOTFOUND)
		a, err := s.PostBySlug(ctx, broadside.TypePost, "a")
		must(t, err)
		b, err := s.PostBySlug(ctx, broadside.TypePost, "b")
		must(t, err)
		if len(a.Categories) != 1 || a.Categories[0].ID != def.ID || len(b.Categories) != 1 || b.Categories[0].ID != local.ID {
			t.Fatalf("after delete: a in %+v, b in %+v", a.Categories, b.Categories)
		}
		l, _ := s.CategoryByID(ctx, local.ID)
		if l.ParentID != 0 {
			t.Fatalf("local parent = %d, want 0", l.ParentID)
		}
		wantCode(t, s.DeleteCategory(ctx, def.ID), broadside.EINVALID)
		wantCode(t, s.DeleteCategory(ctx, 999), broadside.ENOTFOUND)
		_, err = s.CategoryByID(ctx, 999)
		wantCode(t, err, broadside.ENOTFOUND)
	})
}

func TestTags(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		first, err := s.EnsureTags(ctx, []string{"Go Lang", "  ", "SQL", "go lang", "!!!"})
		must(t, err)
		if len(first) != 2 || first[0].Name != "Go Lang" || first[0].Slug != broadside.Slugify("Go Lang") || first[1].Slug != "sql" {
			t.Fatalf("EnsureTags = %+v", first)
		}
		second, err := s.EnsureTags(ctx, []string{"sql", "New one", "GO LANG"})
		must(t, err)
		if len(second) != 3 || second[0].ID != first[1].ID || second[2].ID != first[0].ID || second[2].Name != "Go Lang" {
			t.Fatalf("EnsureTags again = %+v (first %+v)", second, first)
		}
		none, err := s.EnsureTags(ctx, nil)
		if err != nil || len(none) != 0 {
			t.Fatalf("EnsureTags(nil) = %v, %v", none, err)
		}
		mkPost(t, s, u, "p", broadside.StatusPublished, t0, func(p *broadside.Post) { p.Tags = second[:2] })
		mkPost(t, s, u, "d", broadside.StatusDraft, time.Time{}, func(p *broadside.Post) { p.Tags = second })

		list, err := s.ListTags(ctx)
		must(t, err)
		var got []string
		for _, tg := range list {
			got = append(got, tg.Slug+":"+string(rune('0'+tg.PostCount)))
		}
		if d := cmp.Diff([]string{broadside.Slugify("Go Lang") + ":0", broadside.Slugify("New one") + ":1", "sql:1"}, got); d != "" {
			t.Fatalf("ListTags (-want +got):\n%s", d)
		}
		tg, err := s.TagBySlug(ctx, "sql")
		must(t, err)
		if tg.Name != "SQL" || tg.PostCount != 1 {
			t.Fatalf("TagBySlug = %+v", tg)
		}
		_, err = s.TagBySlug(ctx, "nope")
		wantCode(t, err, broadside.ENOTFOUND)
	})
}
