package store

import (
	"context"
	"fmt"
)

// deferrableTables are the tables an import may write without their secondary indexes:
// the only names DeferIndexes puts into SQL.
var deferrableTables = map[string]bool{"comments": true}

// DeferIndexes lets an import into an empty table build its secondary indexes once, after
// its rows are in, instead of updating every B-tree for every row (the comments table has
// five such since migration 0041; wp_imports, which had two, has none since 0042): on
// SQLite, in the import's transaction, when the table is empty, it drops its non-unique
// indexes and returns the function that creates them again from the very statements that
// made them (so the schema ends as it began). What stays is decided here, once:
//   - primary keys and unique indexes: the inserts' conflict clauses need them;
//   - partial indexes (a WHERE clause): an imported comment has no remote actor or commenter
//     key, seldom a user, and seldom replies to a later comment, so they gain almost no
//     entry, while building one reads the whole table back (measured: about 0.1 s of CPU
//     each per 200,000 comments, against next to nothing live);
//   - every other index is cheaper to build once: even one whose keys arrive in order
//     (post_id first) cost 1.5 to 2 times its build when kept up to date row by row
//     (docs/benchmarks.md, issue 11 session 8).
//
// A rolled-back import rolls the drop back too. Anywhere else (PostgreSQL, a table with
// rows, statistics gathered on the tables) it drops nothing and rebuild is a no-op.
// Until rebuild runs, only lookups by a kept key are fast: the import calls it before
// anything that searches the table otherwise (for comments, the recount at its end).
// empty reports whether the table had no rows, on every database, so that the caller
// need not ask again.
func (s *Store) DeferIndexes(ctx context.Context, table string) (rebuild func(context.Context) error, empty bool, err error) {
	none := func(context.Context) error { return nil }
	if !deferrableTables[table] {
		return nil, false, fmt.Errorf("store: defer indexes: unknown table %q", table)
	}
	var rows, stats bool
	if s.isPG() {
		err = s.rd().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+`), false`).Scan(&rows, &stats)
	} else {
		err = s.rd().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+`),
	EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1')`).Scan(&rows, &stats)
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: defer %s indexes: %w", table, err)
	}
	if s.isPG() || s.tx == nil || rows || stats {
		return none, !rows, nil
	}
	names, defs, err := s.dropSchema(ctx, "INDEX", `SELECT name, sql FROM sqlite_master
WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
	AND instr(upper(sql), ' WHERE ') = 0 ORDER BY rowid`, table)
	if err != nil {
		return nil, false, fmt.Errorf("store: defer %s indexes: %w", table, err)
	}
	return func(ctx context.Context) error {
		// Without PRAGMA threads: SQLite's sorter helper thread cost CPU and, measured on
		// the 200k import, wall time too (docs/benchmarks.md, issue 11 session 9).
		for i, def := range defs {
			if _, err := s.tx.ExecContext(ctx, def); err != nil {
				return fmt.Errorf("store: rebuild %s index %s: %w", table, names[i], err)
			}
		}
		return nil
	}, true, nil
}

// dropSchema drops, in s's transaction, the indexes or triggers (kind) that q lists as
// (name, sql) rows, and returns their names and the statements that made them, so that
// the caller can create them again as they were.
func (s *Store) dropSchema(ctx context.Context, kind, q string, args ...any) (names, defs []string, err error) {
	list, err := s.rd().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	for list.Next() {
		var name, def string
		if err := list.Scan(&name, &def); err != nil {
			list.Close()
			return nil, nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	list.Close()
	if err := list.Err(); err != nil {
		return nil, nil, err
	}
	for _, name := range names {
		if _, err := s.tx.ExecContext(ctx, `DROP `+kind+` "`+name+`"`); err != nil {
			return nil, nil, fmt.Errorf("drop %s: %w", name, err)
		}
	}
	return names, defs, nil
}
