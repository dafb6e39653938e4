package app

import (
	"io"
	"log/slog"
	"testing"
	"time"
)

// A slow client cannot hold a connection open indefinitely: every deadline and the header
// size are bounded.
func TestHTTPServerBoundsEachConnection(t *testing.T) {
	t.Parallel()
	a := &App{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s := a.httpServer()
	for name, d := range map[string]time.Duration{"ReadHeaderTimeout": s.ReadHeaderTimeout, "ReadTimeout": s.ReadTimeout,
		"WriteTimeout": s.WriteTimeout, "IdleTimeout": s.IdleTimeout} {
		if d <= 0 || d > 2*time.Minute {
			t.Errorf("%s = %v, want a bound of at most 2m", name, d)
		}
	}
	if s.ReadHeaderTimeout > 30*time.Second {
		t.Errorf("ReadHeaderTimeout = %v: a slowloris client holds a connection that long per header", s.ReadHeaderTimeout)
	}
	if s.MaxHeaderBytes <= 0 || s.MaxHeaderBytes > 1<<20 {
		t.Errorf("MaxHeaderBytes = %d", s.MaxHeaderBytes)
	}
}
