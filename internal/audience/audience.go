// Package audience counts page views without cookies, third-party scripts or addresses: the
// web layer calls Count on each page it serves to a reader (cached pages included), the
// counts stay in memory per (day, path, referrer), and Flush adds them to the database, where
// every node's counts are summed.
package audience

import (
	"context"
	"sync"
	"time"

	"github.com/broadside/broadside"
)

// Store is what the counter needs from storage.
type Store interface {
	AddPageViews(ctx context.Context, counts []broadside.PageViewCount) error
	PageViewTotals(ctx context.Context, since string, byReferrer bool, limit int) ([]broadside.PageViewCount, error)
	PageViewDays(ctx context.Context, since string) ([]broadside.PageViewCount, error)
	PurgePageViews(ctx context.Context, before string) error
}

// maxKeys bounds the memory between two flushes. Past it, new referrers of a page are counted
// without their referrer, and new pages are not counted until the next flush: a flood of
// made-up referrers or paths must not grow the map without end.
const maxKeys = 20000

// Keep is how long the daily aggregates are kept.
const Keep = 400 * 24 * time.Hour

type key struct {
	day            string
	path, referrer string
}

// Counter holds the counts not yet flushed.
type Counter struct {
	Store Store
	Now   func() time.Time

	mu     sync.Mutex
	counts map[key]int64
	// today caches ViewDay(now) for the current day, so Count does not format a date per view.
	today      string
	todayUntil time.Time
}

// New returns a counter that flushes to st.
func New(st Store, now func() time.Time) *Counter {
	return &Counter{Store: st, Now: now, counts: map[key]int64{}}
}

// Count adds one view of path arriving from referrer (already reduced by
// broadside.ReferrerKey). Cheap enough for every request: one map update under a lock, no
// allocation for a key seen before.
func (c *Counter) Count(path, referrer string) {
	if c == nil {
		return
	}
	now := c.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if !now.Before(c.todayUntil) || now.Before(c.todayUntil.Add(-24*time.Hour)) {
		c.today = broadside.ViewDay(now)
		u := now.UTC()
		c.todayUntil = time.Date(u.Year(), u.Month(), u.Day()+1, 0, 0, 0, 0, time.UTC)
	}
	k := key{c.today, path, referrer}
	if _, ok := c.counts[k]; !ok && len(c.counts) >= maxKeys {
		k.referrer = ""
		if _, ok := c.counts[k]; !ok {
			return
		}
	}
	c.counts[k]++
}

// Flush adds the counts so far to the database. Counts that could not be written are kept
// for the next flush, so a database outage loses nothing but memory.
func (c *Counter) Flush(ctx context.Context) error {
	c.mu.Lock()
	taken := c.counts
	c.counts = make(map[key]int64, len(taken))
	c.mu.Unlock()
	if len(taken) == 0 {
		return nil
	}
	out := make([]broadside.PageViewCount, 0, len(taken))
	for k, n := range taken {
		out = append(out, broadside.PageViewCount{Day: k.day, Path: k.path, Referrer: k.referrer, Views: n})
	}
	if err := c.Store.AddPageViews(ctx, out); err != nil {
		c.mu.Lock()
		for k, n := range taken {
			c.counts[k] += n
		}
		c.mu.Unlock()
		return err
	}
	return nil
}

// Purge forgets the aggregates older than Keep.
func (c *Counter) Purge(ctx context.Context) error {
	return c.Store.PurgePageViews(ctx, broadside.ViewDay(c.Now().Add(-Keep)))
}

// Summary is the dashboard's view of the audience.
type Summary struct {
	Days      int
	Total     int64
	PerDay    []broadside.PageViewCount // every day of the span, oldest first, zero days included
	Pages     []broadside.PageViewCount
	Referrers []broadside.PageViewCount
}

// Summarize returns the views of the last days days (today included), including the counts
// not flushed yet on this node.
func (c *Counter) Summarize(ctx context.Context, days, limit int) (*Summary, error) {
	if err := c.Flush(ctx); err != nil {
		return nil, err
	}
	now := c.Now().UTC()
	first := now.AddDate(0, 0, -(days - 1))
	since := broadside.ViewDay(first)
	s := &Summary{Days: days}
	var err error
	if s.Pages, err = c.Store.PageViewTotals(ctx, since, false, limit); err != nil {
		return nil, err
	}
	if s.Referrers, err = c.Store.PageViewTotals(ctx, since, true, limit); err != nil {
		return nil, err
	}
	per, err := c.Store.PageViewDays(ctx, since)
	if err != nil {
		return nil, err
	}
	got := map[string]int64{}
	for _, d := range per {
		got[d.Day] = d.Views
		s.Total += d.Views
	}
	for i := 0; i < days; i++ {
		day := broadside.ViewDay(first.AddDate(0, 0, i))
		s.PerDay = append(s.PerDay, broadside.PageViewCount{Day: day, Views: got[day]})
	}
	return s, nil
}
