package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

func TestJobLifecycle(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		_, err := s.ClaimJob(ctx, nil, "w1", t0, time.Minute)
		wantCode(t, err, broadside.ENOTFOUND)

		mail := &store.Job{Kind: "mail", Payload: []byte(`{"to":"a@example.org"}`), RunAt: t0, MaxAttempts: 3, CreatedAt: t0}
		must(t, s.EnqueueJob(ctx, mail))
		later := &store.Job{Kind: "mail", Payload: []byte(`{}`), RunAt: t0.Add(time.Hour), CreatedAt: t0}
		must(t, s.EnqueueJob(ctx, later))
		fed := &store.Job{Kind: "federate", RunAt: t0.Add(-time.Minute), CreatedAt: t0}
		must(t, s.EnqueueJob(ctx, fed))
		if mail.ID == 0 || mail.Status != store.JobQueued {
			t.Fatalf("enqueued = %+v", mail)
		}

		// Kind filter, then oldest run_at first.
		j, err := s.ClaimJob(ctx, []string{"mail"}, "w1", t0, time.Minute)
		must(t, err)
		if j.ID != mail.ID || j.Status != store.JobRunning || j.Attempts != 1 || j.LockedBy != "w1" ||
			!j.LockedUntil.Equal(t0.Add(time.Minute)) || string(j.Payload) != `{"to":"a@example.org"}` || j.MaxAttempts != 3 {
			t.Fatalf("claimed %+v", j)
		}
		// The later job is not due; the federate job is not asked for.
		_, err = s.ClaimJob(ctx, []string{"mail"}, "w2", t0, time.Minute)
		wantCode(t, err, broadside.ENOTFOUND)
		j2, err := s.ClaimJob(ctx, nil, "w2", t0, time.Minute)
		must(t, err)
		if j2.ID != fed.ID {
			t.Fatalf("claimed %d, want the federate job %d", j2.ID, fed.ID)
		}

		// Retry puts it back for later with the error recorded.
		must(t, s.RetryJob(ctx, mail.ID, t0.Add(10*time.Minute), "smtp: 451"))
		_, err = s.ClaimJob(ctx, []string{"mail"}, "w1", t0.Add(5*time.Minute), time.Minute)
		wantCode(t, err, broadside.ENOTFOUND)
		j, err = s.ClaimJob(ctx, []string{"mail"}, "w1", t0.Add(10*time.Minute), time.Minute)
		must(t, err)
		if j.ID != mail.ID || j.Attempts != 2 || j.LastError != "smtp: 451" {
			t.Fatalf("reclaimed %+v", j)
		}
		must(t, s.CompleteJob(ctx, mail.ID))
		must(t, s.FailJob(ctx, fed.ID, "gave up"))
		wantCode(t, s.CompleteJob(ctx, 9999), broadside.ENOTFOUND)
		wantCode(t, s.RetryJob(ctx, 9999, t0, "x"), broadside.ENOTFOUND)
		wantCode(t, s.FailJob(ctx, 9999, "x"), broadside.ENOTFOUND)

		done, err := s.ListJobs(ctx, store.JobDone, 10)
		must(t, err)
		failed, err := s.ListJobs(ctx, store.JobFailed, 10)
		must(t, err)
		queued, err := s.ListJobs(ctx, store.JobQueued, 10)
		must(t, err)
		all, err := s.ListJobs(ctx, "", 0)
		must(t, err)
		if len(done) != 1 || done[0].ID != mail.ID || len(failed) != 1 || failed[0].LastError != "gave up" ||
			len(queued) != 1 || queued[0].ID != later.ID || len(all) != 3 {
			t.Fatalf("ListJobs: done %+v failed %+v queued %+v all %d", done, failed, queued, len(all))
		}
		one, err := s.ListJobs(ctx, "", 1)
		must(t, err)
		if len(one) != 1 {
			t.Fatalf("ListJobs limit 1 returned %d", len(one))
		}
	})
}

