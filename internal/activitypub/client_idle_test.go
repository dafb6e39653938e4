package activitypub

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TestClientKeepsFewIdleConnections: after requests to many distinct hosts (a fan-out), the
// federation client keeps at most MaxIdleConns connections open for reuse. It used to keep one
// per host (two goroutines and their buffers each) for 90 seconds, the largest part of the
// server's memory during a 10,000-follower fan-out.
func TestClientKeepsFewIdleConnections(t *testing.T) {
	var mu sync.Mutex
	open := map[net.Conn]bool{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		switch s {
		case http.StateNew:
			open[c] = true
		case http.StateClosed, http.StateHijacked:
			delete(open, c)
		}
	}
	srv.Start()
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := NewClient(true) // .localhost names dial 127.0.0.1: each name is a distinct host
	const hosts = 3 * MaxIdleConns
	for i := range hosts {
		res, err := c.Post(fmt.Sprintf("http://h%d.localhost:%s/inbox", i, port), "application/activity+json", nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	// The client closes the connections it does not keep at once; the server notices each
	// close when it reads the end of its stream, so wait (generously) for the count to settle.
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(open)
		mu.Unlock()
		if n <= MaxIdleConns {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still open after requests to %d hosts; want at most %d", n, hosts, MaxIdleConns)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
