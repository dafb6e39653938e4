package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestSQLitePragmas pins the settings durability and concurrency depend on.
func TestSQLitePragmas(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
	} {
		for name, db := range map[string]sqlQuerier{"writer": s.w, "reader": s.r} {
			var got string
			if err := db.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s: PRAGMA %s = %s, want %s", name, tc.pragma, got, tc.want)
			}
		}
	}
	// The readers' page caches are bounded (SQLite's memory is outside the Go runtime's
	// limit); the writer keeps SQLite's default.
	for name, tc := range map[string]struct {
		db   sqlQuerier
		want int
	}{"writer": {s.w, -2000}, "reader": {s.r, -readerCacheKiB}} {
		var got int
		if err := tc.db.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s: PRAGMA cache_size = %d, want %d", name, got, tc.want)
		}
	}
	if _, err := s.r.ExecContext(ctx, "CREATE TABLE nope (x)"); err == nil {
		t.Error("the reader pool accepted a write")
	}
	if s.w.Stats().MaxOpenConnections != 1 {
		t.Errorf("writer allows %d connections, want 1", s.w.Stats().MaxOpenConnections)
	}
}
