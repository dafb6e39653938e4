package store

import (
	"context"
	"fmt"
	"time"
)

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
// connection is retried; onReconnect is called after each reconnection, because
// notifications sent while disconnected are gone and the caller must assume it missed some.
// On SQLite it returns at once.
func (s *Store) Listen(ctx context.Context, channel string, fn func(payload string), onReconnect func()) error {
	if s.pool == nil {
		return nil
	}
	first := true
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, channel, fn, func() {
			if !first && onReconnect != nil {
				onReconnect()
			}
			first = false
		})
		if ctx.Err() != nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
		_ = err // retried; the caller's logger sees nothing useful in each transient error
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
