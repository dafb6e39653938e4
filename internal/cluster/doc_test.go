// Package cluster_test runs Broadside the way a multi-node site runs it: three `broadside
// serve` processes (this test binary run as cmd/broadside runs, see TestMain), one PostgreSQL
// (internal/testdb), a real SMTP server (internal/mail/mailtest) and Debian's nginx as a
// round-robin balancer in front, and checks across the nodes what issue 12 found broken or
// asked for. It has no non-test code.
package cluster_test
