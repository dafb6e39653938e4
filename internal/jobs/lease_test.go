package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// waitFor polls cond until it holds, failing the test after a generous limit.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func running(t *testing.T, st *store.Store) store.Job {
	t.Helper()
	js, err := st.ListJobs(context.Background(), store.JobRunning, 10)
	if err != nil || len(js) != 1 {
		t.Fatalf("running jobs: %+v %v", js, err)
	}
	return js[0]
}

// TestVanishedWorkersJobTakenOverWithinSeconds: a worker claims a job and disappears (kill -9:
// no heartbeat, no settling). Another worker, here or on another node, runs it as soon as the
// lease ends, which is seconds, not the five minutes a newsletter used to stall for.
func TestVanishedWorkersJobTakenOverWithinSeconds(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := open(t, dsn)
		clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		heir := jobs.NewWorker(st, quiet, clk.Now)
		ran := 0
		heir.Handle("send", func(context.Context, []byte) error { ran++; return nil })
		if err := jobs.Enqueue(ctx, st, "send", "", clk.Now(), nil); err != nil {
			t.Fatal(err)
		}
		// The dead worker claimed it as every worker does, with the default lease.
		dead := jobs.NewWorker(st, quiet, clk.Now)
		if _, err := st.ClaimJob(ctx, []string{"send"}, dead.ID, clk.Now(), dead.Lease); err != nil {
			t.Fatal(err)
		}
		if ok, err := heir.RunOne(ctx); ok || err != nil {
			t.Fatalf("taken over while the lease was fresh: %v %v", ok, err)
		}
		clk.Advance(10 * time.Second) // the promise: resumed within 10 s
		if ok, err := heir.RunOne(ctx); !ok || err != nil || ran != 1 {
			t.Fatalf("the dead worker's job was not taken over 10 s later: ran=%v err=%v", ok, err)
		}
		if done, _ := st.ListJobs(ctx, store.JobDone, 10); len(done) != 1 || done[0].Attempts != 2 {
			t.Fatalf("done: %+v", done)
		}
	})
}

// TestLiveHeartbeatKeepsLongJob runs a job for many lease lengths: its worker's heartbeats keep
// it, so another worker never takes it over and it runs exactly once.
func TestLiveHeartbeatKeepsLongJob(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := open(t, dsn)
		clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		w := jobs.NewWorker(st, quiet, clk.Now)
		w.Heartbeat = 20 * time.Millisecond // real time, for a quick test; the lease runs on clk
		started, release := make(chan struct{}), make(chan struct{})
		var runs atomic.Int32
		w.HandleInterruptible("newsletter", func(ctx context.Context, _ []byte) error {
			runs.Add(1)
			close(started)
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if err := jobs.Enqueue(ctx, st, "newsletter", "n", clk.Now(), nil); err != nil {
			t.Fatal(err)
		}
		runCtx, stop := context.WithCancel(ctx)
		stopped := make(chan struct{})
		go func() { defer close(stopped); w.Run(runCtx) }()
		defer func() { stop(); <-stopped }()
		<-started
		thief := jobs.NewWorker(st, quiet, clk.Now)
		for i := 0; i < 6; i++ {
			// Wait for a heartbeat at the current time, then let almost a whole lease pass:
			// without that heartbeat the job would be free by now.
			now := clk.Now()
			waitFor(t, "a heartbeat", func() bool { return !running(t, st).LockedUntil.Before(now.Add(w.Lease)) })
			clk.Advance(w.Lease - time.Millisecond)
			if _, err := st.ClaimJob(ctx, nil, thief.ID, clk.Now(), thief.Lease); broadside.ErrorCode(err) != broadside.ENOTFOUND {
				t.Fatalf("round %d: a job with a live heartbeat was taken over (%v)", i, err)
			}
		}
		close(release)
		waitFor(t, "the job to finish", func() bool {
			done, _ := st.ListJobs(ctx, store.JobDone, 10)
			return len(done) == 1
		})
		if done, _ := st.ListJobs(ctx, store.JobDone, 10); runs.Load() != 1 || done[0].Attempts != 1 {
			t.Fatalf("ran %d times, %d attempts; want one run", runs.Load(), done[0].Attempts)
		}
	})
}

// gatedStore holds a worker's lease renewals until the gate opens, as a database stall or a
// paused process would.
type gatedStore struct {
	*store.Store
	gate    chan struct{}
	renewed atomic.Int32
}

func (g *gatedStore) RenewJob(ctx context.Context, id int64, worker string, now time.Time, lease time.Duration) error {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.renewed.Add(1)
	return g.Store.RenewJob(ctx, id, worker, now, lease)
}

