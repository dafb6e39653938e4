package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// errorsTB records what a test would report.
type errorsTB struct {
	testing.TB
	errs []string
}

func (e *errorsTB) Errorf(format string, args ...any) {
	e.errs = append(e.errs, fmt.Sprintf(format, args...))
}

// TestCloseServerReportsAStuckRequest: a handler that never returns makes the harness's
// cleanup fail the test with the goroutines' stacks, the stuck handler's among them,
// instead of waiting forever in httptest.Server.Close.
func TestCloseServerReportsAStuckRequest(t *testing.T) {
	release, entered := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		stuckHandler(release)
	}))
	go func() {
		if res, err := http.Get(srv.URL); err == nil {
			res.Body.Close()
		}
	}()
	<-entered
	rec := &errorsTB{TB: t}
	closeServer(rec, srv, 50*time.Millisecond) // the handler waits for release: the limit passes
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "still answers a request") || !strings.Contains(rec.errs[0], "stuckHandler") {
		t.Fatalf("a stuck request at cleanup reported %q", rec.errs)
	}
	close(release)
	rec = &errorsTB{TB: t}
	closeServer(rec, httptest.NewServer(http.NotFoundHandler()), time.Minute)
	if len(rec.errs) != 0 {
		t.Fatalf("an idle server's close reported %q", rec.errs)
	}
}

func stuckHandler(release chan struct{}) { <-release }
