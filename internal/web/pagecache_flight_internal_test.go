package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// blockingPage is a handler whose renders are counted and, while gate is open (not closed),
// wait for it.
type blockingPage struct {
	renders atomic.Int32
	gate    chan struct{}
	body    atomic.Value // string
}

func (b *blockingPage) serve(w http.ResponseWriter, r *http.Request) {
	b.renders.Add(1)
	<-b.gate
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(b.body.Load().(string)))
}

// flightWaiting returns how many requests wait for the render of key under way.
func flightWaiting(c *PageCache, key string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if f := c.flights[key]; f != nil {
		return f.waiting
	}
	return -1
}

// waitUntil polls cond with a generous limit (the machine may be busy); no fixed sleeps.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestPageCacheSingleFlight: N readers of a page nobody has rendered yet cause one render,
// and all N get the page.
func TestPageCacheSingleFlight(t *testing.T) {
	const n = 8
	s := &Server{Deps: Deps{Cache: NewPageCache(time.Minute, 1<<20, time.Now)}}
	page := &blockingPage{gate: make(chan struct{})}
	page.body.Store("<p>the page</p>")
	var wg sync.WaitGroup
	bodies := make([]string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, rec, _ := s.cachedPage(httptest.NewRequest(http.MethodGet, "http://site/a/", nil), page.serve)
			if e != nil {
				bodies[i] = string(e.body)
			} else if rec != nil {
				bodies[i] = rec.body.String()
			}
		}()
	}
	waitUntil(t, "one render and the other requests waiting for it", func() bool {
		return page.renders.Load() == 1 && flightWaiting(s.Cache, "site/a/") == n-1
	})
	close(page.gate)
	wg.Wait()
	if got := page.renders.Load(); got != 1 {
		t.Fatalf("%d renders for %d concurrent requests, want 1", got, n)
	}
	for i, b := range bodies {
		if b != "<p>the page</p>" {
			t.Fatalf("request %d got %q", i, b)
		}
	}
}

// TestPageCacheServesStaleWhileRendering: after a purge, the first reader renders the page
// again while the others are served the copy from before the purge at once; afterwards
// everyone gets the new page.
func TestPageCacheServesStaleWhileRendering(t *testing.T) {
	s := &Server{Deps: Deps{Cache: NewPageCache(time.Minute, 1<<20, time.Now)}}
	page := &blockingPage{gate: make(chan struct{})}
	close(page.gate)
	page.body.Store("old")
	get := func() string {
		e, rec, _ := s.cachedPage(httptest.NewRequest(http.MethodGet, "http://site/a/", nil), page.serve)
		if e != nil {
			return string(e.body)
		}
		return "not cached: " + rec.body.String()
	}
	if got := get(); got != "old" || page.renders.Load() != 1 {
		t.Fatalf("first GET: %q after %d renders", got, page.renders.Load())
	}
	s.Cache.Purge()
	page.gate = make(chan struct{})
	page.body.Store("new")
	leader := make(chan string)
	go func() { leader <- get() }()
	waitUntil(t, "the render after the purge", func() bool { return page.renders.Load() == 2 })
	for i := 0; i < 5; i++ {
		if got := get(); got != "old" {
			t.Fatalf("GET during the render: %q, want the stale copy", got)
		}
	}
	close(page.gate)
	if got := <-leader; got != "new" {
		t.Fatalf("the rendering request got %q", got)
	}
	if got := get(); got != "new" || page.renders.Load() != 2 {
		t.Fatalf("after the render: %q after %d renders", got, page.renders.Load())
	}
}

// TestFindFormMarks: the offsets of the comment form's fields are found in the markup the
// template writes, and a page with two forms or a prefilled one is left alone.
func TestFindFormMarks(t *testing.T) {
	form := `<input id="author" name="author" type="text" value="" size="30">` +
		`<input id="email" name="email" type="email" value="" size="30">` +
		`<input id="url" name="url" type="url" value="" size="30">` +
		`<input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes"> ` +
		`<input type="hidden" name="comment_post_ID" value="42" id="comment_post_ID">` +
		`<input type="hidden" name="ts" value="STAMP">`
	m := findFormMarks([]byte("<p>x</p>" + form))
	if !m.ok || m.postID != 42 || ("<p>x</p>" + form)[m.stampFrom:m.stampTo] != "STAMP" {
		t.Fatalf("marks %+v", m)
	}
	for name, page := range map[string]string{
		"two forms": form + form,
		"prefilled": strings.Replace(form, `value=""`, `value="Ann"`, 1),
		"ticked":    strings.Replace(form, `value="yes">`, `value="yes" checked>`, 1),
		"no form":   "<p>x</p>",
		"bad id":    strings.Replace(form, `value="42"`, `value="x"`, 1),
		"no stamp":  strings.Replace(form, `name="ts"`, `name="other"`, 1),
	} {
		if m := findFormMarks([]byte(page)); m.ok {
			t.Errorf("%s: marks found: %+v", name, m)
		}
	}
}

// TestKeptRenderOnAFreshCache: the first page rendered by a node that has not heard of any
// change yet (version 0) is kept too. (It once wrote to a nil map, with the cache's lock
// held, and every later request hung.)
func TestKeptRenderOnAFreshCache(t *testing.T) {
	s := &Server{Deps: Deps{Cache: NewPageCache(time.Minute, 1<<20, time.Now)}}
	builds := 0
	build := func() string { builds++; return "<p>x</p>" }
	for i := 0; i < 2; i++ {
		if got := s.keptRender(renderKey{what: "post", text: "x"}, build); got != "<p>x</p>" {
			t.Fatalf("got %q", got)
		}
	}
	if builds != 1 {
		t.Fatalf("%d renders, want 1", builds)
	}
	s.Cache.Purge()
	s.keptRender(renderKey{what: "post", text: "x"}, build)
	if builds != 2 {
		t.Fatalf("a purge did not drop the kept rendering (%d renders)", builds)
	}
}
