package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	"io"
	"net/http"
	"strings"
	"time"
)

// Metrics is what the site reports to a Prometheus scraper (internal/metrics.Registry).
type Metrics interface {
	ObserveRequest(route string, d time.Duration)
	WritePrometheus(ctx context.Context, w io.Writer) error
}

// timed records how long route's handler took. The label is the route table's pattern, so
// the number of series is bounded by the table, whatever paths readers request.
func (s *Server) timed(route string, h http.HandlerFunc) http.HandlerFunc {
	if s.Metrics == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h(w, r)
		s.Metrics.ObserveRequest(route, time.Since(start))
	}
}

// GET /metrics
// Prometheus text format, for a scraper holding the configured bearer token. Without a token
// configured the endpoint does not exist (404), so a site does not expose its numbers by
// accident; a wrong or missing token gets 401.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	if s.Metrics == nil || s.MetricsToken == "" {
		return errNotFound
	}
	if !bearerMatches(r.Header.Get("Authorization"), s.MetricsToken) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
		http.Error(w, "A valid bearer token is required.", http.StatusUnauthorized)
		return nil
	}
	var buf bytes.Buffer
	if err := s.Metrics.WritePrometheus(r.Context(), &buf); err != nil {
		// The node's own numbers are still worth a scrape; the log says what is missing.
		s.Log.Warn("metrics: database-backed gauges left out", "err", err)
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes()) // a scraper that hung up has nothing to be told
	return nil
}

// bearerMatches compares the token of an "Authorization: Bearer …" header with want in
// constant time, so the comparison does not tell how much of a guess was right.
func bearerMatches(header, want string) bool {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(want)) == 1
}
