package importer_test

import (
	"context"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/testdb"
)

// peakHeap runs fn and returns the largest HeapInuse seen while it ran, sampled every few
// milliseconds, above what was in use before it started.
func peakHeap(fn func()) (peak uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var max uint64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				done <- max
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > max {
					max = m.HeapInuse
				}
			}
		}
	}()
	fn()
	close(stop)
	max := <-done
	if max < base {
		return 0
	}
	return max - base
}

// TestImportMemoryBounded: the import streams. A file four times larger (1,000 posts and
// 20,000 comments, 20 MiB, against 250 and 5,000) needs about the same memory, and both
// stay within a budget far below the file's size: only ids are kept, never bodies or
// comments. (It imported 10,000 and 40,000 until session 6, a third of the package's test
// time; the peaks were 1.9 and 2.4 MiB, so the smaller files with a tighter growth bound
// tell a kept body from a kept id as clearly.)
func TestImportMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 25,000 comments")
	}
	// HeapInuse also counts garbage the collector has not reached yet, which depends on how
	// busy the machine is; a low GC target keeps it close to what the import really holds.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	const budget = 40 << 20
	type run struct {
		posts, comments int
		size            int64
		peak            uint64
	}
	runs := []*run{{posts: 250, comments: 5000}, {posts: 1000, comments: 20000}}
	for _, r := range runs {
		path := filepath.Join(t.TempDir(), "gen.xml")
		r.size = generateWXR(t, path, r.posts, r.comments)
		e := newEnv(t, testdb.SQLite(t))
		var sum *importer.Summary
		r.peak = peakHeap(func() {
			var err error
			sum, err = e.svc.ImportFile(context.Background(), path, importer.Options{})
			must(t, err)
		})
		if sum.Posts.New != r.posts || sum.Comments.New != r.comments {
			t.Fatalf("imported %d posts, %d comments; want %d, %d", sum.Posts.New, sum.Comments.New, r.posts, r.comments)
		}
		t.Logf("%d posts, %d comments, file %.1f MiB: peak heap %.1f MiB in %s", r.posts, r.comments,
			float64(r.size)/(1<<20), float64(r.peak)/(1<<20), sum.Duration.Round(time.Millisecond))
		if r.peak > budget {
			t.Errorf("peak heap %.1f MiB is over the %d MiB budget", float64(r.peak)/(1<<20), budget>>20)
		}
	}
	small, large := runs[0], runs[1]
	if large.size < 3*small.size {
		t.Fatalf("files %d and %d bytes: the larger is not much larger", small.size, large.size)
	}
	// Four times the content (15 MiB more); the memory may grow with the ids only (well
	// under a MiB for 15,000 more comments).
	if large.peak > small.peak+6<<20 {
		t.Errorf("peak heap grew from %.1f to %.1f MiB with the file: the import is not streaming",
			float64(small.peak)/(1<<20), float64(large.peak)/(1<<20))
	}
}

// BenchmarkImportLarge imports a generated export of 10,000 posts and 200,000 comments
// (BROADSIDE_GEN_POSTS, BROADSIDE_GEN_COMMENTS to change) into SQLite and reports the peak
// heap. Run: go test -run '^$' -bench ImportLarge -benchtime 1x ./internal/importer/
// (bench/import.sh measures the command line, with the process's peak RSS).
func BenchmarkImportLarge(b *testing.B) { benchImport(b, testdb.SQLite) }

// BenchmarkImportLargePostgres is the same into PostgreSQL (a throwaway cluster, or
// BROADSIDE_TEST_POSTGRES_URL).
func BenchmarkImportLargePostgres(b *testing.B) { benchImport(b, testdb.Postgres) }

func benchImport(b *testing.B, db func(testing.TB) string) {
	posts, comments := envInt("BROADSIDE_GEN_POSTS", 10000), envInt("BROADSIDE_GEN_COMMENTS", 200000)
	path := filepath.Join(b.TempDir(), "big.xml")
	size := generateWXR(b, path, posts, comments)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b, db(b))
		b.StartTimer()
		peak := peakHeap(func() {
			if _, err := e.svc.ImportFile(context.Background(), path, importer.Options{Alone: true}); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(size)/(1<<20), "file-MiB")
	}
}
