package store

import (
	"context"
	"fmt"
	"time"
)

// SessionByHash returns the session with hash unless it has expired at now: the whole row,
// for the session tests in users_test.go (the server reads a session with SessionUser).
func (s *Store) SessionByHash(ctx context.Context, hash string, now time.Time) (*Session, error) {
	var sess Session
	err := s.rd().QueryRowContext(ctx, `SELECT token_hash, user_id, created_at, expires_at, last_seen_at
FROM sessions WHERE token_hash = $1 AND expires_at > $2`, hash, s.ts(now)).
		Scan(&sess.TokenHash, &sess.UserID, scanTime(&sess.CreatedAt), scanTime(&sess.ExpiresAt), scanTime(&sess.LastSeenAt))
	if isNoRows(err) {
		return nil, notFound("Session not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load session: %w", err)
	}
	return &sess, nil
}
