package cli

import (
	"runtime/debug"

	"github.com/broadside/broadside/internal/config"
)

// applyMemory gives the Go runtime the process's memory limit and GC pace. It is process-wide
// state, so it is set here, where a command starts, and nowhere else; zero values leave the
// runtime's own (GOMEMLIMIT, GOGC).
func applyMemory(m config.Memory) {
	if m.LimitMiB > 0 {
		debug.SetMemoryLimit(int64(m.LimitMiB) << 20)
	}
	if m.GCPercent > 0 {
		debug.SetGCPercent(m.GCPercent)
	}
}
