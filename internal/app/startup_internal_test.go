package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/testdb"
)

// TestServeWaitsForTheListener: a node on PostgreSQL answers nothing until it hears other
// nodes' invalidations, because a page served (and cached) before LISTEN could miss a change
// announced in between. The listener is held back and a /readyz is queued before Serve
// starts; the first answer must be 200, i.e. given after the listener connected. (The
// hold-back only forces the order; nothing here asserts a duration.)
func TestServeWaitsForTheListener(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.DB = testdb.Postgres(t)
	a, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	release := make(chan struct{})
	a.beforeListen = func() {
		select {
		case <-release:
		case <-time.After(2 * time.Second):
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := io.WriteString(c, "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	defer func() { close(release); cancel(); <-served }()
	b, _ := io.ReadAll(c)
	if first, _, _ := strings.Cut(string(b), "\r\n"); first != "HTTP/1.1 200 OK" {
		t.Fatalf("the first request a new node answered: %q, want 200 (listener connected before serving)\n%s", first, b)
	}
}
