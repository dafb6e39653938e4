package store

import "context"

// Classify is classify, for the tests in package store_test (outage_pg_test.go).
var Classify = classify

// Reader is the store's reading pool, for TestOutageMidResultSet.
func (s *Store) Reader() querier { return s.rd() }

// CountCommentIndexes counts the comments table's indexes as s (a transaction) sees them,
// for TestDeferCommentIndexes.
func (s *Store) CountCommentIndexes() (n int, err error) {
	err = s.rd().QueryRowContext(context.Background(), "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'comments'").Scan(&n)
	return n, err
}
