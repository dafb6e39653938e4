package testdb_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestSQLiteIsFreshPath(t *testing.T) {
	a, b := testdb.SQLite(t), testdb.SQLite(t)
	if a == b || !filepath.IsAbs(a) || !strings.HasSuffix(a, ".db") {
		t.Fatalf("SQLite paths %q and %q", a, b)
	}
}

func TestPostgresEmptyGivesFreshEmptyDatabases(t *testing.T) {
	ctx := context.Background()
	start := time.Now()
	a := testdb.PostgresEmpty(t)
	t.Logf("first database (including cluster start): %v", time.Since(start))
	start = time.Now()
	b := testdb.PostgresEmpty(t)
	t.Logf("second database: %v", time.Since(start))
	if a == b {
		t.Fatal("same database twice")
	}
	for _, dsn := range []string{a, b} {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("%s has %d tables", dsn, n)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE t (x int)"); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
	}
}

func TestForEachDialect(t *testing.T) {
	var got []string
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		got = append(got, t.Name()+"="+strings.SplitN(dsn, ":", 2)[0])
	})
	want := "TestForEachDialect/sqlite TestForEachDialect/postgres=postgres"
	if len(got) != 2 || !strings.HasPrefix(got[0], "TestForEachDialect/sqlite=/") || got[1] != "TestForEachDialect/postgres=postgres" {
		t.Fatalf("ran %v, want something like %s", got, want)
	}
}

// TestPostgresGivesFreshMigratedDatabases: clones of the migrated template carry every
// migration, the store finds nothing left to do, and a write to one is not seen by another.
func TestPostgresGivesFreshMigratedDatabases(t *testing.T) {
	ctx := context.Background()
	a, b := testdb.Postgres(t), testdb.Postgres(t)
	if a == b {
		t.Fatal("same database twice")
	}
	migs, err := store.Migrations(store.DialectPostgres)
	if err != nil {
		t.Fatal(err)
	}
	for i, dsn := range []string{a, b} {
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Ready(ctx); err != nil {
			t.Fatalf("clone %d: %v", i, err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("clone %d: migrate again: %v", i, err)
		}
		s.Close()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		var n, tables int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != len(migs) {
			t.Fatalf("clone %d has %d migrations recorded, want %d", i, n, len(migs))
		}
		if i == 0 {
			if _, err := conn.Exec(ctx, "CREATE TABLE only_in_a (x int)"); err != nil {
				t.Fatal(err)
			}
		} else if err := conn.QueryRow(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'only_in_a'").Scan(&tables); err != nil || tables != 0 {
			t.Fatalf("a table made in one clone is in another (%d, %v)", tables, err)
		}
		conn.Close(ctx)
	}
}

// TestSQLiteMigratedCarriesEveryMigration: the SQLite template (kept per machine and set of
// migrations) has every migration recorded, and Migrate finds nothing left to do; its pages
// are the size store.Open gives a new database, so tests run on what production creates.
func TestSQLiteMigratedCarriesEveryMigration(t *testing.T) {
	ctx := context.Background()
	migs, err := store.Migrations(store.DialectSQLite)
	if err != nil {
		t.Fatal(err)
	}
	path := testdb.SQLiteMigrated(t)
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(migs) {
		t.Fatalf("%d migrations recorded, want %d", n, len(migs))
	}
	if err := db.QueryRowContext(ctx, "PRAGMA page_size").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != store.SQLitePageSize {
		t.Errorf("page_size %d, want %d", n, store.SQLitePageSize)
	}
}

// TestWatchdogNamesTheHungTest runs this binary on a test that never ends, with a short
// -test.timeout, and checks that the last lines it prints name that test and its line.
func TestWatchdogNamesTheHungTest(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestWatchdogHangs$", "-test.timeout=3s")
	cmd.Env = append(os.Environ(), "BROADSIDE_WATCHDOG_HANG=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("hung binary: %v, want exit status 2\n%s", err, out)
	}
	tail := string(out[max(0, len(out)-400):])
	if !strings.Contains(tail, "TestWatchdogHangs: testdb_test.TestWatchdogHangs at ") || !strings.Contains(tail, "testdb_test.go:") ||
		!strings.Contains(tail, "chan receive") {
		t.Fatalf("the output's tail does not name the hung test, its line and state:\n%s", tail)
	}
	if strings.Contains(string(out), "panic: test timed out") {
		t.Fatalf("Go's own timeout fired before the watchdog:\n%s", tail)
	}
}

// TestWatchdogHangs is TestWatchdogNamesTheHungTest's hung test: it blocks forever when
// that test runs it, and passes at once otherwise.
func TestWatchdogHangs(t *testing.T) {
	if os.Getenv("BROADSIDE_WATCHDOG_HANG") != "1" {
		return
	}
	<-make(chan struct{})
}
