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
