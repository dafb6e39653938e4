package store

import (
	"context"
	"fmt"
)

// deferredSearchTriggers are the triggers that write a post's row of the SQLite search index
// as the post is inserted or changed. The link triggers need no deferring: the import holds
// each post's terms while it writes its links (holdSearchTerms), and without a row to update
// release does nothing.
var deferredSearchTriggers = [2]string{"posts_fts_insert", "posts_fts_update"}

// DeferSearchIndex lets an import into a site without posts build the search index once,
// after its rows are in, in one statement: row by row, each post's text was tokenized three
// times (inserted with no terms, then deleted and inserted again once its categories and
// tags were linked), and the index's segments were merged while the import ran
// (docs/benchmarks.md, issue 11 session 7). On SQLite, in the import's transaction, when
// neither posts nor the index have rows, it drops the triggers that index a post as it is
// written and returns the function that indexes every post and creates the triggers again
// from the very statements that made them, so the schema ends as it began. A rolled-back
// import rolls the drop back too. Anywhere else (PostgreSQL, a site with posts) it does
// nothing and build is a no-op.
// The index holds what the triggers would have written: the same expressions over the
// posts' final values.
func (s *Store) DeferSearchIndex(ctx context.Context) (build func(context.Context) error, err error) {
	none := func(context.Context) error { return nil }
	if s.isPG() || s.tx == nil {
		return none, nil
	}
	var rows bool
	if err := s.rd().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM posts) OR EXISTS (SELECT 1 FROM posts_fts)`).Scan(&rows); err != nil {
		return nil, fmt.Errorf("store: defer the search index: %w", err)
	}
	if rows {
		return none, nil
	}
	names, defs, err := s.dropSchema(ctx, "TRIGGER", `SELECT name, sql FROM sqlite_master
WHERE type = 'trigger' AND name IN ($1, $2) ORDER BY name`, deferredSearchTriggers[0], deferredSearchTriggers[1])
	if err != nil {
		return nil, fmt.Errorf("store: defer the search index: %w", err)
	}
	for i, name := range deferredSearchTriggers { // in order of their names
		if i >= len(names) || names[i] != name {
			return nil, fmt.Errorf("store: defer the search index: trigger %s is missing", name)
		}
	}
	return func(ctx context.Context) error {
		if _, err := s.tx.ExecContext(ctx, indexAllPostsSQLite); err != nil {
			return fmt.Errorf("store: build the search index: %w", err)
		}
		for i, def := range defs {
			if _, err := s.tx.ExecContext(ctx, def); err != nil {
				return fmt.Errorf("store: build the search index: trigger %s: %w", deferredSearchTriggers[i], err)
			}
		}
		return nil
	}, nil
}
