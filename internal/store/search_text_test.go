package store_test

import (
	"context"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// Both databases index the search text Go computes: a word written with HTML entities is
// found as the reader types it (PostgreSQL used to compute its own text, turning entities
// into spaces).
func TestSearchFindsWordsWrittenAsEntities(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		mkPost(t, s, u, "html-entity", broadside.StatusPublished, t0.AddDate(0, 0, -1), func(p *broadside.Post) {
			p.BodyFormat = broadside.FormatHTML
			p.RawBody = "<p>The harbour caf&eacute; serves cr&#232;me br&#xFB;l&eacute;e&nbsp;daily.</p>"
		})
		mkPost(t, s, u, "markdown-entity", broadside.StatusPublished, t0.AddDate(0, 0, -2), func(p *broadside.Post) {
			p.RawBody = "A *na&iuml;ve* question about the r&eacute;sum&eacute;."
		})
		wantSlugs(t, "café", search(t, s, "café"), "html-entity")
		wantSlugs(t, "crème brûlée", search(t, s, "crème brûlée"), "html-entity")
		wantSlugs(t, "daily", search(t, s, "daily"), "html-entity")
		wantSlugs(t, "naïve", search(t, s, "naïve"), "markdown-entity")
		wantSlugs(t, "résumé", search(t, s, "résumé"), "markdown-entity")
		// An edit is indexed the same way.
		p := mkPost(t, s, u, "edited", broadside.StatusPublished, t0.AddDate(0, 0, -3))
		p.BodyFormat, p.RawBody = broadside.FormatHTML, "<p>Sm&ouml;rg&aring;sbord</p>"
		must(t, s.UpdatePost(ctx, p))
		wantSlugs(t, "smörgåsbord", search(t, s, "smörgåsbord"), "edited")
		// A rebuild recomputes it and finds the same.
		_, err := s.RebuildSearchIndex(ctx)
		must(t, err)
		wantSlugs(t, "café after rebuild", search(t, s, "café"), "html-entity")
	})
}

// A post whose search text was never stored (written before the column existed, or by
// another tool) gets it, computed in Go, when the store migrates, and is then found.
func TestMigrateFillsMissingSearchText(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := openStore(t, dsn)
		u := mkUser(t, s, "ann")
		mkPost(t, s, u, "old-post", broadside.StatusPublished, t0.AddDate(0, 0, -1), func(p *broadside.Post) {
			p.BodyFormat = broadside.FormatHTML
			p.RawBody = "<p>Our caf&eacute; opens.</p>"
		})
		if _, err := rawDB(t, dsn).Exec("UPDATE posts SET search_body = NULL"); err != nil {
			t.Fatal(err)
		}
		wantSlugs(t, "café before", search(t, s, "café"))
		must(t, s.Migrate(ctx))
		wantSlugs(t, "café after migrating", search(t, s, "café"), "old-post")
	})
}
