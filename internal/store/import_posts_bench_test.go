package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/cputime"
	"github.com/broadside/broadside/internal/store"
)

// BenchmarkRecordWPImports writes 20,000 wp_imports rows 256 to a call in one transaction,
// as an import into a new site does.
func BenchmarkRecordWPImports(b *testing.B) {
	ctx := context.Background()
	b.StopTimer()
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		s := openStore(b, filepath.Join(b.TempDir(), "bench.db"))
		b.StartTimer()
		before := cputime.Process()
		must(b, s.InTx(ctx, func(tx *store.Store) error {
			tx, release := tx.CachingStatements()
			defer release()
			rows := make([]store.WPImport, 0, 256)
			for id := int64(1); id <= 20000; id++ {
				rows = append(rows, store.WPImport{Source: "https://big.example", Kind: broadside.WPComment, WPID: id, LocalID: id})
				if len(rows) == cap(rows) {
					if err := tx.RecordWPImports(ctx, rows, t0); err != nil {
						return err
					}
					rows = rows[:0]
				}
			}
			if err := tx.RecordWPImports(ctx, rows, t0); err != nil {
				return err
			}
			return nil
		}))
		cpu += cputime.Process() - before
		b.StopTimer()
		s.Close()
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/20000, "cpu-ns/row")
}
