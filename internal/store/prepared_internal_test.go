package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// TestKeptStatements: the reads kept prepared answer like unprepared ones, also after the
// schema changed under them (SQLite prepares the statement again) and after a write; the
// cache holds each text once and stops growing at its bound; a closed store's cache is empty.
func TestKeptStatements(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.w.ExecContext(ctx, "CREATE TABLE k (id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		t.Fatal(err)
	}
	read := func(id int) string {
		t.Helper()
		var v string
		if err := s.kept().QueryRowContext(ctx, "SELECT v FROM k WHERE id = $1", id).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if _, err := s.w.ExecContext(ctx, "INSERT INTO k (id, v) VALUES (1, 'one'), (2, 'two')"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if got := read(1) + read(2); got != "onetwo" {
			t.Fatalf("kept reads gave %q; want onetwo", got)
		}
	}
	if n := len(s.keep.stmts); n != 1 {
		t.Errorf("%d statements kept for one text; want 1", n)
	}
	if _, err := s.w.ExecContext(ctx, "ALTER TABLE k ADD COLUMN w TEXT; UPDATE k SET v = 'uno' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if got := read(1); got != "uno" {
		t.Errorf("after a schema change and a write: %q; want uno", got)
	}
	// Inside a transaction the reads go through it, never through the reader pool.
	if err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.wr().ExecContext(ctx, "UPDATE k SET v = 'eins' WHERE id = 1"); err != nil {
			return err
		}
		var v string
		if err := tx.kept().QueryRowContext(ctx, "SELECT v FROM k WHERE id = $1", 1).Scan(&v); err != nil {
			return err
		}
		if v != "eins" {
			t.Errorf("a kept read in a transaction saw %q, not its own write", v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i := range maxKeptStmts + 10 {
		var n int
		if err := s.kept().QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&n); err != nil || n != i {
			t.Fatalf("SELECT %d: %d, %v", i, n, err)
		}
	}
	if n := len(s.keep.stmts); n != maxKeptStmts {
		t.Errorf("%d statements kept; want the bound, %d", n, maxKeptStmts)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.keep.stmts != nil {
		t.Errorf("a closed store keeps %d statements", len(s.keep.stmts))
	}
}
