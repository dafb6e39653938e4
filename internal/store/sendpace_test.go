package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/store"
)

// TestSendSlots: slots of one pace are an interval apart however close the requests, start
// at once after a quiet spell, and a refused limit (HitRateWithin) does not count.
func TestSendSlots(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		step := 250 * time.Millisecond
		for i, tc := range []struct{ at, want time.Time }{
			{base, base},
			{base, base.Add(step)},
			{base.Add(100 * time.Millisecond), base.Add(2 * step)},
			{base.Add(10 * time.Second), base.Add(10 * time.Second)}, // idle: no debt carried
		} {
			got, err := s.ReserveSendSlot(ctx, "newsletter", step, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tc.want) {
				t.Fatalf("reservation %d at %v: slot %v, want %v", i, tc.at, got, tc.want)
			}
		}
		if _, err := s.ReserveSendSlot(ctx, "newsletter", 0, base); err == nil {
			t.Fatal("a zero interval was accepted")
		}

		for i, want := range []bool{true, true, false, false} {
			h, ok, err := s.HitRateWithin(ctx, "comment-ip:192.0.2.1", time.Minute, base, 2)
			if err != nil {
				t.Fatal(err)
			}
			if ok != want || h.Count() != 2 && i >= 1 {
				t.Fatalf("hit %d: allowed %v with %d in the window, want %v", i, ok, h.Count(), want)
			}
		}
	})
}
