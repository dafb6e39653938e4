package store

import (
	"context"
	"database/sql"
	"sync"
)

// keptStmts keeps the reads of the hot paths compiled on SQLite's reader pool. modernc's
// driver parses every statement it is handed unless it was prepared: under a flood of comment
// POSTs, parsing the post's SELECT (with its author join) and the checks around a comment was a
// third of the server's CPU (docs/benchmarks.md, issue 11 session 6). A statement is prepared
// once on the pool; database/sql prepares it again on each reader connection that runs it.
//
// Only statements whose text is fixed go through it (Store.kept): the cache never shrinks.
// PostgreSQL needs none of this: pgx keeps each connection's statements prepared itself.
type keptStmts struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// maxKeptStmts bounds the cache should a caller pass text that varies after all.
const maxKeptStmts = 64

// kept returns what a fixed-text read on a hot path goes through: prepared once on the reader
// pool of SQLite, the plain reader everywhere else (in a transaction, on PostgreSQL).
func (s *Store) kept() querier {
	if s.keep == nil || s.tx != nil || s.stmts != nil {
		return s.rd()
	}
	keep, db := s.keep, s.r
	return classified{preparedOr{func(ctx context.Context, q string) *sql.Stmt { return keep.stmt(ctx, db, q) }, db}}
}

func (k *keptStmts) stmt(ctx context.Context, db *sql.DB, query string) *sql.Stmt {
	k.mu.Lock()
	st, ok := k.stmts[query]
	full := len(k.stmts) >= maxKeptStmts
	k.mu.Unlock()
	if ok || full {
		return st
	}
	// Prepared without the lock: it waits for a free connection.
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared call reports the error
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if prev, ok := k.stmts[query]; ok || k.stmts == nil {
		_ = st.Close() // another caller was first, or the store closed meanwhile
		return prev
	}
	k.stmts[query] = st
	return st
}

func (k *keptStmts) close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, st := range k.stmts {
		_ = st.Close()
	}
	k.stmts = nil
}

// preparedOr is a sqlQuerier that runs each statement prepared when prepare gives one, and
// plainly on plain otherwise. Both statement caches go through it: keptStmts on SQLite's reader
// pool, stmtCache in a long transaction.
type preparedOr struct {
	prepare func(ctx context.Context, query string) *sql.Stmt
	plain   sqlQuerier
}

func (p preparedOr) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.prepare(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.plain.ExecContext(ctx, query, args...)
}

func (p preparedOr) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.prepare(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.plain.QueryContext(ctx, query, args...)
}

func (p preparedOr) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.prepare(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.plain.QueryRowContext(ctx, query, args...)
}
