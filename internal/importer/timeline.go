package importer

import (
	"context"
	"log/slog"
	"time"
)

// timeline logs, at debug level, how long each phase of an import took: the wall time of an
// import is a sum of phases (the first pass, the stream, the index builds, the commit) and
// of waits between the decoding goroutine and the writer, and which of them to make cheaper
// is read from here rather than guessed (docs/benchmarks.md, issue 11 session 9).
// A nil *timeline, or one whose logger does not log debug, does nothing.
type timeline struct {
	log         *slog.Logger
	start, last time.Time
}

func newTimeline(log *slog.Logger) *timeline {
	if log == nil || !log.Enabled(context.Background(), slog.LevelDebug) {
		return nil
	}
	now := time.Now()
	return &timeline{log: log, start: now, last: now}
}

// mark ends the phase named and starts the next one; attrs add what was counted in it.
func (t *timeline) mark(phase string, attrs ...any) {
	if t == nil {
		return
	}
	now := time.Now()
	t.log.Debug("import phase", append([]any{"phase", phase, "took", now.Sub(t.last).Round(time.Millisecond),
		"at", now.Sub(t.start).Round(time.Millisecond)}, attrs...)...)
	t.last = now
}
