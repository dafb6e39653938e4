package store

import (
	"context"
	"fmt"
	"time"

	"github.com/broadside/broadside"
)

// CreateNewsletter records that postID is to be sent; false when it was already (a post is
// sent once, however often it is published).
func (s *Store) CreateNewsletter(ctx context.Context, postID int64, now time.Time) (bool, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, `INSERT INTO newsletters (post_id, status, created_at) VALUES ($1, 'queued', $2)
ON CONFLICT (post_id) DO NOTHING`, postID, s.ts(now)))
	if err != nil {
		return false, fmt.Errorf("store: create newsletter for post %d: %w", postID, err)
	}
	return n == 1, nil
}

const newsletterSelect = `SELECT n.post_id, p.title, n.status, n.recipients, n.last_error, n.paused_at, n.created_at, n.started_at,
	n.finished_at FROM newsletters n JOIN posts p ON p.id = n.post_id`

func scanNewsletter(r rowScanner, n *broadside.Newsletter) error {
	return r.Scan(&n.PostID, &n.PostTitle, &n.Status, &n.Recipients, &n.LastError, scanTime(&n.PausedAt), scanTime(&n.CreatedAt),
		scanTime(&n.StartedAt), scanTime(&n.FinishedAt))
}

// NewsletterByPost returns the newsletter of a post.
func (s *Store) NewsletterByPost(ctx context.Context, postID int64) (*broadside.Newsletter, error) {
	var n broadside.Newsletter
	err := scanNewsletter(s.rd().QueryRowContext(ctx, newsletterSelect+" WHERE n.post_id = $1", postID), &n)
	if isNoRows(err) {
		return nil, notFound("This post has not been sent by email.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load newsletter of post %d: %w", postID, err)
	}
	return &n, nil
}

// ListNewsletters returns the most recent newsletters first.
func (s *Store) ListNewsletters(ctx context.Context, limit int) ([]broadside.Newsletter, error) {
	rows, err := s.rd().QueryContext(ctx, newsletterSelect+" ORDER BY n.created_at DESC, n.post_id DESC LIMIT $1", limit)
	if err != nil {
		return nil, fmt.Errorf("store: list newsletters: %w", err)
	}
	defer rows.Close()
	var out []broadside.Newsletter
	for rows.Next() {
		var n broadside.Newsletter
		if err := scanNewsletter(rows, &n); err != nil {
			return nil, fmt.Errorf("store: list newsletters: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// StartNewsletter chooses the recipients of a queued newsletter, once: one pending delivery
// per subscriber confirmed at this moment. Later calls do nothing. It returns the newsletter.
func (s *Store) StartNewsletter(ctx context.Context, postID int64, now time.Time) (*broadside.Newsletter, error) {
	var n *broadside.Newsletter
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		if n, err = tx.NewsletterByPost(ctx, postID); err != nil {
			return err
		}
		if n.Status != broadside.NewsletterQueued {
			return nil
		}
		res, err := tx.wr().ExecContext(ctx, `INSERT INTO newsletter_deliveries (post_id, subscriber_id, status, next_attempt, updated_at)
SELECT $1, id, 'pending', $2, $2 FROM subscribers WHERE status = 'confirmed' ON CONFLICT DO NOTHING`, postID, tx.ts(now))
		if err != nil {
			return fmt.Errorf("store: choose recipients of post %d: %w", postID, err)
		}
		count, _ := res.RowsAffected()
		if _, err := tx.wr().ExecContext(ctx, `UPDATE newsletters SET status = 'sending', recipients = $1, started_at = $2
WHERE post_id = $3`, count, tx.ts(now), postID); err != nil {
			return fmt.Errorf("store: start newsletter of post %d: %w", postID, err)
		}
		n.Status, n.Recipients, n.StartedAt = broadside.NewsletterSending, int(count), now
		return nil
	})
	return n, err
}

// ResumeInterrupted puts the deliveries left 'sending' by a sender that stopped without
// recording the server's answer back in the queue, noting why, and returns how many there
// were. Call it only when no other sender works on the newsletter (the job holds its lease).
func (s *Store) ResumeInterrupted(ctx context.Context, postID int64, now time.Time) (int64, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, `UPDATE newsletter_deliveries SET status = 'pending', next_attempt = $1,
	updated_at = $1, last_error = 'interrupted while handing the message to the mail server; sent again'
WHERE post_id = $2 AND status = 'sending'`, s.ts(now), postID))
	if err != nil {
		return 0, fmt.Errorf("store: resume newsletter of post %d: %w", postID, err)
	}
	return n, nil
}

