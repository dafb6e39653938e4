package store

import (
	"context"
	"fmt"

	"github.com/broadside/broadside"
)

// AddPageViews adds counts to the page_views table in one transaction. Each node adds what it
// counted since its last flush, so the upsert increments and never overwrites.
func (s *Store) AddPageViews(ctx context.Context, counts []broadside.PageViewCount) error {
	if len(counts) == 0 {
		return nil
	}
	return s.InTx(ctx, func(tx *Store) error {
		for _, c := range counts {
			if _, err := tx.wr().ExecContext(ctx, `INSERT INTO page_views (day, path, referrer, views) VALUES ($1, $2, $3, $4)
ON CONFLICT (day, path, referrer) DO UPDATE SET views = page_views.views + excluded.views`,
				c.Day, c.Path, c.Referrer, c.Views); err != nil {
				return fmt.Errorf("store: add page views: %w", err)
			}
		}
		return nil
	})
}

// PageViewTotals returns the views of the days from since (a "YYYY-MM-DD" day) on, summed
// by path (byReferrer false) or by referrer (true), most viewed first, at most limit rows.
// Views without a referrer are left out of the referrer list.
func (s *Store) PageViewTotals(ctx context.Context, since string, byReferrer bool, limit int) ([]broadside.PageViewCount, error) {
	col, where := "path", ""
	if byReferrer {
		col, where = "referrer", " AND referrer <> ''"
	}
	rows, err := s.rd().QueryContext(ctx, "SELECT "+col+", CAST(sum(views) AS BIGINT) AS n FROM page_views WHERE day >= $1"+where+
		" GROUP BY "+col+" ORDER BY n DESC, "+col+" LIMIT $2", since, limit)
	if err != nil {
		return nil, fmt.Errorf("store: page view totals: %w", err)
	}
	defer rows.Close()
	var out []broadside.PageViewCount
	for rows.Next() {
		var c broadside.PageViewCount
		var key string
		if err := rows.Scan(&key, &c.Views); err != nil {
			return nil, fmt.Errorf("store: page view totals: %w", err)
		}
		if byReferrer {
			c.Referrer = key
		} else {
			c.Path = key
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PageViewDays returns the total views of each day from since on, oldest first.
func (s *Store) PageViewDays(ctx context.Context, since string) ([]broadside.PageViewCount, error) {
	rows, err := s.rd().QueryContext(ctx, "SELECT day, CAST(sum(views) AS BIGINT) FROM page_views WHERE day >= $1 GROUP BY day ORDER BY day", since)
	if err != nil {
		return nil, fmt.Errorf("store: page views per day: %w", err)
	}
	defer rows.Close()
	var out []broadside.PageViewCount
	for rows.Next() {
		var c broadside.PageViewCount
		if err := rows.Scan(&c.Day, &c.Views); err != nil {
			return nil, fmt.Errorf("store: page views per day: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AllPageViews returns every stored row (tests check what is kept, column by column).
func (s *Store) AllPageViews(ctx context.Context) ([]broadside.PageViewCount, error) {
	rows, err := s.rd().QueryContext(ctx, "SELECT day, path, referrer, views FROM page_views ORDER BY day, path, referrer")
	if err != nil {
		return nil, fmt.Errorf("store: list page views: %w", err)
	}
	defer rows.Close()
	var out []broadside.PageViewCount
	for rows.Next() {
		var c broadside.PageViewCount
		if err := rows.Scan(&c.Day, &c.Path, &c.Referrer, &c.Views); err != nil {
			return nil, fmt.Errorf("store: list page views: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PurgePageViews forgets the days before before (a "YYYY-MM-DD" day).
func (s *Store) PurgePageViews(ctx context.Context, before string) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM page_views WHERE day < $1", before); err != nil {
		return fmt.Errorf("store: purge page views: %w", err)
	}
	return nil
}
