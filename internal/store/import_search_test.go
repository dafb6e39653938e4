package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestDeferSearchIndex: posts imported into a site without posts are indexed once at the
// end, and the index then holds exactly what the triggers write row by row (the same rows,
// the same search results); a rolled-back import brings the triggers back; a site with
// posts keeps them.
func TestDeferSearchIndex(t *testing.T) {
	ctx := context.Background()
	type site struct {
		s  *store.Store
		db *sql.DB
	}
	open := func() site {
		dsn := testdb.SQLite(t)
		db, err := sql.Open("sqlite", dsn)
		must(t, err)
		t.Cleanup(func() { db.Close() })
		return site{openStore(t, dsn), db}
	}
	schema := func(db *sql.DB) string {
		rows, err := db.Query("SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
		must(t, err)
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var line string
			must(t, rows.Scan(&line))
			b.WriteString(line + "\n")
		}
		return b.String()
	}
	// importAll imports the same posts into s, deferring the index when defer is true.
	importAll := func(s *store.Store, deferred bool) {
		u := mkUser(t, s, "ann")
		must(t, s.InTx(ctx, func(tx *store.Store) error {
			build := func(context.Context) error { return nil }
			if deferred {
				var err error
				if build, err = tx.DeferSearchIndex(ctx); err != nil {
					return err
				}
			}
			cats := map[string]int64{}
			for _, name := range []string{"Harbour news", "Élections"} {
				c := &broadside.Category{Name: name, Slug: strings.ToLower(strings.Fields(name)[0])}
				must(t, tx.CreateCategory(ctx, c))
				cats[name] = c.ID
			}
			tags, err := tx.EnsureTags(ctx, []string{"ferries", "council budget"})
			must(t, err)
			for i := 1; i <= 30; i++ {
				p := &broadside.Post{ID: int64(100 + i), Type: broadside.TypePost, AuthorID: u.ID, Title: fmt.Sprintf("Tide report %d", i),
					Slug: fmt.Sprint("tide-", i), RawBody: fmt.Sprintf("<p>The harbour’s ferries ran %d times; the <em>council</em> met.</p>", i),
					BodyFormat: broadside.FormatHTML, RawExcerpt: "Crossings and café prices", Status: broadside.StatusPublished,
					PublishedAt: t0, CreatedAt: t0, UpdatedAt: t0,
					Categories: []broadside.Category{{ID: cats["Harbour news"]}}}
				if i%3 == 0 {
					p.Categories = append(p.Categories, broadside.Category{ID: cats["Élections"]})
					p.Tags = tags
				}
				if i%5 == 0 {
					p.Type, p.Categories, p.Tags = broadside.TypePage, nil, nil
				}
				must(t, tx.ImportPost(ctx, p))
			}
			return build(ctx)
		}))
	}
	rowByRow, deferred := open(), open()
	before := schema(deferred.db)
	if !strings.Contains(before, "posts_fts_insert") || !strings.Contains(before, "posts_fts_update") {
		t.Fatalf("the search triggers changed; the test expects them:\n%s", before)
	}

	// A rolled-back import leaves the triggers as they were.
	boom := errors.New("boom")
	if err := deferred.s.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.DeferSearchIndex(ctx); err != nil {
			return err
		}
		if got := schema(deferred.db); got != before {
			return fmt.Errorf("outside the transaction the triggers changed")
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if got := schema(deferred.db); got != before {
		t.Fatalf("after a rollback the triggers are\n%s\nwant\n%s", got, before)
	}

	importAll(rowByRow.s, false)
	importAll(deferred.s, true)
	if got := schema(deferred.db); got != before {
		t.Fatalf("after the build the triggers are\n%s\nwant\n%s", got, before)
	}
	want, err := rowByRow.s.SearchIndexRows()
	must(t, err)
	got, err := deferred.s.SearchIndexRows()
	must(t, err)
	if got != want || strings.Count(got, "\n") != 30 {
		t.Fatalf("the deferred index holds\n%s\nrow by row it holds\n%s", got, want)
	}
	for _, q := range []string{"ferries", "harbour", "council budget", "élections", "café", "tide report 12", "crossing"} {
		var res [2]string
		for i, st := range []*store.Store{rowByRow.s, deferred.s} {
			hits, total, err := st.SearchPosts(ctx, store.SearchFilter{Query: broadside.ParseSearch(q), Limit: 100})
			must(t, err)
			res[i] = fmt.Sprint(total)
			for _, h := range hits {
				res[i] += fmt.Sprintf(" %d:%.6f", h.Post.ID, h.Rank)
			}
		}
		if res[0] != res[1] || res[0] == "0" {
			t.Errorf("search %q: deferred %s, row by row %s", q, res[1], res[0])
		}
	}
	var ok string
	must(t, deferred.db.QueryRow("PRAGMA integrity_check").Scan(&ok))
	if ok != "ok" {
		t.Fatalf("integrity_check: %s", ok)
	}

	// The site has posts now: the triggers stay.
	must(t, deferred.s.InTx(ctx, func(tx *store.Store) error {
		build, err := tx.DeferSearchIndex(ctx)
		must(t, err)
		var n int
		must(t, tx.Reader().QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'posts_fts_%'").Scan(&n))
		if n != 3 {
			t.Errorf("%d search triggers on posts while a site with posts imports; want 3", n)
		}
		return build(ctx)
	}))
}
