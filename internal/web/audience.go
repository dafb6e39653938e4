package web

import (
	"net/http"
	"strings"
	"sync"

	"github.com/broadside/broadside"
)

// The audience counter (internal/audience) sits in the serving path of every public page,
// cached or not. It counts a GET answered with an HTML page (200, or 304 for a reader's
// revisit), and only from readers: not bots (by User-Agent), not prefetches or HEAD requests,
// not signed-in editors. It keeps the path, the referrer reduced to a host (or, for the site's
// own pages, a path) and the day: never an address, a cookie or a user agent.

// countable reports whether r would be counted as a reader's page view if it succeeds.
func (s *Server) countable(r *http.Request) bool {
	if s.Audience == nil || r.Method != http.MethodGet {
		return false
	}
	for _, h := range []string{"Sec-Purpose", "Purpose", "X-Purpose", "X-Moz"} {
		if v := r.Header.Get(h); v != "" && (strings.Contains(v, "prefetch") || strings.Contains(v, "preview") || strings.Contains(v, "prerender")) {
			return false
		}
	}
	if _, err := r.Cookie(cookieSession); err == nil {
		return false // an editor looking at their own site
	}
	return !broadside.IsBot(r.UserAgent())
}

// viewWriter watches a response for the status and type that make it a page view.
type viewWriter struct {
	http.ResponseWriter
	status int
}

func (v *viewWriter) WriteHeader(code int) {
	if v.status == 0 {
		v.status = code
	}
	v.ResponseWriter.WriteHeader(code)
}

func (v *viewWriter) Write(b []byte) (int, error) {
	if v.status == 0 {
		v.status = http.StatusOK
	}
	return v.ResponseWriter.Write(b)
}

func (v *viewWriter) Unwrap() http.ResponseWriter { return v.ResponseWriter }

var viewWriters = sync.Pool{New: func() any { return new(viewWriter) }}

// counted wraps a public page handler with the audience counter.
func (s *Server) counted(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.countable(r) {
			h(w, r)
			return
		}
		vw := viewWriters.Get().(*viewWriter)
		vw.ResponseWriter, vw.status = w, 0
		h(vw, r)
		if (vw.status == http.StatusOK || vw.status == http.StatusNotModified) &&
			strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			s.Audience.Count(r.URL.Path, broadside.ReferrerKey(r.Referer(), r.Host))
		}
		vw.ResponseWriter = nil
		viewWriters.Put(vw)
	}
}
