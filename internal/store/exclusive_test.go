package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// manyRedirects are n rows of about 500 bytes: enough of them (a few thousand) overflow the
// writer's page cache, so the transaction writes pages into the file before it commits.
func manyRedirects(n int) []broadside.Redirect {
	rs := make([]broadside.Redirect, n)
	pad := strings.Repeat("x", 480)
	for i := range rs {
		rs[i] = broadside.Redirect{Path: fmt.Sprintf("/old/%d/%s", i, pad), Kind: broadside.WPHome}
	}
	return rs
}

// fileState is what another program opening the SQLite file finds: its journal mode, its
// integrity, how many redirects it holds, and whether a rollback journal is left beside it.
func fileState(t *testing.T, path string) (mode string, redirects int, journal bool) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	must(t, db.QueryRow("PRAGMA integrity_check").Scan(&ok))
	if ok != "ok" {
		t.Fatalf("integrity_check: %s", ok)
	}
	must(t, db.QueryRow("PRAGMA journal_mode").Scan(&mode))
	must(t, db.QueryRow("SELECT count(*) FROM redirects").Scan(&redirects))
	_, err = os.Stat(path + "-journal")
	return mode, redirects, err == nil
}

func TestInExclusiveTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := testdb.SQLiteMigrated(t)
	s := openStore(t, path)
	must(t, s.SetRedirect(ctx, broadside.Redirect{Path: "/before", Kind: broadside.WPHome}, t0))

	// Alone on the file: the transaction takes it, and gives it back in WAL mode.
	excl, err := s.InExclusiveTx(ctx, func(tx *store.Store) error { return tx.SetRedirects(ctx, manyRedirects(3000), t0) })
	if err != nil || !excl {
		t.Fatalf("InExclusiveTx alone = %v, %v; want exclusive, no error", excl, err)
	}
	if mode, n, journal := fileState(t, path); mode != "wal" || n != 3001 || journal {
		t.Fatalf("after a commit: journal mode %s, %d redirects, journal left %v; want wal, 3001, false", mode, n, journal)
	}

	// A failure rolls back what the journal saved, and still gives the file back in WAL mode.
	boom := errors.New("boom")
	excl, err = s.InExclusiveTx(ctx, func(tx *store.Store) error {
		if err := tx.SetRedirects(ctx, manyRedirects(6000), t0); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || !excl {
		t.Fatalf("InExclusiveTx failing = %v, %v; want exclusive, boom", excl, err)
	}
	if mode, n, journal := fileState(t, path); mode != "wal" || n != 3001 || journal {
		t.Fatalf("after a rollback: journal mode %s, %d redirects, journal left %v; want wal, 3001, false", mode, n, journal)
	}

	// Another connection has the file open (as a server in another process would): an
	// ordinary WAL transaction runs instead, and that connection keeps reading.
	other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var n int
	must(t, other.QueryRow("SELECT count(*) FROM redirects").Scan(&n))
	excl, err = s.InExclusiveTx(ctx, func(tx *store.Store) error {
		return tx.SetRedirect(ctx, broadside.Redirect{Path: "/shared", Kind: broadside.WPHome}, t0)
	})
	if err != nil || excl {
		t.Fatalf("InExclusiveTx beside another connection = %v, %v; want not exclusive, no error", excl, err)
	}
	must(t, other.QueryRow("SELECT count(*) FROM redirects").Scan(&n))
	if mode, _, _ := fileState(t, path); n != 3002 || mode != "wal" {
		t.Fatalf("the other connection reads %d redirects, journal mode %s; want 3002, wal", n, mode)
	}
	// The Store's own connections carry on.
	must(t, s.SetRedirect(ctx, broadside.Redirect{Path: "/after", Kind: broadside.WPHome}, t0))
	if _, err := s.RedirectByPath(ctx, "/after"); err != nil {
		t.Fatal(err)
	}
}

// A process killed in the middle of an exclusive transaction, after it wrote pages into the
// file itself, leaves the database as it was to the next program that opens it, in WAL mode.
func TestInExclusiveTxKilled(t *testing.T) {
	if dir := os.Getenv("BROADSIDE_EXCLUSIVE_CHILD"); dir != "" {
		exclusiveChild(t, dir)
		return
	}
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "broadside.db")
	must(t, testdb.CopySQLiteTemplate(path))
	s := openStore(t, path)
	must(t, s.SetRedirect(ctx, broadside.Redirect{Path: "/before", Kind: broadside.WPHome}, t0))
	must(t, s.Close())
	before, err := os.Stat(path)
	must(t, err)

	child := exec.Command(os.Args[0], "-test.run", "^TestInExclusiveTxKilled$", "-test.timeout", "10m")
	child.Env = append(os.Environ(), "BROADSIDE_EXCLUSIVE_CHILD="+dir)
	out := &strings.Builder{}
	child.Stdout, child.Stderr = out, out
	must(t, child.Start())
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	marker := filepath.Join(dir, "written")
	for deadline := time.Now().Add(5 * time.Minute); ; {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("the child ended before its transaction was written: %v\n%s", err, out)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			child.Process.Kill()
			t.Fatalf("the child wrote nothing in 5 minutes\n%s", out)
		}
	}
	must(t, child.Process.Kill())
	<-exited
	if st, err := os.Stat(path); err != nil || st.Size() <= before.Size() {
		t.Fatalf("the killed transaction wrote no page into the file (size %v, was %d): the test shows nothing", st, before.Size())
	}
	if _, err := os.Stat(path + "-journal"); err != nil {
		t.Fatalf("no rollback journal beside the file: %v", err)
	}
	s = openStore(t, path)
	if _, err := s.RedirectByPath(ctx, "/before"); err != nil {
		t.Fatalf("the row committed before: %v", err)
	}
	if mode, n, journal := fileState(t, path); mode != "wal" || n != 1 || journal {
		t.Fatalf("after the kill: journal mode %s, %d redirects, journal left %v; want wal, 1, false", mode, n, journal)
	}
}

// exclusiveChild writes many rows in an exclusive transaction, says so, and waits to be
// killed before it commits.
func exclusiveChild(t *testing.T, dir string) {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(dir, "broadside.db"))
	must(t, err)
	excl, err := s.InExclusiveTx(ctx, func(tx *store.Store) error {
		if err := tx.SetRedirects(ctx, manyRedirects(6000), t0); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "written"), nil, 0o600); err != nil {
			return err
		}
		time.Sleep(time.Hour) // killed here
		return errors.New("not killed")
	})
	t.Fatalf("the child's transaction returned: %v, %v", excl, err)
}
