//go:build unix

// Package cputime tells how much CPU this process has used: on a shared machine what an
// operation costs shows in its CPU time far more steadily than in its wall time, so the
// import's timeline and the benchmarks report it.
package cputime

import (
	"syscall"
	"time"
)

// Process is the CPU time, user and system, this process has used so far.
func Process() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
