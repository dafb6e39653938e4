package web

import (
	"context"
	"io"
	"net"
)

// net/http writes a response through a 4 KiB buffer: a page larger than that leaves in two
// writes, the buffer (status line, headers and the body's first few kilobytes) and then the
// rest of the body. Each write is a trip through the kernel's TCP stack, and on loopback or
// a fast link the first one goes out as its own small packet. nginx avoids this with
// TCP_CORK (tcp_nopush); a cache hit does it by holding the buffer's write back and sending
// both in one writev (holdNext, release). Measured in docs/benchmarks.md, "Issue 11 (session
// 6)".

// CoalesceWrites wraps the connections ln accepts so that a cache hit can send its headers
// and body in one system call. Use it with ConnContext on the http.Server.
func CoalesceWrites(ln net.Listener) net.Listener { return coalescer{ln} }

type coalescer struct{ net.Listener }

func (l coalescer) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		return &holdConn{TCPConn: tc}, nil
	}
	return c, nil
}

type connKey struct{}

// ConnContext is the http.Server's ConnContext: it lets a handler find its connection's
// holdConn (holdConnOf).
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if hc, ok := underConn(c).(*holdConn); ok {
		return context.WithValue(ctx, connKey{}, hc)
	}
	return ctx
}

// underConn is the connection under the wrappers put around an accepted one: the fast
// path's hand-over (replayConn, fastpath.go) and the connection limit's count (countedConn,
// connlimit.go). It is a *holdConn (CoalesceWrites), a *net.TCPConn or another.
func underConn(c net.Conn) net.Conn {
	if rc, ok := c.(*replayConn); ok {
		c = rc.Conn
	}
	if cc, ok := c.(*countedConn); ok {
		c = cc.Conn
	}
	return c
}

func holdConnOf(ctx context.Context) *holdConn {
	hc, _ := ctx.Value(connKey{}).(*holdConn)
	return hc
}

// holdConn is a TCP connection that can keep one write back to send it with the next.
// net/http writes to a connection from the goroutine serving its request only, so the
// fields need no lock.
type holdConn struct {
	*net.TCPConn
	holding bool
	held    []byte
}

// holdNext makes the next write wait for the one after it (or for release). On a nil
// holdConn (a connection not wrapped: TLS, tests' servers) it does nothing.
func (c *holdConn) holdNext() {
	if c != nil {
		c.holding = true
	}
}

// release ends holdNext, writing what is still held.
func (c *holdConn) release() error {
	if c == nil {
		return nil
	}
	c.holding = false
	if len(c.held) == 0 {
		return nil
	}
	_, err := c.TCPConn.Write(c.held)
	c.held = c.held[:0]
	return err
}

func (c *holdConn) Write(p []byte) (int, error) {
	if c.holding {
		c.holding = false
		c.held = append(c.held[:0], p...)
		return len(p), nil
	}
	if len(c.held) == 0 {
		return c.TCPConn.Write(p)
	}
	held := len(c.held)
	bufs := net.Buffers{c.held, p}
	n, err := bufs.WriteTo(c.TCPConn)
	c.held = c.held[:0]
	if n < int64(held) {
		return 0, err
	}
	return int(n) - held, err
}

// ReadFrom keeps net/http's sendfile for static files.
func (c *holdConn) ReadFrom(r io.Reader) (int64, error) {
	if err := c.release(); err != nil {
		return 0, err
	}
	return c.TCPConn.ReadFrom(r)
}
