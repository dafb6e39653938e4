package app_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
)

// Serve caps connections per client address with the configured limit: the third
// connection from one address is refused while two slow requests hold it, and another
// address is still served.
func TestServeCapsConnectionsPerAddress(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.DataDir = dataDir(t, "")
	cfg.Limits.ConnsPerIP = 2
	a, err := app.Open(context.Background(), cfg, quietLog(), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	var conns []net.Conn
	defer func() {
		for _, c := range conns { // first, or shutdown waits for the slow requests
			c.Close()
		}
		cancel()
		<-served
	}()

	dial := func(from string) net.Conn {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 10 * time.Second}
		c, err := d.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		return c
	}
	status := func(c net.Conn) string {
		if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			return err.Error()
		}
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			return err.Error()
		}
		return strings.TrimSpace(line)
	}
	for range 2 {
		_, _ = io.WriteString(dial("127.0.0.1"), "POST /comments HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nauthor=")
	}
	if got := status(dial("127.0.0.1")); got == "HTTP/1.1 200 OK" || strings.Contains(got, "timeout") {
		t.Errorf("a third connection from one address: %q, want it refused at once", got)
	}
	if got := status(dial("127.0.0.2")); got != "HTTP/1.1 200 OK" {
		t.Errorf("another address: %q, want 200", got)
	}
}
