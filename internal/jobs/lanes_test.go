package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestBulkLaneNeverDelaysTransactional: while every bulk slot is busy with a long job (a
// newsletter), transactional jobs (sign-in links) still run at once; and a second bulk job
// waits for a free bulk slot rather than taking a transactional one.
func TestBulkLaneNeverDelaysTransactional(t *testing.T) {
	ctx := context.Background()
	st := open(t, testdb.SQLiteMigrated(t))
	w := jobs.NewWorker(st, quiet, time.Now)
	w.Capacity = map[jobs.Lane]int{jobs.Transactional: 1, jobs.Bulk: 1}
	started, release := make(chan string, 2), make(chan struct{})
	w.HandleInterruptible("newsletter", func(ctx context.Context, p []byte) error {
		started <- string(p)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return &jobs.Again{At: time.Now(), Reason: "stopping"}
		}
	}, jobs.InLane(jobs.Bulk))
	signins := make(chan string, 10)
	w.Handle("signin", func(_ context.Context, p []byte) error { signins <- string(p); return nil })

	runCtx, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { defer close(stopped); w.Run(runCtx) }()
	defer func() { stop(); <-stopped }()

	for _, p := range []string{"first", "second"} {
		if err := jobs.Enqueue(ctx, st, "newsletter", p, time.Now(), p); err != nil {
			t.Fatal(err)
		}
	}
	w.Wake()
	<-started // one newsletter holds the only bulk slot
	for i := 0; i < 3; i++ {
		if err := jobs.Enqueue(ctx, st, "signin", "", time.Now(), i); err != nil {
			t.Fatal(err)
		}
		w.Wake()
		select {
		case <-signins:
		case <-time.After(30 * time.Second):
			t.Fatal("a transactional job waited behind a bulk one")
		}
	}
	select {
	case p := <-started:
		t.Fatalf("bulk job %s ran beside the first although the bulk lane has one slot", p)
	default:
	}
	close(release)
	<-started // the second newsletter gets the slot once the first is done
	waitFor(t, "both newsletters", func() bool {
		done, _ := st.ListJobs(ctx, store.JobDone, 10)
		return len(done) == 5
	})
}
