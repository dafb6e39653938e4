package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func open(t *testing.T, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestWorkerRetriesWithBackoffThenFails(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := open(t, dsn)
		clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		w := jobs.NewWorker(st, slog.New(slog.NewTextHandler(io.Discard, nil)), clk.Now)
		calls := 0
		w.Handle("flaky", func(ctx context.Context, payload []byte) error {
			calls++
			if string(payload) != `{"n":7}` {
				t.Errorf("payload %s", payload)
			}
			if calls == 3 {
				panic("handler bug") // a panic is a failure, not a crash of the worker
			}
			return errors.New("smtp down")
		})
		if err := jobs.Enqueue(ctx, st, "flaky", "flaky-1", clk.Now(), map[string]int{"n": 7}); err != nil {
			t.Fatal(err)
		}
		// Enqueueing the same work again is a no-op.
		if err := jobs.Enqueue(ctx, st, "flaky", "flaky-1", clk.Now(), map[string]int{"n": 7}); err != nil {
			t.Fatal(err)
		}
		for attempt := 1; attempt <= 10; attempt++ {
			ran, err := w.RunOne(ctx)
			if err != nil || !ran {
				t.Fatalf("attempt %d: ran=%v err=%v", attempt, ran, err)
			}
			// Not due again until its backoff has passed.
			if ran, _ := w.RunOne(ctx); ran {
				t.Fatalf("attempt %d retried before its backoff", attempt)
			}
			clk.Advance(jobs.Backoff(attempt))
		}
		if calls != 10 {
			t.Fatalf("handler ran %d times, want 10 (one job, max attempts 10)", calls)
		}
		if ran, _ := w.RunOne(ctx); ran {
			t.Fatal("a permanently failed job ran again")
		}
		failed, err := st.ListJobs(ctx, store.JobFailed, 10)
		if err != nil || len(failed) != 1 || failed[0].LastError != "smtp down" {
			t.Fatalf("failed jobs: %+v %v", failed, err)
		}
	})
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second}
	for i, w := range want {
		if got := jobs.Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if jobs.Backoff(50) != time.Hour {
		t.Errorf("backoff is not capped at an hour: %v", jobs.Backoff(50))
	}
}

