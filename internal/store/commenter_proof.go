package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// CommenterKeyApproved reports whether a moderator approved a comment that was written with
// the commenter key whose hash is keyHash under this e-mail address (any case). The key is a
// secret the server set in the commenter's cookie, so this proves what a typed name and
// address cannot: the same browser wrote an approved comment with this address.
func (s *Store) CommenterKeyApproved(ctx context.Context, keyHash, email string) (bool, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if keyHash == "" || email == "" {
		return false, nil
	}
	var n int
	err := s.kept().QueryRowContext(ctx, commenterKeySQL, keyHash, email).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: look up commenter key: %w", err)
	}
	return n > 0, nil
}

// commenterKeySQL is CommenterKeyApproved's query. Saying that the key is not empty (true
// of every key it is asked about) lets SQLite use the partial index comments_commenter_key,
// which leaves out the comments without a key (migration 0041): a bound key alone does not
// imply it.
const commenterKeySQL = `SELECT count(*) FROM (SELECT 1 FROM comments
WHERE commenter_key = $1 AND commenter_key <> '' AND status = 'approved' AND lower(author_email) = $2 LIMIT 1) x`

// userApprovedSQL is UserHasApprovedComment's query; user_id = $1 implies the partial index
// comments_user_status's user_id IS NOT NULL.
const userApprovedSQL = `SELECT count(*) FROM (SELECT 1 FROM comments
WHERE user_id = $1 AND status = 'approved' LIMIT 1) x`

// UserHasApprovedComment reports whether the signed-in user with userID has an approved
// comment: their account is the proof of who they are.
func (s *Store) UserHasApprovedComment(ctx context.Context, userID int64) (bool, error) {
	if userID == 0 {
		return false, nil
	}
	var n int
	err := s.kept().QueryRowContext(ctx, userApprovedSQL, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: look up approved comments of user %d: %w", userID, err)
	}
	return n > 0, nil
}

// RemoteActorApproved reports whether the fediverse account actorID has an approved comment:
// its actor id, proven by the signature on each of its activities, is its identity, as an
// account is for a signed-in user.
func (s *Store) RemoteActorApproved(ctx context.Context, actorID string) (bool, error) {
	if actorID == "" {
		return false, nil
	}
	var n int
	err := s.rd().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM comments
WHERE remote_actor = $1 AND status = 'approved' LIMIT 1) x`, actorID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: look up approved comments of %q: %w", actorID, err)
	}
	return n > 0, nil
}

// ConsumeCommentStamp records that the comment-form stamp whose nonce hashes to nonceHash was
// used, and reports whether this was its first use. The row of a stamp that expired by now is
// taken over (an expired stamp is refused before it gets here); the rest of the expired rows
// are swept by PurgeCommentStamps, off the comment's path. Run it in the transaction that
// stores the comment, so the use and the comment commit together.
func (s *Store) ConsumeCommentStamp(ctx context.Context, nonceHash string, expires, now time.Time) (bool, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, `INSERT INTO comment_stamps (nonce_hash, expires_at) VALUES ($1, $2)
ON CONFLICT (nonce_hash) DO UPDATE SET expires_at = excluded.expires_at WHERE comment_stamps.expires_at < $3`,
		nonceHash, s.ts(expires), s.ts(now)))
	if err != nil {
		return false, fmt.Errorf("store: use comment stamp: %w", err)
	}
	return n == 1, nil
}

// PurgeCommentStamps forgets the stamps that expired before now.
func (s *Store) PurgeCommentStamps(ctx context.Context, now time.Time) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM comment_stamps WHERE expires_at < $1", s.ts(now)); err != nil {
		return fmt.Errorf("store: forget expired comment stamps: %w", err)
	}
	return nil
}

// commentLockClass is the first key of the PostgreSQL advisory locks that serialize comment
// writes per post (the two-key space does not overlap the migration lock's one-key space).
const commentLockClass = 0x42530001

// LockPostComments makes the calling write transaction the only one writing comments on
// postID until it ends, so a check such as DuplicateComment stays true until the insert. On
// SQLite the write transaction already holds the database's write lock (BEGIN IMMEDIATE on
// the single writer connection); on PostgreSQL, where several nodes write at once, it takes a
// transaction-scoped advisory lock on the post.
func (s *Store) LockPostComments(ctx context.Context, postID int64) error {
	if s.tx == nil {
		return fmt.Errorf("store: lock comments of post %d outside a transaction", postID)
	}
	if !s.isPG() {
		return nil
	}
	// Post ids beyond 2^31 share locks with smaller ones: a little more waiting, never less safety.
	if _, err := s.wr().ExecContext(ctx, "SELECT pg_advisory_xact_lock($1, $2)", int32(commentLockClass), int32(postID&0x7fffffff)); err != nil {
		return fmt.Errorf("store: lock comments of post %d: %w", postID, err)
	}
	return nil
}
