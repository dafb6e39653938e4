//go:build unix

package importer

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used, user and system: what a phase cost,
// whatever else the machine was running.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
