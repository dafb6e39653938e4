package limits_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/limits"
	"github.com/broadside/broadside/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// twoNodes opens two stores on one PostgreSQL database, as two Broadside nodes would, with
// one limits service each sharing a fake clock.
func twoNodes(t *testing.T, now *time.Time) [2]*limits.Service {
	t.Helper()
	dsn := testdb.Postgres(t)
	var nodes [2]*limits.Service
	for i := range nodes {
		st := testdb.Open(t, dsn)
		nodes[i] = &limits.Service{Store: st, Now: func() time.Time { return *now },
			API: limits.PerMinute(4), APIAnonymous: limits.PerMinute(3), Delivery: limits.PerMinute(2)}
	}
	return nodes
}

// The API limits hold across nodes: a client alternating between two nodes gets exactly the
// limit, per user and per anonymous address separately, then 429 with a Retry-After that
// lets it through once the window has moved.
func TestAPILimitAcrossNodes(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	nodes := twoNodes(t, &now)
	ctx := context.Background()
	user := &broadside.User{ID: 7}
	for i := range 4 {
		if err := nodes[i%2].APIRequest(ctx, user, "192.0.2.1"); err != nil {
			t.Fatalf("request %d of a user within the limit: %v", i+1, err)
		}
	}
	err := nodes[0].APIRequest(ctx, user, "192.0.2.1")
	if broadside.ErrorCode(err) != broadside.ETOOMANYREQUEST {
		t.Fatalf("5th request of a user allowed 4 a minute: %v, want ETOOMANYREQUEST", err)
	}
	wait := broadside.RetryAfter(err)
	if wait <= 0 || wait > time.Minute+5*time.Second {
		t.Fatalf("Retry-After %v, want within the window", wait)
	}
	// Another user and anonymous requests have their own budgets.
	if err := nodes[1].APIRequest(ctx, &broadside.User{ID: 8}, "192.0.2.1"); err != nil {
		t.Fatalf("another user: %v", err)
	}
	for i := range 3 {
		if err := nodes[i%2].APIRequest(ctx, nil, "192.0.2.1"); err != nil {
			t.Fatalf("anonymous request %d: %v", i+1, err)
		}
	}
	if err := nodes[1].APIRequest(ctx, nil, "192.0.2.1"); broadside.ErrorCode(err) != broadside.ETOOMANYREQUEST {
		t.Fatalf("4th anonymous request from one address: %v, want ETOOMANYREQUEST", err)
	}
	if err := nodes[0].APIRequest(ctx, nil, "192.0.2.2"); err != nil {
		t.Fatalf("another address: %v", err)
	}
	now = now.Add(wait)
	if err := nodes[1].APIRequest(ctx, user, "192.0.2.1"); err != nil {
		t.Fatalf("after waiting the Retry-After: %v", err)
	}
}

// Federation deliveries to one host are counted for the whole site; the refused one is not
// counted and says how long to wait, and other hosts are unaffected.
func TestDeliveryLimitPerHostAcrossNodes(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	nodes := twoNodes(t, &now)
	ctx := context.Background()
	for i := range 2 {
		if wait, err := nodes[i%2].MayDeliver(ctx, "Social.Example"); err != nil || wait != 0 {
			t.Fatalf("delivery %d: wait %v, %v", i+1, wait, err)
		}
	}
	wait, err := nodes[0].MayDeliver(ctx, "social.example.")
	if err != nil || wait <= 0 {
		t.Fatalf("3rd delivery to one host (limit 2): wait %v, %v; want a wait", wait, err)
	}
	if w, err := nodes[1].MayDeliver(ctx, "other.example"); err != nil || w != 0 {
		t.Fatalf("another host: wait %v, %v", w, err)
	}
	now = now.Add(wait)
	if w, err := nodes[1].MayDeliver(ctx, "social.example"); err != nil || w != 0 {
		t.Fatalf("after the wait: %v, %v", w, err)
	}
}

// A zero limit is no limit (and costs no database write).
func TestZeroLimitIsOff(t *testing.T) {
	s := &limits.Service{Now: time.Now} // no Store: it must not be touched
	for range 100 {
		if err := s.APIRequest(context.Background(), nil, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
}
