package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// BackupSummary describes a finished SQLite backup.
type BackupSummary struct {
	Path               string
	Bytes              int64
	Posts, Comments    int
	Users, Subscribers int
}

// ErrBackupExists is returned when the backup's target already exists: a backup never
// overwrites a file, which may be the only good copy.
var ErrBackupExists = errors.New("store: backup target exists")

// BackupSQLite writes a consistent copy of the SQLite database to path while the site keeps
// running. VACUUM INTO reads one snapshot in a read transaction, so writers carry on
// (WAL), and every transaction committed before it started is in the copy; the copy is
// compact and needs no WAL file beside it. It is written next to path and linked into place,
// so a failed or interrupted backup never leaves a half-written file under the final name.
func (s *Store) BackupSQLite(ctx context.Context, path string) (BackupSummary, error) {
	sum := BackupSummary{Path: path}
	if s.dialect != DialectSQLite {
		return sum, fmt.Errorf("store: backup: the database is PostgreSQL; use pg_dump")
	}
	if _, err := os.Lstat(path); err == nil {
		return sum, fmt.Errorf("%w: %s", ErrBackupExists, path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return sum, fmt.Errorf("store: backup: %w", err)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".partial")
	_ = os.Remove(tmp) // a previous interrupted attempt
	defer os.Remove(tmp)
	// The writer connection is not used: VACUUM INTO on it would hold up every write for the
	// length of the copy. A fresh read connection of its own (the reader pool is query_only).
	db, err := sql.Open("sqlite", s.path+"?"+sqlitePragmas)
	if err != nil {
		return sum, fmt.Errorf("store: backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO $1", tmp); err != nil {
		return sum, fmt.Errorf("store: backup to %s: %w", path, classify(err))
	}
	if err := syncFile(tmp); err != nil {
		return sum, fmt.Errorf("store: backup: %w", err)
	}
	if err := os.Link(tmp, path); err != nil { // fails, rather than replaces, if path appeared meanwhile
		if errors.Is(err, fs.ErrExist) {
			return sum, fmt.Errorf("%w: %s", ErrBackupExists, path)
		}
		return sum, fmt.Errorf("store: backup: %w", err)
	}
	if fi, err := os.Stat(path); err == nil {
		sum.Bytes = fi.Size()
	}
	return sum, countBackup(ctx, path, &sum)
}

// countBackup reads the copy itself (read-only) for the summary, which proves it opens.
func countBackup(ctx context.Context, path string, sum *BackupSummary) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("store: check backup: %w", err)
	}
	defer db.Close()
	for _, c := range []struct {
		table string
		n     *int
	}{{"posts", &sum.Posts}, {"comments", &sum.Comments}, {"users", &sum.Users}, {"subscribers", &sum.Subscribers}} {
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+c.table).Scan(c.n); err != nil {
			return fmt.Errorf("store: check backup %s: %w", path, err)
		}
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