// TestLostLeaseStopsHandler: a worker whose renewals were held up long enough for another
// worker to take the job over finds out at its next renewal and stops its handler (even an
// ordinary one), and its outcome does not overwrite the new holder's.
func TestLostLeaseStopsHandler(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := open(t, dsn)
		clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		gs := &gatedStore{Store: st, gate: make(chan struct{})}
		var log strings.Builder
		w := jobs.NewWorker(gs, slog.New(slog.NewTextHandler(lockedWriter{b: &log}, nil)), clk.Now)
		w.Heartbeat = 10 * time.Millisecond
		w.Lease = time.Hour // on the monotonic clock too: only the lost renewal may stop it
		started := make(chan struct{})
		cause := make(chan error, 1)
		w.Handle("import", func(ctx context.Context, _ []byte) error {
			close(started)
			<-ctx.Done()
			cause <- context.Cause(ctx)
			return ctx.Err()
		})
		if err := jobs.Enqueue(ctx, st, "import", "", clk.Now(), nil); err != nil {
			t.Fatal(err)
		}
		ran := make(chan error, 1)
		go func() { _, err := w.RunOne(ctx); ran <- err }()
		<-started

		clk.Advance(w.Lease)
		heir, err := st.ClaimJob(ctx, nil, "heir", clk.Now(), w.Lease)
		if err != nil {
			t.Fatalf("the expired lease was not claimable: %v", err)
		}
		close(gs.gate)
		select {
		case err := <-cause:
			if !errors.Is(err, jobs.ErrLeaseLost) {
				t.Fatalf("handler stopped with cause %v, want ErrLeaseLost", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the handler kept running after its worker lost the lease")
		}
		if err := <-ran; err != nil {
			t.Fatal(err)
		}
		j := running(t, st)
		if j.LockedBy != "heir" || j.ID != heir.ID {
			t.Fatalf("the worker that lost the lease changed the job: %+v", j)
		}
		if !strings.Contains(log.String(), "lease lost") {
			t.Errorf("the lost lease was not logged:\n%s", log.String())
		}
	})
}

// TestStalledRenewalStopsHandlerBeforeLeaseEnds: when renewals cannot get through at all, the
// worker stops its handler a heartbeat before the lease could run out, so that whoever takes
// the job over next never overlaps with it; the job, still held, is queued to run again.
func TestStalledRenewalStopsHandlerBeforeLeaseEnds(t *testing.T) {
	ctx := context.Background()
	st := open(t, testdb.SQLiteMigrated(t))
	gs := &gatedStore{Store: st, gate: make(chan struct{})} // never opens
	w := jobs.NewWorker(gs, quiet, time.Now)
	w.Lease, w.Heartbeat = 300*time.Millisecond, 100*time.Millisecond
	cause := make(chan error, 1)
	w.Handle("k", func(ctx context.Context, _ []byte) error {
		<-ctx.Done()
		cause <- context.Cause(ctx)
		return ctx.Err()
	})
	if err := jobs.Enqueue(ctx, st, "k", "", time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if ok, err := w.RunOne(ctx); !ok || err != nil {
		t.Fatalf("RunOne: %v %v", ok, err)
	}
	if err := <-cause; !errors.Is(err, jobs.ErrLeaseStalled) {
		t.Fatalf("cause %v, want ErrLeaseStalled", err)
	}
	q, _ := st.ListJobs(ctx, store.JobQueued, 10)
	if len(q) != 1 || q[0].Attempts != 0 || !strings.Contains(q[0].LastError, "not renewed") {
		t.Fatalf("the stopped job should be queued again at once: %+v", q)
	}
	if gs.renewed.Load() != 0 {
		t.Fatal("a renewal got through the closed gate")
	}
}

// TestHeartbeatMustBeShorterThanLease: a misconfigured worker says so instead of losing
// every job.
func TestHeartbeatMustBeShorterThanLease(t *testing.T) {
	st := open(t, testdb.SQLiteMigrated(t))
	w := jobs.NewWorker(st, quiet, time.Now)
	w.Heartbeat = w.Lease
	if _, err := w.RunOne(context.Background()); err == nil || !strings.Contains(err.Error(), "heartbeat") {
		t.Fatalf("err = %v", err)
	}
}

type lockedWriter struct{ b *strings.Builder }

var logMu sync.Mutex

func (w lockedWriter) Write(p []byte) (int, error) {
	logMu.Lock()
	defer logMu.Unlock()
	return w.b.Write(p)
}
