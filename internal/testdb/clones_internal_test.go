package testdb

import (
	"flag"
	"strconv"
	"sync"
	"testing"
)

// TestParallelTakesWasteNoClones: parallel tests taking a database at once make one each and
// at most one more ahead, not a make-ahead per test that is dropped as soon as it exists.
func TestParallelTakesWasteNoClones(t *testing.T) {
	Postgres(t) // the cluster, the template and the first spare exist before counting
	clones.pending.Wait()
	before := clones.made.Load()
	n := 6 // the subtests wait for each other, so all must run at once
	if p, _ := strconv.Atoi(flag.Lookup("test.parallel").Value.String()); p < n {
		n = p
	}
	if n < 2 {
		t.Skip("needs -test.parallel of 2 or more")
	}
	var took sync.WaitGroup
	took.Add(n)
	t.Run("group", func(t *testing.T) {
		for i := 0; i < n; i++ {
			t.Run("take", func(t *testing.T) {
				t.Parallel()
				Postgres(t)
				took.Done()
				took.Wait() // every database is held at once: the takes overlap
			})
		}
	})
	clones.pending.Wait()
	if made := int(clones.made.Load() - before); made > n+1 {
		t.Fatalf("%d parallel takes created %d databases, want at most %d (one each and one ahead)", n, made, n+1)
	}
}
