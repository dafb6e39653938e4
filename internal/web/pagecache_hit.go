package web

import (
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// The cache hit of an anonymous reader is the request a post that goes viral gets by the
// thousand, so it is answered before the router, the cross-origin check and the session
// lookup run (serveHit), from headers prepared when the page was stored (hitHeaders): no
// cookie is parsed when the request has none, no setting is loaded, no header value is built
// but the request id. Everything else (a miss, a reader with cookies that personalise the
// page, a query string) takes the full chain and cached (cache.go), as before.

// hitHeaders are a stored page's header values, built once: shared by every response that
// serves the page, which net/http only reads (each slice is full, so an append elsewhere
// copies it instead of writing into it).
type hitHeaders struct {
	length, gzLength []string // Content-Length of the body and of its gzip
	etag, gzETag     []string
	vary             []string // the page's own Vary and Accept-Encoding
	link             []string // the REST API discovery Link the middleware adds to public pages
}

// Header values every response carries, shared (see hitHeaders).
var (
	hdrNosniff  = []string{"nosniff"}
	hdrReferrer = []string{"strict-origin-when-cross-origin"}
	hdrFrame    = []string{"SAMEORIGIN"}
	hdrCSP      = []string{contentSecurityPolicy}
	hdrVary     = []string{"Accept-Encoding"}
	hdrGzip     = []string{"gzip"}
	hdrHit      = []string{cacheHit}
)

// securityHeaders sets the headers every response carries, with a fresh request id.
func securityHeaders(h http.Header, id string) {
	// Canonical keys assigned directly: these run on every request, cached pages included.
	h["X-Request-Id"] = []string{id}
	h["X-Content-Type-Options"] = hdrNosniff
	h["Referrer-Policy"] = hdrReferrer
	h["X-Frame-Options"] = hdrFrame
	h["Content-Security-Policy"] = hdrCSP
}

func newHitHeaders(e *cachedPage, link string) *hitHeaders {
	hh := &hitHeaders{length: []string{strconv.Itoa(len(e.body))}, etag: []string{e.etag}, vary: hdrVary}
	if v := e.header["Vary"]; len(v) > 0 {
		hh.vary = slices.Clip(append(slices.Clone(v), "Accept-Encoding"))
	}
	if e.gz != nil {
		hh.gzLength = []string{strconv.Itoa(len(e.gz))}
		hh.gzETag = []string{strings.TrimSuffix(e.etag, `"`) + `-gz"`}
	}
	if link != "" {
		hh.link = []string{link}
	}
	return hh
}

// serveHit answers r from the page cache when it is an anonymous GET or HEAD of a page
// stored fresh there, with everything the full chain would have added (security headers,
// request id, the API Link, X-Cache, the audience count, the route's timing and the access
// log line); it reports false, having written nothing, otherwise.
func (s *Server) serveHit(w http.ResponseWriter, r *http.Request) bool {
	c := s.Cache
	if c == nil || !cacheable(r) || (s.Federation != nil && wantsActivity(r)) { // cacheable: GET or HEAD only
		return false
	}
	e := c.getHost(r.Host, r.URL.Path)
	if e == nil || e.hit == nil {
		return false
	}
	var start time.Time
	logged := s.Log.Enabled(r.Context(), slog.LevelInfo)
	if s.Metrics != nil || logged {
		start = time.Now()
	}
	h := w.Header()
	id := newRequestID()
	securityHeaders(h, id)
	if e.hit.link != nil {
		h["Link"] = e.hit.link
	}
	h["X-Cache"] = hdrHit
	status := writeHit(w, r, e)
	c.count(cacheHit)
	if (status == http.StatusOK || status == http.StatusNotModified) && s.countable(r) && e.html {
		s.Audience.Count(r.URL.Path, broadside.ReferrerKey(r.Referer(), r.Host))
	}
	if s.Metrics != nil && e.route != "" {
		s.Metrics.ObserveRequest(e.route, time.Since(start))
	}
	if logged {
		s.Log.Info("request", "request_id", id, "method", r.Method, "path", r.URL.Path,
			"status", status, "bytes", 0, "duration", time.Since(start), "ip", s.clientIP(r))
	}
	return true
}

// writeHit writes the stored page e with its prepared headers and returns the status sent.
func writeHit(w http.ResponseWriter, r *http.Request, e *cachedPage) int {
	h := w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	h["Vary"] = e.hit.vary
	body, etag, length := e.body, e.hit.etag, e.hit.length
	if e.gz != nil && acceptsGzip(r) {
		body, etag, length = e.gz, e.hit.gzETag, e.hit.gzLength
		h["Content-Encoding"] = hdrGzip
	}
	h["Etag"] = etag
	if notModified(r, etag[0], e.lastModified) {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	h["Content-Length"] = length
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		// Headers and body in one system call, not two (pagecache_conn.go).
		hc := holdConnOf(r.Context())
		hc.holdNext()
		_, _ = w.Write(body)
		_ = hc.release()
	}
	return e.status
}

// getHost is get for the key host+path, without building the key on the heap.
func (c *PageCache) getHost(host, path string) *cachedPage {
	var buf [256]byte
	if len(host)+len(path) > len(buf) {
		return c.get(host + path)
	}
	k := append(append(buf[:0], host...), path...)
	c.mu.RLock()
	e, gen := c.entries[string(k)], c.gen // the compiler looks this up without a copy
	c.mu.RUnlock()
	return c.fresh(e, gen)
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip (not "gzip;q=0").
func acceptsGzip(r *http.Request) bool {
	ae := r.Header["Accept-Encoding"]
	for _, line := range ae {
		for line != "" {
			var part string
			part, line, _ = strings.Cut(line, ",")
			coding, q, _ := strings.Cut(strings.TrimSpace(part), ";")
			if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
				return !zeroQ(q)
			}
		}
	}
	return false
}

// zeroQ reports whether a coding's parameters say q=0 (q=0, q=0.0, q=0.000).
func zeroQ(params string) bool {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		v = strings.TrimSpace(v)
		return v != "" && strings.Trim(v, "0.") == "" && v[0] == '0'
	}
	return false
}
