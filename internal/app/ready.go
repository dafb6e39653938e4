package app

import (
	"context"
	"sync"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// readyTimeout bounds /readyz's round trip: a balancer must hear "not ready" within a second
// of the database going away, not after a connection timeout.
const readyTimeout = time.Second

// listenerState is whether this node hears other nodes' cache invalidations. A node that does
// not would serve stale pages for up to the cache's lifetime, so it is not ready.
type listenerState struct {
	mu        sync.Mutex
	connected bool
	err       error
	// since is when the listener last changed between connected and not.
	since time.Time
}

func (l *listenerState) set(connected bool, err error) {
	l.mu.Lock()
	if connected != l.connected || l.since.IsZero() {
		l.since = time.Now()
	}
	l.connected, l.err = connected, err
	l.mu.Unlock()
}

// down returns how long the listener has been disconnected (0 if it never connected yet).
func (l *listenerState) down() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.connected || l.since.IsZero() {
		return 0
	}
	return time.Since(l.since)
}

func (l *listenerState) get() (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.connected, l.err
}

// Ready reports whether this node should get traffic: the database answers now (one round
// trip, no cached value), this binary's migrations are applied, and on PostgreSQL the
// invalidation listener is connected. The error's message is short and safe to show to a
// load balancer; the cause goes to the log.
func (a *App) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	if err := a.Store.Ready(ctx); err != nil {
		a.Log.Warn("not ready", "err", err)
		if store.IsUnavailable(err) || ctx.Err() != nil {
			return broadside.Errorf(broadside.EUNAVAILABLE, "database not reachable")
		}
		return broadside.Errorf(broadside.EUNAVAILABLE, "database not ready (migrations not current)")
	}
	if a.Store.Dialect() == store.DialectPostgres {
		if ok, err := a.listener.get(); !ok {
			// The cause stays in the log: /readyz is public, and a driver error names hosts.
			a.Log.Warn("not ready: invalidation listener not connected", "err", err)
			if d := a.listener.down(); d > 0 {
				return broadside.Errorf(broadside.EUNAVAILABLE, "invalidation listener not connected for %s", d.Round(time.Second))
			}
			return broadside.Errorf(broadside.EUNAVAILABLE, "invalidation listener not connected")
		}
	}
	return nil
}

// ListenerConnected reports whether this node is listening for other nodes' changes
// (always false on SQLite, where there are no other nodes).
func (a *App) ListenerConnected() bool {
	ok, _ := a.listener.get()
	return ok
}
