package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestPageCacheBudget: the anonymous pages stay within their share of the budget counting
// everything a page holds (its gzip too), and a page stored past it pushes out what no reader
// gets as fresh any more first, then as few pages as it needs: it never empties the cache, so
// a busy site's pages do not all render again at once. A page larger than the share is not
// kept and costs the others nothing.
func TestPageCacheBudget(t *testing.T) {
	now := time.Date(2026, 12, 5, 6, 0, 0, 0, time.UTC)
	c := NewPageCache(time.Minute, 4000, func() time.Time { return now }) // pages: 2000 bytes
	page := func(n int) *cachedPage {
		return &cachedPage{status: 200, body: make([]byte, 300), gz: make([]byte, 100), expires: now.Add(c.TTL)}
	}
	held := func() (n int) {
		for _, e := range c.entries {
			n += len(e.body) + len(e.gz)
		}
		return n
	}
	for i := range 3 {
		c.put(fmt.Sprintf("old/%d", i), page(i))
	}
	now = now.Add(2 * time.Minute) // those three expire
	for i := range 2 {
		c.put(fmt.Sprintf("fresh/%d", i), page(i))
	}
	if got := held(); got != 2000 || c.bytes != got {
		t.Fatalf("five pages of 400 bytes: %d held, %d counted", got, c.bytes)
	}
	c.put("fresh/2", page(2))
	for i := range 3 {
		if c.get(fmt.Sprintf("fresh/%d", i)) == nil {
			t.Errorf("fresh/%d was dropped while expired pages were kept", i)
		}
	}
	if got := held(); got > c.MaxBytes/pageShare || c.bytes != got {
		t.Errorf("past the budget: %d bytes held (budget %d), %d counted", got, c.MaxBytes/pageShare, c.bytes)
	}
	for i := 3; i < 10; i++ { // only fresh pages left to push out
		c.put(fmt.Sprintf("fresh/%d", i), page(i))
		if c.get(fmt.Sprintf("fresh/%d", i)) == nil {
			t.Fatalf("fresh/%d was not kept", i)
		}
		if got := held(); got > c.MaxBytes/pageShare || c.bytes != got {
			t.Fatalf("fresh/%d: %d bytes held (budget %d), %d counted", i, got, c.MaxBytes/pageShare, c.bytes)
		}
		if len(c.entries) != 5 {
			t.Fatalf("fresh/%d: %d pages kept, want the 5 that fit", i, len(c.entries))
		}
	}
	c.put("huge", &cachedPage{status: 200, body: make([]byte, 2001), expires: now.Add(c.TTL)})
	if c.get("huge") != nil || len(c.entries) != 5 {
		t.Errorf("a page larger than the budget: kept %v, %d others left", c.get("huge") != nil, len(c.entries))
	}
}

// TestStoredPageHoldsNoSlack: a page is rendered into a buffer that grows by doubling, so its
// last doubling can leave it nearly twice the page; the cache keeps the page, not the buffer,
// and counts what it keeps.
func TestStoredPageHoldsNoSlack(t *testing.T) {
	s := &Server{Deps: Deps{Cache: NewPageCache(time.Minute, 64<<20, time.Now)}}
	page := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		for i := range 3000 { // a template writes a page in many small pieces
			_, _ = fmt.Fprintf(w, "<p>paragraph %d of a long page</p>\n", i)
		}
	}
	e, _, _ := s.cachedPage(httptest.NewRequest(http.MethodGet, "http://site/long/", nil), page)
	if e == nil || len(e.body) < 90_000 || e.gz == nil {
		t.Fatalf("the page was not stored with its gzip: %v", e)
	}
	for name, b := range map[string][]byte{"body": e.body, "gzip": e.gz} {
		if slack := cap(b) - len(b); slack > len(b)/8 {
			t.Errorf("%s: %d bytes kept for %d of page", name, cap(b), len(b))
		}
	}
	if s.Cache.bytes != cap(e.body)+cap(e.gz) {
		t.Errorf("the cache counts %d bytes for a page holding %d", s.Cache.bytes, cap(e.body)+cap(e.gz))
	}
}
