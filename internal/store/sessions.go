package store

import (
	"context"
	"fmt"
	"time"

	"github.com/broadside/broadside"
)

// Session is a signed-in browser. The web layer hashes the cookie token; the store only ever
// sees the hash.
type Session struct {
	TokenHash  string
	UserID     int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

// Token is a one-time link (password reset, sign-in, email confirmation), stored by hash.
type Token struct {
	Hash      string
	Purpose   string
	UserID    int64 // 0 when the token is not tied to a user
	Email     string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero until consumed
}

// CreateSession stores sess. LastSeenAt defaults to CreatedAt.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = time.Now()
	}
	if sess.LastSeenAt.IsZero() {
		sess.LastSeenAt = sess.CreatedAt
	}
	_, err := s.wr().ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at)
VALUES ($1, $2, $3, $4, $5)`, sess.TokenHash, sess.UserID, s.ts(sess.CreatedAt), s.ts(sess.ExpiresAt), s.ts(sess.LastSeenAt))
	if err != nil {
		if _, ok := uniqueViolation(err); ok {
			return conflict("This session already exists.")
		}
		if foreignKeyViolation(err) {
			return notFound("User not found.")
		}
		return fmt.Errorf("store: create session for user %d: %w", sess.UserID, err)
	}
	return nil
}

// SessionUser returns the user signed in with the session hash, unless it has expired at now,
// and when the session was last seen. One read, not the session then its user: it runs on
// every request of a signed-in user (auth.Authenticate), and a session's user always exists
// (ON DELETE CASCADE).
func (s *Store) SessionUser(ctx context.Context, hash string, now time.Time) (*broadside.User, time.Time, error) {
	var u broadside.User
	var seen time.Time
	err := scanUser(s.kept().QueryRowContext(ctx, sessionUserQuery, hash, s.ts(now)), &u, scanTime(&seen))
	if isNoRows(err) {
		return nil, time.Time{}, notFound("Session not found.")
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("store: load session: %w", err)
	}
	return &u, seen, nil
}

// sessionUserQuery selects userCols of a session's user, then the session's last_seen_at.
var sessionUserQuery = "SELECT " + userColsOf("u.") + `, s.last_seen_at
FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2`

// TouchSession records activity at now and moves the expiry to expires.
func (s *Store) TouchSession(ctx context.Context, hash string, now, expires time.Time) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx,
		"UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3", s.ts(now), s.ts(expires), hash))
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	if n == 0 {
		return notFound("Session not found.")
	}
	return nil
}

// DeleteSession signs a browser out. Deleting a missing session is not an error.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = $1", hash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions signs a user out everywhere.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1", userID); err != nil {
		return fmt.Errorf("store: delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// DeleteExpiredSessions deletes sessions (and known devices) expired at now and returns how
// many sessions went.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= $1", s.ts(now)))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM known_devices WHERE expires_at <= $1", s.ts(now)); err != nil {
		return n, fmt.Errorf("store: delete expired devices: %w", err)
	}
	return n, nil
}

// CreateToken stores a one-time token.
func (s *Store) CreateToken(ctx context.Context, t *Token) error {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now()
	}
	_, err := s.wr().ExecContext(ctx, `INSERT INTO tokens (hash, purpose, user_id, email, created_at, expires_at, used_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		t.Hash, t.Purpose, nullID(t.UserID), t.Email, s.ts(t.CreatedAt), s.ts(t.ExpiresAt), s.ts(t.UsedAt))
	if err != nil {
		if _, ok := uniqueViolation(err); ok {
			return conflict("This token already exists.")
		}
		if foreignKeyViolation(err) {
			return notFound("User not found.")
		}
		return fmt.Errorf("store: create %s token: %w", t.Purpose, err)
	}
	return nil
}

// ConsumeToken marks the unused, unexpired token with hash and purpose as used at now and
// returns it. Exactly one of several concurrent calls succeeds; the others, and calls for
// missing, expired or used tokens, get ENOTFOUND.
func (s *Store) ConsumeToken(ctx context.Context, hash, purpose string, now time.Time) (*Token, error) {
	var t Token
	err := s.wr().QueryRowContext(ctx, `UPDATE tokens SET used_at = $1
WHERE hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
RETURNING hash, purpose, COALESCE(user_id, 0), email, created_at, expires_at, used_at`, s.ts(now), hash, purpose).
		Scan(&t.Hash, &t.Purpose, &t.UserID, &t.Email, scanTime(&t.CreatedAt), scanTime(&t.ExpiresAt), scanTime(&t.UsedAt))
	if isNoRows(err) {
		return nil, notFound("This link is invalid, has expired or was already used.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: consume %s token: %w", purpose, err)
	}
	return &t, nil
}
