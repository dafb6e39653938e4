package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// pageSize reads the page size db's connection sees.
func pageSize(t *testing.T, db sqlQuerier) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), "PRAGMA page_size").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fileDB opens path with no settings of Broadside's: what another program (or an older
// Broadside) sees.
func fileDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestNewDatabasePageSize: a database Open creates has SQLitePageSize pages and is in WAL
// mode, as both of Open's pools and any other program see it; its backup keeps the size.
func TestNewDatabasePageSize(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "new.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for name, db := range map[string]sqlQuerier{"writer": s.w, "reader": s.r, "another program": fileDB(t, path)} {
		if got := pageSize(t, db); got != SQLitePageSize {
			t.Errorf("%s: page_size %d, want %d", name, got, SQLitePageSize)
		}
	}
	var mode string
	if err := fileDB(t, path).QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q (%v), want wal", mode, err)
	}
	bak := filepath.Join(dir, "new-backup.db")
	if _, err := s.BackupSQLite(ctx, bak); err != nil {
		t.Fatal(err)
	}
	if got := pageSize(t, fileDB(t, bak)); got != SQLitePageSize {
		t.Errorf("backup: page_size %d, want %d", got, SQLitePageSize)
	}
}

// TestExistingDatabaseKeepsPageSize: a database made with 4,096-byte pages (every Broadside
// database before session 10) opens, migrates, takes writes and reads, and backs up, all
// with its own page size, which no connection of Open's changes.
func TestExistingDatabaseKeepsPageSize(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "old.db")
	old := fileDB(t, path)
	for _, q := range []string{"PRAGMA page_size = 4096", "PRAGMA journal_mode = WAL", "CREATE TABLE keep (x)", "INSERT INTO keep VALUES (42)"} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	for round := range 2 { // a second Open finds what the first one left
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.w.ExecContext(ctx, "INSERT INTO keep VALUES ($1)", round); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM keep").Scan(&n); err != nil || n != 2+round {
			t.Errorf("round %d: %d rows (%v), want %d", round, n, err, 2+round)
		}
		for name, db := range map[string]sqlQuerier{"writer": s.w, "reader": s.r} {
			if got := pageSize(t, db); got != 4096 {
				t.Errorf("round %d, %s: page_size %d, want 4096", round, name, got)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if got := pageSize(t, fileDB(t, path)); got != 4096 {
		t.Errorf("after closing: page_size %d, want 4096", got)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	bak := filepath.Join(dir, "old-backup.db")
	if _, err := s.BackupSQLite(ctx, bak); err != nil {
		t.Fatal(err)
	}
	if got := pageSize(t, fileDB(t, bak)); got != 4096 {
		t.Errorf("backup: page_size %d, want 4096 (the source's)", got)
	}
}
