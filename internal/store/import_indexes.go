package store

import (
	"context"
	"fmt"
)

// DeferCommentIndexes lets an import into a site without comments build the comments
// table's secondary indexes once, after its rows are in, instead of updating eleven
// B-trees for every row: on SQLite, in the import's transaction, when the table is empty,
// it drops its non-unique indexes and returns the function that creates them again from
// the very statements that made them (so the schema ends as it began). A rolled-back
// import rolls the drop back too. Anywhere else (PostgreSQL, a site that has comments,
// statistics gathered on the table) it does nothing and rebuild is a no-op.
// Until rebuild runs, only lookups by id are fast: the import calls it before anything
// that searches comments (the recount at its end).
func (s *Store) DeferCommentIndexes(ctx context.Context) (rebuild func(context.Context) error, err error) {
	none := func(context.Context) error { return nil }
	if s.isPG() || s.tx == nil {
		return none, nil
	}
	var n int
	if err := s.rd().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM (SELECT 1 FROM comments LIMIT 1) x)
	+ (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1')`).Scan(&n); err != nil {
		return nil, fmt.Errorf("store: defer comment indexes: %w", err)
	}
	if n > 0 {
		return none, nil
	}
	rows, err := s.rd().QueryContext(ctx, `SELECT name, sql FROM sqlite_master
WHERE type = 'index' AND tbl_name = 'comments' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY rowid`)
	if err != nil {
		return nil, fmt.Errorf("store: defer comment indexes: %w", err)
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: defer comment indexes: %w", err)
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: defer comment indexes: %w", err)
	}
	for _, name := range names {
		if _, err := s.tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return nil, fmt.Errorf("store: defer comment index %s: %w", name, err)
		}
	}
	return func(ctx context.Context) error {
		for i, def := range defs {
			if _, err := s.tx.ExecContext(ctx, def); err != nil {
				return fmt.Errorf("store: rebuild comment index %s: %w", names[i], err)
			}
		}
		return nil
	}, nil
}
