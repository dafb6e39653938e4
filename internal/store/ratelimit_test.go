package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

func TestRateCounters(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		w := 15 * time.Minute // buckets of one minute
		base := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
		for _, tc := range []struct {
			key  string
			at   time.Time
			want int
		}{
			{"login:ann", base, 1},
			{"login:ann", base.Add(59 * time.Second), 2},
			{"login:bob", base.Add(10 * time.Second), 1},
			{"login:ann", base.Add(10 * time.Minute), 3},
			{"login:ann", base.Add(15*time.Minute + 59*time.Second), 4}, // the first bucket still overlaps
			{"login:ann", base.Add(16 * time.Minute), 3},                // the first minute left the window
			{"login:ann", base.Add(26 * time.Minute), 3},                // minutes 15, 16 and 26
			{"login:ann", base.Add(40 * time.Minute), 2},                // minutes 26 and 40
		} {
			got, err := s.HitRate(ctx, tc.key, w, tc.at)
			must(t, err)
			if got != tc.want {
				t.Fatalf("HitRate(%s, %v) = %d, want %d", tc.key, tc.at.Sub(base), got, tc.want)
			}
		}
		h, err := s.PeekRate(ctx, "login:ann", w, base.Add(40*time.Minute))
		must(t, err)
		if h.Count() != 2 {
			t.Fatalf("peek counts %d, want 2 (it does not count itself)", h.Count())
		}
		must(t, s.PurgeRates(ctx, base.Add(30*time.Minute)))
		h, _ = s.PeekRate(ctx, "login:ann", time.Hour, base.Add(40*time.Minute))
		if h.Count() != 1 {
			t.Fatalf("after purge the counter holds %d, want 1", h.Count())
		}
		if _, err := s.HitRate(ctx, "x", 0, base); err == nil {
			t.Fatal("HitRate with a zero window should fail")
		}
	})
}

// TestRateWindowSlides: a fixed 15-minute window let 20 attempts through in 11.5 s (ten at the
// end of one window, ten at the start of the next). A sliding window counts them together, and
// says when the next attempt will be allowed.
func TestRateWindowSlides(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		const limit = 10
		w := 15 * time.Minute
		boundary := time.Date(2024, 3, 10, 12, 15, 0, 0, time.UTC) // a multiple of 15 minutes
		at := boundary.Add(-10 * time.Second)
		allowed := 0
		for i := 0; i < 20; i++ {
			n, err := s.HitRate(ctx, "k", w, at)
			must(t, err)
			if n <= limit {
				allowed++
			}
			at = at.Add(600 * time.Millisecond) // 20 attempts in 11.4 s, straddling the boundary
		}
		if allowed != limit {
			t.Fatalf("%d attempts allowed in 11.4 s across a window boundary, want %d", allowed, limit)
		}
		h, err := s.PeekRate(ctx, "k", w, at)
		must(t, err)
		// Seventeen fell in the bucket 12:14-12:15; the next attempt is allowed once that
		// bucket no longer overlaps the window ending then: at 12:30.
		if got, want := h.RetryAfter(limit), boundary.Add(w).Sub(at); got != want {
			t.Fatalf("RetryAfter = %v, want %v", got, want)
		}
		later, _ := s.PeekRate(ctx, "k", w, at.Add(h.RetryAfter(limit)))
		if later.Count() >= limit {
			t.Fatalf("after RetryAfter %d events still count", later.Count())
		}
	})
}

func TestKnownDevices(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "admin")
		must(t, s.CreateDevice(ctx, &store.Device{TokenHash: "d1", UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
		must(t, s.CreateDevice(ctx, &store.Device{TokenHash: "d2", UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(2 * time.Hour)}))
		wantCode(t, s.CreateDevice(ctx, &store.Device{TokenHash: "d1", UserID: u.ID, CreatedAt: t0, ExpiresAt: t0}), broadside.ECONFLICT)
		wantCode(t, s.CreateDevice(ctx, &store.Device{TokenHash: "d3", UserID: 999999, CreatedAt: t0, ExpiresAt: t0}), broadside.ENOTFOUND)
		d, err := s.DeviceByHash(ctx, "d1", t0)
		must(t, err)
		if d.UserID != u.ID || !d.ExpiresAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("device = %+v", d)
		}
		_, err = s.DeviceByHash(ctx, "d1", t0.Add(time.Hour))
		wantCode(t, err, broadside.ENOTFOUND)
		_, err = s.DeleteExpiredSessions(ctx, t0.Add(time.Hour))
		must(t, err)
		_, err = s.DeviceByHash(ctx, "d1", t0)
		wantCode(t, err, broadside.ENOTFOUND) // expired ones are purged
		must(t, s.DeleteUserDevices(ctx, u.ID))
		_, err = s.DeviceByHash(ctx, "d2", t0)
		wantCode(t, err, broadside.ENOTFOUND)
	})
}
