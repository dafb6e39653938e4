package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

const subscriberCols = `id, email, name, status, source, supporter, bounces, last_error, consent_ip,
	created_at, confirmed_at, unsubscribed_at, updated_at`

func scanSubscriber(r rowScanner, s *broadside.Subscriber) error {
	var status string
	err := r.Scan(&s.ID, &s.Email, &s.Name, &status, &s.Source, &s.Supporter, &s.Bounces, &s.LastError, &s.ConsentIP,
		scanTime(&s.CreatedAt), scanTime(&s.ConfirmedAt), scanTime(&s.UnsubscribedAt), scanTime(&s.UpdatedAt))
	s.Status = broadside.SubscriberStatus(status)
	return err
}

// CreateSubscriber inserts sub (email lowercased) and sets its ID; ECONFLICT when the address
// is already there.
func (s *Store) CreateSubscriber(ctx context.Context, sub *broadside.Subscriber) error {
	sub.Email = broadside.NormalizeEmail(sub.Email)
	now := time.Now()
	if sub.CreatedAt.IsZero() {
		sub.CreatedAt = now
	}
	if sub.UpdatedAt.IsZero() {
		sub.UpdatedAt = sub.CreatedAt
	}
	err := s.wr().QueryRowContext(ctx, `INSERT INTO subscribers (email, name, status, source, supporter, bounces, last_error,
	consent_ip, created_at, confirmed_at, unsubscribed_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		sub.Email, sub.Name, string(sub.Status), sub.Source, sub.Supporter, sub.Bounces, sub.LastError, sub.ConsentIP,
		s.ts(sub.CreatedAt), s.ts(sub.ConfirmedAt), s.ts(sub.UnsubscribedAt), s.ts(sub.UpdatedAt)).Scan(&sub.ID)
	if err != nil {
		if _, ok := uniqueViolation(err); ok {
			return conflict("This address is already on the list.")
		}
		return fmt.Errorf("store: create subscriber: %w", err)
	}
	return nil
}

// AddSubscriberIfNew inserts sub unless its address is on the list already, and reports
// whether it did. Unlike CreateSubscriber it never fails on a duplicate, so it can be used
// inside a transaction on PostgreSQL (where a failed statement aborts the transaction).
func (s *Store) AddSubscriberIfNew(ctx context.Context, sub *broadside.Subscriber) (bool, error) {
	sub.Email = broadside.NormalizeEmail(sub.Email)
	if sub.CreatedAt.IsZero() {
		sub.CreatedAt = time.Now()
	}
	if sub.UpdatedAt.IsZero() {
		sub.UpdatedAt = sub.CreatedAt
	}
	rows, err := s.wr().QueryContext(ctx, `INSERT INTO subscribers (email, name, status, source, supporter, bounces, last_error,
	consent_ip, created_at, confirmed_at, unsubscribed_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (email) DO NOTHING RETURNING id`,
		sub.Email, sub.Name, string(sub.Status), sub.Source, sub.Supporter, sub.Bounces, sub.LastError, sub.ConsentIP,
		s.ts(sub.CreatedAt), s.ts(sub.ConfirmedAt), s.ts(sub.UnsubscribedAt), s.ts(sub.UpdatedAt))
	if err != nil {
		return false, fmt.Errorf("store: add subscriber: %w", err)
	}
	defer rows.Close()
	added := false
	for rows.Next() {
		if err := rows.Scan(&sub.ID); err != nil {
			return false, fmt.Errorf("store: add subscriber: %w", err)
		}
		added = true
	}
	return added, rows.Err()
}

// UpdateSubscriber writes every field of sub but its id, email and creation time.
func (s *Store) UpdateSubscriber(ctx context.Context, sub *broadside.Subscriber) error {
	if sub.UpdatedAt.IsZero() {
		sub.UpdatedAt = time.Now()
	}
	n, err := rowsAffected(s.wr().ExecContext(ctx, `UPDATE subscribers SET name = $1, status = $2, source = $3, supporter = $4,
	bounces = $5, last_error = $6, consent_ip = $7, confirmed_at = $8, unsubscribed_at = $9, updated_at = $10 WHERE id = $11`,
		sub.Name, string(sub.Status), sub.Source, sub.Supporter, sub.Bounces, sub.LastError, sub.ConsentIP,
		s.ts(sub.ConfirmedAt), s.ts(sub.UnsubscribedAt), s.ts(sub.UpdatedAt), sub.ID))
	if err != nil {
		return fmt.Errorf("store: update subscriber %d: %w", sub.ID, err)
	}
	if n == 0 {
		return notFound("Subscriber not found.")
	}
	return nil
}

// SubscriberByID returns one subscriber.
func (s *Store) SubscriberByID(ctx context.Context, id int64) (*broadside.Subscriber, error) {
	return s.oneSubscriber(ctx, "id = $1", id)
}

// SubscriberByEmail returns the subscriber with the address (compared lowercased).
func (s *Store) SubscriberByEmail(ctx context.Context, email string) (*broadside.Subscriber, error) {
	return s.oneSubscriber(ctx, "email = $1", broadside.NormalizeEmail(email))
}

func (s *Store) oneSubscriber(ctx context.Context, where string, arg any) (*broadside.Subscriber, error) {
	var sub broadside.Subscriber
	err := scanSubscriber(s.rd().QueryRowContext(ctx, "SELECT "+subscriberCols+" FROM subscribers WHERE "+where, arg), &sub)
	if isNoRows(err) {
		return nil, notFound("Subscriber not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load subscriber: %w", err)
	}
	return &sub, nil
}

// ListSubscribers returns one page of matching subscribers, newest first, and the total.
func (s *Store) ListSubscribers(ctx context.Context, f broadside.SubscriberFilter) ([]broadside.Subscriber, int, error) {
	a := &args{}
	var c []string
	if f.Status != "" {
		c = append(c, "status = "+a.add(string(f.Status)))
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		p := a.add(likePattern(q))
		c = append(c, "(lower(email) LIKE "+p+" ESCAPE '\\' OR lower(name) LIKE "+p+" ESCAPE '\\')")
	}
	where := ""
	if len(c) > 0 {
		where = " WHERE " + strings.Join(c, " AND ")
	}
	var total int
	if err := s.rd().QueryRowContext(ctx, "SELECT count(*) FROM subscribers"+where, a.v...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count subscribers: %w", err)
	}
	q := "SELECT " + subscriberCols + " FROM subscribers" + where + " ORDER BY created_at DESC, id DESC"
	if f.Limit > 0 {
		q += " LIMIT " + a.add(f.Limit) + " OFFSET " + a.add(f.Offset)
	}
	var out []broadside.Subscriber
	err := s.eachSubscriber(ctx, q, a.v, func(sub *broadside.Subscriber) error {
		out = append(out, *sub)
		return nil
	})
	return out, total, err
}

// EachSubscriber calls fn for every subscriber in id order (exports), without holding them
// all in memory.
func (s *Store) EachSubscriber(ctx context.Context, fn func(*broadside.Subscriber) error) error {
	return s.eachSubscriber(ctx, "SELECT "+subscriberCols+" FROM subscribers ORDER BY id", nil, fn)
}

func (s *Store) eachSubscriber(ctx context.Context, q string, a []any, fn func(*broadside.Subscriber) error) error {
	rows, err := s.rd().QueryContext(ctx, q, a...)
	if err != nil {
		return fmt.Errorf("store: list subscribers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sub broadside.Subscriber
		if err := scanSubscriber(rows, &sub); err != nil {
			return fmt.Errorf("store: list subscribers: %w", err)
		}
		if err := fn(&sub); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: list subscribers: %w", err)
	}
	return nil
}

// SubscriberCounts returns how many subscribers have each status.
func (s *Store) SubscriberCounts(ctx context.Context) (map[broadside.SubscriberStatus]int, error) {
	rows, err := s.rd().QueryContext(ctx, "SELECT status, count(*) FROM subscribers GROUP BY status")
	if err != nil {
		return nil, fmt.Errorf("store: count subscribers: %w", err)
	}
	defer rows.Close()
	out := map[broadside.SubscriberStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: count subscribers: %w", err)
		}
		out[broadside.SubscriberStatus(st)] = n
	}
	return out, rows.Err()
}

// SubscriberDates returns the subscription dates of the confirmed subscribers who subscribed
// at or after since (the admin's growth chart buckets them by week).
func (s *Store) SubscriberDates(ctx context.Context, since time.Time) ([]time.Time, error) {
	rows, err := s.rd().QueryContext(ctx, "SELECT created_at FROM subscribers WHERE status = 'confirmed' AND created_at >= $1", s.ts(since))
	if err != nil {
		return nil, fmt.Errorf("store: subscriber dates: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(scanTime(&t)); err != nil {
			return nil, fmt.Errorf("store: subscriber dates: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RecordBounce counts a permanent delivery failure for the subscriber and suspends the
// address (status bounced) at max, noting when and by which newsletter (postID, 0 for none);
// it reports whether it did.
func (s *Store) RecordBounce(ctx context.Context, id, postID int64, reason string, max int, now time.Time) (bool, error) {
	var bounces int
	var status string
	err := s.wr().QueryRowContext(ctx, `UPDATE subscribers SET bounces = bounces + 1, last_error = $1, updated_at = $2,
	suspended_at = CASE WHEN bounces + 1 >= $3 AND status = 'confirmed' THEN $2 ELSE suspended_at END,
	suspended_by = CASE WHEN bounces + 1 >= $3 AND status = 'confirmed' THEN $5 ELSE suspended_by END,
	status = CASE WHEN bounces + 1 >= $3 AND status = 'confirmed' THEN 'bounced' ELSE status END
WHERE id = $4 RETURNING bounces, status`, reason, s.ts(now), max, id, nullID(postID)).Scan(&bounces, &status)
	if isNoRows(err) {
		return false, nil // deleted meanwhile
	}
	if err != nil {
		return false, fmt.Errorf("store: record bounce of subscriber %d: %w", id, err)
	}
	return status == string(broadside.SubscriberBounced) && bounces == max, nil
}

// ClearBounces resets the bounce count after a successful delivery.
func (s *Store) ClearBounces(ctx context.Context, id int64) error {
	if _, err := s.wr().ExecContext(ctx, "UPDATE subscribers SET bounces = 0 WHERE id = $1 AND bounces > 0", id); err != nil {
		return fmt.Errorf("store: clear bounces of subscriber %d: %w", id, err)
	}
	return nil
}

// DeleteSubscriber erases a subscriber and everything stored about the address: sessions,
// deliveries, comment subscriptions and notices, unused links, rate counters (GDPR). Comments
// the person wrote are content of the site and stay; the admin deletes those separately.
func (s *Store) DeleteSubscriber(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(tx *Store) error {
		sub, err := tx.SubscriberByID(ctx, id)
		if err != nil {
			return err
		}
		for _, q := range []string{
			"DELETE FROM comment_subscriptions WHERE email = $1",
			"DELETE FROM comment_notices WHERE email = $1",
			"DELETE FROM tokens WHERE user_id IS NULL AND lower(email) = $1",
		} {
			if _, err := tx.wr().ExecContext(ctx, q, sub.Email); err != nil {
				return fmt.Errorf("store: delete subscriber %d: %w", id, err)
			}
		}
		if _, err := tx.wr().ExecContext(ctx, "DELETE FROM rate_counters WHERE key LIKE $1 ESCAPE '\\'",
			"%:"+strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(sub.Email)); err != nil {
			return fmt.Errorf("store: delete subscriber %d: %w", id, err)
		}
		if _, err := tx.wr().ExecContext(ctx, "DELETE FROM subscribers WHERE id = $1", id); err != nil {
			return fmt.Errorf("store: delete subscriber %d: %w", id, err)
		}
		return nil
	})
}

// PurgeUnconfirmed deletes the addresses that asked to subscribe through the site before
// before and never confirmed: nobody vouched for them, so nothing about them is kept.
// Imported and hand-added pending addresses stay (their admin decides).
func (s *Store) PurgeUnconfirmed(ctx context.Context, before time.Time) (int64, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, `DELETE FROM subscribers WHERE status = 'pending' AND source = $1
	AND confirmed_at IS NULL AND created_at < $2`, broadside.SourceForm, s.ts(before)))
	if err != nil {
		return 0, fmt.Errorf("store: purge unconfirmed subscribers: %w", err)
	}
	return n, nil
}
