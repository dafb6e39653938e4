package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// PageCache keeps rendered public pages for anonymous readers, so a post that goes viral is
// served from memory instead of being rebuilt per request. A change a reader could see
// purges the pages that show it (Purge with the change's cache tags, on every node); a
// change that names no tags purges every page. Entries also expire after TTL, which bounds
// staleness should a node miss an announcement.
//
// A page is rendered by one request at a time (single flight): while it renders, other
// readers of that page get the copy stored before the purge or expiry, if there is one, or
// wait for the render. Without this, every change made every reader of a busy page render it
// at once (issue 12: cached throughput halved at 5 approved comments a second).
type PageCache struct {
	TTL      time.Duration
	MaxBytes int
	Now      func() time.Time

	mu      sync.RWMutex
	entries map[string]*cachedPage
	bytes   int    // of the entries' bodies and their gzips (size)
	gen     uint64 // bumped by a purge of everything
	purges  purgeLog
	flights map[string]*flight // renders under way, by key
	// afterRender, when set (tests), runs between a page's render and its storing: where a
	// purge from another request or node can land.
	afterRender func(key string)

	hits, misses, stales atomic.Uint64 // Counts

	fragments map[string]*fragment // discussion pages (post_discussion.go)
	fragBytes int
	navKept   *navEntry // the header's page list (view.go)

	rendered    map[renderKey]string // post Markdown rendered (post_discussion.go)
	renderedGen uint64

	readers     map[string]*cachedPage // signed-in readers' pages (pagecache_signedin.go)
	readerBytes int
}

// flight is one render of a page; done is closed when it ends, with e set if it stored one.
type flight struct {
	done    chan struct{}
	e       *cachedPage
	waiting int // requests that joined it (for tests)
}

type cachedPage struct {
	status  int
	header  http.Header
	body    []byte
	gz      []byte // gzip of body, made once when the page is stored; nil when not worth it
	etag    string
	expires time.Time
	gen     uint64
	seq     uint64      // the purge sequence when its render started (purgeLog)
	tags    []string    // what it shows (tagPage); nil: it may show anything
	purged  atomic.Bool // a targeted purge named one of its tags; kept only to serve as stale
	form    formMarks   // where a returning commenter's details go (pagecache_reader.go)

	// What serveHit needs to answer without the router (pagecache_hit.go).
	hit          *hitHeaders
	html         bool   // a page view the audience counts
	route        string // the route table's pattern, for the metrics
	lastModified string
}

// NewPageCache returns a cache holding at most maxBytes of pages: half for anonymous
// readers' pages (a body and its gzip both count), a quarter for signed-in readers' pages
// (readerShare) and a quarter for discussion fragments (post_discussion.go).
func NewPageCache(ttl time.Duration, maxBytes int, now func() time.Time) *PageCache {
	return &PageCache{TTL: ttl, MaxBytes: maxBytes, Now: now, entries: map[string]*cachedPage{},
		flights: map[string]*flight{}}
}

// Purge makes the stored pages that a change with these cache tags may have changed stale
// (broadside.CacheTags): those that recorded one of the tags and those that recorded none;
// with no tags, every page. The next request for such a page renders it again. The stale
// copies stay only to be served while that render runs (and during an outage).
func (c *PageCache) Purge(tags ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(tags) == 0 {
		c.gen++
		c.purges.add(nil)
		return
	}
	named := c.purges.add(tags)
	for _, e := range c.entries {
		if !e.purged.Load() && named.hits(e.tags) {
			e.purged.Store(true)
		}
	}
	for key, f := range c.fragments {
		if named.hits(f.tags) {
			delete(c.fragments, key)
			c.fragBytes -= f.bytes
		}
	}
	for key, e := range c.readers {
		if named.hits(e.tags) {
			delete(c.readers, key)
			c.readerBytes -= e.size()
		}
	}
}

// count tallies where a page came from (Counts).
func (c *PageCache) count(how string) {
	switch how {
	case cacheHit:
		c.hits.Add(1)
	case cacheStale:
		c.stales.Add(1)
	default:
		c.misses.Add(1)
	}
}

