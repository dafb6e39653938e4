package web_test

import (
	"strings"
	"testing"
)

// TestFastPathDesync: requests built to make two HTTP parsers disagree about where a
// request ends (request smuggling) or what it asks for. Each is sent followed by a plain
// request for the page on the same connection, the probe that shows a desync: the fast
// server's whole answer must be net/http's (the request ids, dates and X-Cache aside), and
// the fast path must have answered none of them itself — it hands each to net/http — but
// the few marked fast, which are plain requests in an unusual spelling.
func TestFastPathDesync(t *testing.T) {
	ta := newTestApp(t, withCache())
	fs := startFastSite(t, ta, nil)
	p := fs.path
	probe := rawGet(p, "Connection: close")
	line := func(method, target, proto string) string { return method + " " + target + " " + proto + "\r\n" }
	host := "Host: " + siteHost + "\r\n"
	cases := []struct {
		name string
		raw  string
		fast bool
	}{
		// Body framing.
		{"CL and TE", line("GET", p, "HTTP/1.1") + host + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false},
		{"TE and CL", line("GET", p, "HTTP/1.1") + host + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", false},
		{"TE chunked", line("GET", p, "HTTP/1.1") + host + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false},
		{"TE identity", line("GET", p, "HTTP/1.1") + host + "Transfer-Encoding: identity\r\n\r\n", false},
		{"TE obfuscated", line("GET", p, "HTTP/1.1") + host + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", false},
		{"TE with a tab", line("GET", p, "HTTP/1.1") + host + "Transfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n", false},
		{"CL with a body", line("GET", p, "HTTP/1.1") + host + "Content-Length: 5\r\n\r\nhello", false},
		{"CL smuggling a request", line("GET", p, "HTTP/1.1") + host + "Content-Length: 44\r\n\r\n" +
			line("GET", "/no-such-page/", "HTTP/1.1") + "Host: x\r\n\r\n", false},
		{"CL twice, equal", line("GET", p, "HTTP/1.1") + host + "Content-Length: 0\r\nContent-Length: 0\r\n\r\n", false},
		{"CL twice, different", line("GET", p, "HTTP/1.1") + host + "Content-Length: 0\r\nContent-Length: 5\r\n\r\nhello", false},
		{"CL list", line("GET", p, "HTTP/1.1") + host + "Content-Length: 0, 5\r\n\r\nhello", false},
		{"CL signed", line("GET", p, "HTTP/1.1") + host + "Content-Length: +0\r\n\r\n", false},
		{"CL zero-padded", line("GET", p, "HTTP/1.1") + host + "Content-Length: 00\r\n\r\n", false},
		{"CL negative", line("GET", p, "HTTP/1.1") + host + "Content-Length: -1\r\n\r\n", false},
		{"CL zero", line("GET", p, "HTTP/1.1") + host + "Content-Length: 0\r\n\r\n", true},
		{"Expect", line("GET", p, "HTTP/1.1") + host + "Expect: 100-continue\r\n\r\n", false},
		{"Upgrade", line("GET", p, "HTTP/1.1") + host + "Connection: Upgrade\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n", false},
		{"Connection list", line("GET", p, "HTTP/1.1") + host + "Connection: keep-alive, Upgrade\r\n\r\n", false},
		{"Connection twice", line("GET", p, "HTTP/1.1") + host + "Connection: keep-alive\r\nConnection: close\r\n\r\n", false},
		// Line syntax.
		{"obs-fold", line("GET", p, "HTTP/1.1") + host + "X-Folded: a\r\n b\r\n\r\n", false},
		{"obs-fold first", line("GET", p, "HTTP/1.1") + " X-Folded: a\r\n" + host + "\r\n", false},
		{"folded Content-Length", line("GET", p, "HTTP/1.1") + host + "X-A: b\r\n Content-Length: 5\r\n\r\nhello", false},
		{"bare LF", "GET " + p + " HTTP/1.1\n" + "Host: " + siteHost + "\n\n", false},
		{"bare LF in a header", line("GET", p, "HTTP/1.1") + host + "X-A: b\nContent-Length: 5\r\n\r\nhello", false},
		{"bare CR", line("GET", p, "HTTP/1.1") + host + "X-A: b\rContent-Length: 5\r\n\r\nhello", false},
		{"NUL in a value", line("GET", p, "HTTP/1.1") + host + "X-A: b\x00c\r\n\r\n", false},
		{"NUL in the target", line("GET", p+"\x00", "HTTP/1.1") + host + "\r\n", false},
		{"control byte", line("GET", p, "HTTP/1.1") + host + "X-A: \x01\r\n\r\n", false},
		{"DEL", line("GET", p, "HTTP/1.1") + host + "X-A: \x7f\r\n\r\n", false},
		{"byte over 0x7f", line("GET", p, "HTTP/1.1") + host + "X-A: caf\xc3\xa9\r\n\r\n", false},
		{"space before the colon", line("GET", p, "HTTP/1.1") + "Host : " + siteHost + "\r\n\r\n", false},
		{"no colon", line("GET", p, "HTTP/1.1") + host + "X-A b\r\n\r\n", false},
		{"empty name", line("GET", p, "HTTP/1.1") + host + ": b\r\n\r\n", false},
		{"invalid name", line("GET", p, "HTTP/1.1") + host + "X(A): b\r\n\r\n", false},
		{"long header line", line("GET", p, "HTTP/1.1") + host + "X-Long: " + strings.Repeat("a", 5000) + "\r\n\r\n", false},
		{"headers over the server's limit", line("GET", p, "HTTP/1.1") + host + strings.Repeat("X-Long: "+strings.Repeat("a", 1000)+"\r\n", 70) + "\r\n", false},
		{"many headers", line("GET", p, "HTTP/1.1") + host + strings.Repeat("X-A: b\r\n", 40) + "\r\n", false},
		{"long target", line("GET", p+"?utm_source="+strings.Repeat("a", 5000), "HTTP/1.1") + host + "\r\n", false},
		// The request line.
		{"absolute-form", line("GET", "http://"+siteHost+p, "HTTP/1.1") + "Host: other.example\r\n\r\n", false},
		{"absolute-form, other host", line("GET", "http://other.example"+p, "HTTP/1.1") + host + "\r\n", false},
		{"asterisk", line("OPTIONS", "*", "HTTP/1.1") + host + "\r\n", false},
		{"authority-form", line("CONNECT", siteHost+":80", "HTTP/1.1") + host + "\r\n", false},
		{"double slash", line("GET", "/"+p, "HTTP/1.1") + host + "\r\n", false},
		{"dot segments", line("GET", "/a/.."+p, "HTTP/1.1") + host + "\r\n", false},
		{"fragment", line("GET", p+"#x", "HTTP/1.1") + host + "\r\n", false},
		{"bad escape", line("GET", p+"%zz", "HTTP/1.1") + host + "\r\n", false},
		{"encoded slash", line("GET", strings.Replace(p, "/", "%2F", 2), "HTTP/1.1") + host + "\r\n", false},
		{"two spaces", "GET  " + p + " HTTP/1.1\r\n" + host + "\r\n", false},
		{"tab separator", "GET\t" + p + " HTTP/1.1\r\n" + host + "\r\n", false},
		{"trailing space", "GET " + p + " HTTP/1.1 \r\n" + host + "\r\n", false},
		{"leading empty line", "\r\n" + line("GET", p, "HTTP/1.1") + host + "\r\n", false},
		{"HTTP/1.2", line("GET", p, "HTTP/1.2") + host + "\r\n", false},
		{"HTTP/2.0", line("GET", p, "HTTP/2.0") + host + "\r\n", false},
		{"HTTP/0.9", "GET " + p + "\r\n", false},
		{"lower-case version", line("GET", p, "http/1.1") + host + "\r\n", false},
		{"HTTP/01.1", line("GET", p, "HTTP/01.1") + host + "\r\n", false},
		{"h2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", false},
		// Methods.
		{"lower-case get", line("get", p, "HTTP/1.1") + host + "\r\n", false},
		{"GETS", line("GETS", p, "HTTP/1.1") + host + "\r\n", false},
		{"invalid method", line("G(T", p, "HTTP/1.1") + host + "\r\n", false},
		{"empty method", line("", p, "HTTP/1.1") + host + "\r\n", false},
		{"POST", line("POST", p, "HTTP/1.1") + host + "Content-Length: 0\r\n\r\n", false},
		{"PURGE", line("PURGE", p, "HTTP/1.1") + host + "\r\n", false},
		// Host.
		{"no Host", line("GET", p, "HTTP/1.1") + "\r\n", false},
		{"no Host, HTTP/1.0", line("GET", p, "HTTP/1.0") + "Connection: keep-alive\r\n\r\n", false},
		{"two Hosts", line("GET", p, "HTTP/1.1") + host + host + "\r\n", false},
		{"two different Hosts", line("GET", p, "HTTP/1.1") + host + "Host: other.example\r\n\r\n", false},
		{"empty Host", line("GET", p, "HTTP/1.1") + "Host: \r\n\r\n", false},
		{"Host with a path", line("GET", p, "HTTP/1.1") + "Host: " + siteHost + "/x\r\n\r\n", false},
		{"Host with user info", line("GET", p, "HTTP/1.1") + "Host: a@" + siteHost + "\r\n\r\n", false},
		{"Host upper case", line("GET", p, "HTTP/1.1") + "HOST: " + siteHost + "\r\n\r\n", true},
		{"Host IPv6", line("GET", p, "HTTP/1.1") + "Host: [::1]:80\r\n\r\n", false},
		// Truncated: the probe completes them, or they wait for it.
		{"cut in the request line", "GET " + p, false},
		{"cut in a header", line("GET", p, "HTTP/1.1") + host + "X-A: b", false},
	}
	for _, c := range cases {
		servedBefore, _ := fs.fs.Counts()
		raw := c.raw + probe
		got := normal(exchange(t, fs.fast, raw))
		served, _ := fs.fs.Counts()
		want := normal(exchange(t, fs.ref, raw))
		// Which of the two servers stores a page first decides hit or miss.
		if got, want := cacheHow.ReplaceAllString(got, "X-Cache: *\r"), cacheHow.ReplaceAllString(want, "X-Cache: *\r"); got != want {
			t.Errorf("%s: the fast server's answer differs from net/http's:\n got: %q\nwant: %q", c.name, head(got), head(want))
			logFirstDifference(t, got, want)
		}
		if answered := served > servedBefore; answered != c.fast {
			t.Errorf("%s: answered by the fast path: %v, want %v; net/http answers %q", c.name, answered, c.fast, head(want))
		}
	}
}
