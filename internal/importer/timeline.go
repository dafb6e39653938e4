package importer

import (
	"context"
	"log/slog"
	"runtime"
	"time"

	"github.com/broadside/broadside/internal/cputime"
)

// timeline logs, at debug level, when each phase of an import ended and what it cost, so
// that the import's critical path can be read off a real run (`broadside import wordpress
// --log-level debug`) rather than guessed from a profile: a profile tells where the CPU
// went, not which goroutine the others waited on (docs/benchmarks.md, issue 11 session 9).
// The zero timeline (debug logging off) does nothing.
type timeline struct {
	log   *slog.Logger
	start time.Time
	last  time.Time
	cpu   time.Duration // cputime.Process() at the last phase's end
	gc    runtime.MemStats
}

func newTimeline(ctx context.Context, log *slog.Logger) *timeline {
	if log == nil || !log.Enabled(ctx, slog.LevelDebug) {
		return &timeline{}
	}
	now := time.Now()
	t := &timeline{log: log, start: now, last: now, cpu: cputime.Process()}
	runtime.ReadMemStats(&t.gc)
	return t
}

// phase logs that the phase name has just ended: its length, the process's CPU time during
// it (twice its length: both cores busy), the time since the import started, and the
// garbage collections and pauses during it.
func (t *timeline) phase(name string, attrs ...any) {
	if t == nil || t.log == nil {
		return
	}
	now, cpu := time.Now(), cputime.Process()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	attrs = append(attrs, "took", now.Sub(t.last).Round(time.Millisecond), "cpu", (cpu - t.cpu).Round(time.Millisecond),
		"at", now.Sub(t.start).Round(time.Millisecond),
		"gcs", m.NumGC-t.gc.NumGC, "gc_pause", time.Duration(m.PauseTotalNs-t.gc.PauseTotalNs).Round(time.Microsecond),
		"heap_mb", m.HeapAlloc>>20)
	t.log.Debug("import phase "+name, attrs...)
	t.last, t.cpu, t.gc = now, cpu, m
}

// waits measures how long the two sides of the prefetch channel waited for each other.
type waits struct {
	writer  time.Duration // the writing goroutine waiting for a decoded batch
	decoder time.Duration // the decoding goroutine waiting for room in the channel
	batches int
}
