package store

import (
	"context"
	"fmt"
	"time"

	"github.com/broadside/broadside"
)

// ClaimDeliveries marks the pending deliveries of postID to subscriberIDs 'sending' in one
// statement and returns the subscribers claimed (a delivery another sender took, or one no
// longer pending, is left out). A newsletter sender claims a batch per commit.
func (s *Store) ClaimDeliveries(ctx context.Context, postID int64, subscriberIDs []int64, now time.Time) (map[int64]bool, error) {
	out := make(map[int64]bool, len(subscriberIDs))
	if len(subscriberIDs) == 0 {
		return out, nil
	}
	a := &args{}
	q := "UPDATE newsletter_deliveries SET status = 'sending', updated_at = " + a.add(s.ts(now)) +
		" WHERE post_id = " + a.add(postID) + " AND status = 'pending' AND subscriber_id IN " + in(a, subscriberIDs) +
		" RETURNING subscriber_id"
	rows, err := s.wr().QueryContext(ctx, q, a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: claim deliveries: %w", err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	return out, nil
}

// SettleSent records the deliveries of postID to subscriberIDs as sent, in one statement:
// SettleDelivery(…, DeliverySent, "", true, now) for each.
func (s *Store) SettleSent(ctx context.Context, postID int64, subscriberIDs []int64, now time.Time) error {
	if len(subscriberIDs) == 0 {
		return nil
	}
	a := &args{}
	ts := a.add(s.ts(now))
	q := "UPDATE newsletter_deliveries SET status = " + a.add(broadside.DeliverySent) + ", last_error = '', sent_at = " + ts +
		", attempts = attempts + 1, updated_at = " + ts + " WHERE post_id = " + a.add(postID) + " AND subscriber_id IN " + in(a, subscriberIDs)
	if _, err := s.wr().ExecContext(ctx, q, a.v...); err != nil {
		return fmt.Errorf("store: settle %d deliveries: %w", len(subscriberIDs), err)
	}
	return nil
}

// ReserveSendSlots reserves n consecutive send slots of the pace named key, interval apart,
// in one statement, and returns the first; slot i starts at first + i*interval. It is n calls
// of ReserveSendSlot.
func (s *Store) ReserveSendSlots(ctx context.Context, key string, interval time.Duration, n int, now time.Time) (time.Time, error) {
	if interval <= 0 || n < 1 {
		return time.Time{}, fmt.Errorf("store: send pace %q: interval and count must be positive", key)
	}
	step, at := interval.Microseconds()*int64(n), now.UnixMicro()
	var next int64
	err := s.wr().QueryRowContext(ctx, `INSERT INTO send_pace (key, next_at) VALUES ($1, $4)
ON CONFLICT (key) DO UPDATE SET next_at = CASE WHEN send_pace.next_at > $2 THEN send_pace.next_at + $3 ELSE $4 END
RETURNING next_at`, key, at, step, at+step).Scan(&next)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: reserve send slots %q: %w", key, err)
	}
	return time.UnixMicro(next - step).UTC(), nil
}
