package store

// Classify is classify, for the tests in package store_test (outage_pg_test.go).
var Classify = classify

// Reader is the store's reading pool, for TestOutageMidResultSet.
func (s *Store) Reader() querier { return s.rd() }
