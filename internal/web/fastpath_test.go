package web_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/web"
)

// fastSite is one test app served twice: by a FastServer wired as `broadside serve` wires
// it (fast), and by net/http alone (ref), the reference the fast path must match.
type fastSite struct {
	ta        *testApp
	fs        *web.FastServer
	fast, ref string // addresses
	path      string // a published post's page
}

// siteHost is the Host every raw request sends, so both servers share the cached pages.
const siteHost = "blog.example"

func newHTTPServer(ta *testApp, tune func(*http.Server)) *http.Server {
	s := &http.Server{Handler: ta.App.Web, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10, ConnContext: web.ConnContext}
	if tune != nil {
		tune(s)
	}
	return s
}

func startFastSite(t *testing.T, ta *testApp, tune func(*http.Server)) *fastSite {
	t.Helper()
	admin := ta.user("fast@example.org", broadside.RoleEditor)
	p := ta.publish(admin, "Fast", "A body long enough to be worth compressing: "+strings.Repeat("words and more words ", 40))
	fs := &fastSite{ta: ta, path: ta.postPath(p)}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fs.fs = web.NewFastServer(newHTTPServer(ta, tune), ta.App.Web)
	served := make(chan error, 1)
	go func() { served <- fs.fs.Serve(web.LimitConnsPerAddress(web.CoalesceWrites(ln), 64, nil, ta.App.Log)) }()
	fs.fast = ln.Addr().String()

	rln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ref := newHTTPServer(ta, tune)
	go func() { _ = ref.Serve(web.CoalesceWrites(rln)) }()
	fs.ref = rln.Addr().String()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := fs.fs.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
		}
		_ = ref.Close()
	})
	// The miss that stores the page (through net/http, with the Host the tests send).
	if got := exchange(t, fs.ref, rawGet(fs.path, "Connection: close")); !strings.Contains(got, "X-Cache: miss") {
		t.Fatalf("first request: %q", head(got))
	}
	return fs
}

// rawGet is a GET of path on siteHost with the given header lines.
func rawGet(path string, lines ...string) string {
	return request("GET", path, "HTTP/1.1", lines...)
}

