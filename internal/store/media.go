package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

const mediaCols = "id, author_id, file_name, storage_key, mime_type, size, width, height, title, alt, caption, created_at, process_state, process_error, COALESCE(post_id, 0)"

func scanMedia(r rowScanner, m *broadside.Media) error {
	return r.Scan(&m.ID, &m.AuthorID, &m.FileName, &m.Key, &m.MimeType, &m.Size, &m.Width, &m.Height,
		&m.Title, &m.Alt, &m.Caption, scanTime(&m.CreatedAt), &m.Processing, &m.ProcessError, &m.PostID)
}

// CreateMedia stores m and sets m.ID.
func (s *Store) CreateMedia(ctx context.Context, m *broadside.Media) error {
	m.CreatedAt = m.CreatedAt.UTC().Truncate(time.Microsecond)
	err := s.wr().QueryRowContext(ctx, `INSERT INTO media (author_id, file_name, storage_key, mime_type, size, width, height,
	title, alt, caption, created_at, process_state, process_error, post_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		m.AuthorID, m.FileName, m.Key, m.MimeType, m.Size, m.Width, m.Height, m.Title, m.Alt, m.Caption, s.ts(m.CreatedAt),
		m.Processing, m.ProcessError, nullID(m.PostID)).Scan(&m.ID)
	if err != nil {
		if _, ok := uniqueViolation(err); ok {
			return conflict("A file is already stored under " + m.Key + ".")
		}
		if foreignKeyViolation(err) {
			return notFound("User not found.")
		}
		return fmt.Errorf("store: create media %q: %w", m.Key, err)
	}
	return nil
}

// MediaByID returns the file with id.
func (s *Store) MediaByID(ctx context.Context, id int64) (*broadside.Media, error) {
	return s.mediaWhere(ctx, "id = $1", id)
}

// MediaByKey returns the file stored under key.
func (s *Store) MediaByKey(ctx context.Context, key string) (*broadside.Media, error) {
	return s.mediaWhere(ctx, "storage_key = $1", key)
}

func (s *Store) mediaWhere(ctx context.Context, where string, arg any) (*broadside.Media, error) {
	var m broadside.Media
	err := scanMedia(s.rd().QueryRowContext(ctx, "SELECT "+mediaCols+" FROM media WHERE "+where, arg), &m)
	if isNoRows(err) {
		return nil, notFound("File not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load media: %w", err)
	}
	if err := s.fillMediaSizes(ctx, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// ListMedia returns the files f selects, newest first, and how many there are in all.
func (s *Store) ListMedia(ctx context.Context, f broadside.MediaFilter) ([]broadside.Media, int, error) {
	var a args
	var where []string
	if q := strings.TrimSpace(f.Query); q != "" {
		p := a.add(likePattern(q))
		where = append(where, "(lower(title) LIKE "+p+` ESCAPE '\' OR lower(file_name) LIKE `+p+` ESCAPE '\')`)
	}
	if f.Kind != "" {
		types := broadside.MediaKindTypes(f.Kind)
		if len(types) == 0 {
			return nil, 0, nil
		}
		where = append(where, "mime_type IN "+in(&a, types))
	}
	if f.Year > 0 && f.Month >= 1 && f.Month <= 12 {
		start := time.Date(f.Year, time.Month(f.Month), 1, 0, 0, 0, 0, time.UTC)
		where = append(where, "created_at >= "+a.add(s.ts(start))+" AND created_at < "+a.add(s.ts(start.AddDate(0, 1, 0))))
	}
	if f.AuthorID > 0 {
		where = append(where, "author_id = "+a.add(f.AuthorID))
	}
	if f.MimeType != "" {
		where = append(where, "mime_type = "+a.add(f.MimeType))
	}
	if len(f.PostIDs) > 0 {
		where = append(where, "COALESCE(post_id, 0) IN "+in(&a, f.PostIDs))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.rd().QueryRowContext(ctx, "SELECT count(*) FROM media"+cond, a.v...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count media: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	q := "SELECT " + mediaCols + " FROM media" + cond + " ORDER BY created_at DESC, id DESC LIMIT " + a.add(limit) + " OFFSET " + a.add(max(f.Offset, 0))
	rows, err := s.rd().QueryContext(ctx, q, a.v...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list media: %w", err)
	}
	defer rows.Close()
	var out []broadside.Media
	for rows.Next() {
		var m broadside.Media
		if err := scanMedia(rows, &m); err != nil {
			return nil, 0, fmt.Errorf("store: list media: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list media: %w", err)
	}
	rows.Close()
	ptrs := make([]*broadside.Media, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	if err := s.fillMediaSizes(ctx, ptrs...); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// MediaMonths returns the months (UTC) with uploads, newest first, for the library's filter.
func (s *Store) MediaMonths(ctx context.Context, authorID int64) ([]broadside.YearMonth, error) {
	var a args
	cond := ""
	if authorID > 0 {
		cond = " WHERE author_id = " + a.add(authorID)
	}
	rows, err := s.rd().QueryContext(ctx, "SELECT created_at FROM media"+cond+" ORDER BY created_at DESC", a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: media months: %w", err)
	}
	defer rows.Close()
	var out []broadside.YearMonth
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(scanTime(&t)); err != nil {
			return nil, fmt.Errorf("store: media months: %w", err)
		}
		t = t.UTC()
		if n := len(out); n > 0 && out[n-1].Year == t.Year() && out[n-1].Month == int(t.Month()) {
			out[n-1].Count++
			continue
		}
		out = append(out, broadside.YearMonth{Year: t.Year(), Month: int(t.Month()), Count: 1})
	}
	return out, rows.Err()
}

// UpdateMedia saves the title, alt text, caption and parent post of m.
func (s *Store) UpdateMedia(ctx context.Context, m *broadside.Media) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "UPDATE media SET title = $1, alt = $2, caption = $3, post_id = $5 WHERE id = $4",
		m.Title, m.Alt, m.Caption, m.ID, nullID(m.PostID)))
	if foreignKeyViolation(err) {
		return notFound("Post not found.")
	}
	if err != nil {
		return fmt.Errorf("store: update media %d: %w", m.ID, err)
	}
	if n == 0 {
		return notFound("File not found.")
	}
	return nil
}

// DeleteMedia removes the row of the file with id, and makes the posts that showed it as
// their featured image forget its id (WordPress deletes their _thumbnail_id too).
func (s *Store) DeleteMedia(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(tx *Store) error {
		n, err := rowsAffected(tx.wr().ExecContext(ctx, "DELETE FROM media WHERE id = $1", id))
		if err != nil {
			return fmt.Errorf("store: delete media %d: %w", id, err)
		}
		if n == 0 {
			return notFound("File not found.")
		}
		if _, err := tx.wr().ExecContext(ctx, "UPDATE posts SET featured_media = 0 WHERE featured_media = $1", id); err != nil {
			return fmt.Errorf("store: delete media %d: forget it as featured image: %w", id, err)
		}
		return nil
	})
}

