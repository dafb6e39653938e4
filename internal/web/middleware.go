package web

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/broadside/broadside/internal/wpapi"
)

type ctxKey int

const (
	ctxRequestID ctxKey = iota
	ctxClientIP
)

// middleware wraps every request: request id, panic recovery, security headers, CSRF
// protection for state changes, client IP and an access log line.
func (s *Server) middleware(next http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path,
			"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		if wpapi.IsAPIRequest(r) {
			// WordPress's answer to a cookie-authenticated API write it cannot trust.
			wpapi.WriteError(w, http.StatusForbidden, "rest_cookie_invalid_nonce", "Cookie check failed")
			return
		}
		s.renderError(w, r, http.StatusForbidden, "This form was submitted from another site, so it was refused. Go back to the page, reload it and submit again.")
	}))
	// Unsubscribe links carry their own secret token, and RFC 8058's one-click POST comes
	// from mailbox providers' servers: a same-origin check would only get in the way.
	csrf.AddInsecureBypassPattern("POST /subscribe/unsubscribe")
	csrf.AddInsecureBypassPattern("POST /subscribe/comments/stop")
	protected := csrf.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.serveHit(w, r) {
			return // an anonymous reader's page from the cache (pagecache_hit.go)
		}
		start := time.Now()
		id := newRequestID()
		ip := s.clientIP(r)
		ctx := context.WithValue(r.Context(), ctxRequestID, id)
		ctx = context.WithValue(ctx, ctxClientIP, ip)
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w, status: 200}
		h := sw.Header()
		securityHeaders(h, id)
		defer func() {
			if rec := recover(); rec != nil {
				if rec == http.ErrAbortHandler {
					panic(rec)
				}
				s.Log.Error("panic serving request", "request_id", id, "path", r.URL.Path, "panic", fmt.Sprint(rec))
				if !sw.wrote {
					s.renderError(sw, r, http.StatusInternalServerError, "")
				}
			}
			lvl := slog.LevelInfo
			if sw.status >= 500 {
				lvl = slog.LevelError
			}
			// Checked first so a quiet log level costs nothing: the arguments alone allocate.
			if s.Log.Enabled(r.Context(), lvl) {
				s.Log.Log(r.Context(), lvl, "request", "request_id", id, "method", r.Method, "path", r.URL.Path,
					"status", sw.status, "bytes", sw.bytes, "duration", time.Since(start), "ip", ip)
			}
		}()
		if r.Method == http.MethodPost {
			// Forms are small; a body over 2 MiB is an attack or a mistake. The one exception
			// is the WordPress import upload (POST /admin/import, import_admin.go): a whole
			// site's export, streamed to a temporary file rather than held in memory, so it
			// gets its own cap. Only a signed-in administrator gets past that handler's check.
			limit := int64(2 << 20)
			if r.URL.Path == importUploadPath {
				limit = s.importUploadLimit()
			} else if r.URL.Path == mediaUploadPath && s.Media != nil {
				limit = s.mediaBodyLimit() // several files, each capped by the media service
			} else if s.Media != nil && wpapi.IsMediaUpload(r) {
				limit = s.Media.MaxUploadSize() + 1<<20 // one file and its form fields
			}
			r.Body = http.MaxBytesReader(sw, r.Body, limit)
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			r = s.withUser(r)
			r = s.withReader(r) // a signed-in subscriber (subscribe_reader.go)
		}
		if wantsAPILink(r) {
			if l := s.apiLink(r); l != "" {
				h.Add("Link", l) // REST API discovery (api_routes.go)
			}
		}
		if csrfExempt(r) {
			next.ServeHTTP(sw, r) // API requests without ambient credentials (api_routes.go)
			return
		}
		protected.ServeHTTP(sw, r)
	})
}

// contentSecurityPolicy allows only the site's own scripts, styles and forms; images may
// come from anywhere over http(s) because posts embed them.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' https: http: data:; style-src 'self'; script-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'self'; object-src 'none'"

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status = code
		w.wrote = true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("web: hijack not supported")
}

// Request ids are a per-process random prefix and a counter: unique across nodes and
// restarts, and cheap enough for every request of a page served from the cache.
var (
	requestPrefix = func() string {
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		return hex.EncodeToString(b)
	}()
	requestSeq atomic.Uint64
)

func newRequestID() string {
	var b [32]byte // built on the stack: the string is the one allocation
	id := append(append(b[:0], requestPrefix...), '-')
	return string(strconv.AppendUint(id, requestSeq.Add(1), 36))
}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(ctxRequestID).(string)
	return id
}

// ClientIP returns the reader's address: the connection's peer, or the right-most untrusted
// X-Forwarded-For entry when the peer is a trusted proxy.
func ClientIP(r *http.Request) string {
	ip, _ := r.Context().Value(ctxClientIP).(string)
	return ip
}

func (s *Server) clientIP(r *http.Request) string {
	host, peer, ok := remotePeer(r)
	if !ok {
		return host
	}
	if !s.trusted(peer) {
		return peer.String()
	}
	xff := r.Header.Values("X-Forwarded-For")
	parts := strings.Split(strings.Join(xff, ","), ",")
	for i := len(parts) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(parts[i]))
		if err != nil {
			break
		}
		a = a.Unmap()
		if !s.trusted(a) {
			return a.String()
		}
	}
	return peer.String()
}

// fromTrustedProxy reports whether r's connection comes from a trusted proxy, whose
// X-Forwarded-* headers are believed.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	_, peer, ok := remotePeer(r)
	return ok && s.trusted(peer)
}

// remotePeer is the address r's connection comes from: its host part, and that host parsed
// (IPv4-mapped addresses unmapped) when it is an IP address (ok).
func remotePeer(r *http.Request) (host string, peer netip.Addr, ok bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err = netip.ParseAddr(host)
	if err != nil {
		return host, netip.Addr{}, false
	}
	return host, peer.Unmap(), true
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
