package store_test

import (
	"context"
	"fmt"
	"strings"
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
		must(t, s.RetryJob(ctx, mail.ID, "w1", t0.Add(10*time.Minute), "smtp: 451"))
		_, err = s.ClaimJob(ctx, []string{"mail"}, "w1", t0.Add(5*time.Minute), time.Minute)
		wantCode(t, err, broadside.ENOTFOUND)
		j, err = s.ClaimJob(ctx, []string{"mail"}, "w1", t0.Add(10*time.Minute), time.Minute)
		must(t, err)
		if j.ID != mail.ID || j.Attempts != 2 || j.LastError != "smtp: 451" {
			t.Fatalf("reclaimed %+v", j)
		}
		must(t, s.CompleteJob(ctx, mail.ID, "w1"))
		must(t, s.FailJob(ctx, fed.ID, "w2", "gave up"))
		wantCode(t, s.CompleteJob(ctx, 9999, "w1"), broadside.ENOTFOUND)
		wantCode(t, s.RetryJob(ctx, 9999, "w1", t0, "x"), broadside.ENOTFOUND)
		wantCode(t, s.FailJob(ctx, 9999, "w1", "x"), broadside.ENOTFOUND)

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

// TestJobHeartbeat: a live worker's renewals keep its job however long it runs; a worker
// whose lease ran out and was taken over can neither renew nor settle the job any more.
func TestJobHeartbeat(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		const lease = 10 * time.Second
		must(t, s.EnqueueJob(ctx, &store.Job{Kind: "long", RunAt: t0, CreatedAt: t0}))
		j, err := s.ClaimJob(ctx, nil, "live", t0, lease)
		must(t, err)
		// An hour of work, renewed every few seconds: never claimable by another worker.
		for at := t0; at.Before(t0.Add(time.Hour)); at = at.Add(lease / 3) {
			must(t, s.RenewJob(ctx, j.ID, "live", at, lease))
			_, err := s.ClaimJob(ctx, nil, "thief", at.Add(lease-time.Millisecond), lease)
			wantCode(t, err, broadside.ENOTFOUND)
		}
		jobs, err := s.ListJobs(ctx, store.JobRunning, 10)
		must(t, err)
		if len(jobs) != 1 || jobs[0].LockedBy != "live" || jobs[0].Attempts != 1 {
			t.Fatalf("running after an hour of heartbeats: %+v", jobs)
		}
		// Another worker cannot renew a job it does not hold.
		wantCode(t, s.RenewJob(ctx, j.ID, "thief", t0.Add(time.Hour), lease), broadside.ENOTFOUND)

		// The heartbeats stop (the worker died): the lease runs out and another worker takes
		// over, after which the first may neither renew nor settle.
		last := jobs[0].LockedUntil
		next, err := s.NextJobAt(ctx, nil)
		must(t, err)
		if !next.Equal(last) {
			t.Fatalf("NextJobAt = %v, want the lease's end %v", next, last)
		}
		taken, err := s.ClaimJob(ctx, []string{"long"}, "heir", last, lease)
		must(t, err)
		if taken.ID != j.ID || taken.Attempts != 2 {
			t.Fatalf("taken over: %+v", taken)
		}
		wantCode(t, s.RenewJob(ctx, j.ID, "live", last, lease), broadside.ENOTFOUND)
		wantCode(t, s.CompleteJob(ctx, j.ID, "live"), broadside.ENOTFOUND)
		wantCode(t, s.RetryJob(ctx, j.ID, "live", last, "late"), broadside.ENOTFOUND)
		wantCode(t, s.FailJob(ctx, j.ID, "live", "late"), broadside.ENOTFOUND)
		wantCode(t, s.PauseJob(ctx, j.ID, "live", last, "late"), broadside.ENOTFOUND)
		// A pause (not a failure) gives back the attempt its claim counted.
		must(t, s.PauseJob(ctx, j.ID, "heir", last, "slice used up"))
		taken, err = s.ClaimJob(ctx, []string{"long"}, "heir", last, lease)
		must(t, err)
		if taken.Attempts != 2 || taken.LastError != "slice used up" {
			t.Fatalf("claimed after a pause: %+v", taken)
		}
		must(t, s.RenewJob(ctx, j.ID, "heir", last.Add(time.Second), lease))
		must(t, s.CompleteJob(ctx, j.ID, "heir"))
		wantCode(t, s.RenewJob(ctx, j.ID, "heir", last.Add(2*time.Second), lease), broadside.ENOTFOUND)
		_, err = s.NextJobAt(ctx, nil)
		wantCode(t, err, broadside.ENOTFOUND)

		must(t, s.EnqueueJob(ctx, &store.Job{Kind: "later", RunAt: t0.Add(time.Hour), CreatedAt: t0}))
		next, err = s.NextJobAt(ctx, []string{"later"})
		must(t, err)
		if !next.Equal(t0.Add(time.Hour)) {
			t.Fatalf("NextJobAt = %v, want the queued job's run_at", next)
		}
		_, err = s.NextJobAt(ctx, []string{"long"})
		wantCode(t, err, broadside.ENOTFOUND)
	})
}