// TestRunStopsAndResumes checks that jobs survive the worker stopping: a job enqueued while
// no worker runs is done by the next one.
func TestRunStopsAndResumes(t *testing.T) {
	ctx := context.Background()
	st := open(t, testdb.SQLiteMigrated(t))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	done := make(chan string, 1)
	handler := func(ctx context.Context, p []byte) error { done <- string(p); return nil }
	if err := jobs.Enqueue(ctx, st, "work", "", time.Now(), "persisted"); err != nil {
		t.Fatal(err)
	}
	w := jobs.NewWorker(st, log, time.Now)
	w.Handle("work", handler)
	runCtx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { w.Run(runCtx); close(stopped) }()
	select {
	case got := <-done:
		if got != `"persisted"` {
			t.Fatalf("payload %s", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("worker did not run the job")
	}
	cancel()
	<-stopped
	if jobs, err := st.ListJobs(ctx, store.JobDone, 10); err != nil || len(jobs) != 1 {
		t.Fatalf("done jobs: %v %v", jobs, err)
	}
	if _, err := st.ClaimJob(ctx, []string{"work"}, "x", time.Now(), time.Minute); broadside.ErrorCode(err) != broadside.ENOTFOUND {
		t.Fatalf("job still claimable after completion: %v", err)
	}
}

// TestAgainAndInterruptible: a long job pauses with Again (not a failure, however often) and
// an interruptible handler sees the worker stop.
func TestAgainAndInterruptible(t *testing.T) {
	ctx := context.Background()
	st := open(t, testdb.SQLiteMigrated(t))
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	w := jobs.NewWorker(st, slog.New(slog.NewTextHandler(io.Discard, nil)), clk.Now)
	runs := 0
	w.Handle("slices", func(ctx context.Context, _ []byte) error {
		runs++
		if runs < 15 { // more than MaxAttempts (10): Again must not count
			return &jobs.Again{At: clk.Now(), Reason: "more to do"}
		}
		return nil
	})
	if err := jobs.Enqueue(ctx, st, "slices", "s", clk.Now(), nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if _, err := w.RunOne(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if runs != 15 {
		t.Fatalf("ran %d times, want 15", runs)
	}
	if done, _ := st.ListJobs(ctx, store.JobDone, 10); len(done) != 1 {
		t.Fatalf("done jobs: %+v", done)
	}

	runCtx, stop := context.WithCancel(ctx)
	started := make(chan struct{})
	interrupted := make(chan error, 1)
	w.HandleInterruptible("long", func(hctx context.Context, _ []byte) error {
		close(started)
		<-hctx.Done()
		interrupted <- hctx.Err()
		return &jobs.Again{At: clk.Now(), Reason: "interrupted"}
	})
	if err := jobs.Enqueue(ctx, st, "long", "l", clk.Now(), nil); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); w.Run(runCtx) }()
	<-started
	stop()
	<-done
	if err := <-interrupted; !errors.Is(err, context.Canceled) {
		t.Fatalf("handler context: %v", err)
	}
	if q, _ := st.ListJobs(ctx, store.JobQueued, 10); len(q) != 1 || q[0].Kind != "long" {
		t.Fatalf("the interrupted job should be queued again: %+v", q)
	}
}

// TestPausesDoNotUseUpAttempts: a long job that paused many times (a newsletter pauses after
// every slice) still has all its attempts when something really fails: it is retried, not
// given up for good at its first error.
func TestPausesDoNotUseUpAttempts(t *testing.T) {
	ctx := context.Background()
	st := open(t, testdb.SQLiteMigrated(t))
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	w := jobs.NewWorker(st, slog.New(slog.NewTextHandler(io.Discard, nil)), clk.Now)
	runs := 0
	w.Handle("newsletter", func(ctx context.Context, _ []byte) error {
		runs++
		if runs <= 15 {
			return &jobs.Again{At: clk.Now(), Reason: "slice used up"}
		}
		return errors.New("database hiccup")
	})
	if err := jobs.Enqueue(ctx, st, "newsletter", "n", clk.Now(), nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 16; i++ {
		if ran, err := w.RunOne(ctx); !ran || err != nil {
			t.Fatalf("run %d: %v %v", i+1, ran, err)
		}
	}
	q, _ := st.ListJobs(ctx, store.JobQueued, 10)
	if len(q) != 1 || q[0].Attempts != 1 || q[0].LastError != "database hiccup" {
		t.Fatalf("after 15 pauses and one failure the job should wait for its second attempt: %+v", q)
	}
}

// TestOutcomeSettledTogether: a handler's WithOutcome writes are committed with the job's
// settling (done or Again), and when one fails neither is: the job stays running, to be
// taken over when its lease ends, as after a crash.
func TestOutcomeSettledTogether(t *testing.T) {
	ctx := context.Background()
	st := open(t, testdb.SQLiteMigrated(t))
	w := jobs.NewWorker(st, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	mark := func(key string) func(ctx context.Context, tx *store.Store) error {
		return func(ctx context.Context, tx *store.Store) error {
			return tx.EnqueueJob(ctx, &store.Job{Kind: "mark", UniqueKey: key, RunAt: time.Now(), MaxAttempts: 1})
		}
	}
	w.Handle("work", func(ctx context.Context, p []byte) error {
		switch string(p) {
		case `"done"`:
			jobs.WithOutcome(ctx, mark("done"))
			return nil
		case `"again"`:
			jobs.WithOutcome(ctx, mark("again"))
			return &jobs.Again{At: time.Now().Add(time.Hour), Reason: "later"}
		}
		jobs.WithOutcome(ctx, func(context.Context, *store.Store) error { return errors.New("disk full") })
		return nil
	})
	for _, p := range []string{"done", "again", "broken"} {
		if err := jobs.Enqueue(ctx, st, "work", "", time.Now(), p); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		_, _ = w.RunOne(ctx)
	}
	count := func(status, kind string) int {
		js, err := st.ListJobs(ctx, status, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, j := range js {
			if j.Kind == kind {
				n++
			}
		}
		return n
	}
	if d, q, r, m := count(store.JobDone, "work"), count(store.JobQueued, "work"), count(store.JobRunning, "work"), count(store.JobQueued, "mark"); d != 1 || q != 1 || r != 1 || m != 2 {
		t.Fatalf("work done %d, queued %d, running %d; marks %d: want 1, 1, 1; 2", d, q, r, m)
	}
}
