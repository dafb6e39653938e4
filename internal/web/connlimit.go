package web

import (
	"io"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/broadside/broadside"
)

// LimitConnsPerAddress wraps ln so that one client address holds at most max connections
// at once; more are answered 503 and closed as they arrive, without reaching the HTTP
// server, so thousands of slow uploads from one machine cannot take the server's memory
// while everyone else is still served. An IPv6 client counts by its /64, which it usually
// owns whole (rotating addresses inside it would otherwise evade the cap). Connections
// from trusted proxies are not counted: behind a reverse proxy every reader arrives
// through it, and the proxy is the place to limit them. max <= 0 returns ln unchanged.
func LimitConnsPerAddress(ln net.Listener, max int, trusted []netip.Prefix, log *slog.Logger) net.Listener {
	if max <= 0 {
		return ln
	}
	return &connLimiter{Listener: ln, max: max, trusted: trusted, log: log, open: map[netip.Prefix]int{}, warned: map[netip.Prefix]bool{}}
}

type connLimiter struct {
	net.Listener
	max     int
	trusted []netip.Prefix
	log     *slog.Logger

	mu     sync.Mutex
	open   map[netip.Prefix]int
	warned map[netip.Prefix]bool // logged once per burst, so a flood is one line
}

// tooManyConns is written to a refused connection: a browser shows it, and it costs the
// server nothing to send.
const tooManyConns = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nRetry-After: 10\r\nContent-Length: 51\r\n\r\nToo many connections from your address. Try again.\n"

func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key, counted := l.key(c.RemoteAddr())
		if !counted {
			return c, nil
		}
		l.mu.Lock()
		if l.open[key] >= l.max {
			first := !l.warned[key]
			l.warned[key] = true
			l.mu.Unlock()
			if first && l.log != nil {
				l.log.Warn("connection refused: too many open connections from one address", "addr", key.String(), "limit", l.max)
			}
			_ = c.SetWriteDeadline(time.Now().Add(time.Second))
			_, _ = c.Write([]byte(tooManyConns))
			_ = c.Close()
			continue
		}
		l.open[key]++
		l.mu.Unlock()
		return &countedConn{Conn: c, release: func() { l.release(key) }}, nil
	}
}

func (l *connLimiter) release(key netip.Prefix) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := l.open[key] - 1; n > 0 {
		l.open[key] = n
	} else {
		delete(l.open, key)
	}
	if l.open[key] < l.max {
		delete(l.warned, key)
	}
}

// key is the address a connection counts against, and false for one not counted (a
// trusted proxy, or an address that is not IP, such as a Unix socket's).
func (l *connLimiter) key(a net.Addr) (netip.Prefix, bool) {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Prefix{}, false
	}
	ip := ap.Addr().Unmap().WithZone("")
	for _, p := range l.trusted {
		if p.Contains(ip) {
			return netip.Prefix{}, false
		}
	}
	return broadside.ClientNetwork(ip)
}

type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// CloseWrite and ReadFrom pass through what net/http looks for on a *net.TCPConn: a
// half-close before closing a connection with an unread body (so an early answer such as
// 413 reaches the client instead of a reset), and sendfile for static files.
// replayConn (fastpath.go) wraps connections too and shares closeWrite and readFrom.
func (c *countedConn) CloseWrite() error { return closeWrite(c.Conn) }

func (c *countedConn) ReadFrom(r io.Reader) (int64, error) { return readFrom(c.Conn, r) }

// closeWrite and readFrom are the pass-through of both wrappers: the wrapped connection's
// method when it has one, else what net/http would do without it.
func closeWrite(c net.Conn) error {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func readFrom(c net.Conn, r io.Reader) (int64, error) {
	if rf, ok := c.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c}, r)
}
