package store

import (
	"context"
	"path/filepath"
	"testing"
)

// migratedSQLite is a new SQLite database with every migration, closed when the test ends:
// what the package's internal tests of queries and plans start from.
func migratedSQLite(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}
