package app_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/testdb"
)

func probe(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func openNode(t *testing.T, cfg config.Config) (*app.App, *httptest.Server, func()) {
	t.Helper()
	a, err := app.Open(context.Background(), cfg, quietLog(), app.Options{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Web)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	started := false
	start := func() { started = true; go func() { a.RunBackground(ctx); close(done) }() }
	t.Cleanup(func() {
		srv.Close()
		cancel()
		if started {
			<-done
		}
		a.Close()
	})
	return a, srv, start
}

// TestReadyzOnPostgres: /readyz is 503 while the invalidation listener is not connected,
// 200 once it is, 503 on the very first probe after the database goes away (a real round
// trip, no cached answer) and 200 again when it returns, without a restart. /healthz is
// liveness and stays 200 throughout.
func TestReadyzOnPostgres(t *testing.T) {
	t.Parallel()
	px := testdb.NewProxy(t, testdb.Postgres(t))
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.DB = px.DSN
	a, srv, start := openNode(t, cfg)

	if code, body := probe(t, srv, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "listener") {
		t.Fatalf("/readyz before the listener runs: %d %q, want 503 naming the listener", code, body)
	}
	start()
	waitUntil(t, "/readyz 200 once listening", func() bool { code, _ := probe(t, srv, "/readyz"); return code == 200 })
	if !a.ListenerConnected() {
		t.Fatal("ready but the listener is not connected")
	}

	px.Down()
	if code, body := probe(t, srv, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "database") {
		t.Fatalf("/readyz right after the database went away: %d %q, want 503 naming the database", code, body)
	}
	if code, _ := probe(t, srv, "/healthz"); code != 200 {
		t.Fatalf("/healthz during the outage: %d, want 200 (liveness asks nothing of the database)", code)
	}
	waitUntil(t, "the listener to notice", func() bool { return !a.ListenerConnected() })

	px.Up()
	waitUntil(t, "/readyz 200 after the database returned", func() bool { code, _ := probe(t, srv, "/readyz"); return code == 200 })
	if !a.ListenerConnected() {
		t.Fatal("ready again but the listener did not reconnect")
	}
}

// TestReadyzOnSQLite: ready without a listener (one node), 503 when a migration is missing,
// and 503 on the first probe after the database is closed.
func TestReadyzOnSQLite(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.DataDir = dataDir(t, "")
	a, srv, _ := openNode(t, cfg)
	if code, body := probe(t, srv, "/readyz"); code != 200 {
		t.Fatalf("/readyz: %d %q", code, body)
	}

	db, err := sql.Open("sqlite", cfg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)"); err != nil {
		t.Fatal(err)
	}
	if code, body := probe(t, srv, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "migrations") {
		t.Fatalf("/readyz with a migration missing: %d %q", code, body)
	}

	_ = a.Store.Close()
	if code, body := probe(t, srv, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "database") {
		t.Fatalf("/readyz after the database closed: %d %q", code, body)
	}
	if code, _ := probe(t, srv, "/healthz"); code != 200 {
		t.Fatalf("/healthz: %d", code)
	}
}
