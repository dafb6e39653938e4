package store

import (
	"context"
	"fmt"
	"time"
)

// JobBacklog is how the due work of one kind of job stands: how many queued jobs are due
// and when the longest-waiting of them became due.
type JobBacklog struct {
	Kind   string
	Due    int
	Oldest time.Time
}

// JobBacklogs returns the backlog of every kind with due queued jobs at now (the metrics
// endpoint's queue depth and age).
func (s *Store) JobBacklogs(ctx context.Context, now time.Time) ([]JobBacklog, error) {
	rows, err := s.rd().QueryContext(ctx, `SELECT kind, COUNT(*), MIN(run_at) FROM jobs
WHERE status = 'queued' AND run_at <= $1 GROUP BY kind ORDER BY kind`, s.ts(now))
	if err != nil {
		return nil, fmt.Errorf("store: job backlog: %w", err)
	}
	defer rows.Close()
	var out []JobBacklog
	for rows.Next() {
		var b JobBacklog
		if err := rows.Scan(&b.Kind, &b.Due, scanTime(&b.Oldest)); err != nil {
			return nil, fmt.Errorf("store: job backlog: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: job backlog: %w", err)
	}
	return out, nil
}

// DeliveryCounts returns how many newsletter deliveries are in each status (pending,
// sending, sent, failed, skipped), for the whole site.
func (s *Store) DeliveryCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.rd().QueryContext(ctx, `SELECT status, COUNT(*) FROM newsletter_deliveries GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: delivery counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: delivery counts: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}