// Counts returns how many pages were served from the cache, rendered, and served stale
// while another request rendered them (or the database was away), since the start.
func (c *PageCache) Counts() (hits, misses, stale uint64) {
	return c.hits.Load(), c.misses.Load(), c.stales.Load()
}

// get returns the fresh page stored under key, or nil.
func (c *PageCache) get(key string) *cachedPage {
	c.mu.RLock()
	e, gen := c.entries[key], c.gen
	c.mu.RUnlock()
	return c.fresh(e, gen)
}

// fresh returns e, read from the cache with the version gen, if it may be served as it is:
// stored since the last purge of everything, named by no targeted purge since, and not
// expired; otherwise nil. It is the page cache's one freshness rule: anonymous pages (get,
// getHost) and signed-in readers' pages (getReader) ask it.
func (c *PageCache) fresh(e *cachedPage, gen uint64) *cachedPage {
	if e == nil || e.gen != gen || e.purged.Load() || c.Now().After(e.expires) {
		return nil
	}
	return e
}

// version is what a render must read before it starts, so that storing it afterwards can
// tell whether a purge came in between (put, putFragment).
func (c *PageCache) version() (gen, seq uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen, c.purges.seq
}

// join registers a render of key. The first caller leads (f is its flight, to be ended with
// land); the others get the flight to wait for and the stale copy, if any, to serve meanwhile.
func (c *PageCache) join(key string) (f *flight, lead bool, stale *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.flights[key]; f != nil {
		f.waiting++
		return f, false, c.entries[key]
	}
	f = &flight{done: make(chan struct{})}
	c.flights[key] = f
	return f, true, nil
}

// land ends the leader's flight with the page it stored (nil if none).
func (c *PageCache) land(key string, f *flight, e *cachedPage) {
	c.mu.Lock()
	f.e = e
	delete(c.flights, key)
	c.mu.Unlock()
	close(f.done)
}

// stale returns the stored page for key even past its expiry: while the database is away, an
// old page is better than a 503 (an entry is dropped by a purge, so it is never older than
// the last change this node heard of).
func (c *PageCache) stale(key string) *cachedPage {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.entries[key]
}

// purgedSince reports whether what was rendered after version gen, seq (version) and shows
// tags may be stale: the cache was emptied or a purge naming one of its tags came since. The
// caller holds c.mu; put, putReader and putFragment all ask it before storing.
func (c *PageCache) purgedSince(gen, seq uint64, tags []string) bool {
	return gen != c.gen || c.purges.since(seq, tags)
}

func (c *PageCache) put(key string, e *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.purgedSince(e.gen, e.seq, e.tags) {
		return // rendered before a purge that names it: it may show stale content
	}
	if old := c.entries[key]; old != nil {
		delete(c.entries, key)
		c.bytes -= old.size()
	}
	if !c.makeRoom(e.size()) {
		return
	}
	c.entries[key] = e
	c.bytes += e.size()
}

// size is what a stored page holds in memory, near enough: its body and the gzip of it.
func (e *cachedPage) size() int { return cap(e.body) + cap(e.gz) }

// kept returns b to be stored for a while: b itself, or a copy of it when b is a grown
// buffer's contents with much room to spare (a rendered page's buffer doubled its way up
// to the page's size and holds up to twice that; the cache would keep all of it).
func kept(b []byte) []byte {
	if cap(b)-len(b) <= len(b)/8 { // the allocator rounds up as much
		return b
	}
	return bytes.Clone(b)
}

// pageShare is the part of MaxBytes the anonymous readers' pages may use.
const pageShare = 2

