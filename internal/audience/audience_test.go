package audience

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
)

// memStore is an in-memory Store for the counter's own logic; the SQL is tested in
// internal/store on both databases, and the whole path in internal/web.
type memStore struct {
	mu   sync.Mutex
	rows map[[3]string]int64
	fail error
}

func (m *memStore) AddPageViews(_ context.Context, cs []broadside.PageViewCount) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	if m.rows == nil {
		m.rows = map[[3]string]int64{}
	}
	for _, c := range cs {
		m.rows[[3]string{c.Day, c.Path, c.Referrer}] += c.Views
	}
	return nil
}
func (m *memStore) PageViewTotals(context.Context, string, bool, int) ([]broadside.PageViewCount, error) {
	return nil, nil
}
func (m *memStore) PageViewDays(context.Context, string) ([]broadside.PageViewCount, error) {
	return nil, nil
}
func (m *memStore) PurgePageViews(context.Context, string) error { return nil }

func TestCountsPerDayAndKeepsThemThroughAFailedFlush(t *testing.T) {
	now := time.Date(2026, 3, 1, 23, 59, 0, 0, time.UTC)
	st := &memStore{}
	c := New(st, func() time.Time { return now })
	c.Count("/a/", "x.example")
	c.Count("/a/", "x.example")
	now = now.Add(2 * time.Minute) // past midnight UTC
	c.Count("/a/", "x.example")
	st.fail = errors.New("database away")
	if err := c.Flush(context.Background()); err == nil {
		t.Fatal("a failed flush reported success")
	}
	st.fail = nil
	c.Count("/a/", "x.example")
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := map[[3]string]int64{{"2026-03-01", "/a/", "x.example"}: 2, {"2026-03-02", "/a/", "x.example"}: 2}
	if len(st.rows) != len(want) {
		t.Fatalf("rows %v, want %v", st.rows, want)
	}
	for k, n := range want {
		if st.rows[k] != n {
			t.Errorf("%v = %d, want %d", k, st.rows[k], n)
		}
	}
}

// TestCountDoesNotAllocate: counting a page already seen costs a map update, no garbage.
func TestCountDoesNotAllocate(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := New(&memStore{}, func() time.Time { return now })
	c.Count("/a/", "x.example")
	if n := testing.AllocsPerRun(1000, func() { c.Count("/a/", "x.example") }); n != 0 {
		t.Errorf("Count allocates %.1f times per view", n)
	}
}

// TestMemoryIsBounded: made-up paths and referrers cannot grow the map past maxKeys.
func TestMemoryIsBounded(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := New(&memStore{}, func() time.Time { return now })
	c.Count("/a/", "")
	for i := 0; i < maxKeys+500; i++ {
		c.Count("/a/", "r"+string(rune('a'+i%26))+time.Duration(i).String())
	}
	if len(c.counts) > maxKeys {
		t.Errorf("%d keys in memory, limit %d", len(c.counts), maxKeys)
	}
	if c.counts[key{"2026-03-01", "/a/", ""}] < 500 {
		t.Errorf("views past the limit were lost instead of counted without their referrer: %d", c.counts[key{"2026-03-01", "/a/", ""}])
	}
}
