// Package testdb hands tests fresh databases: a SQLite file (sqliteDir: in memory on Linux), or a PostgreSQL
// database on a server given by BROADSIDE_TEST_POSTGRES_URL or on a throwaway cluster that the
// test binary starts once (initdb + postgres on a free port) and stops at exit. A PostgreSQL
// database comes already migrated: it is cloned (CREATE DATABASE … TEMPLATE) from one migrated
// database, because running every migration per test cost most of the PostgreSQL tests' time;
// the throwaway cluster starts as a copy of one made once per machine and set of migrations
// (templateCache), on another server the binary migrates its own. PostgresEmpty gives an empty one, for tests of migrating itself.
//
// Use it from TestMain so the cluster is stopped when the tests end:
//
//	func TestMain(m *testing.M) { testdb.Main(m) }
//
//	func TestThing(t *testing.T) {
//		testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
//			s, err := store.Open(ctx, dsn)
//			…
//		})
//	}
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/store"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvPostgresURL names the variable pointing tests at an existing PostgreSQL server, as a URL
// whose user may CREATE DATABASE, e.g. postgres://postgres@localhost:5432/postgres.
const EnvPostgresURL = "BROADSIDE_TEST_POSTGRES_URL"

var (
	clusterOnce sync.Once
	shared      *cluster
	sharedErr   error

	tplOnce sync.Once
	tplName string // the migrated template of this test binary, on tplBase
	tplBase string
	tplErr  error
)

// SQLite returns the path of a fresh SQLite database file in a directory of its own (sqliteDir).
func SQLite(t testing.TB) string {
	t.Helper()
	return filepath.Join(sqliteDir(t), "broadside.db")
}

// Postgres returns the URL of a fresh PostgreSQL database with every migration applied (as
// store.Migrate leaves it; calling Migrate again finds nothing to do), dropped when t ends.
// Without PostgreSQL it skips t with instructions, or fails when the CI variable is set.
func Postgres(t testing.TB) string {
	t.Helper()
	base := server(t)
	tplOnce.Do(func() { tplName, tplErr = makeTemplate(base) })
	if tplErr != nil {
		t.Fatalf("testdb: migrated template database: %v", tplErr)
	}
	return create(t, base, "CREATE DATABASE %s TEMPLATE "+tplName)
}

// PostgresEmpty returns the URL of a fresh, empty PostgreSQL database (no tables), dropped
// when t ends: for tests of migrating itself.
func PostgresEmpty(t testing.TB) string {
	t.Helper()
	return create(t, server(t), "CREATE DATABASE %s")
}

// server returns the URL of the PostgreSQL server the tests use, starting the throwaway
// cluster on first use.
func server(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgresURL)
	if base == "" {
		clusterOnce.Do(func() { shared, sharedErr = startCluster() })
		if sharedErr != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI requires PostgreSQL: install the postgresql package (apt-get install postgresql) or set %s: %v", EnvPostgresURL, sharedErr)
			}
			t.Skipf("SKIPPING PostgreSQL tests: %v. Install PostgreSQL (apt-get install postgresql) or set %s=postgres://user@host/db", sharedErr, EnvPostgresURL)
		}
		base = shared.url
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("testdb: %s must be a postgres:// URL", EnvPostgresURL)
	}
	return base
}

// create makes a database with stmt (a format with %s for the name) on base and returns its
// URL; the database is dropped when t ends.
func create(t testing.TB, base, stmt string) string {
	t.Helper()
	u, _ := url.Parse(base)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	name, err := clones.take(ctx, base, stmt)
	if err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	t.Cleanup(func() { clones.drop(base, name, t.Logf) })
	u.Path = "/" + name
	return u.String()
}

// ForEachDialect runs fn as subtest "sqlite" with a fresh, migrated SQLite database
// (SQLiteMigrated) and as subtest "postgres" with a fresh, migrated PostgreSQL database
// (Postgres).
func ForEachDialect(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLiteMigrated(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// ForEachDialectEmpty is ForEachDialect with empty databases (SQLite, PostgresEmpty).
func ForEachDialectEmpty(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresEmpty(t)) })
}

// Main runs the tests and then stops the throwaway PostgreSQL cluster, if one was started.
// Call it from TestMain. (Should the binary die without reaching the end, the cluster is
// stopped by the kernel: postgres runs with a parent-death signal.)
//
// Tests that call t.Parallel run up to Parallel at once, not one per core (go test's
// default): most of them wait (on a child process, a lease running out, an SMTP rate, a
// database on a busy machine) rather than compute. An explicit -test.parallel wins.
func Main(m *testing.M) {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		_ = flag.Set("test.parallel", strconv.Itoa(Parallel))
	}
	Watchdog()
	code := run(m)
	os.Exit(code)
}

