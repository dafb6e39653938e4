package store_test

import (
	"context"
	"testing"

	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/jackc/pgx/v5"
)

// TestOutageClassificationPostgres feeds the classifier real PostgreSQL errors: a backend the
// administrator terminated and a refused connection mean "the database is away". (It lives
// outside package store because testdb imports the store to migrate its template database.)
func TestOutageClassificationPostgres(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.Postgres(t)
	victim, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer victim.Close(ctx)
	var pid int
	if err := victim.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	_, err = victim.Exec(ctx, "SELECT 1")
	if err == nil || !store.IsUnavailable(store.Classify(err)) {
		t.Fatalf("terminated backend: %v, want EUNAVAILABLE", err)
	}
	_, err = pgx.Connect(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=5")
	if !store.IsUnavailable(store.Classify(err)) {
		t.Fatalf("connection refused: %v, want EUNAVAILABLE", err)
	}
}

// TestOutageMidResultSet cuts the connection while a result set is being read: PostgreSQL
// streams rows, so the outage surfaces from rows.Next/Err (or Scan), long after QueryContext
// succeeded, and must still be classified EUNAVAILABLE rather than reach the reader as a 500.
func TestOutageMidResultSet(t *testing.T) {
	ctx := context.Background()
	px := testdb.NewProxy(t, testdb.Postgres(t))
	s, err := store.Open(ctx, px.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Far more than the socket buffers hold, so most of it is still on the wire when cut.
	rs, err := s.Reader().QueryContext(ctx, "SELECT g, repeat('x', 1000) FROM generate_series(1, 100000) g")
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
	if err := rs.Err(); !store.IsUnavailable(err) {
		t.Fatalf("rows.Err after the connection was cut (%d rows read): %v, want EUNAVAILABLE", read, err)
	}
}
