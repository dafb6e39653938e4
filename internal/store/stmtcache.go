package store

import (
	"context"
	"database/sql"
	"strings"
)

// stmtCache prepares each statement of a long transaction once and runs it again from then
// on. A large import runs the same dozen statements hundreds of thousands of times; on SQLite
// parsing them (the posts insert compiles its search-index triggers) was a fifth to a half of
// the work (docs/benchmarks.md, goal 6).
type stmtCache struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

// maxCachedStmts bounds the cache: statements are built from a fixed set of strings, but
// one whose text varies (an IN list of any length) must not make the cache grow with the
// import.
const maxCachedStmts = 256

// CachingStatements returns a Store on the same transaction whose statements are prepared
// once each, and the function that releases them (call it before the transaction ends).
// Outside a transaction it returns s unchanged.
func (s *Store) CachingStatements() (*Store, func()) {
	if s.tx == nil || s.stmts != nil {
		return s, func() {}
	}
	c := &stmtCache{tx: s.tx, stmts: map[string]*sql.Stmt{}}
	bound := *s
	bound.stmts = c
	return &bound, c.close
}

func (c *stmtCache) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := c.stmts[query]; ok {
		return st
	}
	// A string of several statements runs as one Exec; prepared, only its first would.
	if len(c.stmts) >= maxCachedStmts || strings.Contains(query, ";") {
		return nil
	}
	st, err := c.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared call reports the error
	}
	c.stmts[query] = st
	return st
}

// querier is the transaction with its statements taken from the cache.
func (c *stmtCache) querier() sqlQuerier { return preparedOr{c.stmt, c.tx} }

func (c *stmtCache) close() {
	for q, st := range c.stmts {
		_ = st.Close()
		delete(c.stmts, q)
	}
}
