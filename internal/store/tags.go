package store

import (
	"context"
	"fmt"

	"github.com/broadside/broadside"
)

// Tag writes beyond EnsureTags, for clients that manage tags directly (the REST API).

func tagConflict(err error) error {
	if _, ok := uniqueViolation(err); ok {
		return conflict("A tag with this slug already exists.")
	}
	return nil
}

// TagByID returns the tag with id, with its count of published posts.
func (s *Store) TagByID(ctx context.Context, id int64) (*broadside.Tag, error) {
	var t broadside.Tag
	err := scanTag(s.rd().QueryRowContext(ctx, tagSelect+" WHERE t.id = $1", id), &t)
	if isNoRows(err) {
		return nil, notFound("Tag not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load tag %d: %w", id, err)
	}
	return &t, nil
}

// CreateTag inserts t with its name and slug as given and sets t.ID.
func (s *Store) CreateTag(ctx context.Context, t *broadside.Tag) error {
	err := s.wr().QueryRowContext(ctx, "INSERT INTO tags (name, slug) VALUES ($1, $2) RETURNING id", t.Name, t.Slug).Scan(&t.ID)
	if err != nil {
		if cerr := tagConflict(err); cerr != nil {
			return cerr
		}
		return fmt.Errorf("store: create tag %q: %w", t.Slug, err)
	}
	return nil
}

// UpdateTag saves t's name and slug.
func (s *Store) UpdateTag(ctx context.Context, t *broadside.Tag) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "UPDATE tags SET name = $1, slug = $2 WHERE id = $3", t.Name, t.Slug, t.ID))
	if err != nil {
		if cerr := tagConflict(err); cerr != nil {
			return cerr
		}
		return fmt.Errorf("store: update tag %d: %w", t.ID, err)
	}
	if n == 0 {
		return notFound("Tag not found.")
	}
	return nil
}

// DeleteTag deletes the tag with id; its links to posts go with it.
func (s *Store) DeleteTag(ctx context.Context, id int64) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "DELETE FROM tags WHERE id = $1", id))
	if err != nil {
		return fmt.Errorf("store: delete tag %d: %w", id, err)
	}
	if n == 0 {
		return notFound("Tag not found.")
	}
	return nil
}
