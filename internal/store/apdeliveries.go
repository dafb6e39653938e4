package store

import (
	"context"
	"fmt"
	"time"

	"github.com/broadside/broadside"
)

// Delivery is one delivery row: an activity to one inbox.
type Delivery struct {
	ActivityID, Inbox, Host string
	PostID                  int64
	State                   string
	Attempts                int
	LastError               string
	NextAt                  time.Time
}

// RecordDelivery stores d as waiting, in the transaction that enqueues its job; a delivery
// already recorded (the same activity enqueued again) is left as it is.
func (s *Store) RecordDelivery(ctx context.Context, d *Delivery, now time.Time) error {
	_, err := s.wr().ExecContext(ctx, `INSERT INTO ap_deliveries (activity_id, inbox, host, post_id, state, created_at, updated_at)
VALUES ($1, $2, $3, $4, 'waiting', $5, $5) ON CONFLICT (activity_id, inbox) DO NOTHING`,
		d.ActivityID, d.Inbox, d.Host, d.PostID, s.ts(now))
	if err != nil {
		return fmt.Errorf("store: record delivery to %s: %w", d.Inbox, err)
	}
	return nil
}

// SetDeliveryState records the outcome of the delivery of activityID to inbox: its state,
// tries more tries (0 or 1), the last error ("" when delivered) and the next try (zero when
// none is due).
func (s *Store) SetDeliveryState(ctx context.Context, activityID, inbox, state string, tries int, lastErr string, next, now time.Time) error {
	if len(lastErr) > 500 {
		lastErr = lastErr[:500]
	}
	_, err := s.wr().ExecContext(ctx, `UPDATE ap_deliveries SET state = $3, attempts = attempts + $4, last_error = $5, next_at = $6, updated_at = $7
WHERE activity_id = $1 AND inbox = $2`, activityID, inbox, state, tries, lastErr, s.ts(next), s.ts(now))
	if err != nil {
		return fmt.Errorf("store: delivery state of %s: %w", inbox, err)
	}
	return nil
}

// DeliveryStart returns what a delivery of activityID to inbox at host starts from, in one
// read: since when host has been failing and when it was declared dead (zero when not), and
// how many times this delivery was tried (0 when it is not recorded). The join on a one-row
// table keeps the row when host has no ap_hosts row (both times NULL: zero).
func (s *Store) DeliveryStart(ctx context.Context, host, activityID, inbox string) (failingSince, deadAt time.Time, attempts int, err error) {
	err = s.rd().QueryRowContext(ctx, `SELECT h.failing_since, h.dead_at,
	COALESCE((SELECT attempts FROM ap_deliveries WHERE activity_id = $2 AND inbox = $3), 0)
FROM (SELECT 1 AS one) o LEFT JOIN ap_hosts h ON h.host = $1`, host, activityID, inbox).
		Scan(scanTime(&failingSince), scanTime(&deadAt), &attempts)
	if err != nil {
		return time.Time{}, time.Time{}, 0, fmt.Errorf("store: state of host %s: %w", host, err)
	}
	return failingSince, deadAt, attempts, nil
}

