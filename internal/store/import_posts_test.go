package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestImportNewPosts: posts written many to a statement (more than one statement's worth,
// search text given or not, a term listed twice) end as ImportPost leaves the same posts
// one by one, in a site whose search index is live: the same columns, links and search
// results with the same ranks, and on SQLite the same rows of the index and no post left
// held (both databases).
func TestImportNewPosts(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		var cats []int64
		for _, name := range []string{"Harbour news", "Élections"} {
			c := &broadside.Category{Name: name, Slug: strings.ToLower(strings.Fields(name)[0])}
			must(t, s.CreateCategory(ctx, c))
			cats = append(cats, c.ID)
		}
		tags, err := s.EnsureTags(ctx, []string{"ferries", "council budget"})
		must(t, err)
		const n = 70 // above postBatch
		mk := func(id int64, i int) *broadside.Post {
			p := &broadside.Post{ID: id, Type: broadside.TypePost, AuthorID: u.ID, Title: fmt.Sprintf("Tide report %d", i),
				Slug: fmt.Sprint("tide-", id), RawBody: fmt.Sprintf("<p>The harbour’s ferries ran %d times; the <em>council</em> met.</p>", i),
				BodyFormat: broadside.FormatHTML, RawExcerpt: "Crossings and café prices", Status: broadside.StatusPublished,
				PublishedAt: t0, CreatedAt: t0, UpdatedAt: t0, GUID: fmt.Sprint("https://old.example/?p=", i),
				Categories: []broadside.Category{{ID: cats[0]}}}
			if i%3 == 0 {
				p.Categories = append(p.Categories, broadside.Category{ID: cats[1]}, broadside.Category{ID: cats[0]})
				p.Tags = tags
			}
			if i%5 == 0 {
				p.Type, p.Categories, p.Tags, p.ParentID = broadside.TypePage, nil, nil, 3
			}
			return p
		}
		var batch []store.ImportedPost
		must(t, s.InTx(ctx, func(tx *store.Store) error {
			for i := 1; i <= n; i++ {
				if err := tx.ImportPost(ctx, mk(int64(100+i), i)); err != nil {
					return err
				}
				p := mk(int64(1000+i), i)
				search := ""
				if i%2 == 0 {
					search = store.SearchBody(p.RawBody, p.BodyFormat)
				}
				batch = append(batch, store.ImportedPost{Post: p, SearchBody: search})
			}
			return tx.ImportNewPosts(ctx, batch)
		}))
		for i := 1; i <= n; i++ {
			one, err := s.PostByID(ctx, int64(100+i))
			must(t, err)
			many, err := s.PostByID(ctx, int64(1000+i))
			must(t, err)
			one.ID, one.Slug, one.Author, many.Author = many.ID, many.Slug, nil, nil
			if a, b := fmt.Sprintf("%+v", *one), fmt.Sprintf("%+v", *many); a != b {
				t.Fatalf("post %d one by one:\n%s\nmany at once:\n%s", i, a, b)
			}
		}
		for _, q := range []string{"ferries", "harbour", "council budget", "élections", "café", "tide report 12", "crossing"} {
			hits, total, err := s.SearchPosts(ctx, store.SearchFilter{Query: broadside.ParseSearch(q), Limit: 1000})
			must(t, err)
			rank := map[int64]float64{}
			for _, h := range hits {
				rank[h.Post.ID] = h.Rank
			}
			if total == 0 || total%2 != 0 {
				t.Errorf("search %q: %d hits, want each post twice", q, total)
			}
			for id, r := range rank {
				if id < 1000 && fmt.Sprintf("%.9f", rank[id+900]) != fmt.Sprintf("%.9f", r) {
					t.Errorf("search %q: post %d ranks %v, its copy written many at once %v", q, id, r, rank[id+900])
				}
			}
		}
		if s.Dialect() == store.DialectPostgres {
			return
		}
		rows, err := s.SearchIndexRows()
		must(t, err)
		lines := strings.Split(strings.TrimSpace(rows), "\n")
		if len(lines) != 2*n {
			t.Fatalf("%d rows in the search index, want %d", len(lines), 2*n)
		}
		for i := 0; i < n; i++ {
			a, b := strings.SplitN(lines[i], " ", 2), strings.SplitN(lines[n+i], " ", 2)
			if a[1] != b[1] {
				t.Errorf("index row of post %s: %s; of its copy %s: %s", a[0], a[1], b[0], b[1])
			}
		}
		if held := s.HeldSearchTerms(); held != 0 {
			t.Errorf("%d posts still held out of the search index", held)
		}
	})
}

// TestSetRedirects: many redirects in a few statements end as one SetRedirect after another
// would leave them: a path given twice keeps its last target, a path already there is
// updated, and more paths than one statement holds all arrive (both databases).
func TestSetRedirects(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		must(t, s.SetRedirect(ctx, broadside.Redirect{Path: "/old/1/", Kind: broadside.WPPost, TargetID: 999}, t0))
		var rs []broadside.Redirect
		for i := int64(1); i <= 150; i++ {
			rs = append(rs, broadside.Redirect{Path: fmt.Sprintf("/old/%d/", i), Kind: broadside.WPPost, TargetID: i})
		}
		rs = append(rs, broadside.Redirect{Path: "/old/7/", Kind: broadside.WPTag, TargetID: 77})
		must(t, s.InTx(ctx, func(tx *store.Store) error { return tx.SetRedirects(ctx, rs, t0) }))
		for path, want := range map[string]broadside.Redirect{
			"/old/1/": {Kind: broadside.WPPost, TargetID: 1}, "/old/7/": {Kind: broadside.WPTag, TargetID: 77},
			"/old/64/": {Kind: broadside.WPPost, TargetID: 64}, "/old/65/": {Kind: broadside.WPPost, TargetID: 65},
			"/old/150/": {Kind: broadside.WPPost, TargetID: 150},
		} {
			r, err := s.RedirectByPath(ctx, path)
			if err != nil || r.Kind != want.Kind || r.TargetID != want.TargetID {
				t.Errorf("redirect of %s = %+v %v, want %+v", path, r, err, want)
			}
		}
		if _, err := s.RedirectByPath(ctx, "/old/151/"); broadside.ErrorCode(err) != broadside.ENOTFOUND {
			t.Errorf("a redirect nobody gave: %v", err)
		}
	})
}
