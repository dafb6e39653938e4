package testdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/store"
)

// A SQLite database with every migration applied is made once per machine and set of
// migrations (sqliteTemplateCache), read once per test binary and copied for each test that
// asks: applying thirty migrations per test was an eighth of the web tests' CPU, and once per
// binary about 0.1 CPU s and thirty fsyncs in each of the suite's ~30 binaries. Migrate on a
// copy finds nothing to do, as on a database a previous run left behind.
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
	sqliteTplOnce.Do(func() { sqliteTpl, sqliteTplErr = sqliteTemplateCache() })
	if sqliteTplErr != nil {
		return sqliteTplErr
	}
	return os.WriteFile(path, sqliteTpl, 0o600)
}

// sqliteTemplateCache returns the migrated SQLite template kept in tempRoot for this set of
// migrations, making it (written beside and renamed into place) when there is none.
func sqliteTemplateCache() ([]byte, error) {
	key, err := migrationsKey(store.DialectSQLite)
	if err != nil {
		return nil, err
	}
	// The page size is in the name: a template an older binary made keeps the size it was made
	// with, and tests would run on that instead of what store.Open now creates.
	cache := filepath.Join(tempRoot(), "broadside-sqlitetpl-"+key+"-p"+strconv.Itoa(store.SQLitePageSize)+".db")
	if b, err := os.ReadFile(cache); err == nil && len(b) > 0 {
		return b, nil
	}
	b, err := makeSQLiteTemplate()
	if err != nil {
		return nil, err
	}
	if f, err := os.CreateTemp(tempRoot(), "broadside-sqlitetpl-work-"); err == nil {
		_, werr := f.Write(b)
		if cerr := f.Close(); werr != nil || cerr != nil || os.Rename(f.Name(), cache) != nil {
			os.Remove(f.Name())
		}
	}
	return b, nil
}

// migrationsKey identifies dialect's set of migrations (versions, names and statements).
func migrationsKey(dialect string) (string, error) {
	migs, err := store.Migrations(dialect)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range migs {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00", m.Version, m.Name, m.SQL)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
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