// PostDeliveries sums up the deliveries of post id's activities per remote host, the hosts
// with failures first.
func (s *Store) PostDeliveries(ctx context.Context, id int64) ([]broadside.DeliveryHost, error) {
	rows, err := s.rd().QueryContext(ctx, `SELECT d.host,
	SUM(CASE WHEN d.state = 'waiting' THEN 1 ELSE 0 END), SUM(CASE WHEN d.state = 'delivered' THEN 1 ELSE 0 END),
	SUM(CASE WHEN d.state = 'failing' THEN 1 ELSE 0 END), SUM(CASE WHEN d.state = 'failed' THEN 1 ELSE 0 END),
	MAX(d.attempts), MAX(d.last_error), MIN(d.next_at), MAX(h.dead_at)
FROM ap_deliveries d LEFT JOIN ap_hosts h ON h.host = d.host
WHERE d.post_id = $1 GROUP BY d.host
ORDER BY SUM(CASE WHEN d.state IN ('failing', 'failed') THEN 1 ELSE 0 END) DESC, d.host`, id)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries of post %d: %w", id, err)
	}
	defer rows.Close()
	var out []broadside.DeliveryHost
	for rows.Next() {
		var h broadside.DeliveryHost
		if err := rows.Scan(&h.Host, &h.Waiting, &h.Delivered, &h.Failing, &h.Failed, &h.Attempts, &h.LastError,
			scanTime(&h.NextAt), scanTime(&h.DeadAt)); err != nil {
			return nil, fmt.Errorf("store: deliveries of post %d: %w", id, err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// RemoteHost is what we know of a remote host's failures.
type RemoteHost struct {
	Host                 string
	FailingSince, DeadAt time.Time
	LastError            string
}

// HostFailed records a temporary failure of host at now. A run of failures that began more
// than deadAfter ago makes the host dead (if it was not already). It returns the host as
// recorded.
func (s *Store) HostFailed(ctx context.Context, host, errMsg string, now time.Time, deadAfter time.Duration) (*RemoteHost, error) {
	if len(errMsg) > 500 {
		errMsg = errMsg[:500]
	}
	h := &RemoteHost{Host: host}
	err := s.wr().QueryRowContext(ctx, `INSERT INTO ap_hosts (host, failing_since, last_error, updated_at) VALUES ($1, $2, $3, $2)
ON CONFLICT (host) DO UPDATE SET failing_since = COALESCE(ap_hosts.failing_since, excluded.failing_since),
	last_error = excluded.last_error, updated_at = excluded.updated_at,
	dead_at = CASE WHEN ap_hosts.dead_at IS NOT NULL THEN ap_hosts.dead_at
		WHEN ap_hosts.failing_since IS NOT NULL AND ap_hosts.failing_since <= $4 THEN excluded.updated_at END
RETURNING failing_since, dead_at, last_error`, host, s.ts(now), errMsg, s.ts(now.Add(-deadAfter))).
		Scan(scanTime(&h.FailingSince), scanTime(&h.DeadAt), &h.LastError)
	if err != nil {
		return nil, fmt.Errorf("store: host %s failed: %w", host, err)
	}
	return h, nil
}

// HostAnswered records that host answered (a delivery went through, or it posted to our
// inbox): its run of failures ends and, if it was dead, it lives again. It reports whether
// the host was failing or dead.
func (s *Store) HostAnswered(ctx context.Context, host string, now time.Time) (wasDead bool, err error) {
	rows, err := s.wr().QueryContext(ctx, `UPDATE ap_hosts SET failing_since = NULL, dead_at = NULL, last_error = '', updated_at = $2
WHERE host = $1 AND (failing_since IS NOT NULL OR dead_at IS NOT NULL) RETURNING probed_at`, host, s.ts(now))
	if err != nil {
		return false, fmt.Errorf("store: host %s answered: %w", host, err)
	}
	defer rows.Close()
	for rows.Next() {
		wasDead = true
	}
	return wasDead, rows.Err()
}

// HostState returns since when host has been failing and when it was declared dead (zero
// times when it answers, or was never recorded): where a delivery to it would start.
func (s *Store) HostState(ctx context.Context, host string) (failingSince, deadAt time.Time, err error) {
	failingSince, deadAt, _, err = s.DeliveryStart(ctx, host, "", "")
	return failingSince, deadAt, err
}

// ClaimProbe lets one delivery to the dead host through as a probe, at most once every
// `every` across all nodes (one conditional UPDATE): it reports whether the caller got it.
func (s *Store) ClaimProbe(ctx context.Context, host string, now time.Time, every time.Duration) (bool, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, `UPDATE ap_hosts SET probed_at = $2
WHERE host = $1 AND dead_at IS NOT NULL AND (probed_at IS NULL OR probed_at <= $3)`, host, s.ts(now), s.ts(now.Add(-every))))
	if err != nil {
		return false, fmt.Errorf("store: probe %s: %w", host, err)
	}
	return n == 1, nil
}

// PurgeDeliveries forgets the deliveries that ended (delivered, or failed for good) before
// before, and returns how many. Waiting and failing ones are kept whatever their age: their
// jobs still read and write them.
func (s *Store) PurgeDeliveries(ctx context.Context, before time.Time) (int64, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, `DELETE FROM ap_deliveries WHERE state IN ('delivered', 'failed') AND updated_at < $1`, s.ts(before)))
	if err != nil {
		return 0, fmt.Errorf("store: purge deliveries: %w", err)
	}
	return n, nil
}