// makeRoom drops stored pages until n more bytes fit in the anonymous pages' share, and
// reports false when n alone does not. What no reader gets as fresh any more (expired, or
// purged and kept only to be served stale) goes first; then pages at random, which keeps the
// pages read most often cached most of the time, as they are stored again soon after they
// go. (Dropping everything at once, as before, made every page of a busy site render again
// together.) Called with c.mu held.
func (c *PageCache) makeRoom(n int) bool {
	limit := c.MaxBytes / pageShare
	if n > limit {
		return false
	}
	if c.bytes+n <= limit {
		return true
	}
	now := c.Now()
	for k, e := range c.entries {
		if c.bytes+n <= limit {
			return true
		}
		if e.gen != c.gen || e.purged.Load() || now.After(e.expires) {
			delete(c.entries, k)
			c.bytes -= e.size()
		}
	}
	for k, e := range c.entries { // a map's order is random
		if c.bytes+n <= limit {
			break
		}
		delete(c.entries, k)
		c.bytes -= e.size()
	}
	return true
}

// cacheable reports whether r may be answered from, and stored in, the shared cache: an
// anonymous GET without the cookies that personalise a page.
func cacheable(r *http.Request) bool {
	return cacheableBut(r)
}

// personalCookies are the cookies that make a page this reader's own.
var personalCookies = []string{cookieSession, cookiePending, cookieCommenter, cookieFlash, cookieReader, cookieEditing}

// cacheableBut is cacheable with the cookies named in except ignored.
func cacheableBut(r *http.Request, except ...string) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if r.URL.RawQuery != "" && !onlyTrackingParams(r.URL.RawQuery) {
		return false
	}
	for _, name := range personalCookies {
		if _, err := r.Cookie(name); err == nil && !slices.Contains(except, name) {
			return false
		}
	}
	if hasPostPassCookie(r) { // a reader who unlocked a password-protected post (password.go)
		return false
	}
	return true
}

// onlyTrackingParams reports whether a query string carries nothing but the campaign and
// click identifiers that social networks and newsletters append to links. A post that goes
// viral is requested mostly through such links; they do not change the page, so they must
// not bypass the cache.
func onlyTrackingParams(raw string) bool {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return false
	}
	for k := range q {
		if !strings.HasPrefix(k, "utm_") && !trackingParams[k] {
			return false
		}
	}
	return true
}

var trackingParams = map[string]bool{"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "twclid": true,
	"igshid": true, "mc_cid": true, "mc_eid": true, "ref": true, "ref_src": true, "s_cid": true, "yclid": true}

// cached adapts a public GET handler (as public does) and keeps its pages in the page cache.
func (s *Server) cached(hh handler) http.HandlerFunc {
	h := s.public(hh)
	if s.Federation != nil {
		// The same URL answers HTML or ActivityStreams by Accept: both answers say so, or a
		// shared cache in front could hand one to the other's clients. The HTML handler says
		// it itself, so the page cache keeps it with the page and every hit repeats it.
		html := h
		h = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", "Accept")
			html(w, r)
		}
	}
	return s.counted(func(w http.ResponseWriter, r *http.Request) {
		if s.Federation != nil && wantsActivity(r) {
			// An ActivityStreams answer on a page's URL (activitypub_actors.go): never
			// from or into the page cache, which holds the HTML.
			w.Header().Add("Vary", "Accept")
			if served, err := s.serveNegotiated(w, r); served {
				if err != nil {
					s.fail(w, r, err)
				}
				return
			}
			w.Header().Del("Vary") // the page is served as HTML, whose handler says it
		}
		c := s.Cache
		if c == nil {
			h(w, r)
			return
		}
		if !cacheable(r) {
			if cacheableBut(r, cookieCommenter) && s.serveCommenter(w, r, h) {
				return
			}
			if s.serveSignedIn(w, r, h) {
				return
			}
			h(w, r)
			return
		}
		e, rec, how := s.cachedPage(r, h)
		switch {
		case e != nil:
			// Like a CDN's, the header tells an operator (and the multi-node test) whether a
			// page came from this node's cache, was rendered for this request, or was a stale
			// copy served while another request renders it.
			w.Header().Set("X-Cache", how)
			writeCached(w, r, e)
		case rec != nil: // this request's own answer, not one to keep
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.status)
			_, _ = w.Write(rec.body.Bytes())
		default: // another request's render stored nothing
			h(w, r)
		}
	})
}

