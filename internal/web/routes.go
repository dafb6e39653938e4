package web

import "net/http"

// routes lists every route of the site. Admin routes are in adminRoutes.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/{file}", s.static.serve)
	mux.HandleFunc("GET /healthz", s.handleHealth)

	mux.HandleFunc("GET /category/{path...}", s.cached(s.serveArchive("/category/", true, s.categoryArchive)))
	mux.HandleFunc("GET /tag/{path...}", s.cached(s.serveArchive("/tag/", false, s.tagArchive)))
	mux.HandleFunc("GET /author/{path...}", s.cached(s.serveArchive("/author/", false, s.authorArchive)))
	mux.HandleFunc("POST /comments", s.handleCommentPost)
	mux.HandleFunc("POST /wp-comments-post.php", s.handleCommentPost)

	s.adminRoutes(mux)
	// Feature route sets register here, each in its own file: func (s *Server) xxxRoutes(mux).
	s.feedRoutes(mux)
	s.searchRoutes(mux)
	s.sitemapRoutes(mux)
	s.apiRoutes(mux)
	s.subscribeRoutes(mux)
	s.importRoutes(mux)
	s.mediaRoutes(mux)

	// Everything else: home, permalinks, date archives, pages, 404.
	mux.HandleFunc("GET /{path...}", s.cached(s.handlePublic))
	return mux
}

// GET /healthz
// Load balancers ask this; it checks the database is reachable.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Settings.Load(r.Context()); err != nil {
		s.Log.Error("health check failed", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// queryRoute serves one of WordPress's query-string URLs on the home page (/?p=ID,
// /?page_id=ID, /?cat=ID, /?s=term …). Features register theirs in their routes function; the
// first route whose parameter is present handles the request.
type queryRoute struct {
	param string
	h     http.HandlerFunc
}

func (s *Server) handleQuery(param string, h http.HandlerFunc) {
	s.queries = append(s.queries, queryRoute{param: param, h: h})
}

// handleNotFound registers a last resort for GET requests that would otherwise get the 404
// page (every handler's "not found" goes through notFound): h answers and returns true, or
// returns false to let the 404 through. WordPress's old addresses are answered this way.
func (s *Server) handleNotFound(h func(w http.ResponseWriter, r *http.Request) bool) {
	s.fallbacks = append(s.fallbacks, h)
}

// queryHandler returns the handler for a home-page request with a query string, or nil.
func (s *Server) queryHandler(r *http.Request) http.HandlerFunc {
	q := r.URL.Query()
	for _, qr := range s.queries {
		if q.Has(qr.param) {
			return qr.h
		}
	}
	return nil
}
