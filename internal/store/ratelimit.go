package store

import (
	"context"
	"fmt"
	"time"
)

// HitRate counts one event for key in the fixed window of length window that contains now
// and returns the window's count so far. Counters live in the database so every node sees
// the same numbers (login throttling).
func (s *Store) HitRate(ctx context.Context, key string, window time.Duration, now time.Time) (int, error) {
	if window <= 0 {
		return 0, fmt.Errorf("store: hit rate %q: window must be positive", key)
	}
	start := now.UTC().Truncate(window)
	var n int
	err := s.wr().QueryRowContext(ctx, `INSERT INTO rate_counters (key, window_start, count) VALUES ($1, $2, 1)
ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + 1
RETURNING count`, key, s.ts(start)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: hit rate %q: %w", key, err)
	}
	return n, nil
}

// PurgeRates deletes counters of windows that started before before.
func (s *Store) PurgeRates(ctx context.Context, before time.Time) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM rate_counters WHERE window_start < $1", s.ts(before)); err != nil {
		return fmt.Errorf("store: purge rate counters: %w", err)
	}
	return nil
}
