package testdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/store"
)

// A SQLite database with every migration applied is made once per test binary and copied for
// each test that asks: applying thirty migrations per test was an eighth of the web tests'
// CPU. Migrate on a copy finds nothing to do, as on a database a previous run left behind.
var (
	sqliteTplOnce sync.Once
	sqliteTpl     []byte
	sqliteTplErr  error
)

// SQLiteMigrated returns the path of a fresh SQLite database file (sqliteDir) with every
// migration applied. Tests of migrating itself use SQLite, which gives an empty file.
func SQLiteMigrated(t testing.TB) string {
	t.Helper()
	path := filepath.Join(sqliteDir(t), "broadside.db")
	if err := CopySQLiteTemplate(path); err != nil {
		t.Fatalf("testdb: migrated SQLite template: %v", err)
	}
	return path
}

// CopySQLiteTemplate writes the binary's migrated SQLite template to path (for harnesses
// that give an application a data directory rather than a database).
func CopySQLiteTemplate(path string) error {
	sqliteTplOnce.Do(func() { sqliteTpl, sqliteTplErr = makeSQLiteTemplate() })
	if sqliteTplErr != nil {
		return sqliteTplErr
	}
	return os.WriteFile(path, sqliteTpl, 0o600)
}

func makeSQLiteTemplate() ([]byte, error) {
	dir, err := os.MkdirTemp("", "broadside-sqlite-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	path := filepath.Join(dir, "template.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	err = s.Migrate(ctx)
	// Closing the last connection checkpoints the WAL into the file, so the file alone is the
	// whole database.
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		return nil, fmt.Errorf("the template's WAL was not checkpointed on close")
	}
	return os.ReadFile(path)
}

// sqlitePrefix names this binary's directory of SQLite databases in memory; the pid follows.
const sqlitePrefix = "broadside-sqlite-"

var (
	sqliteRootOnce sync.Once
	sqliteRoot     string // "" when the databases go to t.TempDir()
)

// sqliteDir returns a new directory for a test's database file, removed when the test ends.
// On Linux it is in memory (tempRoot): the store fsyncs every commit (synchronous=FULL), and on
// this machine's disk those waits were a third of internal/store's wall time and a tenth of its
// CPU. The statements, pragmas and files are the same; only the disk under them is not.
func sqliteDir(t testing.TB) string {
	t.Helper()
	sqliteRootOnce.Do(func() {
		if !inMemory() {
			return
		}
		sweepStaleSQLite()
		dir := filepath.Join(tempRoot(), sqlitePrefix+strconv.Itoa(os.Getpid()))
		if os.MkdirAll(dir, 0o700) == nil {
			sqliteRoot = dir
		}
	})
	if sqliteRoot == "" {
		return t.TempDir()
	}
	dir, err := os.MkdirTemp(sqliteRoot, "")
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
