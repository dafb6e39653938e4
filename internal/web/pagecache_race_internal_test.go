package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestPageCachePurgeDuringRender: a page whose render started before a purge that names it
// and ended after it must not be stored as fresh: it may show what the purge was about. The
// purge lands between the render and its storing through the cache's hook, so the order is
// fixed without sleeps. A purge that names other pages does not cost this one its render.
func TestPageCachePurgeDuringRender(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tags   []string // what the page records
		purge  []string // what lands during its render (nil: everything)
		stored bool
	}{
		{"purge of its post", []string{"post:1"}, []string{"post:1", "cat:3"}, false},
		{"purge of everything", []string{"post:1"}, nil, false},
		{"purge of another post", []string{"post:1"}, []string{"post:2"}, true},
		{"untagged page, any purge", nil, []string{"post:2"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewPageCache(time.Minute, 1<<20, time.Now)
			s := &Server{Deps: Deps{Cache: c}}
			renders := 0
			page := func(w http.ResponseWriter, r *http.Request) {
				renders++
				tagPage(r, tc.tags...)
				_, _ = w.Write([]byte("rendered"))
			}
			purged := false
			c.afterRender = func(key string) {
				if !purged {
					purged = true
					c.Purge(tc.purge...)
				}
			}
			get := func() string {
				_, _, how := s.cachedPage(httptest.NewRequest(http.MethodGet, "http://site/a/", nil), page)
				return how
			}
			if how := get(); how != cacheMiss {
				t.Fatalf("first GET: %s", how)
			}
			want := cacheMiss
			if tc.stored {
				want = cacheHit
			}
			if how := get(); how != want {
				t.Fatalf("GET after a render that a purge overtook: %s, want %s", how, want)
			}
			// The render after the purge is stored as usual.
			if how := get(); how != cacheHit {
				t.Fatalf("third GET: %s after %d renders, want a hit", how, renders)
			}
		})
	}
}

// TestDiscussionPurgeDuringRender: the same for the kept discussion pages: a fragment read
// before a purge of its post is not kept; one read before a purge of another post is.
func TestDiscussionPurgeDuringRender(t *testing.T) {
	c := NewPageCache(time.Minute, 1<<20, time.Now)
	gen, seq := c.version()
	c.Purge("post:1")
	c.putFragment("1/1", gen, seq, []string{"post:1"}, discussion{html: "<li>old</li>"})
	if c.fragment("1/1") != nil {
		t.Fatal("a discussion page read before a purge of its post was kept")
	}
	gen, seq = c.version()
	c.Purge("post:2")
	c.putFragment("1/1", gen, seq, []string{"post:1"}, discussion{html: "<li>current</li>"})
	if d := c.fragment("1/1"); d == nil || d.html != "<li>current</li>" {
		t.Fatal("a purge of another post cost this discussion page its place")
	}
	c.Purge("post:1")
	if c.fragment("1/1") != nil {
		t.Fatal("a purge of its post left the discussion page")
	}
}

// TestPurgeLogForgets: a render older than every remembered purge is treated as purged.
func TestPurgeLogForgets(t *testing.T) {
	var l purgeLog
	l.add([]string{"post:9"})
	start := l.seq
	for i := 0; i < maxPurgeLog+1; i++ {
		l.add([]string{"post:2"})
	}
	if !l.since(start, []string{"post:1"}) {
		t.Fatal("a render older than the remembered purges was kept as fresh")
	}
	if l.since(l.seq, []string{"post:1"}) {
		t.Fatal("a render after every purge was taken for stale")
	}
}
