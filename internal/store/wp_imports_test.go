package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestWPImportsMigration: migration 0042 (wp_imports keyed by kind, wp_id, source, without
// its two indexes) keeps the rows written before it, and every reader answers as before:
// a lookup by source, whether a source imported, an old link resolved to the most recent
// import of its id, and a key recorded again updated in place.
func TestWPImportsMigration(t *testing.T) {
	testdb.ForEachDialectEmpty(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, err := store.Open(ctx, dsn)
		must(t, err)
		t.Cleanup(func() { s.Close() })
		must(t, s.MigrateBelow(ctx, 42))
		db := rawDB(t, dsn)
		t1 := t0.Add(time.Hour)
		for _, r := range []struct {
			source, kind string
			wpID, local  int64
			at           time.Time
		}{
			{"http://a", broadside.WPPost, 5, 50, t0},
			{"http://b", broadside.WPPost, 5, 51, t1},
			{"http://a", broadside.WPComment, 5, 52, t0},
			{"http://a", broadside.WPComment, 6, 53, t0},
			// Imported at the same time: the lower local id answers an old link.
			{"http://a", broadside.WPTag, 9, 92, t0},
			{"http://b", broadside.WPTag, 9, 91, t0},
		} {
			at := any(r.at)
			if s.Dialect() == store.DialectSQLite {
				at = r.at.Format(time.RFC3339Nano)
			}
			_, err := db.ExecContext(ctx, `INSERT INTO wp_imports (source, kind, wp_id, local_id, guid, imported_at)
VALUES ($1, $2, $3, $4, '', $5)`, r.source, r.kind, r.wpID, r.local, at)
			must(t, err)
		}
		must(t, s.Migrate(ctx))

		for _, c := range []struct {
			source, kind string
			wpID, want   int64
		}{
			{"http://a", broadside.WPPost, 5, 50},
			{"http://b", broadside.WPPost, 5, 51},
			{"http://a", broadside.WPComment, 5, 52},
			{"http://a", broadside.WPComment, 6, 53},
			{"http://b", broadside.WPComment, 6, 0},
		} {
			id, ok, err := s.LookupWPImport(ctx, c.source, c.kind, c.wpID)
			if err != nil || ok != (c.want != 0) || id != c.want {
				t.Errorf("LookupWPImport(%s, %s, %d) = %d, %v, %v; want %d", c.source, c.kind, c.wpID, id, ok, err, c.want)
			}
		}
		for source, want := range map[string]bool{"http://a": true, "http://b": true, "http://c": false} {
			if got, err := s.HasWPImports(ctx, source); err != nil || got != want {
				t.Errorf("HasWPImports(%s) = %v, %v; want %v", source, got, err, want)
			}
		}
		if id, err := s.ResolveWPID(ctx, broadside.WPPost, 5); err != nil || id != 51 {
			t.Errorf("ResolveWPID(post 5) = %d, %v; want 51, the later import", id, err)
		}
		if id, err := s.ResolveWPID(ctx, broadside.WPTag, 9); err != nil || id != 91 {
			t.Errorf("ResolveWPID(tag 9) = %d, %v; want 91, the lower id of two imports at one time", id, err)
		}
		if _, err := s.ResolveWPID(ctx, broadside.WPPost, 6); broadside.ErrorCode(err) != broadside.ENOTFOUND {
			t.Errorf("ResolveWPID(post 6): %v, want not found", err)
		}
		// Recorded again, a key keeps one row with the new values, in one call or in two.
		m := store.WPImport{Source: "http://a", Kind: broadside.WPPost, WPID: 5, LocalID: 60}
		must(t, s.RecordWPImports(ctx, []store.WPImport{m}, t0.Add(2*time.Hour)))
		m2 := store.WPImport{Source: "http://c", Kind: broadside.WPComment, WPID: 7, LocalID: 70}
		m3 := m2
		m3.LocalID = 71
		must(t, s.RecordWPImports(ctx, []store.WPImport{m2, m3}, t0))
		if id, err := s.ResolveWPID(ctx, broadside.WPPost, 5); err != nil || id != 60 {
			t.Errorf("ResolveWPID(post 5) after a re-import = %d, %v; want 60", id, err)
		}
		if id, ok, err := s.LookupWPImport(ctx, "http://c", broadside.WPComment, 7); err != nil || !ok || id != 71 {
			t.Errorf("a key given twice: %d, %v, %v; want 71", id, ok, err)
		}
		var n int
		must(t, db.QueryRowContext(ctx, "SELECT count(*) FROM wp_imports").Scan(&n))
		if n != 7 {
			t.Errorf("%d rows, want 7", n)
		}
	})
}
