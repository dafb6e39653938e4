package limits

import (
	"context"
	"sync"
	"time"

	"github.com/broadside/broadside/internal/store"
)

// The REST API limit is checked on every request, and counting each one in the database
// cost a write per request. Instead a node reserves places in the shared window a block at a
// time (store.HitRateUpTo) and hands them out from memory until the block is spent or its
// lease ends. Blocks start at one place, so an occasional client costs what it did before,
// and double each time a client spends one within its lease, up to a sixteenth of the
// limit, so a busy client costs a write per block.
//
// What it costs in precision: places are counted when reserved, not when spent, so a
// reserved place may be spent up to one lease later than it was counted. Any span of the
// window therefore sees at most the limit plus one block per node (limit/16 per node: three
// nodes, at most 19% over); places a node reserved but did not spend before its lease
// ended lapse, so a client that moved to another node may be refused up to one block per
// node early. With one node nothing is refused early or let through late beyond one block.

// maxBlockShare is the largest block as a share of the limit (1/maxBlockShare).
const maxBlockShare = 16

// maxLeaseTime bounds how long reserved places stay usable.
const maxLeaseTime = 5 * time.Second

// maxLeases bounds the keys remembered; past it the lapsed leases are forgotten.
const maxLeases = 10000

// Reserver is the shared counter that places are reserved in.
type Reserver interface {
	HitRateUpTo(ctx context.Context, key string, window time.Duration, now time.Time, limit, n int) (store.RateHistory, int, error)
}

// leases are one node's reserved places, by counter key.
type leases struct {
	mu sync.Mutex
	m  map[string]*lease
}

type lease struct {
	mu    sync.Mutex
	left  int       // reserved places not yet handed out
	until time.Time // when they lapse
	block int       // the size of the next reservation
	// full is when the window was last found full until: requests before then are refused
	// from memory, so a client hammering a full window costs no writes either.
	full  time.Time
	retry time.Time // when the window will have a place, as last read
}

// take hands out one place for key under r at now, reserving a block in st when none is
// left. It returns 0, or how long to wait when the window is full.
func (l *leases) take(ctx context.Context, st Reserver, key string, r Rate, now time.Time) (time.Duration, error) {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*lease{}
	}
	ls := l.m[key]
	if ls == nil {
		l.sweep(now)
		ls = &lease{block: 1}
		l.m[key] = ls
	}
	l.mu.Unlock()
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.left > 0 && now.Before(ls.until) {
		ls.left--
		return 0, nil
	}
	if now.Before(ls.full) {
		return max(ls.retry.Sub(now), time.Second), nil
	}
	switch {
	case ls.left == 0 && now.Before(ls.until):
		ls.block = min(2*ls.block, max(1, r.Limit/maxBlockShare)) // spent within its lease: busy
	case !now.Before(ls.until):
		ls.block = 1 // the last one lapsed: start small again
	}
	// Reserving under the key's lock serializes its reservations on this node, so one burst
	// makes one write, not one per waiting request; other keys do not wait.
	h, got, err := st.HitRateUpTo(ctx, key, r.Window, now, r.Limit, ls.block)
	if err != nil {
		return 0, err
	}
	if got == 0 {
		wait := max(h.RetryAfter(r.Limit), time.Second)
		// Nothing frees a place before wait but a racing node's undone reservation; the
		// lease bound keeps such a place from waiting long.
		ls.left, ls.until, ls.full, ls.retry = 0, time.Time{}, now.Add(min(wait, maxLeaseTime)), now.Add(wait)
		return wait, nil
	}
	ls.left, ls.until = got-1, now.Add(min(h.Bucket, maxLeaseTime))
	return 0, nil
}

// sweep forgets lapsed leases once there are too many keys (one per client address). A
// lease whose window is known to be full has nothing reserved, but it is not lapsed: it
// refuses its client from memory until then.
func (l *leases) sweep(now time.Time) {
	if len(l.m) < maxLeases {
		return
	}
	for k, ls := range l.m {
		if ls.mu.TryLock() {
			if !now.Before(ls.until) && !now.Before(ls.full) {
				delete(l.m, k)
			}
			ls.mu.Unlock()
		}
	}
	if len(l.m) >= maxLeases { // all live: forgetting them only lets their places lapse
		l.m = map[string]*lease{}
	}
}
