package metrics_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/metrics"
	"github.com/broadside/broadside/internal/store"
)

// TestQueueByLane: due jobs are summed per lane of their kind, with the oldest's wait, and
// both lanes are written even when idle.
func TestQueueByLane(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir()+"/b.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for _, j := range []store.Job{{Kind: "newsletter", RunAt: t0}, {Kind: "newsletter", RunAt: t0.Add(time.Minute)}, {Kind: "signin", RunAt: t0.Add(90 * time.Second)}} {
		j.CreatedAt = t0
		if err := st.EnqueueJob(ctx, &j); err != nil {
			t.Fatal(err)
		}
	}
	r := metrics.New()
	r.Source, r.Now = st, func() time.Time { return t0.Add(2 * time.Minute) }
	r.Lanes = func(kind string) jobs.Lane {
		if kind == "newsletter" {
			return jobs.Bulk
		}
		return jobs.Transactional
	}
	r.ObserveRequest("GET /{path...}", 30*time.Millisecond)
	var buf bytes.Buffer
	if err := r.WritePrometheus(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`broadside_jobs_due{lane="bulk"} 2`,
		`broadside_jobs_oldest_due_seconds{lane="bulk"} 120`,
		`broadside_jobs_due{lane="transactional"} 1`,
		`broadside_jobs_oldest_due_seconds{lane="transactional"} 30`,
		`broadside_http_request_duration_seconds_count{route="GET /{path...}"} 1`,
		`broadside_newsletter_deliveries{status="sent"} 0`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}
