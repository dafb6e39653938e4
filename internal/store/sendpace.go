package store

import (
	"context"
	"fmt"
	"time"
)

// ReserveSendSlot reserves the next start time for one message of the pace key, at most
// one per interval across every node: it returns max(now, the previous reservation's slot
// + interval), and the caller waits until then before sending. One atomic statement, so
// nodes racing for slots get distinct ones; run inside the transaction that claims the
// message, it adds no commit of its own.
func (s *Store) ReserveSendSlot(ctx context.Context, key string, interval time.Duration, now time.Time) (time.Time, error) {
	if interval <= 0 {
		return time.Time{}, fmt.Errorf("store: send pace %q: interval must be positive", key)
	}
	step, at := interval.Microseconds(), now.UnixMicro()
	var next int64
	err := s.wr().QueryRowContext(ctx, `INSERT INTO send_pace (key, next_at) VALUES ($1, $4)
ON CONFLICT (key) DO UPDATE SET next_at = CASE WHEN send_pace.next_at > $2 THEN send_pace.next_at + $3 ELSE $4 END
RETURNING next_at`, key, at, step, at+step).Scan(&next)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: reserve send slot %q: %w", key, err)
	}
	return time.UnixMicro(next - step).UTC(), nil
}
