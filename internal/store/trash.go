package store

import (
	"context"
	"fmt"
	"time"

	"github.com/broadside/broadside"
)

// TrashPost moves the post to the trash at now, remembering its status, and ends its
// shared preview link. Trashing a trashed post is a no-op.
func (s *Store) TrashPost(ctx context.Context, id int64, now time.Time) error {
	return s.InTx(ctx, func(tx *Store) error {
		var status string
		err := tx.wr().QueryRowContext(ctx, "SELECT status FROM posts WHERE id = $1", id).Scan(&status)
		if isNoRows(err) {
			return notFound("Post not found.")
		}
		if err != nil {
			return fmt.Errorf("store: trash post %d: %w", id, err)
		}
		if status == string(broadside.StatusTrash) {
			return nil
		}
		if _, err := tx.wr().ExecContext(ctx, "INSERT INTO post_trash (post_id, previous_status, trashed_at) VALUES ($1, $2, $3)",
			id, status, tx.ts(now.UTC().Truncate(time.Microsecond))); err != nil {
			return fmt.Errorf("store: trash post %d: %w", id, err)
		}
		if _, err := tx.wr().ExecContext(ctx, "UPDATE posts SET status = 'trash' WHERE id = $1", id); err != nil {
			return fmt.Errorf("store: trash post %d: %w", id, err)
		}
		if _, err := tx.wr().ExecContext(ctx, "DELETE FROM post_previews WHERE post_id = $1", id); err != nil {
			return fmt.Errorf("store: trash post %d: end preview link: %w", id, err)
		}
		return nil
	})
}

// RestorePost takes the post out of the trash with the status it had and returns that status.
func (s *Store) RestorePost(ctx context.Context, id int64) (broadside.PostStatus, error) {
	var prev string
	err := s.InTx(ctx, func(tx *Store) error {
		err := tx.wr().QueryRowContext(ctx, "SELECT previous_status FROM post_trash WHERE post_id = $1", id).Scan(&prev)
		if isNoRows(err) {
			return notFound("This post is not in the trash.")
		}
		if err != nil {
			return fmt.Errorf("store: restore post %d: %w", id, err)
		}
		if _, err := tx.wr().ExecContext(ctx, "UPDATE posts SET status = $1 WHERE id = $2", prev, id); err != nil {
			return fmt.Errorf("store: restore post %d: %w", id, err)
		}
		if _, err := tx.wr().ExecContext(ctx, "DELETE FROM post_trash WHERE post_id = $1", id); err != nil {
			return fmt.Errorf("store: restore post %d: %w", id, err)
		}
		return nil
	})
	return broadside.PostStatus(prev), err
}

// TrashedPost returns what the trash remembers of the post.
func (s *Store) TrashedPost(ctx context.Context, id int64) (*broadside.Trashed, error) {
	t := &broadside.Trashed{PostID: id}
	var prev string
	err := s.rd().QueryRowContext(ctx, "SELECT previous_status, trashed_at FROM post_trash WHERE post_id = $1", id).
		Scan(&prev, scanTime(&t.TrashedAt))
	if isNoRows(err) {
		return nil, notFound("This post is not in the trash.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: trashed post %d: %w", id, err)
	}
	t.PreviousStatus = broadside.PostStatus(prev)
	return t, nil
}

// TrashedBefore returns the ids of the posts (of typ, or all when empty) trashed before
// cutoff (the zero time: all of them), oldest first.
func (s *Store) TrashedBefore(ctx context.Context, typ broadside.PostType, cutoff time.Time) ([]int64, error) {
	a := &args{}
	q := "SELECT t.post_id FROM post_trash t JOIN posts p ON p.id = t.post_id WHERE p.status = 'trash'"
	if typ != "" {
		q += " AND p.type = " + a.add(string(typ))
	}
	if !cutoff.IsZero() {
		q += " AND t.trashed_at < " + a.add(s.ts(cutoff.UTC()))
	}
	rows, err := s.rd().QueryContext(ctx, q+" ORDER BY t.trashed_at, t.post_id", a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: list trash: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: list trash: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// SetPreviewLink records l as the post's one live shared preview link, replacing an older one.
func (s *Store) SetPreviewLink(ctx context.Context, l *broadside.PreviewLink) error {
	_, err := s.wr().ExecContext(ctx, `INSERT INTO post_previews (post_id, nonce, expires_at, created_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (post_id) DO UPDATE SET nonce = excluded.nonce, expires_at = excluded.expires_at, created_by = excluded.created_by`,
		l.PostID, l.Nonce, s.ts(l.ExpiresAt.UTC().Truncate(time.Second)), nullID(l.CreatedBy))
	if foreignKeyViolation(err) {
		return notFound("Post not found.")
	}
	if err != nil {
		return fmt.Errorf("store: set preview link of post %d: %w", l.PostID, err)
	}
	return nil
}

// PreviewLink returns the post's live shared preview link.
func (s *Store) PreviewLink(ctx context.Context, postID int64) (*broadside.PreviewLink, error) {
	l := &broadside.PreviewLink{PostID: postID}
	var by *int64
	err := s.rd().QueryRowContext(ctx, "SELECT nonce, expires_at, created_by FROM post_previews WHERE post_id = $1", postID).
		Scan(&l.Nonce, scanTime(&l.ExpiresAt), &by)
	if isNoRows(err) {
		return nil, notFound("This post has no shared preview link.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: preview link of post %d: %w", postID, err)
	}
	if by != nil {
		l.CreatedBy = *by
	}
	return l, nil
}

// DeletePreviewLink revokes the post's shared preview link.
func (s *Store) DeletePreviewLink(ctx context.Context, postID int64) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM post_previews WHERE post_id = $1", postID); err != nil {
		return fmt.Errorf("store: revoke preview link of post %d: %w", postID, err)
	}
	return nil
}

// TrashPostsOf moves every post and page of author to the trash at now (deleting a user
// without an heir, as WordPress does).
func (s *Store) TrashPostsOf(ctx context.Context, author int64, now time.Time) error {
	return s.InTx(ctx, func(tx *Store) error {
		rows, err := tx.wr().QueryContext(ctx, "SELECT id FROM posts WHERE author_id = $1 AND status <> 'trash'", author)
		if err != nil {
			return fmt.Errorf("store: trash posts of user %d: %w", author, err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("store: trash posts of user %d: %w", author, err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: trash posts of user %d: %w", author, err)
		}
		for _, id := range ids {
			if err := tx.TrashPost(ctx, id, now); err != nil {
				return err
			}
		}
		return nil
	})
}