// TestRenewAndClaimRace races a worker's heartbeats against other workers' claims around the
// moment the lease ends: at any time exactly one of them holds the job.
func TestRenewAndClaimRace(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		const lease = time.Second
		must(t, s.EnqueueJob(ctx, &store.Job{Kind: "k", RunAt: t0, CreatedAt: t0}))
		j, err := s.ClaimJob(ctx, nil, "owner", t0, lease)
		must(t, err)
		// Everyone acts at the instant the lease ends: the renewal and each claim are
		// conditional updates, so one wins and the others see the job held.
		at := t0.Add(lease)
		var wg sync.WaitGroup
		var mu sync.Mutex
		winners := []string{}
		try := func(name string, f func() error) {
			defer wg.Done()
			err := f()
			if broadside.ErrorCode(err) == broadside.ENOTFOUND {
				return
			}
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			mu.Lock()
			winners = append(winners, name)
			mu.Unlock()
		}
		wg.Add(5)
		go try("owner", func() error { return s.RenewJob(ctx, j.ID, "owner", at, lease) })
		for i := 0; i < 4; i++ {
			name := fmt.Sprint("thief", i)
			go try(name, func() error { _, err := s.ClaimJob(ctx, nil, name, at, lease); return err })
		}
		wg.Wait()
		jobs, err := s.ListJobs(ctx, store.JobRunning, 10)
		must(t, err)
		// A renewal moves the lease past "at", so no claim can follow it; a claim moves
		// locked_by and the lease, so neither the renewal nor another claim can follow it.
		if len(winners) != 1 || len(jobs) != 1 || jobs[0].LockedBy != winners[0] {
			t.Fatalf("winners %v (want exactly one), job %+v", winners, jobs)
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
		must(t, s.CompleteJob(ctx, first.ID, "w"))
		next := &store.Job{Kind: "newsletter", UniqueKey: "newsletter:post:7", RunAt: t0, CreatedAt: t0}
		must(t, s.EnqueueJob(ctx, next))
		if next.ID == first.ID {
			t.Fatal("the key of a done job was not released")
		}
		// Also once failed.
		c, err := s.ClaimJob(ctx, []string{"newsletter"}, "w", t0, time.Minute)
		must(t, err)
		must(t, s.FailJob(ctx, c.ID, "w", "boom"))
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

// TestClaimOrderAcrossKinds: a lane of several kinds claims by run_at, then by the order of
// enqueueing, whatever the kinds' names (each kind is probed on its own), and the next-job
// probe sees the earliest of them.
func TestClaimOrderAcrossKinds(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		for _, kind := range []string{"welcome", "newsletter", "zeta", "alpha"} {
			must(t, s.EnqueueJob(ctx, &store.Job{Kind: kind, RunAt: t0, MaxAttempts: 1, CreatedAt: t0}))
		}
		must(t, s.EnqueueJob(ctx, &store.Job{Kind: "early", RunAt: t0.Add(-time.Minute), MaxAttempts: 1, CreatedAt: t0}))
		must(t, s.EnqueueJob(ctx, &store.Job{Kind: "other-lane", RunAt: t0.Add(-time.Hour), MaxAttempts: 1, CreatedAt: t0}))
		kinds := []string{"alpha", "early", "newsletter", "welcome", "zeta"}
		next, err := s.NextJobAt(ctx, kinds)
		must(t, err)
		if !next.Equal(t0.Add(-time.Minute)) {
			t.Fatalf("next job at %s", next)
		}
		var got []string
		for range 5 {
			j, err := s.ClaimJob(ctx, kinds, "w", t0, time.Minute)
			must(t, err)
			got = append(got, j.Kind)
		}
		if strings.Join(got, " ") != "early welcome newsletter zeta alpha" {
			t.Fatalf("claimed in the order %v", got)
		}
	})
}
