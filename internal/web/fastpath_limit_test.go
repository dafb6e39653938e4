package web_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/web"
)

// TestFastPathConnectionLimit: under the per-address limit (connlimit.go), the fast path's
// connections count while open — a third from one address is refused with 503 while two
// kept-alive hits hold theirs — and give their place back when they close.
func TestFastPathConnectionLimit(t *testing.T) {
	ta := newTestApp(t, withCache())
	fs := startFastSite(t, ta, nil) // for the stored page and the reference server
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := web.NewFastServer(newHTTPServer(ta, nil), ta.App.Web)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(web.LimitConnsPerAddress(web.CoalesceWrites(ln), 2, nil, ta.App.Log)) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	}()
	addr := ln.Addr().String()
	var held []*client
	for range 2 {
		cl := dialClient(t, addr)
		cl.send(rawGet(fs.path))
		if r, _ := cl.response(); r.StatusCode != http.StatusOK || r.Header.Get("X-Cache") != "hit" {
			t.Fatalf("hit: %d %q", r.StatusCode, r.Header.Get("X-Cache"))
		}
		held = append(held, cl)
	}
	if got := exchange(t, addr, rawGet(fs.path)); !strings.HasPrefix(got, "HTTP/1.1 503 ") {
		t.Fatalf("a third connection: %q, want 503", head(got))
	}
	for _, cl := range held {
		cl.c.Close()
	}
	waitFor(t, "a new connection to be served once the others closed", func() bool {
		return strings.HasPrefix(exchange(t, addr, rawGet(fs.path, "Connection: close")), "HTTP/1.1 200 ")
	})
}
