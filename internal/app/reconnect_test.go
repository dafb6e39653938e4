package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestListenerReconnectPurges: announcements sent while a node's listener is cut off are lost,
// so when the listener reconnects the node must drop its cached pages. The node reaches the
// database through a proxy that is taken down; another node changes the site title meanwhile
// (its announcement reaches no one); once the proxy is back, the node serves the new title
// well before its cached page would expire (30 s after it was cached).
func TestListenerReconnectPurges(t *testing.T) {
	t.Parallel()
	dsn := testdb.Postgres(t)
	px := testdb.NewProxy(t, dsn)
	cfg := config.Defaults()
	cfg.DB = px.DSN
	path, _ := prepare(t, cfg)
	a, srv := startNode(t, cfg)
	waitUntil(t, "the listener to connect", a.ListenerConnected)
	cachedAt := time.Now()
	if !strings.Contains(getPage(t, srv, path), "My Broadside Site") {
		t.Fatal("no title on the page")
	}

	px.Down()
	waitUntil(t, "the node to notice it is not listening", func() bool { return !a.ListenerConnected() })
	ctx := context.Background()
	other, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.InTx(ctx, func(tx *store.Store) error {
		set, err := tx.LoadSettings(ctx)
		if err != nil {
			return err
		}
		set.Title = "Missed Gazette"
		if err := tx.SaveSettings(ctx, set); err != nil {
			return err
		}
		return tx.NotifyChanged(ctx)
	}); err != nil {
		t.Fatal(err)
	}
	px.Up()
	waitUntil(t, "the listener to reconnect", a.ListenerConnected)
	// Past the page's 30 s life the test would prove nothing: it must change before then.
	for !strings.Contains(getPage(t, srv, path), "Missed Gazette") {
		if time.Since(cachedAt) > 29*time.Second {
			t.Fatal("the node served its cached page until it expired: the reconnect purged nothing")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