// Parallel is how many parallel tests Main lets run at once.
const Parallel = 8

func run(m *testing.M) int {
	defer Stop()
	return m.Run()
}

// Stop removes this binary's SQLite files in memory, drops the template database and stops the
// throwaway cluster now; later Postgres calls fail. Main calls it.
func Stop() {
	if sqliteRoot != "" {
		os.RemoveAll(sqliteRoot)
	}
	clones.stop()
	if tplName != "" && tplBase != "" && shared == nil {
		// On a server we did not start, nobody else removes it.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_ = adminExec(ctx, tplBase, "DROP DATABASE IF EXISTS "+tplName+" WITH (FORCE)")
		cancel()
	}
	closeAdmin()
	if shared != nil {
		shared.stop()
	}
}

var (
	strategyOnce sync.Once
	strategyOpt  string
)

// strategy returns the CREATE DATABASE option that copies the template's files rather than
// logging every block (PostgreSQL 15's default): on a cluster without fsync, a copy takes a
// third of the time. Older servers copy files anyway and do not know the option.
func strategy(ctx context.Context, base string) string {
	strategyOnce.Do(func() {
		p, err := adminPool(base)
		if err != nil {
			return
		}
		var v int
		if p.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&v) == nil && v >= 150000 {
			strategyOpt = " STRATEGY FILE_COPY"
		}
	})
	return strategyOpt
}

// makeTemplate creates a database on base and migrates it with the store, for Postgres to
// clone. Its name is this binary's own: test binaries of several packages run at once and
// may share a server. A throwaway cluster started from templateCache has one already.
func makeTemplate(base string) (string, error) {
	if shared != nil && base == shared.url && shared.template != "" {
		return shared.template, nil
	}
	name := "broadside_template_" + randomHex(8)
	tplBase = base
	if err := migrateTemplate(base, name); err != nil {
		return "", err
	}
	return name, nil
}

// migrateTemplate creates database name on base and migrates it with the store.
func migrateTemplate(base, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := adminExec(ctx, base, "CREATE DATABASE "+name); err != nil {
		return err
	}
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	u.Path = "/" + name
	s, err := store.Open(ctx, u.String())
	if err != nil {
		return err
	}
	err = s.Migrate(ctx)
	// Closed before any clone: CREATE DATABASE refuses a template that has connections.
	s.Close()
	return err
}

// admin keeps the connections that create and drop databases, by server URL. A new
// PostgreSQL connection is a fork of the server plus its page faults: about 35 ms of the
// server's CPU on this machine, and every test took and gave back a database on three of them.
var admin = struct {
	sync.Mutex
	pools map[string]*pgxpool.Pool
}{pools: map[string]*pgxpool.Pool{}}

func adminPool(dsn string) (*pgxpool.Pool, error) {
	admin.Lock()
	defer admin.Unlock()
	if p := admin.pools[dsn]; p != nil {
		return p, nil
	}
	p, err := pgxpool.New(context.Background(), dsn) // connects on first use
	if err != nil {
		return nil, err
	}
	admin.pools[dsn] = p
	return p, nil
}

func adminExec(ctx context.Context, dsn, stmt string) error {
	p, err := adminPool(dsn)
	if err != nil {
		return err
	}
	_, err = p.Exec(ctx, stmt)
	return err
}

// closeAdminPool closes the kept connections to dsn.
func closeAdminPool(dsn string) {
	admin.Lock()
	defer admin.Unlock()
	if p := admin.pools[dsn]; p != nil {
		p.Close()
		delete(admin.pools, dsn)
	}
}

// closeAdmin closes the kept connections (before the server stops).
func closeAdmin() {
	admin.Lock()
	defer admin.Unlock()
	for dsn, p := range admin.pools {
		p.Close()
		delete(admin.pools, dsn)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("testdb: random: %v", err))
	}
	return hex.EncodeToString(b)
}

// Open opens the store at dsn (from SQLite or Postgres), migrates it and closes it when the
// test ends: what nearly every test of a service starts with. A SQLite file that does not
// exist yet starts as a copy of the migrated template, which Migrate then finds complete:
// the same schema as migrating from nothing, at a twentieth of the cost.
func Open(tb testing.TB, dsn string) *store.Store {
	tb.Helper()
	ctx := context.Background()
	if !strings.Contains(dsn, "://") && !strings.HasPrefix(dsn, "file:") {
		if _, err := os.Stat(dsn); errors.Is(err, fs.ErrNotExist) {
			if err := CopySQLiteTemplate(dsn); err != nil {
				tb.Fatalf("testdb: migrated SQLite template: %v", err)
			}
		}
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return st
}
