package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// TestOutageClassification feeds the classifier real errors from real databases: what means
// "the database is away" becomes EUNAVAILABLE, and what means "no such row" or "the caller
// gave up" does not.
func TestOutageClassification(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "o.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PostByID(ctx, 999); broadside.ErrorCode(err) != broadside.ENOTFOUND {
		t.Fatalf("missing post: %v, want ENOTFOUND", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.PostByID(cancelled, 1); err == nil || IsUnavailable(err) {
		t.Fatalf("a cancelled request is not an outage: %v", err)
	}

	t.Run("sqlite busy past busy_timeout", func(t *testing.T) {
		holder, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Close()
		conn, err := holder.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(ctx, "ROLLBACK")
		other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)")
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		_, err = classified{other}.ExecContext(ctx, "DELETE FROM schema_migrations WHERE version = -1")
		if !IsUnavailable(err) {
			t.Fatalf("SQLITE_BUSY: %v, want EUNAVAILABLE", err)
		}
	})

	t.Run("closed database", func(t *testing.T) {
		s.Close()
		if _, err := s.PostByID(ctx, 1); !IsUnavailable(err) {
			t.Fatalf("closed store: %v, want EUNAVAILABLE", err)
		}
	})
}

// TestOpenHeldFile: opening a file another program holds (as a command-line import does,
// with an exclusive lock until it ends) says so and what to do, not only "database is locked".
func TestOpenHeldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "held.db")
	holder, err := sql.Open("sqlite", path+"?_pragma=locking_mode(EXCLUSIVE)")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	holder.SetMaxOpenConns(1)
	if _, err := holder.Exec("CREATE TABLE held (x); INSERT INTO held VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.Exec("SELECT count(*) FROM held")
	if err == nil {
		t.Fatal("read a file another connection holds exclusively")
	}
	if got := openErr(path, err).Error(); !strings.Contains(got, "another program holds the database") ||
		!strings.Contains(got, "wait for it to finish") || !strings.Contains(got, path) {
		t.Fatalf("open error for a held file: %s", got)
	}
	if got := openErr(path, errors.New("disk on fire")).Error(); strings.Contains(got, "another program") {
		t.Fatalf("any error is reported as a held file: %s", got)
	}
}
