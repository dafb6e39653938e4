package store

import (
	"context"
	"fmt"
	"time"

	"github.com/broadside/broadside"
)

// UserPostCounts returns how many posts and pages (of any status) each user wrote, for the
// admin's Users list; users without posts are absent.
func (s *Store) UserPostCounts(ctx context.Context) (map[int64]int, error) {
	// An attachment's page (broadside.TypeAttachment) is the attachment's, not a post someone wrote.
	rows, err := s.rd().QueryContext(ctx, "SELECT author_id, count(*) FROM posts WHERE type <> $1 GROUP BY author_id", string(broadside.TypeAttachment))
	if err != nil {
		return nil, fmt.Errorf("store: count posts per user: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: count posts per user: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// PostAuthors returns the users who wrote a post matching f (the REST API's public authors,
// with posts.Service.Public's filter), in one query however many users there are.
func (s *Store) PostAuthors(ctx context.Context, f broadside.PostFilter) (map[int64]bool, error) {
	a := &args{}
	rows, err := s.rd().QueryContext(ctx, "SELECT DISTINCT p.author_id FROM posts p"+s.postWhere(f, a), a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: post authors: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: post authors: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// OtherActiveAdmins counts the active administrators other than the user with id. Inside a
// transaction on PostgreSQL it locks their rows first, so two administrators demoting each
// other at the same moment cannot both succeed and leave the site without one (SQLite has a
// single writer, so its transactions are serial anyway).
func (s *Store) OtherActiveAdmins(ctx context.Context, id int64) (int, error) {
	if s.isPG() && s.tx != nil {
		if _, err := s.wr().ExecContext(ctx, "SELECT id FROM users WHERE role = 'admin' FOR UPDATE"); err != nil {
			return 0, fmt.Errorf("store: lock administrators: %w", err)
		}
	}
	var n int
	err := s.wr().QueryRowContext(ctx, `SELECT count(*) FROM users
WHERE role = 'admin' AND deactivated_at IS NULL AND id <> $1`, id).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count administrators: %w", err)
	}
	return n, nil
}

// SetUserDeactivated deactivates the user with id at `at`, or reactivates them when at is zero.
func (s *Store) SetUserDeactivated(ctx context.Context, id int64, at time.Time) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "UPDATE users SET deactivated_at = $1 WHERE id = $2", s.ts(at), id))
	if err != nil {
		return fmt.Errorf("store: deactivate user %d: %w", id, err)
	}
	if n == 0 {
		return notFound("User not found.")
	}
	return nil
}

// DeleteUserAppPasswords revokes every application password of a user.
func (s *Store) DeleteUserAppPasswords(ctx context.Context, userID int64) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM app_passwords WHERE user_id = $1", userID); err != nil {
		return fmt.Errorf("store: revoke application passwords of user %d: %w", userID, err)
	}
	return nil
}

// DeleteUserReassign gives the posts, pages and media of user id to user to, then deletes
// the user (sessions, devices, tokens and application passwords go with them), in one
// transaction: either everything moved and the user is gone, or nothing changed.
func (s *Store) DeleteUserReassign(ctx context.Context, id, to int64) error {
	if id == to {
		return broadside.Errorf(broadside.EINVALID, "Choose another user to give the posts to.")
	}
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.UserByID(ctx, to); err != nil {
			return err
		}
		if _, err := tx.wr().ExecContext(ctx, "UPDATE posts SET author_id = $1 WHERE author_id = $2", to, id); err != nil {
			return fmt.Errorf("store: reassign posts of user %d: %w", id, err)
		}
		if _, err := tx.wr().ExecContext(ctx, "UPDATE media SET author_id = $1 WHERE author_id = $2", to, id); err != nil {
			return fmt.Errorf("store: reassign media of user %d: %w", id, err)
		}
		n, err := rowsAffected(tx.wr().ExecContext(ctx, "DELETE FROM users WHERE id = $1", id))
		if err != nil {
			return fmt.Errorf("store: delete user %d: %w", id, err)
		}
		if n == 0 {
			return notFound("User not found.")
		}
		return tx.NotifyChanged(ctx)
	})
}