// PostsUsingPath returns the posts and pages whose featured image or body mention path (a
// file's address on this site, which absolute URLs of it contain too), at most limit of
// them, and how many there are. An attachment's own page (broadside.TypeAttachment) shows
// its file but is no use of it: it is the file's, edited on the file's screen.
func (s *Store) PostsUsingPath(ctx context.Context, path string, limit int) ([]broadside.Post, int, error) {
	// One query: the window count is taken before LIMIT cuts the rows.
	rows, err := s.rd().QueryContext(ctx, `SELECT id, type, title, status, count(*) OVER () FROM posts
WHERE (lower(featured_image_url) LIKE $1 ESCAPE '\' OR lower(raw_body) LIKE $1 ESCAPE '\') AND type <> $3
ORDER BY id DESC LIMIT $2`, likePattern(path), limit, string(broadside.TypeAttachment))
	if err != nil {
		return nil, 0, fmt.Errorf("store: posts using %s: %w", path, err)
	}
	defer rows.Close()
	var out []broadside.Post
	total := 0
	for rows.Next() {
		var po broadside.Post
		if err := rows.Scan(&po.ID, &po.Type, &po.Title, &po.Status, &total); err != nil {
			return nil, 0, fmt.Errorf("store: posts using %s: %w", path, err)
		}
		out = append(out, po)
	}
	return out, total, rows.Err()
}
