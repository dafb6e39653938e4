package store

import (
	"context"
	"fmt"
)

// Classify is classify, for the tests in package store_test (outage_pg_test.go).
var Classify = classify

// MigrateBelow applies the migrations below version below, for TestWPImportsMigration.
func (s *Store) MigrateBelow(ctx context.Context, below int64) error { return s.migrate(ctx, below) }

// Reader is the store's reading pool, for TestOutageMidResultSet.
func (s *Store) Reader() querier { return s.rd() }

// CountIndexes counts table's indexes as s (a transaction) sees them, for
// TestDeferCommentIndexes.
func (s *Store) CountIndexes(table string) (n int, err error) {
	err = s.rd().QueryRowContext(context.Background(), "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = $1", table).Scan(&n)
	return n, err
}

// Indexes maps table's indexes to their statements ("" for automatic ones) as s (a
// transaction) sees them, for testDeferIndexes.
func (s *Store) Indexes(table string) (map[string]string, error) {
	rows, err := s.rd().QueryContext(context.Background(), "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = $1", table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, err
		}
		m[name] = def
	}
	return m, rows.Err()
}

// SearchIndexRows lists the search index's rows as s sees them, for TestDeferSearchIndex.
func (s *Store) SearchIndexRows() (string, error) {
	rows, err := s.rd().QueryContext(context.Background(), "SELECT rowid, title, terms, excerpt, body FROM posts_fts ORDER BY rowid")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b []byte
	for rows.Next() {
		var id int64
		var title, terms, excerpt, body string
		if err := rows.Scan(&id, &title, &terms, &excerpt, &body); err != nil {
			return "", err
		}
		b = fmt.Appendf(b, "%d %q %q %q %q\n", id, title, terms, excerpt, body)
	}
	return string(b), rows.Err()
}

// PostTermsSQLite is postTermsSQLite, for TestSearchTermsTriggers.
const PostTermsSQLite = postTermsSQLite
