package store

// Classify is classify, for the tests in package store_test (outage_pg_test.go).
var Classify = classify
