package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// CreateReaderSession stores a subscriber's signed-in session by the hash of its token.
func (s *Store) CreateReaderSession(ctx context.Context, hash string, subscriberID int64, now, expires time.Time) error {
	_, err := s.wr().ExecContext(ctx, `INSERT INTO reader_sessions (token_hash, subscriber_id, created_at, expires_at, last_seen_at)
VALUES ($1, $2, $3, $4, $3)`, hash, subscriberID, s.ts(now), s.ts(expires))
	if err != nil {
		if foreignKeyViolation(err) {
			return notFound("Subscriber not found.")
		}
		return fmt.Errorf("store: create reader session: %w", err)
	}
	return nil
}

// ReaderSession returns the subscriber of an unexpired reader session and when the session
// was last refreshed.
func (s *Store) ReaderSession(ctx context.Context, hash string, now time.Time) (*broadside.Subscriber, time.Time, error) {
	var sub broadside.Subscriber
	var seen time.Time
	row := s.kept().QueryRowContext(ctx, `SELECT `+prefixCols("s.", subscriberCols)+`, r.last_seen_at
FROM reader_sessions r JOIN subscribers s ON s.id = r.subscriber_id WHERE r.token_hash = $1 AND r.expires_at > $2`, hash, s.ts(now))
	var status string
	err := row.Scan(&sub.ID, &sub.Email, &sub.Name, &status, &sub.Source, &sub.Supporter, &sub.Bounces, &sub.LastError,
		&sub.ConsentIP, scanTime(&sub.CreatedAt), scanTime(&sub.ConfirmedAt), scanTime(&sub.UnsubscribedAt), scanTime(&sub.UpdatedAt),
		scanTime(&seen))
	if isNoRows(err) {
		return nil, time.Time{}, notFound("Session not found.")
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("store: load reader session: %w", err)
	}
	sub.Status = broadside.SubscriberStatus(status)
	return &sub, seen, nil
}

// TouchReaderSession records activity and slides the expiry.
func (s *Store) TouchReaderSession(ctx context.Context, hash string, now, expires time.Time) error {
	if _, err := s.wr().ExecContext(ctx, "UPDATE reader_sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3",
		s.ts(now), s.ts(expires), hash); err != nil {
		return fmt.Errorf("store: touch reader session: %w", err)
	}
	return nil
}

// DeleteReaderSession signs a reader out.
func (s *Store) DeleteReaderSession(ctx context.Context, hash string) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM reader_sessions WHERE token_hash = $1", hash); err != nil {
		return fmt.Errorf("store: delete reader session: %w", err)
	}
	return nil
}

// DeleteReaderSessions signs a subscriber out everywhere (after unsubscribing).
func (s *Store) DeleteReaderSessions(ctx context.Context, subscriberID int64) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM reader_sessions WHERE subscriber_id = $1", subscriberID); err != nil {
		return fmt.Errorf("store: delete reader sessions: %w", err)
	}
	return nil
}

// DeleteExpiredReaderSessions removes sessions expired at now.
func (s *Store) DeleteExpiredReaderSessions(ctx context.Context, now time.Time) (int64, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "DELETE FROM reader_sessions WHERE expires_at <= $1", s.ts(now)))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired reader sessions: %w", err)
	}
	return n, nil
}

func prefixCols(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// AddCommentSubscription records a request; one that exists already is left as it is (a
// confirmed subscription stays confirmed). It reports whether the subscription is confirmed.
func (s *Store) AddCommentSubscription(ctx context.Context, cs *broadside.CommentSubscription) (bool, error) {
	cs.Email = broadside.NormalizeEmail(cs.Email)
	status := "pending"
	if cs.Confirmed {
		status = "confirmed"
	}
	conflictCols := "(post_id, email) WHERE comment_id IS NULL"
	if cs.CommentID != 0 {
		conflictCols = "(comment_id, email) WHERE comment_id IS NOT NULL"
	}
	_, err := s.wr().ExecContext(ctx, `INSERT INTO comment_subscriptions (post_id, comment_id, email, status, created_at, confirmed_at)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT `+conflictCols+` DO UPDATE SET status = CASE
	WHEN comment_subscriptions.status = 'confirmed' OR excluded.status = 'confirmed' THEN 'confirmed' ELSE 'pending' END,
	confirmed_at = COALESCE(comment_subscriptions.confirmed_at, excluded.confirmed_at)`,
		cs.PostID, nullID(cs.CommentID), cs.Email, status, s.ts(cs.CreatedAt), s.ts(cs.ConfirmedAt))
	if err != nil {
		if foreignKeyViolation(err) {
			return false, notFound("Post not found.")
		}
		return false, fmt.Errorf("store: add comment subscription: %w", err)
	}
	var st string
	q := "SELECT status FROM comment_subscriptions WHERE post_id = $1 AND email = $2 AND comment_id IS NULL"
	arg := cs.PostID
	if cs.CommentID != 0 {
		q = "SELECT status FROM comment_subscriptions WHERE comment_id = $1 AND email = $2"
		arg = cs.CommentID
	}
	if err := s.wr().QueryRowContext(ctx, q, arg, cs.Email).Scan(&st); err != nil {
		return false, fmt.Errorf("store: add comment subscription: %w", err)
	}
	return st == "confirmed", nil
}

// ConfirmCommentSubscriptions confirms the pending subscriptions of email on a post (to the
// post and to replies to the address's comments on it) and returns how many.
func (s *Store) ConfirmCommentSubscriptions(ctx context.Context, postID int64, email string, now time.Time) (int64, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, `UPDATE comment_subscriptions SET status = 'confirmed', confirmed_at = $1
WHERE post_id = $2 AND email = $3 AND status = 'pending'`, s.ts(now), postID, broadside.NormalizeEmail(email)))
	if err != nil {
		return 0, fmt.Errorf("store: confirm comment subscriptions: %w", err)
	}
	return n, nil
}

