package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/broadside/broadside"
)

// revisionSelect reads a revision and its author (if the user still exists) in one row.
const revisionSelect = `SELECT r.id, r.post_id, r.author_id, r.kind, r.title, r.title_markup, r.raw_body, r.raw_excerpt, r.body_format,
	r.created_at, u.id, u.email, u.login, u.display_name, u.role
FROM post_revisions r LEFT JOIN users u ON u.id = r.author_id`

func scanRevision(r rowScanner, v *broadside.Revision) error {
	var author, uid sql.NullInt64
	var email, login, name, role sql.NullString
	if err := r.Scan(&v.ID, &v.PostID, &author, &v.Kind, &v.Title, &v.TitleMarkup, &v.RawBody, &v.RawExcerpt, &v.BodyFormat,
		scanTime(&v.CreatedAt), &uid, &email, &login, &name, &role); err != nil {
		return err
	}
	v.AuthorID = author.Int64
	if uid.Valid {
		v.Author = &broadside.User{ID: uid.Int64, Email: email.String, Login: login.String, DisplayName: name.String,
			Role: broadside.Role(role.String)}
	}
	return nil
}

// AddRevision stores v as a saved revision of its post and sets v.ID.
func (s *Store) AddRevision(ctx context.Context, v *broadside.Revision) error {
	v.Kind = broadside.RevisionSaved
	v.CreatedAt = v.CreatedAt.UTC().Truncate(time.Microsecond)
	err := s.wr().QueryRowContext(ctx, `INSERT INTO post_revisions (post_id, author_id, kind, title, raw_body, raw_excerpt,
	body_format, created_at, title_markup) VALUES ($1, $2, 'revision', $3, $4, $5, $6, $7, $8) RETURNING id`,
		v.PostID, nullID(v.AuthorID), v.Title, v.RawBody, v.RawExcerpt, v.BodyFormat, s.ts(v.CreatedAt), v.TitleMarkup).Scan(&v.ID)
	if err != nil {
		return revisionErr("add revision", v.PostID, err)
	}
	return nil
}

// SaveAutosave stores v as its author's one autosave of the post, replacing an older one,
// and sets v.ID (the same row each time, as WordPress reuses its autosave post).
func (s *Store) SaveAutosave(ctx context.Context, v *broadside.Revision) error {
	v.Kind = broadside.RevisionAutosave
	v.CreatedAt = v.CreatedAt.UTC().Truncate(time.Microsecond)
	err := s.wr().QueryRowContext(ctx, `INSERT INTO post_revisions (post_id, author_id, kind, title, raw_body, raw_excerpt,
	body_format, created_at, title_markup) VALUES ($1, $2, 'autosave', $3, $4, $5, $6, $7, $8)
ON CONFLICT (post_id, author_id) WHERE kind = 'autosave' DO UPDATE SET title = excluded.title, title_markup = excluded.title_markup,
	raw_body = excluded.raw_body, raw_excerpt = excluded.raw_excerpt, body_format = excluded.body_format,
	created_at = excluded.created_at
RETURNING id`,
		v.PostID, v.AuthorID, v.Title, v.RawBody, v.RawExcerpt, v.BodyFormat, s.ts(v.CreatedAt), v.TitleMarkup).Scan(&v.ID)
	if err != nil {
		return revisionErr("save autosave", v.PostID, err)
	}
	return nil
}

func revisionErr(op string, postID int64, err error) error {
	if foreignKeyViolation(err) {
		return notFound("Post not found.")
	}
	return fmt.Errorf("store: %s of post %d: %w", op, postID, err)
}

// Revisions returns the post's revisions of kind (broadside.RevisionSaved or
// RevisionAutosave), newest first.
func (s *Store) Revisions(ctx context.Context, postID int64, kind string) ([]broadside.Revision, error) {
	rows, err := s.rd().QueryContext(ctx, revisionSelect+` WHERE r.post_id = $1 AND r.kind = $2 ORDER BY r.created_at DESC, r.id DESC`,
		postID, kind)
	if err != nil {
		return nil, fmt.Errorf("store: list revisions of post %d: %w", postID, err)
	}
	defer rows.Close()
	var out []broadside.Revision
	for rows.Next() {
		var v broadside.Revision
		if err := scanRevision(rows, &v); err != nil {
			return nil, fmt.Errorf("store: list revisions of post %d: %w", postID, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list revisions of post %d: %w", postID, err)
	}
	return out, nil
}

// RevisionCount returns how many revisions of kind the post has and the id of the newest
// (0 when there are none), in one query: WordPress links them from every post it serves.
func (s *Store) RevisionCount(ctx context.Context, postID int64, kind string) (int, int64, error) {
	var n int
	var newest int64
	err := s.rd().QueryRowContext(ctx, `SELECT COUNT(*) OVER (), id FROM post_revisions
		WHERE post_id = $1 AND kind = $2 ORDER BY created_at DESC, id DESC LIMIT 1`, postID, kind).Scan(&n, &newest)
	if isNoRows(err) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("store: count revisions of post %d: %w", postID, err)
	}
	return n, newest, nil
}

// RevisionByID returns one revision or autosave.
func (s *Store) RevisionByID(ctx context.Context, id int64) (*broadside.Revision, error) {
	var v broadside.Revision
	err := scanRevision(s.rd().QueryRowContext(ctx, revisionSelect+` WHERE r.id = $1`, id), &v)
	if isNoRows(err) {
		return nil, notFound("Revision not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load revision %d: %w", id, err)
	}
	return &v, nil
}

// DeleteRevision deletes one revision or autosave.
func (s *Store) DeleteRevision(ctx context.Context, id int64) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "DELETE FROM post_revisions WHERE id = $1", id))
	if err != nil {
		return fmt.Errorf("store: delete revision %d: %w", id, err)
	}
	if n == 0 {
		return notFound("Revision not found.")
	}
	return nil
}

// DeleteAutosave drops authorID's autosave of the post (once their edits are saved).
func (s *Store) DeleteAutosave(ctx context.Context, postID, authorID int64) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM post_revisions WHERE post_id = $1 AND author_id = $2 AND kind = 'autosave'",
		postID, authorID); err != nil {
		return fmt.Errorf("store: delete autosave of post %d: %w", postID, err)
	}
	return nil
}
