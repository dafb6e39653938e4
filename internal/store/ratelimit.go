package store

import (
	"context"
	"fmt"
	"time"
)

// Rate counters are sliding windows kept as small buckets: a window is split into
// rateBuckets buckets, an event increments the bucket it falls in, and the count of a window
// is the sum of every bucket that overlaps it. A fixed window would let twice the limit
// through across its boundary (the end of one window and the start of the next); here any
// span of the window's length holds at most the limit, at the cost of one row per key and
// bucket. Counters live in the database so every node sees the same numbers.
const rateBuckets = 15

// RateBucket is the count of one bucket of a rate counter.
type RateBucket struct {
	Start time.Time
	Count int
}

// RateHistory is the recent history of a rate counter: the buckets overlapping the window
// that ends at Now, newest first.
type RateHistory struct {
	Now     time.Time
	Window  time.Duration
	Bucket  time.Duration
	Buckets []RateBucket
}

// Count is the number of events in the window.
func (h RateHistory) Count() int {
	n := 0
	for _, b := range h.Buckets {
		n += b.Count
	}
	return n
}

// RetryAfter is how long, with no further events, until one more event would be within
// limit: the time until enough of the oldest buckets have left the window.
func (h RateHistory) RetryAfter(limit int) time.Duration {
	kept := 0
	for _, b := range h.Buckets {
		kept += b.Count
		if kept >= limit {
			// This bucket must leave the window: it stops overlapping it Window after its end.
			d := b.Start.Add(h.Bucket + h.Window).Sub(h.Now)
			return max(d, time.Second)
		}
	}
	return 0
}

func rateBucket(window time.Duration) time.Duration {
	if b := window / rateBuckets; b >= time.Second {
		return b
	}
	return window
}

// HitRate counts one event for key at now and returns how many events fell in the sliding
// window of length window that ends at now, this one included.
func (s *Store) HitRate(ctx context.Context, key string, window time.Duration, now time.Time) (int, error) {
	h, err := s.rate(ctx, key, window, now, 1)
	return h.Count(), err
}

// HitRateHistory counts one event like HitRate and returns the window's history.
func (s *Store) HitRateHistory(ctx context.Context, key string, window time.Duration, now time.Time) (RateHistory, error) {
	return s.rate(ctx, key, window, now, 1)
}

// HitRateWithin counts one event for key at now unless that would put more than limit
// events in the window, and says whether it was counted. A refused event is not counted, so
// a client that waits is let through once the window moves, however often it retried. Run
// it in the transaction of the work it guards: the counter's row stays locked until that
// commits (so nodes that race for the last place are serialized by the database), and a
// transaction that fails takes its count with it.
func (s *Store) HitRateWithin(ctx context.Context, key string, window time.Duration, now time.Time, limit int) (RateHistory, bool, error) {
	h, granted, err := s.HitRateUpTo(ctx, key, window, now, limit, 1)
	return h, granted == 1, err
}

// HitRateUpTo counts up to n events for key at now, as many as fit under limit in the
// window, and returns how many it counted (0: the window is full; h then says when to
// retry). A node reserves several places at once this way and hands them out from memory
// (limits.Service), so a busy client costs one write per block, not per request.
func (s *Store) HitRateUpTo(ctx context.Context, key string, window time.Duration, now time.Time, limit, n int) (RateHistory, int, error) {
	if n < 1 {
		n = 1
	}
	h, err := s.rate(ctx, key, window, now, n)
	if err != nil {
		return h, 0, err
	}
	over := h.Count() - limit
	if over <= 0 {
		return h, n, nil
	}
	// Incrementing first and taking back what does not fit keeps the common case to one
	// upsert and one read; the decrement touches the row this transaction already holds.
	back := min(over, n)
	bucket := now.UTC().Truncate(h.Bucket)
	if _, err := s.wr().ExecContext(ctx, `UPDATE rate_counters SET count = count - $3 WHERE key = $1 AND window_start = $2`,
		key, s.ts(bucket), back); err != nil {
		return h, 0, fmt.Errorf("store: undo rate %q: %w", key, err)
	}
	for i := range h.Buckets {
		if h.Buckets[i].Start.Equal(bucket) {
			h.Buckets[i].Count -= back
			break
		}
	}
	return h, n - back, nil
}

// PeekRate returns the history of key's window ending at now without counting an event.
func (s *Store) PeekRate(ctx context.Context, key string, window time.Duration, now time.Time) (RateHistory, error) {
	return s.rate(ctx, key, window, now, 0)
}

// rate counts hits events for key at now (none: only reads) and returns the window's history.
func (s *Store) rate(ctx context.Context, key string, window time.Duration, now time.Time, hits int) (RateHistory, error) {
	h := RateHistory{Now: now, Window: window, Bucket: rateBucket(window)}
	if window <= 0 {
		return h, fmt.Errorf("store: rate %q: window must be positive", key)
	}
	q := s.rd()
	if hits > 0 {
		q = s.wr() // read what was just written, on every dialect
		_, err := q.ExecContext(ctx, `INSERT INTO rate_counters (key, window_start, count) VALUES ($1, $2, $3)
ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + $3`, key, s.ts(now.UTC().Truncate(h.Bucket)), hits)
		if err != nil {
			return h, fmt.Errorf("store: hit rate %q: %w", key, err)
		}
	}
	// A bucket overlaps the window when it ends after the window starts.
	rows, err := q.QueryContext(ctx, `SELECT window_start, count FROM rate_counters
WHERE key = $1 AND window_start > $2 ORDER BY window_start DESC`, key, s.ts(now.Add(-window-h.Bucket)))
	if err != nil {
		return h, fmt.Errorf("store: read rate %q: %w", key, err)
	}
	defer rows.Close()
	for rows.Next() {
		var b RateBucket
		if err := rows.Scan(scanTime(&b.Start), &b.Count); err != nil {
			return h, fmt.Errorf("store: read rate %q: %w", key, err)
		}
		h.Buckets = append(h.Buckets, b)
	}
	if err := rows.Err(); err != nil {
		return h, fmt.Errorf("store: read rate %q: %w", key, err)
	}
	return h, nil
}

// PurgeRates deletes buckets that started before before.
func (s *Store) PurgeRates(ctx context.Context, before time.Time) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM rate_counters WHERE window_start < $1", s.ts(before)); err != nil {
		return fmt.Errorf("store: purge rate counters: %w", err)
	}
	return nil
}
