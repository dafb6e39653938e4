package web

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// A cached page for an anonymous reader is the request a post that goes viral gets by the
// thousand, and serveHit answers it in a few microseconds; what is left of its cost is
// net/http's own work around every request (building the http.Request and its header
// map, a goroutine and a read to watch the connection while the handler runs, six
// deadline changes, the response writer's buffers, sorting the headers), about a third of
// the server's CPU per hit (docs/benchmarks.md, "Issue 11 (session 7)").
//
// FastServer takes each accepted connection first. It reads a request head with a small
// strict parser (fastpath_parse.go) and, when the head is one it understands fully, asks
// serveHit — the same function, with the same rules, net/http's requests go through — to
// answer it into a writer that keeps the response (fastpath_conn.go), then sends the
// response in one writev. The first request it does not take, or that serveHit declines
// (a miss, a cookie, a query, anything unusual), goes to net/http with the connection,
// the bytes already read replayed first (handOff): net/http serves that connection for
// the rest of its life, as it would have from the start.

// FastServer serves HTTP/1.1 with HTTP: the page cache's fresh anonymous hits at the
// connection, everything else through HTTP, whose timeouts both follow. Use Serve and
// Shutdown instead of HTTP's.
type FastServer struct {
	HTTP *http.Server
	Web  *Server

	shutting atomic.Bool
	mu       sync.Mutex
	ln       net.Listener
	conns    map[*fastConn]struct{}
	handoff  *handoffListener

	served, handed atomic.Uint64 // Counts
}

// NewFastServer returns a FastServer for h, whose handler is web.
func NewFastServer(h *http.Server, web *Server) *FastServer {
	return &FastServer{HTTP: h, Web: web, conns: map[*fastConn]struct{}{}}
}

// Counts returns how many requests the fast path answered and how many connections it
// handed to net/http.
func (s *FastServer) Counts() (served, handedOff uint64) {
	return s.served.Load(), s.handed.Load()
}

type timeouts struct{ header, idle, write time.Duration }

// timeouts are the http.Server's, read as it reads them: ReadHeaderTimeout and
// IdleTimeout fall back to ReadTimeout.
func (s *FastServer) timeouts() timeouts {
	h := s.HTTP
	t := timeouts{header: h.ReadHeaderTimeout, idle: h.IdleTimeout, write: h.WriteTimeout}
	if t.header <= 0 {
		t.header = h.ReadTimeout
	}
	if t.idle <= 0 {
		t.idle = h.ReadTimeout
	}
	return t
}

func (s *FastServer) logf(format string, args ...any) {
	if s.HTTP.ErrorLog != nil {
		s.HTTP.ErrorLog.Printf(format, args...)
	}
}

// Serve accepts connections on ln until Shutdown. Without a page cache, or when HTTP
// serves TLS itself, it is HTTP.Serve.
func (s *FastServer) Serve(ln net.Listener) error {
	if s.Web == nil || s.Web.Cache == nil || s.HTTP.TLSConfig != nil {
		return s.HTTP.Serve(ln)
	}
	hl := &handoffListener{addr: ln.Addr(), conns: make(chan net.Conn), closed: make(chan struct{})}
	s.mu.Lock()
	if s.shutting.Load() {
		s.mu.Unlock()
		return http.ErrServerClosed
	}
	s.ln, s.handoff = ln, hl
	s.mu.Unlock()
	go func() {
		if err := s.HTTP.Serve(hl); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			s.logf("http: serving handed-over connections: %v", err)
		}
	}()
	var delay time.Duration // as net/http backs off when accepting fails for a while
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.shutting.Load() {
				return http.ErrServerClosed
			}
			if ne, ok := err.(net.Error); ok && ne.Temporary() { //nolint:staticcheck // net/http's own test
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.logf("http: Accept error: %v; retrying in %v", err, delay)
				time.Sleep(delay)
				continue
			}
			hl.Close()
			return err
		}
		delay = 0
		fc := newFastConn(s, c, time.Now())
		if !s.track(fc) {
			_ = c.Close()
			continue
		}
		go fc.serve()
	}
}

