package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// BenchmarkClaimJobIdleLane is the poll of a lane with nothing due (the transactional lane's
// three kinds) while the other lane has 10,000 deliveries queued: what every idle worker pays
// on every poll, on SQLite. docs/benchmarks.md.
func BenchmarkClaimJobIdleLane(b *testing.B) {
	s := openStore(b, filepath.Join(b.TempDir(), "bench.db"))
	ctx := context.Background()
	err := s.InTx(ctx, func(tx *store.Store) error {
		for range 10_000 {
			if err := tx.EnqueueJob(ctx, &store.Job{Kind: "deliver", RunAt: t0, CreatedAt: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	kinds := []string{"mail", "welcome", "signin"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.ClaimJob(ctx, kinds, "w", t0.Add(time.Hour), time.Minute); broadside.ErrorCode(err) != broadside.ENOTFOUND {
			b.Fatalf("claim: %v", err)
		}
	}
}