// DueDeliveries returns up to limit pending deliveries whose time has come, with their
// subscribers, longest due first (then in subscriber order). The order follows the index
// newsletter_deliveries_due, so taking the next batch of a 100,000-recipient newsletter reads
// a batch, not the whole queue.
func (s *Store) DueDeliveries(ctx context.Context, postID int64, now time.Time, limit int) ([]broadside.Delivery, error) {
	rows, err := s.rd().QueryContext(ctx, `SELECT d.attempts, d.next_attempt, `+prefixCols("s.", subscriberCols)+`
FROM newsletter_deliveries d JOIN subscribers s ON s.id = d.subscriber_id
WHERE d.post_id = $1 AND d.status = 'pending' AND d.next_attempt <= $2 ORDER BY d.next_attempt, d.subscriber_id LIMIT $3`, postID, s.ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due deliveries of post %d: %w", postID, err)
	}
	defer rows.Close()
	var out []broadside.Delivery
	for rows.Next() {
		d := broadside.Delivery{PostID: postID, Status: broadside.DeliveryPending}
		sub := &d.Subscriber
		var status string
		if err := rows.Scan(&d.Attempts, scanTime(&d.NextAttempt), &sub.ID, &sub.Email, &sub.Name, &status, &sub.Source,
			&sub.Supporter, &sub.Bounces, &sub.LastError, &sub.ConsentIP, scanTime(&sub.CreatedAt), scanTime(&sub.ConfirmedAt),
			scanTime(&sub.UnsubscribedAt), scanTime(&sub.UpdatedAt)); err != nil {
			return nil, fmt.Errorf("store: due deliveries of post %d: %w", postID, err)
		}
		sub.Status = broadside.SubscriberStatus(status)
		out = append(out, d)
	}
	return out, rows.Err()
}

// ClaimDelivery marks a pending delivery 'sending'; false when another sender took it or it
// is no longer pending. It must be committed before the message goes to the server.
func (s *Store) ClaimDelivery(ctx context.Context, postID, subscriberID int64, now time.Time) (bool, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, `UPDATE newsletter_deliveries SET status = 'sending', updated_at = $1
WHERE post_id = $2 AND subscriber_id = $3 AND status = 'pending'`, s.ts(now), postID, subscriberID))
	if err != nil {
		return false, fmt.Errorf("store: claim delivery: %w", err)
	}
	return n == 1, nil
}

// SettleDelivery records the outcome of a 'sending' delivery: sent, failed or skipped
// (countAttempt adds one to its attempts).
func (s *Store) SettleDelivery(ctx context.Context, postID, subscriberID int64, status, errMsg string, countAttempt bool, now time.Time) error {
	if status != broadside.DeliverySent && status != broadside.DeliveryFailed && status != broadside.DeliverySkipped {
		return fmt.Errorf("store: settle delivery: bad status %q", status)
	}
	var sentAt any
	if status == broadside.DeliverySent {
		sentAt = s.ts(now)
	}
	inc := 0
	if countAttempt {
		inc = 1
	}
	_, err := s.wr().ExecContext(ctx, `UPDATE newsletter_deliveries SET status = $1, last_error = $2, sent_at = $3,
	attempts = attempts + $4, updated_at = $5 WHERE post_id = $6 AND subscriber_id = $7`,
		status, errMsg, sentAt, inc, s.ts(now), postID, subscriberID)
	if err != nil {
		return fmt.Errorf("store: settle delivery: %w", err)
	}
	return nil
}

// DeferDelivery puts a 'sending' delivery back in the queue until next; countAttempt adds
// one to its attempts (a recipient's temporary failure does; a connection failure does not).
func (s *Store) DeferDelivery(ctx context.Context, postID, subscriberID int64, next time.Time, errMsg string, countAttempt bool, now time.Time) error {
	inc := 0
	if countAttempt {
		inc = 1
	}
	_, err := s.wr().ExecContext(ctx, `UPDATE newsletter_deliveries SET status = 'pending', next_attempt = $1, last_error = $2,
	attempts = attempts + $3, updated_at = $4 WHERE post_id = $5 AND subscriber_id = $6`,
		s.ts(next), errMsg, inc, s.ts(now), postID, subscriberID)
	if err != nil {
		return fmt.Errorf("store: defer delivery: %w", err)
	}
	return nil
}

