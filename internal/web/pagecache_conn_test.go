package web_test

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/web"
)

// writeSyscalls returns how many write system calls this process has made (Linux's
// /proc/self/io syscw: write, writev and the like).
func writeSyscalls(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		t.Skipf("no /proc/self/io to count write system calls: %v", err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "syscw: "); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no syscw in /proc/self/io: %s", b)
	return 0
}

// TestCachedHitOneWrite: over a real connection, wired as `broadside serve` wires it
// (CoalesceWrites under the per-address limit, ConnContext), a cache hit on a page larger
// than net/http's 4 KiB write buffer leaves in one write system call, headers and body
// together, as nginx's tcp_nopush sends a file; it used to take two (the buffer, then the
// rest), each a trip through the TCP stack. The answers are byte for byte those of the
// handler, on one kept-alive connection, plain and gzip, GET and HEAD.
func TestCachedHitOneWrite(t *testing.T) {
	ta := newTestApp(t, withCache())
	admin := ta.user("a@example.org", broadside.RoleEditor)
	var long strings.Builder
	for i := range 400 {
		long.WriteString("A paragraph long enough to make the page larger than one write buffer, number " + strconv.Itoa(i) + ".\n\n")
	}
	p := ta.publish(admin, "A long read", long.String())
	path := ta.postPath(p)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: ta.App.Web, ReadHeaderTimeout: time.Minute, ConnContext: web.ConnContext}
	go func() { _ = srv.Serve(web.LimitConnsPerAddress(web.CoalesceWrites(ln), 16, nil, ta.App.Log)) }()
	t.Cleanup(func() { _ = srv.Close() })
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rd := bufio.NewReader(c)
	do := func(method, enc string) (*http.Response, []byte) {
		t.Helper()
		_ = c.SetDeadline(time.Now().Add(time.Minute))
		req := method + " " + path + " HTTP/1.1\r\nHost: " + ln.Addr().String() + "\r\n"
		if enc != "" {
			req += "Accept-Encoding: " + enc + "\r\n"
		}
		if _, err := io.WriteString(c, req+"\r\n"); err != nil {
			t.Fatal(err)
		}
		r, err := http.ReadResponse(rd, &http.Request{Method: method})
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		return r, body
	}
	_, first := do(http.MethodGet, "") // renders and stores it
	want := string(first)
	if len(want) < 3*4096 {
		t.Fatalf("the page is %d bytes, too small to need more than one buffer", len(want))
	}
	const n = 40
	before := writeSyscalls(t)
	for range n {
		r, body := do(http.MethodGet, "")
		if r.StatusCode != http.StatusOK || r.Header.Get("X-Cache") != "hit" || string(body) != want ||
			r.Header.Get("Content-Length") != strconv.Itoa(len(want)) || r.Header.Get("X-Request-Id") == "" {
			t.Fatalf("hit: %d, X-Cache %q, Content-Length %q, %d bytes (want %d)", r.StatusCode, r.Header.Get("X-Cache"),
				r.Header.Get("Content-Length"), len(body), len(want))
		}
	}
	// Each request is one write from the client here and, from the server, one answer: one
	// write with the coalescing, two without (3n in all). The room left below 3n is for the
	// runtime's own writes (waking its network poller writes to an eventfd).
	got := writeSyscalls(t) - before
	t.Logf("%d cache hits: %d write system calls", n, got)
	if got > n*2+n*3/4 {
		t.Errorf("%d cache hits made %d write system calls: want about %d (one per request, one per answer)", n, got, 2*n)
	}
	r, gz := do(http.MethodGet, "gzip")
	if r.Header.Get("Content-Encoding") != "gzip" || len(gz) == 0 || bytes.Equal(gz, []byte(want)) || r.Header.Get("X-Cache") != "hit" {
		t.Errorf("gzip hit: Content-Encoding %q, X-Cache %q, %d bytes", r.Header.Get("Content-Encoding"), r.Header.Get("X-Cache"), len(gz))
	}
	r, body := do(http.MethodHead, "")
	if r.StatusCode != http.StatusOK || len(body) != 0 || r.Header.Get("Content-Length") != strconv.Itoa(len(want)) {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %q", r.StatusCode, len(body), r.Header.Get("Content-Length"))
	}
	if r, body := do(http.MethodGet, ""); string(body) != want || r.Header.Get("X-Cache") != "hit" {
		t.Errorf("after HEAD on the same connection: %d bytes, X-Cache %q", len(body), r.Header.Get("X-Cache"))
	}
}
