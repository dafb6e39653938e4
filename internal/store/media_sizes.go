package store

import (
	"context"
	"fmt"

	"github.com/broadside/broadside"
)

// fillMediaSizes loads the variants of the files in ms (one query for all of them), smallest
// first, each size's main file before its WebP twin.
func (s *Store) fillMediaSizes(ctx context.Context, ms ...*broadside.Media) error {
	if len(ms) == 0 {
		return nil
	}
	var a args
	ids := make([]int64, 0, len(ms))
	byID := make(map[int64]*broadside.Media, len(ms))
	for _, m := range ms {
		if m.MimeType == "" || !m.IsImage() {
			continue
		}
		ids = append(ids, m.ID)
		byID[m.ID] = m
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := s.rd().QueryContext(ctx, `SELECT media_id, name, storage_key, mime_type, width, height, size FROM media_sizes
WHERE media_id IN `+in(&a, ids)+` ORDER BY media_id, width, height, name, CASE WHEN mime_type = 'image/webp' THEN 1 ELSE 0 END`, a.v...)
	if err != nil {
		return fmt.Errorf("store: load media sizes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v broadside.MediaSize
		if err := rows.Scan(&id, &v.Name, &v.Key, &v.MimeType, &v.Width, &v.Height, &v.Size); err != nil {
			return fmt.Errorf("store: load media sizes: %w", err)
		}
		if m := byID[id]; m != nil {
			m.Sizes = append(m.Sizes, v)
		}
	}
	return rows.Err()
}

// SetMediaProcessed records what processing made of the file with id: its displayed size
// (after EXIF orientation), its byte size (less once metadata is gone) and its variants, replacing those of an earlier run, in one
// transaction.
func (s *Store) SetMediaProcessed(ctx context.Context, id int64, width, height int, size int64, sizes []broadside.MediaSize) error {
	return s.InTx(ctx, func(tx *Store) error {
		n, err := rowsAffected(tx.wr().ExecContext(ctx, "UPDATE media SET width = $1, height = $2, size = $3, process_state = $4, process_error = '' WHERE id = $5",
			width, height, size, broadside.MediaProcessed, id))
		if err != nil {
			return fmt.Errorf("store: media %d processed: %w", id, err)
		}
		if n == 0 {
			return notFound("File not found.")
		}
		if _, err := tx.wr().ExecContext(ctx, "DELETE FROM media_sizes WHERE media_id = $1", id); err != nil {
			return fmt.Errorf("store: media %d processed: %w", id, err)
		}
		for _, v := range sizes {
			if _, err := tx.wr().ExecContext(ctx, `INSERT INTO media_sizes (media_id, name, storage_key, mime_type, width, height, size)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, v.Name, v.Key, v.MimeType, v.Width, v.Height, v.Size); err != nil {
				if _, ok := uniqueViolation(err); ok {
					return conflict("A file is already stored under " + v.Key + ".")
				}
				return fmt.Errorf("store: media %d size %s: %w", id, v.Name, err)
			}
		}
		return nil
	})
}

// SetMediaProcessing records where the processing of the file with id stands when it did not
// finish: broadside.MediaPending (queued again) or broadside.MediaFailed with the reason.
func (s *Store) SetMediaProcessing(ctx context.Context, id int64, state, reason string) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "UPDATE media SET process_state = $1, process_error = $2 WHERE id = $3", state, reason, id))
	if err != nil {
		return fmt.Errorf("store: media %d state: %w", id, err)
	}
	if n == 0 {
		return notFound("File not found.")
	}
	return nil
}

// MediaByKeys returns the files stored under keys, by key: a key may be an original's or one
// of its variants' (an imported post links photo-3f9a1c-300x200.jpg), both map to the file.
// Keys of no file are left out.
func (s *Store) MediaByKeys(ctx context.Context, keys []string) (map[string]*broadside.Media, error) {
	out := map[string]*broadside.Media{}
	if len(keys) == 0 {
		return out, nil
	}
	var a args
	variantOf := map[int64][]string{}
	rows, err := s.rd().QueryContext(ctx, "SELECT media_id, storage_key FROM media_sizes WHERE storage_key IN "+in(&a, keys), a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: media by keys: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var k string
		if err := rows.Scan(&id, &k); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: media by keys: %w", err)
		}
		if variantOf[id] == nil {
			ids = append(ids, id)
		}
		variantOf[id] = append(variantOf[id], k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: media by keys: %w", err)
	}
	var b args
	cond := "storage_key IN " + in(&b, keys)
	if len(ids) > 0 {
		cond += " OR id IN " + in(&b, ids)
	}
	rows, err = s.rd().QueryContext(ctx, "SELECT "+mediaCols+" FROM media WHERE "+cond, b.v...)
	if err != nil {
		return nil, fmt.Errorf("store: media by keys: %w", err)
	}
	var ms []*broadside.Media
	for rows.Next() {
		m := new(broadside.Media)
		if err := scanMedia(rows, m); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: media by keys: %w", err)
		}
		ms = append(ms, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: media by keys: %w", err)
	}
	if err := s.fillMediaSizes(ctx, ms...); err != nil {
		return nil, err
	}
	asked := make(map[string]bool, len(keys))
	for _, k := range keys {
		asked[k] = true
	}
	for _, m := range ms {
		if asked[m.Key] {
			out[m.Key] = m
		}
		for _, k := range variantOf[m.ID] {
			out[k] = m
		}
	}
	return out, nil
}
