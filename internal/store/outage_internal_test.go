package store

import (
	"context"
	"database/sql"
	"path/filepath"
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

// TestOutageMidResultSet cuts the connection while a result set is being read: PostgreSQL
// streams rows, so the outage surfaces from rows.Next/Err (or Scan), long after QueryContext
// succeeded, and must still be classified EUNAVAILABLE rather than reach the reader as a 500.
func TestOutageMidResultSet(t *testing.T) {
	ctx := context.Background()
	px := testdb.NewProxy(t, testdb.Postgres(t))
	s, err := Open(ctx, px.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Far more than the socket buffers hold, so most of it is still on the wire when cut.
	rs, err := s.rd().QueryContext(ctx, "SELECT g, repeat('x', 1000) FROM generate_series(1, 100000) g")
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var n int
	var pad string
	if !rs.Next() {
		t.Fatalf("no first row: %v", rs.Err())
	}
	if err := rs.Scan(&n, &pad); err != nil {
		t.Fatal(err)
	}
	px.Down()
	read := 1
	for rs.Next() {
		read++
	}
	if read == 100000 {
		t.Fatal("the whole result set arrived before the cut; the test proves nothing")
	}
	if err := rs.Err(); !IsUnavailable(err) {
		t.Fatalf("rows.Err after the connection was cut (%d rows read): %v, want EUNAVAILABLE", read, err)
	}
}
