package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/store"
)

// TestDeliveryStart: a delivery's starting point in one read: its host's failing and dead
// times and its own tries, zero for a host and a delivery never recorded. HostState reads
// the same host state on its own.
func TestDeliveryStart(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		const host, inbox, act = "remote.example", "https://remote.example/inbox", "https://here.example/a/1"
		sameState := func(stage string, failing, dead time.Time) {
			t.Helper()
			f, d, err := s.HostState(ctx, host)
			if err != nil || !f.Equal(failing) || !d.Equal(dead) {
				t.Fatalf("%s: HostState says %v %v %v, DeliveryStart %v %v", stage, f, d, err, failing, dead)
			}
		}
		failing, dead, tries, err := s.DeliveryStart(ctx, host, act, inbox)
		if err != nil || !failing.IsZero() || !dead.IsZero() || tries != 0 {
			t.Fatalf("nothing recorded: %v %v %d %v", failing, dead, tries, err)
		}
		sameState("nothing recorded", failing, dead)
		must(t, s.RecordDelivery(ctx, &store.Delivery{ActivityID: act, Inbox: inbox, Host: host}, t0))
		must(t, s.SetDeliveryState(ctx, act, inbox, "failing", 1, "503", t0.Add(time.Minute), t0))
		must(t, s.SetDeliveryState(ctx, act, inbox, "failing", 1, "503", t0.Add(time.Minute), t0))
		if _, err := s.HostFailed(ctx, host, "503", t0, time.Hour); err != nil {
			t.Fatal(err)
		}
		failing, dead, tries, err = s.DeliveryStart(ctx, host, act, inbox)
		if err != nil || !failing.Equal(t0) || !dead.IsZero() || tries != 2 {
			t.Fatalf("failing host, two tries: %v %v %d %v", failing, dead, tries, err)
		}
		sameState("failing host", failing, dead)
		if _, err := s.HostFailed(ctx, host, "503", t0.Add(2*time.Hour), time.Hour); err != nil {
			t.Fatal(err)
		}
		failing, dead, _, err = s.DeliveryStart(ctx, host, act, inbox)
		if err != nil || !failing.Equal(t0) || !dead.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("dead host: %v %v %v", failing, dead, err)
		}
		sameState("dead host", failing, dead)
	})
}