func TestJobLeaseExpiry(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		must(t, s.EnqueueJob(ctx, &store.Job{Kind: "k", RunAt: t0, CreatedAt: t0}))
		j, err := s.ClaimJob(ctx, nil, "dead-worker", t0, time.Minute)
		must(t, err)
		_, err = s.ClaimJob(ctx, nil, "w2", t0.Add(30*time.Second), time.Minute)
		wantCode(t, err, broadside.ENOTFOUND)
		again, err := s.ClaimJob(ctx, nil, "w2", t0.Add(time.Minute), time.Minute)
		must(t, err)
		if again.ID != j.ID || again.LockedBy != "w2" || again.Attempts != 2 || !again.LockedUntil.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("reclaimed %+v", again)
		}
	})
}

func TestJobUniqueKey(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		first := &store.Job{Kind: "newsletter", UniqueKey: "newsletter:post:7", RunAt: t0, CreatedAt: t0}
		must(t, s.EnqueueJob(ctx, first))
		dup := &store.Job{Kind: "newsletter", UniqueKey: "newsletter:post:7", RunAt: t0, CreatedAt: t0}
		must(t, s.EnqueueJob(ctx, dup))
		if dup.ID != first.ID {
			t.Fatalf("duplicate got id %d, want the existing %d", dup.ID, first.ID)
		}
		// Still deduplicated while running.
		_, err := s.ClaimJob(ctx, nil, "w", t0, time.Minute)
		must(t, err)
		must(t, s.EnqueueJob(ctx, dup))
		if dup.ID != first.ID || dup.Status != store.JobRunning {
			t.Fatalf("duplicate while running = %+v", dup)
		}
		jobs, _ := s.ListJobs(ctx, "", 0)
		if len(jobs) != 1 {
			t.Fatalf("%d jobs, want 1", len(jobs))
		}
		// Jobs without a key never collide.
		must(t, s.EnqueueJob(ctx, &store.Job{Kind: "a", RunAt: t0, CreatedAt: t0}))
		must(t, s.EnqueueJob(ctx, &store.Job{Kind: "a", RunAt: t0, CreatedAt: t0}))
		// Once done, the key is free again.
		must(t, s.CompleteJob(ctx, first.ID))
		next := &store.Job{Kind: "newsletter", UniqueKey: "newsletter:post:7", RunAt: t0, CreatedAt: t0}
		must(t, s.EnqueueJob(ctx, next))
		if next.ID == first.ID {
			t.Fatal("the key of a done job was not released")
		}
		// Also once failed.
		c, err := s.ClaimJob(ctx, []string{"newsletter"}, "w", t0, time.Minute)
		must(t, err)
		must(t, s.FailJob(ctx, c.ID, "boom"))
		last := &store.Job{Kind: "newsletter", UniqueKey: "newsletter:post:7", RunAt: t0, CreatedAt: t0}
		must(t, s.EnqueueJob(ctx, last))
		if last.ID == next.ID {
			t.Fatal("the key of a failed job was not released")
		}
	})
}

// TestClaimJobConcurrently has several workers drain the queue at once: every job is claimed
// exactly once.
func TestClaimJobConcurrently(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		const jobs, workers = 40, 6
		for i := 0; i < jobs; i++ {
			must(t, s.EnqueueJob(ctx, &store.Job{Kind: "k", RunAt: t0.Add(time.Duration(i) * time.Millisecond), CreatedAt: t0}))
		}
		var mu sync.Mutex
		claimed := map[int64]string{}
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(name string) {
				defer wg.Done()
				for {
					j, err := s.ClaimJob(ctx, []string{"k"}, name, t0.Add(time.Second), time.Hour)
					if broadside.ErrorCode(err) == broadside.ENOTFOUND {
						return
					}
					if err != nil {
						t.Errorf("ClaimJob: %v", err)
						return
					}
					mu.Lock()
					if prev, dup := claimed[j.ID]; dup {
						t.Errorf("job %d claimed by %s and %s", j.ID, prev, name)
					}
					claimed[j.ID] = name
					mu.Unlock()
				}
			}(fmt.Sprint("w", w))
		}
		wg.Wait()
		if len(claimed) != jobs {
			t.Fatalf("%d jobs claimed, want %d", len(claimed), jobs)
		}
	})
}