func request(method, path, proto string, lines ...string) string {
	var b strings.Builder
	b.WriteString(method + " " + path + " " + proto + "\r\nHost: " + siteHost + "\r\n")
	for _, l := range lines {
		b.WriteString(l + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

// exchange writes raw to a new connection to addr and returns everything the server sends
// until it closes the connection. A reset after the server's last answer (it closed with
// bytes of ours unread) ends the reading like a close.
func exchange(t *testing.T, addr, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	if _, err := io.WriteString(c, raw); err != nil && !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	if err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("reading the answer to %q: %v (after %q)", raw, err, got)
	}
	return string(got)
}

var (
	dateLine = regexp.MustCompile(`(?m)^Date: [^\r]*\r$`)
	idLine   = regexp.MustCompile(`(?m)^X-Request-Id: ([^\r]*)\r$`)
	stamp    = regexp.MustCompile(`name="ts" value="[^"]*"`)
	cacheHow = regexp.MustCompile(`(?m)^X-Cache: [^\r]*\r$`)
)

// normal masks what differs between two answers to one request: the date, the request id
// (in the header, and where an error page names it), and the comment form's random stamp
// in a page rendered for the request.
func normal(s string) string {
	for _, m := range idLine.FindAllStringSubmatch(s, -1) {
		s = strings.ReplaceAll(s, m[1], "*")
	}
	return stamp.ReplaceAllString(dateLine.ReplaceAllString(s, "Date: *\r"), `name="ts" value="*"`)
}

func head(s string) string {
	h, _, _ := strings.Cut(s, "\r\n\r\n")
	return h
}

// TestFastPathAnswersAsNetHTTP: for each request the fast path answers, the status line,
// every header in order (but the Date and request id values) and the body are byte for byte
// what net/http answers through the same serveHit: plain and gzip, HEAD, 304s, tracking
// parameters, HTTP/1.0 with and without keep-alive, Connection: close, cookies that do not
// personalise the page, header names in any case, a percent-encoded path, pipelining. The
// requests the fast path declines are answered the same too (by net/http, after it).
func TestFastPathAnswersAsNetHTTP(t *testing.T) {
	ta := newTestApp(t, withCache())
	fs := startFastSite(t, ta, nil)
	ref := exchange(t, fs.ref, rawGet(fs.path, "Connection: close"))
	etag := regexp.MustCompile(`(?m)^Etag: ("[^"]*")\r$`).FindStringSubmatch(ref)
	if etag == nil {
		t.Fatalf("no ETag in %q", head(ref))
	}
	gzTag := strings.TrimSuffix(etag[1], `"`) + `-gz"`
	escaped := strings.Replace(fs.path, "/", "/%66", 1)
	if strings.Contains(fs.path, "f") {
		escaped = strings.Replace(fs.path, "f", "%66", 1)
	}
	hit := func(path string, lines ...string) string {
		return rawGet(path, append(lines, "Connection: close")...)
	}
	cases := []struct {
		name string
		raw  string
		fast bool // the fast path answers it (else net/http does, the connection handed over)
	}{
		{"plain", hit(fs.path), true},
		{"gzip", hit(fs.path, "Accept-Encoding: gzip, deflate, br"), true},
		{"gzip refused", hit(fs.path, "Accept-Encoding: gzip;q=0, identity"), true},
		{"HEAD", request("HEAD", fs.path, "HTTP/1.1", "Connection: close"), true},
		{"HEAD gzip", request("HEAD", fs.path, "HTTP/1.1", "Accept-Encoding: gzip", "Connection: close"), true},
		{"If-None-Match", hit(fs.path, "If-None-Match: "+etag[1]), true},
		{"If-None-Match gzip", hit(fs.path, "Accept-Encoding: gzip", "If-None-Match: W/"+gzTag), true},
		{"If-None-Match other", hit(fs.path, `If-None-Match: "nope"`), true},
		{"If-Modified-Since", hit(fs.path, "If-Modified-Since: Sun, 01 Mar 2026 12:00:00 GMT"), true},
		{"tracking parameters", hit(fs.path + "?utm_source=social&fbclid=x1"), true},
		{"lone question mark", hit(fs.path + "?"), true},
		{"HTTP/1.0", request("GET", fs.path, "HTTP/1.0"), true},
		{"HTTP/1.0 keep-alive then close", request("GET", fs.path, "HTTP/1.0", "Connection: keep-alive") +
			request("GET", fs.path, "HTTP/1.0"), true},
		{"HEAD HTTP/1.0 keep-alive", request("HEAD", fs.path, "HTTP/1.0", "Connection: Keep-Alive") +
			hit(fs.path), true},
		{"keep-alive then close", rawGet(fs.path) + rawGet(fs.path, "Accept-Encoding: gzip") + hit(fs.path), true},
		{"a cookie of another kind", hit(fs.path, "Cookie: theme=dark; lang=fr"), true},
		{"lower-case names", hit(fs.path, "accept-encoding: gzip", "user-agent: Mozilla/5.0", "referer: https://news.example/a"), true},
		{"browser headers", hit(fs.path, "User-Agent: Mozilla/5.0 (X11; Linux x86_64)", "Accept: text/html,application/xhtml+xml",
			"Accept-Language: fr-FR,fr;q=0.9", "Accept-Encoding: gzip, deflate, br, zstd", "Referer: https://social.example/p/1",
			"Sec-Fetch-Mode: navigate", "Sec-CH-UA: \"Chromium\";v=\"131\"", "DNT: 1", "Upgrade-Insecure-Requests: 1",
			"Pragma: no-cache", "Cache-Control: no-cache"), true},
		{"percent-encoded path", hit(escaped), true},
		{"empty body declared", hit(fs.path, "Content-Length: 0"), true},
		{"white space around values", hit(fs.path, "Accept-Encoding: \t gzip \t"), true},
		{"pipelined hits and a miss", rawGet(fs.path) + rawGet(fs.path, "Accept-Encoding: gzip") + rawGet("/no-such-page/") + hit(fs.path), true},
		{"returning commenter", hit(fs.path, "Cookie: bs_commenter=x"), false},
		{"query", hit(fs.path + "?replytocom=1"), false},
		{"miss", hit("/no-such-page/"), false},
		{"POST", request("POST", "/comments", "HTTP/1.1", "Content-Length: 0", "Connection: close"), false},
	}
	for _, c := range cases {
		servedBefore, handedBefore := fs.fs.Counts()
		got := normal(exchange(t, fs.fast, c.raw))
		served, handed := fs.fs.Counts()
		want := normal(exchange(t, fs.ref, c.raw))
		if got != want {
			t.Errorf("%s: the fast path's answer differs from net/http's:\n got: %q\nwant: %q", c.name, head(got), head(want))
			logFirstDifference(t, got, want)
		}
		if !strings.HasPrefix(want, "HTTP/1.") {
			t.Errorf("%s: no answer: %q", c.name, want)
		}
		if answered := served > servedBefore; answered != c.fast {
			t.Errorf("%s: answered by the fast path: %v, want %v (handed over: %d)", c.name, answered, c.fast, handed-handedBefore)
		}
	}
}

func logFirstDifference(t *testing.T, got, want string) {
	t.Helper()
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Logf("first difference at byte %d: %q / %q", i, got[max(0, i-80):min(len(got), i+80)], want[max(0, i-80):min(len(want), i+80)])
			return
		}
	}
	t.Logf("lengths %d and %d", len(got), len(want))
}
