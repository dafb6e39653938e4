package web_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/web"
)

// serveLimited serves the fully wired app on a listener capped at max connections per
// address, and returns its address.
func serveLimited(t *testing.T, ta *testApp, max int, trusted []netip.Prefix) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: ta.App.Web, ReadHeaderTimeout: time.Minute}
	go func() { _ = srv.Serve(web.LimitConnsPerAddress(ln, max, trusted, ta.App.Log)) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// dialFrom opens a connection to addr from the loopback address from (127.0.0.1, 127.0.0.2:
// Linux answers the whole 127/8 on lo, so two "clients" share one machine).
func dialFrom(t *testing.T, from, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 10 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial from %s: %v", from, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// startSlowUpload begins a request and leaves it hanging, as a slow upload does.
func startSlowUpload(t *testing.T, c net.Conn) {
	t.Helper()
	if _, err := io.WriteString(c, "POST /comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nauthor="); err != nil {
		t.Fatal(err)
	}
}

// get sends a whole GET / on c and returns the status line, or the error that ended it.
func get(c net.Conn) (string, error) {
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line), err
}

// One address may hold max connections; the next is answered 503 and closed at once (no
// waiting for a timeout), another address is still served, and a closed connection gives
// its place back. A trusted proxy is not capped.
func TestConnectionCapPerAddress(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	const max = 3
	addr := serveLimited(t, ta, max, nil)
	var slow []net.Conn
	for range max {
		c := dialFrom(t, "127.0.0.1", addr)
		startSlowUpload(t, c)
		slow = append(slow, c)
	}
	// The server accepts connections in order, so the extra one is counted after them. It
	// is answered 503 and closed, or (when the request crosses the close) reset; never
	// left open.
	extra := dialFrom(t, "127.0.0.1", addr)
	_ = extra.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(extra, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	answer, err := io.ReadAll(extra)
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		t.Fatalf("the connection over the cap was left open: %v", err)
	}
	if err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("the connection over the cap ended with %v, want a 503 and a close", err)
	}
	if len(answer) > 0 && (!strings.HasPrefix(string(answer), "HTTP/1.1 503") || !strings.Contains(string(answer), "Too many connections")) {
		t.Fatalf("the connection over the cap was not refused: %q", answer)
	}

	if line, err := get(dialFrom(t, "127.0.0.2", addr)); err != nil || line != "HTTP/1.1 200 OK" {
		t.Fatalf("another address was not served: %q %v", line, err)
	}

	// Closing one of the slow uploads gives its place back, once the server has noticed.
	slow[0].Close()
	for deadline := time.Now().Add(10 * time.Second); ; {
		line, _ := get(dialFrom(t, "127.0.0.1", addr))
		if line == "HTTP/1.1 200 OK" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no place came free after a connection closed: %q", line)
		}
	}
}

func TestConnectionCapSkipsTrustedProxy(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	addr := serveLimited(t, ta, 2, []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")})
	for range 4 {
		startSlowUpload(t, dialFrom(t, "127.0.0.1", addr))
	}
	if line, err := get(dialFrom(t, "127.0.0.1", addr)); err != nil || line != "HTTP/1.1 200 OK" {
		t.Fatalf("a trusted proxy's fifth connection was not served: %q %v", line, err)
	}
}