func (s *FastServer) track(fc *fastConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting.Load() {
		return false
	}
	s.conns[fc] = struct{}{}
	return true
}

func (s *FastServer) untrack(fc *fastConn) {
	s.mu.Lock()
	delete(s.conns, fc)
	s.mu.Unlock()
}

// handOff gives fc's connection to net/http, the bytes read and not answered first; t is
// the timeouts fc was served with.
func (s *FastServer) handOff(fc *fastConn, t timeouts) {
	s.handed.Add(1)
	rc := &replayConn{Conn: fc.c, pending: fc.buf[fc.r:fc.w]}
	if len(rc.pending) > 0 {
		rc.limit = fc.headerDeadline(t)
	}
	_ = fc.raw.SetDeadline(time.Time{}) // net/http sets its own
	if !s.handoff.give(rc) {
		_ = fc.c.Close()
	}
	s.untrack(fc)
}

// Shutdown stops accepting, closes the fast path's idle connections, waits for the
// requests it is answering (each then closes its connection), and then shuts HTTP down,
// which does the same for the connections net/http serves. Handing a connection to
// net/http stays possible until the fast path's are all gone, so a request read during
// the shutdown is answered, if its head is complete before HTTP's own Shutdown begins:
// from then on net/http closes a connection whose request completes, unanswered.
func (s *FastServer) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.shutting.Store(true)
	ln := s.ln
	s.mu.Unlock()
	if ln == nil { // Serve was not called, or served without the fast path
		return s.HTTP.Shutdown(ctx)
	}
	_ = ln.Close()
	// What net/http answers from here on says Connection: close, as in its own Shutdown,
	// and its idle connections close now.
	s.HTTP.SetKeepAlivesEnabled(false)
	wait := time.Millisecond
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for !s.closeIdle() {
		select {
		case <-ctx.Done():
			_ = s.HTTP.Shutdown(ctx)
			return ctx.Err()
		case <-timer.C:
			wait = min(2*wait, 500*time.Millisecond) // net/http polls the same way
			timer.Reset(wait)
		}
	}
	return s.HTTP.Shutdown(ctx)
}

// closeIdle closes the connections waiting for a request, and those that sent nothing
// in five seconds (net/http's rule for new connections), and reports whether none is left.
func (s *FastServer) closeIdle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := time.Now().Add(-5 * time.Second)
	for fc := range s.conns {
		st := fc.state.Load()
		if st == connIdle || st == connNew && fc.accepted.Before(old) {
			if fc.state.CompareAndSwap(st, connShut) {
				_ = fc.c.Close()
			}
		}
	}
	return len(s.conns) == 0
}

// handoffListener is the listener HTTP serves: it accepts the connections the fast path
// hands over.
type handoffListener struct {
	addr   net.Addr
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func (l *handoffListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *handoffListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *handoffListener) Addr() net.Addr { return l.addr }

// give hands c to HTTP's accept loop, or reports false once HTTP stopped accepting.
func (l *handoffListener) give(c net.Conn) bool {
	select {
	case l.conns <- c:
		return true
	case <-l.closed:
		return false
	}
}

// replayConn is a connection handed to net/http: its reads return the bytes the fast path
// read first. Until net/http has them, its read deadline is held to the one the fast path
// kept (the head's ReadHeaderTimeout runs from its first bytes, not from the hand-over).
type replayConn struct {
	net.Conn
	pending []byte
	limit   time.Time
}

func (c *replayConn) Read(p []byte) (int, error) {
	if len(c.pending) == 0 {
		return c.Conn.Read(p)
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	if len(c.pending) == 0 {
		c.pending = nil // the fast path's buffer can go
	}
	return n, nil
}

func (c *replayConn) SetReadDeadline(t time.Time) error {
	if len(c.pending) > 0 && !c.limit.IsZero() && (t.IsZero() || t.After(c.limit)) {
		t = c.limit
	}
	return c.Conn.SetReadDeadline(t)
}

// CloseWrite and ReadFrom pass through what net/http looks for (see countedConn).
func (c *replayConn) CloseWrite() error { return closeWrite(c.Conn) }

func (c *replayConn) ReadFrom(r io.Reader) (int64, error) { return readFrom(c.Conn, r) }
