package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/store"
)

// TestJobBacklogs: the due queued jobs per kind and when the oldest became due; jobs due
// later, running or finished are not backlog. Newsletter deliveries are counted by status.
func TestJobBacklogs(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		must(t, s.EnqueueJob(ctx, &store.Job{Kind: "mail", RunAt: t0, CreatedAt: t0}))
		must(t, s.EnqueueJob(ctx, &store.Job{Kind: "mail", RunAt: t0.Add(time.Minute), CreatedAt: t0}))
		must(t, s.EnqueueJob(ctx, &store.Job{Kind: "mail", RunAt: t0.Add(time.Hour), CreatedAt: t0}))
		must(t, s.EnqueueJob(ctx, &store.Job{Kind: "news", RunAt: t0.Add(2 * time.Minute), CreatedAt: t0}))
		must(t, s.EnqueueJob(ctx, &store.Job{Kind: "busy", RunAt: t0, CreatedAt: t0}))
		if _, err := s.ClaimJob(ctx, []string{"busy"}, "w", t0, time.Minute); err != nil {
			t.Fatal(err)
		}
		got, err := s.JobBacklogs(ctx, t0.Add(5*time.Minute))
		must(t, err)
		if len(got) != 2 || got[0].Kind != "mail" || got[0].Due != 2 || !got[0].Oldest.Equal(t0) ||
			got[1].Kind != "news" || got[1].Due != 1 || !got[1].Oldest.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("backlog %+v", got)
		}
		counts, err := s.DeliveryCounts(ctx)
		must(t, err)
		if len(counts) != 0 {
			t.Fatalf("delivery counts on an empty site: %v", counts)
		}
	})
}
