// Package testdb hands tests fresh databases: a SQLite file in t.TempDir(), or an empty
// PostgreSQL database on a server given by BROADSIDE_TEST_POSTGRES_URL or on a throwaway
// cluster that the test binary starts once (initdb + postgres on a free port) and stops at exit.
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
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvPostgresURL names the variable pointing tests at an existing PostgreSQL server, as a URL
// whose user may CREATE DATABASE, e.g. postgres://postgres@localhost:5432/postgres.
const EnvPostgresURL = "BROADSIDE_TEST_POSTGRES_URL"

var (
	clusterOnce sync.Once
	shared      *cluster
	sharedErr   error
)

// SQLite returns the path of a fresh SQLite database file in t.TempDir().
func SQLite(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "broadside.db")
}

// Postgres returns the URL of a fresh, empty PostgreSQL database, dropped when t ends. Without
// PostgreSQL it skips t with instructions, or fails when the CI variable is set.
func Postgres(t testing.TB) string {
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
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("testdb: %s must be a postgres:// URL", EnvPostgresURL)
	}
	name := "broadside_test_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := adminExec(ctx, base, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// WITH (FORCE) closes connections a test forgot to close (PostgreSQL 13+).
		if err := adminExec(ctx, base, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("testdb: drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// ForEachDialect runs fn as subtest "sqlite" with a fresh SQLite database and as subtest
// "postgres" with a fresh PostgreSQL database.
func ForEachDialect(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// Main runs the tests and then stops the throwaway PostgreSQL cluster, if one was started.
// Call it from TestMain. (Should the binary die without reaching the end, the cluster is
// stopped by the kernel: postgres runs with a parent-death signal.)
func Main(m *testing.M) {
	code := run(m)
	os.Exit(code)
}

func run(m *testing.M) int {
	defer Stop()
	return m.Run()
}

// Stop stops the throwaway cluster now; later Postgres calls fail. Main calls it.
func Stop() {
	if shared != nil {
		shared.stop()
	}
}

func adminExec(ctx context.Context, dsn, stmt string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, stmt)
	return err
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("testdb: random: %v", err))
	}
	return hex.EncodeToString(b)
}