// NewsletterProgress counts the deliveries of a newsletter.
func (s *Store) NewsletterProgress(ctx context.Context, postID int64) (broadside.NewsletterProgress, error) {
	var p broadside.NewsletterProgress
	rows, err := s.rd().QueryContext(ctx, `SELECT status, count(*), min(next_attempt) FROM newsletter_deliveries
WHERE post_id = $1 GROUP BY status`, postID)
	if err != nil {
		return p, fmt.Errorf("store: newsletter progress: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		var next time.Time
		if err := rows.Scan(&st, &n, scanTime(&next)); err != nil {
			return p, fmt.Errorf("store: newsletter progress: %w", err)
		}
		switch st {
		case broadside.DeliveryPending:
			p.Pending, p.Next = n, next
		case broadside.DeliverySending:
			p.Sending = n
		case broadside.DeliverySent:
			p.Sent = n
		case broadside.DeliveryFailed:
			p.Failed = n
		case broadside.DeliverySkipped:
			p.Skipped = n
		}
	}
	return p, rows.Err()
}

// FinishNewsletter marks a newsletter sent.
func (s *Store) FinishNewsletter(ctx context.Context, postID int64, now time.Time) error {
	if _, err := s.wr().ExecContext(ctx, "UPDATE newsletters SET status = 'sent', finished_at = $1, last_error = '', paused_at = NULL WHERE post_id = $2",
		s.ts(now), postID); err != nil {
		return fmt.Errorf("store: finish newsletter of post %d: %w", postID, err)
	}
	return nil
}

// PauseNewsletter stops a newsletter until the publisher resumes it, recording why (the mail
// server's answer).
func (s *Store) PauseNewsletter(ctx context.Context, postID int64, reason string, now time.Time) error {
	if _, err := s.wr().ExecContext(ctx, "UPDATE newsletters SET paused_at = $1, last_error = $2 WHERE post_id = $3 AND status <> 'sent'",
		s.ts(now), reason, postID); err != nil {
		return fmt.Errorf("store: pause newsletter of post %d: %w", postID, err)
	}
	return nil
}

// ResumeNewsletter lifts a pause and makes every pending delivery due now; false when the
// newsletter was not paused. Deliveries already sent stay sent: no one receives it twice.
func (s *Store) ResumeNewsletter(ctx context.Context, postID int64, now time.Time) (bool, error) {
	var resumed bool
	err := s.InTx(ctx, func(tx *Store) error {
		n, err := rowsAffected(tx.wr().ExecContext(ctx, `UPDATE newsletters SET paused_at = NULL, last_error = ''
WHERE post_id = $1 AND paused_at IS NOT NULL`, postID))
		if err != nil || n == 0 {
			return err
		}
		resumed = true
		_, err = tx.wr().ExecContext(ctx, `UPDATE newsletter_deliveries SET next_attempt = $1
WHERE post_id = $2 AND status = 'pending' AND next_attempt > $1`, tx.ts(now), postID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: resume newsletter of post %d: %w", postID, err)
	}
	return resumed, nil
}

// SetNewsletterError records the last connection problem of a newsletter ("" clears it).
func (s *Store) SetNewsletterError(ctx context.Context, postID int64, msg string) error {
	if _, err := s.wr().ExecContext(ctx, "UPDATE newsletters SET last_error = $1 WHERE post_id = $2", msg, postID); err != nil {
		return fmt.Errorf("store: newsletter error: %w", err)
	}
	return nil
}

// ListDeliveries returns up to limit deliveries of a newsletter with status (all when ""),
// most recently changed first, with their subscribers' addresses.
func (s *Store) ListDeliveries(ctx context.Context, postID int64, status string, limit int) ([]broadside.Delivery, error) {
	return s.deliveries(ctx, "d.post_id = $1", postID, status, limit)
}

// SubscriberDeliveries returns a subscriber's deliveries (the GDPR export), newest first.
func (s *Store) SubscriberDeliveries(ctx context.Context, subscriberID int64) ([]broadside.Delivery, error) {
	return s.deliveries(ctx, "d.subscriber_id = $1", subscriberID, "", 100000)
}

func (s *Store) deliveries(ctx context.Context, where string, arg any, status string, limit int) ([]broadside.Delivery, error) {
	a := &args{}
	a.add(arg)
	if status != "" {
		where += " AND d.status = " + a.add(status)
	}
	rows, err := s.rd().QueryContext(ctx, `SELECT d.post_id, d.subscriber_id, s.email, d.status, d.attempts, d.last_error,
	d.next_attempt, d.sent_at, d.updated_at FROM newsletter_deliveries d JOIN subscribers s ON s.id = d.subscriber_id
WHERE `+where+` ORDER BY d.updated_at DESC, d.subscriber_id LIMIT `+a.add(limit), a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: list deliveries: %w", err)
	}
	defer rows.Close()
	var out []broadside.Delivery
	for rows.Next() {
		var d broadside.Delivery
		if err := rows.Scan(&d.PostID, &d.Subscriber.ID, &d.Subscriber.Email, &d.Status, &d.Attempts, &d.LastError,
			scanTime(&d.NextAttempt), scanTime(&d.SentAt), scanTime(&d.UpdatedAt)); err != nil {
			return nil, fmt.Errorf("store: list deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
