package store_test

import (
	"context"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

func mkMedia(t *testing.T, s *store.Store, author int64, key, name, mime string, month int) *broadside.Media {
	t.Helper()
	m := &broadside.Media{AuthorID: author, FileName: name, Key: key, MimeType: mime, Size: 10, Width: 4, Height: 3,
		Title: name, CreatedAt: t0.AddDate(0, month, 0)}
	must(t, s.CreateMedia(context.Background(), m))
	return m
}

func TestMediaStore(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		v := mkUser(t, s, "bob")
		a := mkMedia(t, s, u.ID, "2024/03/a-1.jpg", "Holiday_100%.jpg", "image/jpeg", 0)
		b := mkMedia(t, s, v.ID, "2024/04/b-1.pdf", "minutes.pdf", "application/pdf", 1)

		got, err := s.MediaByID(ctx, a.ID)
		must(t, err)
		if got.Key != a.Key || got.Width != 4 || got.Height != 3 || !got.CreatedAt.Equal(a.CreatedAt) || got.FileName != a.FileName {
			t.Fatalf("MediaByID = %+v, want %+v", got, a)
		}
		if got, err := s.MediaByKey(ctx, b.Key); err != nil || got.ID != b.ID {
			t.Fatalf("MediaByKey = %v, %v", got, err)
		}
		_, err = s.MediaByKey(ctx, "2024/03/none.jpg")
		wantCode(t, err, broadside.ENOTFOUND)
		wantCode(t, s.CreateMedia(ctx, &broadside.Media{AuthorID: u.ID, FileName: "x", Key: a.Key, MimeType: "image/jpeg", Size: 1, CreatedAt: t0}), broadside.ECONFLICT)

		list := func(f broadside.MediaFilter) []int64 {
			t.Helper()
			ms, n, err := s.ListMedia(ctx, f)
			must(t, err)
			var ids []int64
			for _, m := range ms {
				ids = append(ids, m.ID)
			}
			if f.Limit == 0 && n != len(ids) {
				t.Fatalf("%+v: total %d for %d rows", f, n, len(ids))
			}
			return ids
		}
		for _, c := range []struct {
			f    broadside.MediaFilter
			want []int64
		}{
			{broadside.MediaFilter{}, []int64{b.ID, a.ID}},
			{broadside.MediaFilter{Query: "100%"}, []int64{a.ID}}, // LIKE wildcards are literal
			{broadside.MediaFilter{Query: "_"}, []int64{a.ID}},
			{broadside.MediaFilter{Query: "MINUTES"}, []int64{b.ID}},
			{broadside.MediaFilter{Kind: broadside.MediaImage}, []int64{a.ID}},
			{broadside.MediaFilter{Kind: "executable"}, nil},
			{broadside.MediaFilter{Year: 2024, Month: 4}, []int64{b.ID}},
			{broadside.MediaFilter{AuthorID: u.ID}, []int64{a.ID}},
		} {
			if got := list(c.f); len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) {
				t.Errorf("%+v: %v, want %v", c.f, got, c.want)
			}
		}
		months, err := s.MediaMonths(ctx, 0)
		must(t, err)
		if len(months) != 2 || months[0] != (broadside.YearMonth{Year: 2024, Month: 4, Count: 1}) {
			t.Fatalf("months = %v", months)
		}

		a.Title, a.Alt, a.Caption = "T", "willsman", "C"
		must(t, s.UpdateMedia(ctx, a))
		got, _ = s.MediaByID(ctx, a.ID)
		if got.Title != "T" || got.Alt != "willsman" || got.Caption != "C" {
			t.Fatalf("after update: %+v", got)
		}

		p := &broadside.Post{Type: broadside.TypePost, AuthorID: u.ID, Title: "P", Slug: "p", Status: broadside.StatusDraft,
			RawBody: `<img src="/wp-content/uploads/2024/03/a-1.jpg">`, BodyFormat: "html", CreatedAt: t0, UpdatedAt: t0}
		must(t, s.CreatePost(ctx, p))
		posts, n, err := s.PostsUsingPath(ctx, "/wp-content/uploads/2024/03/a-1.jpg", 5)
		must(t, err)
		if n != 1 || len(posts) != 1 || posts[0].ID != p.ID || posts[0].Title != "P" {
			t.Fatalf("PostsUsingPath = %v, %d", posts, n)
		}
		if _, n, _ := s.PostsUsingPath(ctx, "/wp-content/uploads/2024/04/b-1.pdf", 5); n != 0 {
			t.Fatalf("unused file used %d times", n)
		}

		must(t, s.DeleteMedia(ctx, a.ID))
		wantCode(t, s.DeleteMedia(ctx, a.ID), broadside.ENOTFOUND)
		wantCode(t, s.UpdateMedia(ctx, a), broadside.ENOTFOUND)
	})
}
