package store

import (
	"context"
	"fmt"
	"time"
)

// ChangedChannel is the channel on which nodes announce that what readers see has changed.
const ChangedChannel = "broadside_changed"

// AnnounceAs names this node in the announcements NotifyChanged sends, so its own listener can
// tell its echo from another node's change. Call it once, before the Store is shared.
func (s *Store) AnnounceAs(node string) { s.node = node }

// NotifyChanged tells the other nodes on the same PostgreSQL database that what readers see
// has changed, so they drop their cached pages and settings. Call it on the Store of the
// transaction that makes the change: NOTIFY is transactional, so the announcement leaves
// with the commit and a crash right after the commit cannot lose it, and a rollback
// announces nothing. Within one transaction it is sent once, however many writes (a group
// commit batches several) call it. On SQLite there is only one node, so it does nothing.
func (s *Store) NotifyChanged(ctx context.Context) error {
	if s.pool == nil || s.announced {
		return nil
	}
	if _, err := s.wr().ExecContext(ctx, "SELECT pg_notify($1, $2)", ChangedChannel, s.node); err != nil {
		return fmt.Errorf("store: announce change: %w", err)
	}
	s.announced = s.tx != nil
	return nil
}

// Notify broadcasts payload on channel to every node listening on the same PostgreSQL
// database. On SQLite there is only one node, so it does nothing.
func (s *Store) Notify(ctx context.Context, channel, payload string) error {
	if s.pool == nil {
		return nil
	}
	if _, err := s.pool.Exec(ctx, "SELECT pg_notify($1, $2)", channel, payload); err != nil {
		return fmt.Errorf("store: notify %s: %w", channel, err)
	}
	return nil
}

// Listen calls fn with the payload of every notification on channel until ctx ends. A lost
// connection is retried with backoff (1 s doubling to 30 s, back to 1 s once connected);
// onReconnect is called after each reconnection, because notifications sent while
// disconnected are gone and the caller must assume it missed some. state, when not nil, hears
// every change: (true, nil) once listening, (false, err) when the connection is lost or cannot
// be made, so readiness and the log can tell that this node is not hearing invalidations.
// On SQLite it returns at once.
func (s *Store) Listen(ctx context.Context, channel string, fn func(payload string), onReconnect func(), state func(connected bool, err error)) error {
	if s.pool == nil {
		return nil
	}
	if state == nil {
		state = func(bool, error) {}
	}
	first := true
	backoff := time.Second
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, channel, fn, func() {
			backoff = time.Second
			state(true, nil)
			if !first && onReconnect != nil {
				onReconnect()
			}
			first = false
		})
		if ctx.Err() != nil {
			return nil
		}
		state(false, classify(err))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
	return nil
}

func (s *Store) listenOnce(ctx context.Context, channel string, fn func(string), connected func()) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// The channel name is an identifier, not a value, so it cannot be a bind parameter;
	// quoteIdent quotes it.
	if _, err := conn.Exec(ctx, "LISTEN "+quoteIdent(channel)); err != nil {
		return err
	}
	connected()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}

func quoteIdent(s string) string {
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			out = append(out, '"')
		}
		out = append(out, s[i])
	}
	return string(append(out, '"'))
}

// InTxAnnounced runs fn in a transaction that, if fn succeeds, also announces the change to
// the other nodes (NotifyChanged): for writes whose only side effect on readers is that
// cached pages must go.
func (s *Store) InTxAnnounced(ctx context.Context, fn func(tx *Store) error) error {
	return s.InTx(ctx, func(tx *Store) error {
		if err := fn(tx); err != nil {
			return err
		}
		return tx.NotifyChanged(ctx)
	})
}