// PeekToken returns the unused, unexpired token with hash and purpose without consuming it
// (a pending two-factor sign-in is checked on every code attempt and consumed on success).
func (s *Store) PeekToken(ctx context.Context, hash, purpose string, now time.Time) (*Token, error) {
	var t Token
	err := s.wr().QueryRowContext(ctx, `SELECT hash, purpose, COALESCE(user_id, 0), email, created_at, expires_at, used_at
FROM tokens WHERE hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`, hash, purpose, s.ts(now)).
		Scan(&t.Hash, &t.Purpose, &t.UserID, &t.Email, scanTime(&t.CreatedAt), scanTime(&t.ExpiresAt), scanTime(&t.UsedAt))
	if isNoRows(err) {
		return nil, notFound("This link is invalid, has expired or was already used.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load %s token: %w", purpose, err)
	}
	return &t, nil
}

// TOTP is a user's two-factor state as stored: keys sealed by the auth service.
type TOTP struct {
	Secret, Pending string
	LastStep        int64
}

// UserTOTP returns the two-factor state of a user.
func (s *Store) UserTOTP(ctx context.Context, id int64) (*TOTP, error) {
	var t TOTP
	err := s.wr().QueryRowContext(ctx, "SELECT totp_secret, totp_pending, totp_last_step FROM users WHERE id = $1", id).
		Scan(&t.Secret, &t.Pending, &t.LastStep)
	if isNoRows(err) {
		return nil, notFound("User not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load two-factor state of user %d: %w", id, err)
	}
	return &t, nil
}

// SetTOTPPending stores a sealed key offered for enrolment (not yet in force).
func (s *Store) SetTOTPPending(ctx context.Context, id int64, sealed string) error {
	_, err := s.wr().ExecContext(ctx, "UPDATE users SET totp_pending = $1 WHERE id = $2", sealed, id)
	if err != nil {
		return fmt.Errorf("store: store pending two-factor key of user %d: %w", id, err)
	}
	return nil
}

// EnableTOTP puts the sealed key in force, accepted at step, and replaces the recovery codes
// with codeHashes, in one transaction.
func (s *Store) EnableTOTP(ctx context.Context, id int64, sealed string, step int64, codeHashes []string) error {
	return s.InTx(ctx, func(tx *Store) error {
		n, err := rowsAffected(tx.wr().ExecContext(ctx,
			"UPDATE users SET totp_secret = $1, totp_pending = '', totp_last_step = $2 WHERE id = $3", sealed, step, id))
		if err != nil {
			return fmt.Errorf("store: enable two-factor for user %d: %w", id, err)
		}
		if n == 0 {
			return notFound("User not found.")
		}
		return tx.replaceRecoveryCodes(ctx, id, codeHashes)
	})
}

func (s *Store) replaceRecoveryCodes(ctx context.Context, id int64, codeHashes []string) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM recovery_codes WHERE user_id = $1", id); err != nil {
		return fmt.Errorf("store: delete recovery codes of user %d: %w", id, err)
	}
	for _, h := range codeHashes {
		if _, err := s.wr().ExecContext(ctx, "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)", id, h); err != nil {
			return fmt.Errorf("store: store recovery code of user %d: %w", id, err)
		}
	}
	return nil
}

// DisableTOTP removes a user's key, pending key and recovery codes.
func (s *Store) DisableTOTP(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.wr().ExecContext(ctx,
			"UPDATE users SET totp_secret = '', totp_pending = '', totp_last_step = 0 WHERE id = $1", id); err != nil {
			return fmt.Errorf("store: disable two-factor for user %d: %w", id, err)
		}
		return tx.replaceRecoveryCodes(ctx, id, nil)
	})
}

// AcceptTOTPStep records that a code for step was accepted, and reports false when a code
// for this step or a later one was already accepted: a code cannot be replayed, even by two
// requests racing each other.
func (s *Store) AcceptTOTPStep(ctx context.Context, id, step int64) (bool, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx,
		"UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1", step, id))
	if err != nil {
		return false, fmt.Errorf("store: record two-factor step of user %d: %w", id, err)
	}
	return n == 1, nil
}

// UseRecoveryCode deletes the recovery code with hash and reports whether it was there.
func (s *Store) UseRecoveryCode(ctx context.Context, id int64, hash string) (bool, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2", id, hash))
	if err != nil {
		return false, fmt.Errorf("store: use recovery code of user %d: %w", id, err)
	}
	return n == 1, nil
}

// CountRecoveryCodes returns how many unused recovery codes a user has.
func (s *Store) CountRecoveryCodes(ctx context.Context, id int64) (int, error) {
	var n int
	if err := s.rd().QueryRowContext(ctx, "SELECT count(*) FROM recovery_codes WHERE user_id = $1", id).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count recovery codes of user %d: %w", id, err)
	}
	return n, nil
}
