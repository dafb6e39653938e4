package importer_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/testdb"
)

// An import that has the database to itself (the command line's, Options.Alone; on SQLite
// store.InExclusiveTx) leaves what an ordinary one leaves, rolls back as completely when it
// fails in the middle of writing, and gives the SQLite file back in WAL mode either way.
func TestAloneImport(t *testing.T) {
	gen := filepath.Join(t.TempDir(), "gen.xml")
	generateWXR(t, gen, 40, 1500)
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		fresh := func() *env {
			if strings.HasPrefix(dsn, "postgres") {
				return newEnv(t, testdb.Postgres(t))
			}
			return newEnv(t, testdb.SQLiteMigrated(t))
		}
		// Three sites: PostgreSQL's sequences keep what a rolled-back import drew, so the
		// cancelled import has one of its own.
		alone, plain, cancelled := newEnv(t, dsn), fresh(), fresh()
		before := cancelled.snapshot()

		// Cancelled once the second pass has begun writing: nothing stays.
		ctx, cancel := context.WithCancel(cancelled.ctx)
		defer cancel()
		_, err := cancelled.svc.ImportFile(ctx, gen, importer.Options{Alone: true, Progress: func(p importer.Progress) {
			if p.Pass == 2 && p.Done > 0 {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled import: %v, want context.Canceled", err)
		}
		if after := cancelled.snapshot(); after != before {
			t.Fatalf("a cancelled import changed the database:\nbefore %s\nafter  %s", before, after)
		}
		cancelled.wantWAL()

		for _, e := range []*env{alone, plain} {
			if _, err := e.svc.ImportFile(e.ctx, gen, importer.Options{Alone: e == alone}); err != nil {
				t.Fatal(err)
			}
			e.importFile(tutd, importer.Options{Alone: e == alone})
		}
		if a, p := alone.snapshot(), plain.snapshot(); a != p {
			t.Fatalf("alone and ordinary imports differ:\nalone    %s\nordinary %s", a, p)
		}
		const title = "Post number 7: a headline of some length"
		if a, p := alone.comments(alone.postByTitle(title).ID), plain.comments(plain.postByTitle(title).ID); len(a) != len(p) || len(a) == 0 {
			t.Fatalf("a post's comments: alone %d, ordinary %d", len(a), len(p))
		}
		alone.wantWAL()
	})
}

// wantWAL fails the test unless a SQLite database is in WAL mode to a new connection.
func (e *env) wantWAL() {
	e.t.Helper()
	if strings.HasPrefix(e.dsn, "postgres") {
		return
	}
	db, err := sql.Open("sqlite", e.dsn)
	must(e.t, err)
	defer db.Close()
	var mode string
	must(e.t, db.QueryRow("PRAGMA journal_mode").Scan(&mode))
	if mode != "wal" {
		e.t.Fatalf("journal mode %s, want wal", mode)
	}
}
