//go:build !unix

// Package cputime tells how much CPU this process has used: on a shared machine what an
// operation costs shows in its CPU time far more steadily than in its wall time, so the
// import's timeline and the benchmarks report it.
package cputime

import "time"

// Process is 0 where getrusage is missing: callers then show wall times only.
func Process() time.Duration { return 0 }