// cachedPage returns r's page from the cache, rendering and storing it with h when it is
// missing or stale, one render per page at a time. When the page is not one to keep (not
// 200) it returns the recorded answer of this request's render instead, or neither when
// another request rendered it. While the database is away (a 503), the last stored copy is
// returned. how says where the page came from: cacheHit, cacheMiss or cacheStale.
func (s *Server) cachedPage(r *http.Request, h http.HandlerFunc) (e *cachedPage, rec *recorder, how string) {
	e, rec, how = s.lookupPage(r, h)
	s.Cache.count(how)
	return e, rec, how
}

// What cachedPage answers from.
const (
	cacheHit   = "hit"
	cacheMiss  = "miss"
	cacheStale = "stale"
)

func (s *Server) lookupPage(r *http.Request, h http.HandlerFunc) (*cachedPage, *recorder, string) {
	c := s.Cache
	key := r.Host + r.URL.Path
	if e := c.get(key); e != nil {
		return e, nil, cacheHit
	}
	f, lead, stale := c.join(key)
	if !lead {
		if stale != nil {
			return stale, nil, cacheStale
		}
		select {
		case <-f.done:
		case <-r.Context().Done():
		}
		return f.e, nil, cacheMiss
	}
	var stored *cachedPage
	defer func() { c.land(key, f, stored) }()
	gen, seq := c.version()
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	tags := &pageTags{}
	h(rec, r.WithContext(context.WithValue(r.Context(), pageTagsKey{}, tags)))
	if c.afterRender != nil {
		c.afterRender(key)
	}
	if rec.status == http.StatusOK && r.Method == http.MethodGet {
		body := kept(rec.body.Bytes())
		e := &cachedPage{status: rec.status, header: rec.header, body: body,
			etag: bodyETag(body), expires: c.Now().Add(c.TTL), gen: gen, seq: seq, tags: tags.list(),
			gz: gzipped(rec.header, body), form: findFormMarks(body),
			html: strings.HasPrefix(rec.header.Get("Content-Type"), "text/html"), route: r.Pattern,
			lastModified: rec.header.Get("Last-Modified")}
		link := ""
		if wantsAPILink(r) && s.Settings != nil {
			link = s.apiLink(r)
		}
		e.hit = newHitHeaders(e, link)
		c.put(key, e)
		stored = e
		return e, nil, cacheMiss
	}
	if rec.status == http.StatusServiceUnavailable {
		if e := c.stale(key); e != nil {
			return e, nil, cacheStale
		}
	}
	return nil, rec, cacheMiss
}

func writeCached(w http.ResponseWriter, r *http.Request, e *cachedPage) {
	writeHit(w, r, e)
}

// gzipped compresses a page worth compressing (text, over 1 KiB), or returns nil.
func gzipped(h http.Header, body []byte) []byte {
	ct := h.Get("Content-Type")
	if len(body) < 1024 || h.Get("Content-Encoding") != "" ||
		!(strings.HasPrefix(ct, "text/") || strings.Contains(ct, "xml") || strings.Contains(ct, "json")) {
		return nil
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(body)
	if zw.Close() != nil {
		return nil
	}
	return kept(buf.Bytes())
}

// bodyETag is the strong validator of a response body. Handlers that set their own ETag
// (feeds, sitemaps) use it too, so a response has the same ETag from the cache or not.
func bodyETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
}

// notModified evaluates a GET's conditions against a cached response (RFC 9110 13.2.2):
// If-None-Match when present (any listed tag, weak or strong, or *), otherwise
// If-Modified-Since against the response's Last-Modified, if it has one.
func notModified(r *http.Request, etag, lastModified string) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == etag {
				return true
			}
		}
		return false
	}
	ims, lm := r.Header.Get("If-Modified-Since"), lastModified
	if ims == "" || lm == "" {
		return false
	}
	since, err1 := http.ParseTime(ims)
	mod, err2 := http.ParseTime(lm)
	return err1 == nil && err2 == nil && !mod.After(since)
}

// recorder captures a handler's response for the cache.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status = code
		r.wrote = true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
