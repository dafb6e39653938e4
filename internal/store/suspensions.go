package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

func (s *Store) suspensionWhere(f broadside.SuspensionFilter) (string, *args) {
	a := &args{}
	c := []string{"status = 'bounced'"}
	if f.PostID != 0 {
		c = append(c, "suspended_by = "+a.add(f.PostID))
	}
	if !f.Since.IsZero() {
		c = append(c, "suspended_at >= "+a.add(s.ts(f.Since)))
	}
	if len(f.IDs) > 0 {
		c = append(c, "id IN "+in(a, f.IDs))
	}
	return " WHERE " + strings.Join(c, " AND "), a
}

// CountSuspended counts the suspended subscribers f chooses.
func (s *Store) CountSuspended(ctx context.Context, f broadside.SuspensionFilter) (int, error) {
	where, a := s.suspensionWhere(f)
	var n int
	if err := s.rd().QueryRowContext(ctx, "SELECT count(*) FROM subscribers"+where, a.v...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count suspended subscribers: %w", err)
	}
	return n, nil
}

// LiftSuspensions makes the suspended subscribers f chooses confirmed again, with their
// bounce count cleared, and returns how many there were.
func (s *Store) LiftSuspensions(ctx context.Context, f broadside.SuspensionFilter, now time.Time) (int64, error) {
	where, a := s.suspensionWhere(f)
	n, err := rowsAffected(s.wr().ExecContext(ctx, `UPDATE subscribers SET status = 'confirmed', bounces = 0, last_error = '',
	suspended_at = NULL, suspended_by = NULL, updated_at = `+a.add(s.ts(now))+where, a.v...))
	if err != nil {
		return 0, fmt.Errorf("store: lift suspensions: %w", err)
	}
	return n, nil
}

// SuspensionsByNewsletter groups the suspended subscribers by the newsletter that suspended
// them, most recent first (PostID 0: suspended before this was recorded, or not by one).
func (s *Store) SuspensionsByNewsletter(ctx context.Context) ([]broadside.SuspensionGroup, error) {
	rows, err := s.rd().QueryContext(ctx, `SELECT COALESCE(s.suspended_by, 0), COALESCE(p.title, ''), count(*), min(s.suspended_at)
FROM subscribers s LEFT JOIN posts p ON p.id = s.suspended_by
WHERE s.status = 'bounced' GROUP BY s.suspended_by, p.title ORDER BY min(s.suspended_at) DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: suspensions by newsletter: %w", err)
	}
	defer rows.Close()
	var out []broadside.SuspensionGroup
	for rows.Next() {
		var g broadside.SuspensionGroup
		if err := rows.Scan(&g.PostID, &g.PostTitle, &g.Count, scanTime(&g.First)); err != nil {
			return nil, fmt.Errorf("store: suspensions by newsletter: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}
