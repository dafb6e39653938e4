package store

import (
	"context"
	"fmt"

	"github.com/broadside/broadside"
)

// CreateBan stores b and sets its ID; a ban that exists already is ECONFLICT.
func (s *Store) CreateBan(ctx context.Context, b *broadside.Ban) error {
	err := s.wr().QueryRowContext(ctx, `INSERT INTO comment_bans (kind, value, note, created_by, created_at)
VALUES ($1, $2, $3, $4, $5) RETURNING id`, string(b.Kind), b.Value, b.Note, nullID(b.CreatedBy), s.ts(b.CreatedAt)).Scan(&b.ID)
	if _, ok := uniqueViolation(err); ok {
		return conflict("That is banned already.")
	}
	if err != nil {
		return fmt.Errorf("store: create ban: %w", err)
	}
	return nil
}

// Bans lists every ban, newest first.
func (s *Store) Bans(ctx context.Context) ([]broadside.Ban, error) {
	rows, err := s.kept().QueryContext(ctx, `SELECT id, kind, value, note, COALESCE(created_by, 0), created_at
FROM comment_bans ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: list bans: %w", err)
	}
	defer rows.Close()
	var out []broadside.Ban
	for rows.Next() {
		var b broadside.Ban
		var kind string
		if err := rows.Scan(&b.ID, &kind, &b.Value, &b.Note, &b.CreatedBy, scanTime(&b.CreatedAt)); err != nil {
			return nil, fmt.Errorf("store: list bans: %w", err)
		}
		b.Kind = broadside.BanKind(kind)
		out = append(out, b)
	}
	return out, rows.Err()
}

// DeleteBan lifts the ban with id.
func (s *Store) DeleteBan(ctx context.Context, id int64) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "DELETE FROM comment_bans WHERE id = $1", id))
	if err != nil {
		return fmt.Errorf("store: delete ban %d: %w", id, err)
	}
	if n == 0 {
		return notFound("Ban not found.")
	}
	return nil
}
