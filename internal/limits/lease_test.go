package limits_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/limits"
	"github.com/broadside/broadside/internal/testdb"
)

// TestAPILimitReservesBlocks: a busy client no longer costs a database write per request,
// and on one node it still gets exactly the limit, then 429.
func TestAPILimitReservesBlocks(t *testing.T) {
	st := limits.OpenCountingStore(t, testdb.SQLite(t))
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	s := &limits.Service{Store: st, Now: func() time.Time { return now }, API: limits.PerMinute(160)}
	ctx := context.Background()
	user := &broadside.User{ID: 7}
	for i := range 160 {
		if err := s.APIRequest(ctx, user, "192.0.2.1"); err != nil {
			t.Fatalf("request %d of 160 allowed: %v", i+1, err)
		}
	}
	if w := st.Writes.Load(); w > 25 {
		t.Fatalf("%d database writes for 160 requests, want blocks (at most 25)", w)
	}
	err := s.APIRequest(ctx, user, "192.0.2.1")
	if broadside.ErrorCode(err) != broadside.ETOOMANYREQUEST || broadside.RetryAfter(err) <= 0 {
		t.Fatalf("request 161: %v, want ETOOMANYREQUEST with a Retry-After", err)
	}
	h, err := st.PeekRate(ctx, "api-user:7", time.Minute, now)
	if err != nil || h.Count() != 160 {
		t.Fatalf("the shared window counts %d (%v), want 160", h.Count(), err)
	}
	// An occasional client (one request per lease) reserves one place at a time: nothing
	// of the window is wasted on it.
	for i := range 5 {
		now = now.Add(6 * time.Second)
		if err := s.APIRequest(ctx, &broadside.User{ID: 8}, "192.0.2.1"); err != nil {
			t.Fatalf("occasional request %d: %v", i+1, err)
		}
	}
	if h, _ := st.PeekRate(ctx, "api-user:8", time.Minute, now); h.Count() != 5 {
		t.Fatalf("5 occasional requests counted as %d", h.Count())
	}
}

// TestAPILimitBlocksAcrossNodes: two nodes on one PostgreSQL, each reserving blocks: a
// burst alternating between them never gets more than the limit, and at most one block per
// node less.
func TestAPILimitBlocksAcrossNodes(t *testing.T) {
	dsn := testdb.Postgres(t)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	var nodes [2]*limits.Service
	for i := range nodes {
		nodes[i] = &limits.Service{Store: limits.OpenCountingStore(t, dsn), Now: clock, API: limits.PerMinute(160)}
	}
	ctx := context.Background()
	allowed := 0
	for i := range 400 {
		err := nodes[i%2].APIRequest(ctx, &broadside.User{ID: 7}, "192.0.2.1")
		switch broadside.ErrorCode(err) {
		case "":
			allowed++
		case broadside.ETOOMANYREQUEST:
		default:
			t.Fatal(err)
		}
	}
	if block := 160 / 16; allowed > 160 || allowed < 160-2*block {
		t.Fatalf("%d of 400 requests allowed through two nodes, want between %d and 160", allowed, 160-2*block)
	}
}

// TestAPILimitOvershootBound: a client that keeps asking through two nodes for three
// minutes never gets more than the limit plus one block per node in any minute, the bound
// lease.go documents.
func TestAPILimitOvershootBound(t *testing.T) {
	st := limits.OpenCountingStore(t, testdb.SQLite(t))
	start := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	now := start
	clock := func() time.Time { return now }
	const limit = 160
	nodes := [2]*limits.Service{
		{Store: st, Now: clock, API: limits.PerMinute(limit)},
		{Store: st, Now: clock, API: limits.PerMinute(limit)},
	}
	ctx := context.Background()
	var at []time.Time
	for now.Before(start.Add(3 * time.Minute)) {
		for i := range 6 {
			if err := nodes[i%2].APIRequest(ctx, &broadside.User{ID: 7}, "192.0.2.1"); err == nil {
				at = append(at, now)
			} else if broadside.ErrorCode(err) != broadside.ETOOMANYREQUEST {
				t.Fatal(err)
			}
		}
		now = now.Add(250 * time.Millisecond)
	}
	bound := limit + 2*(limit/16)
	for i := range at {
		n := 0
		for j := i; j < len(at) && at[j].Sub(at[i]) < time.Minute; j++ {
			n++
		}
		if n > bound {
			t.Fatalf("%d requests allowed in the minute from %s, want at most %d", n, at[i].Sub(start), bound)
		}
	}
	if len(at) < 2*limit {
		t.Fatalf("only %d requests allowed in three minutes at a limit of %d a minute", len(at), limit)
	}
	if w := st.Writes.Load(); int(w) > len(at)/2 {
		t.Fatalf("%d database writes for %d allowed requests", w, len(at))
	}
}
