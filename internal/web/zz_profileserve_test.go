package web_test

// TEMPORARY (benchmark diagnosis; removed after use).

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"os"
	"testing"
	"time"
)

func BenchmarkZZProfileServe(b *testing.B) {
	addr := os.Getenv("BROADSIDE_PROFILE_SERVE")
	if addr == "" {
		b.Skip("set BROADSIDE_PROFILE_SERVE=127.0.0.1:PORT")
	}
	ta := newBenchApp(b, true)
	go func() {
		for range time.Tick(10 * time.Millisecond) {
			ta.Clock.Advance(10 * time.Millisecond)
		}
	}()
	p, path := benchLoadSeed(b, ta)
	_ = p
	ta.App.Web.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	b.Logf("path %s", path)
	if os.Getenv("BROADSIDE_PROFILE_WORKER") != "" {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go ta.App.RunBackground(ctx)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: ta.App.Web}
	go srv.Serve(ln)
	d, _ := time.ParseDuration(os.Getenv("BROADSIDE_PROFILE_FOR"))
	time.Sleep(d)
	srv.Close()
}