// CommentRecipients returns the confirmed addresses to tell about a new comment on postID
// that replies to parentID (0 for a top-level comment): the post's subscribers and those who
// asked for replies to the parent.
func (s *Store) CommentRecipients(ctx context.Context, postID, parentID int64) ([]string, error) {
	rows, err := s.rd().QueryContext(ctx, `SELECT DISTINCT email FROM comment_subscriptions
WHERE status = 'confirmed' AND ((post_id = $1 AND comment_id IS NULL) OR (comment_id = $2)) ORDER BY email`, postID, parentID)
	if err != nil {
		return nil, fmt.Errorf("store: comment recipients: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("store: comment recipients: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CommentSubscriptionsByEmail lists an address's comment subscriptions with their posts'
// titles, newest first.
func (s *Store) CommentSubscriptionsByEmail(ctx context.Context, email string) ([]broadside.CommentSubscription, error) {
	rows, err := s.rd().QueryContext(ctx, `SELECT c.id, c.post_id, COALESCE(c.comment_id, 0), c.email, c.status, c.created_at,
	c.confirmed_at, p.title FROM comment_subscriptions c JOIN posts p ON p.id = c.post_id WHERE c.email = $1
ORDER BY c.created_at DESC, c.id DESC`, broadside.NormalizeEmail(email))
	if err != nil {
		return nil, fmt.Errorf("store: comment subscriptions: %w", err)
	}
	defer rows.Close()
	var out []broadside.CommentSubscription
	for rows.Next() {
		var cs broadside.CommentSubscription
		var st string
		if err := rows.Scan(&cs.ID, &cs.PostID, &cs.CommentID, &cs.Email, &st, scanTime(&cs.CreatedAt), scanTime(&cs.ConfirmedAt), &cs.PostTitle); err != nil {
			return nil, fmt.Errorf("store: comment subscriptions: %w", err)
		}
		cs.Confirmed = st == "confirmed"
		out = append(out, cs)
	}
	return out, rows.Err()
}

// DeleteCommentSubscriptions removes email's subscriptions to a post's comments (all kinds)
// and returns how many there were.
func (s *Store) DeleteCommentSubscriptions(ctx context.Context, postID int64, email string) (int64, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "DELETE FROM comment_subscriptions WHERE post_id = $1 AND email = $2",
		postID, broadside.NormalizeEmail(email)))
	if err != nil {
		return 0, fmt.Errorf("store: delete comment subscriptions: %w", err)
	}
	return n, nil
}

// MarkCommentNotice records that email is being told about comment commentID; false when it
// already was, so a notice goes out at most once per address and comment.
func (s *Store) MarkCommentNotice(ctx context.Context, commentID int64, email string, now time.Time) (bool, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, `INSERT INTO comment_notices (comment_id, email, sent_at) VALUES ($1, $2, $3)
ON CONFLICT (comment_id, email) DO NOTHING`, commentID, email, s.ts(now)))
	if err != nil {
		return false, fmt.Errorf("store: mark comment notice: %w", err)
	}
	return n == 1, nil
}

// UnmarkCommentNotice forgets a notice whose sending failed, so a retry sends it.
func (s *Store) UnmarkCommentNotice(ctx context.Context, commentID int64, email string) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM comment_notices WHERE comment_id = $1 AND email = $2", commentID, email); err != nil {
		return fmt.Errorf("store: unmark comment notice: %w", err)
	}
	return nil
}
