package limits

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// CountingStore is the real store with its reservations (each one a database write)
// counted; lease_test.go (package limits_test) uses it too.
type CountingStore struct {
	*store.Store
	Writes atomic.Int64
}

func (c *CountingStore) HitRateUpTo(ctx context.Context, key string, window time.Duration, now time.Time, limit, n int) (store.RateHistory, int, error) {
	c.Writes.Add(1)
	return c.Store.HitRateUpTo(ctx, key, window, now, limit, n)
}

// OpenCountingStore opens the store at dsn (testdb.Open) with its writes counted.
func OpenCountingStore(t *testing.T, dsn string) *CountingStore {
	t.Helper()
	return &CountingStore{Store: testdb.Open(t, dsn)}
}

// TestSweepKeepsFullWindow: when the remembered keys are swept, a client whose window is
// full keeps being refused from memory; forgetting it would cost a write per sweep for a
// client that is hammering the limit, the one the memory is there for.
func TestSweepKeepsFullWindow(t *testing.T) {
	st := OpenCountingStore(t, testdb.SQLite(t))
	ctx := context.Background()
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	r := PerMinute(1)
	var l leases
	take := func(key string) time.Duration {
		t.Helper()
		wait, err := l.take(ctx, st, key, r, now)
		if err != nil {
			t.Fatal(err)
		}
		return wait
	}
	if take("busy") != 0 || take("busy") == 0 {
		t.Fatal("a limit of one: the first request passes, the second waits")
	}
	now = now.Add(maxLeaseTime / 2) // still refused from memory
	for i := len(l.m); i < maxLeases; i++ {
		l.m["idle"+strconv.Itoa(i)] = &lease{block: 1} // lapsed long ago
	}
	before := st.Writes.Load()
	take("newcomer") // too many keys: the lapsed ones are swept
	if _, kept := l.m["busy"]; !kept {
		t.Fatal("the sweep forgot a client whose window is full")
	}
	if take("busy") == 0 || st.Writes.Load() != before+1 {
		t.Fatalf("the full window's client: %d writes after the sweep, want it refused from memory", st.Writes.Load()-before-1)
	}
}
