package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// What the search index costs writers (SQLite): importing a post of about 1,600 words (10 KB of
// HTML, as WordPress exports it) with 3 categories and 5 tags, 50 posts per transaction as an
// import commits them, with the triggers of migration 0003 and without them. Every category
// or tag link rewrites the post's index row, so links cost more than the body.
//
//	go test -run '^$' -bench CreatePost -benchmem ./internal/store/
func BenchmarkCreatePostIndexed(b *testing.B) { benchCreatePosts(b, true) }

func BenchmarkCreatePostNoSearchIndex(b *testing.B) { benchCreatePosts(b, false) }

func benchCreatePosts(b *testing.B, indexed bool) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bench.db")
	s := openStore(b, path)
	if !indexed {
		db, err := sql.Open("sqlite", path)
		must(b, err)
		defer db.Close()
		for _, tr := range []string{"posts_fts_insert", "posts_fts_update", "posts_fts_delete", "post_categories_fts_insert",
			"post_categories_fts_delete", "post_tags_fts_insert", "post_tags_fts_delete"} {
			if _, err := db.Exec("DROP TRIGGER " + tr); err != nil {
				b.Fatal(err)
			}
		}
	}
	u := mkUser(b, s, "ann")
	var cats []broadside.Category
	for i := range 3 {
		c := &broadside.Category{Name: fmt.Sprintf("Category %d", i), Slug: fmt.Sprintf("category-%d", i)}
		must(b, s.CreateCategory(ctx, c))
		cats = append(cats, *c)
	}
	tags, err := s.EnsureTags(ctx, []string{"one", "two", "three", "four", "five"})
	must(b, err)
	body := strings.Repeat(`<p>The <a href="https://example.com/council">council</a> met on <strong>Tuesday</strong> to discuss the harbour budget, the ferry timetable and the new library.</p>`+"\n", 64)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(50, b.N-done)
		err := s.InTx(ctx, func(tx *store.Store) error {
			for i := done; i < done+n; i++ {
				p := &broadside.Post{Type: broadside.TypePost, AuthorID: u.ID, Title: fmt.Sprintf("Post %d", i),
					Slug: fmt.Sprintf("post-%d", i), RawBody: body, BodyFormat: broadside.FormatHTML,
					Status: broadside.StatusPublished, PublishedAt: t0, CreatedAt: t0, UpdatedAt: t0, Categories: cats, Tags: tags}
				if err := tx.CreatePost(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
		must(b, err)
		done += n
	}
}
