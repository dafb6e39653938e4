package web_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/broadside/broadside"
)

// BenchmarkCommentPostParallel is BenchmarkCommentPost with 32 readers posting at once, as
// bench/run.sh's wrk does: concurrent comments share durable commits (group commit), so its
// ns/op is wall time per acknowledged comment (1e9 / ns/op = comments per second), every one
// stored before its 303. BROADSIDE_BENCH_DSN=postgres runs it on a throwaway PostgreSQL.
func BenchmarkCommentPostParallel(b *testing.B) {
	ta := newBenchApp(b, false)
	p, path := benchLoadSeed(b, ta)
	ctx := context.Background()
	before, err := ta.App.Store.CommentCounts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	hidden := benchCommentForm(b, ta, p, path)
	var n atomic.Int64
	b.SetParallelism(16) // 32 goroutines on 2 cores
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			if rec := benchServe(ta, benchCommentRequest(hidden, i)); rec.Code != http.StatusSeeOther {
				b.Errorf("POST /comments #%d: %d", i, rec.Code)
				return
			}
		}
	})
	b.StopTimer()
	counts, err := ta.App.Store.CommentCounts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if got := counts[broadside.CommentPending] - before[broadside.CommentPending]; got != int(n.Load()) {
		b.Fatalf("stored %d new pending comments, want %d", got, n.Load())
	}
	b.ReportMetric(float64(n.Load())/b.Elapsed().Seconds(), "comments/s")
}
