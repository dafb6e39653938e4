package web

import (
	"bufio"
	"bytes"
	"maps"
	"net/http"
	"slices"
	"testing"

	"golang.org/x/net/http/httpguts"
)

// FuzzParseFastHead: whatever the fast path's parser takes as a whole plain request head,
// net/http reads the same way — the same method, target, version, host and header fields,
// no body, the same keep-alive decision — and its server would accept (valid host, names
// and values). A head the parser is unsure of is net/http's, which is always safe; this
// checks it is never sure of something net/http reads differently. Every shorter prefix
// of a head it takes is "more", so a head that arrives in pieces is not handed over.
func FuzzParseFastHead(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"HEAD /p/?utm_source=x HTTP/1.0\r\nHost: a:80\r\nConnection: keep-alive\r\n\r\n",
		"GET /a%20b HTTP/1.1\r\nhost: A\r\nAccept-Encoding: gzip\r\nCookie: a=b\r\nCookie: c=d\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nPragma: no-cache\r\nX-A: \t b \t\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n",
		"GET /x HTTP/1.1\nHost: a\n\n",
		"GET http://a/x HTTP/1.1\r\nHost: b\r\n\r\n",
		"GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n",
		"GET /x?# HTTP/1.1\r\nHost: a\r\nReferer: https://b/\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var h fastHead
		if parseFastHead(b, &h) != fastDone {
			return
		}
		for i := range h.n {
			var p fastHead
			if v := parseFastHead(b[:i], &p); v != fastMore {
				t.Fatalf("the prefix %q of the head %q: %d, want more", b[:i], b[:h.n], v)
			}
		}
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(b[:h.n])))
		if err != nil {
			t.Fatalf("taken by the fast path, refused by net/http: %q: %v", b[:h.n], err)
		}
		method := http.MethodGet
		if h.head {
			method = http.MethodHead
		}
		if req.Method != method || req.RequestURI != string(b[h.target.from:h.target.to]) || req.ProtoMinor != int(h.minor) ||
			req.Host != string(b[h.host.from:h.host.to]) || !httpguts.ValidHostHeader(req.Host) ||
			req.ContentLength != 0 || len(req.TransferEncoding) != 0 || req.Body != http.NoBody {
			t.Fatalf("%q: net/http reads %s %q HTTP/1.%d, Host %q, length %d, TE %q; the fast path %s, %d, %q",
				b[:h.n], req.Method, req.RequestURI, req.ProtoMinor, req.Host, req.ContentLength, req.TransferEncoding,
				method, h.minor, b[h.host.from:h.host.to])
		}
		for k, vv := range req.Header {
			if !httpguts.ValidHeaderFieldName(k) || slices.ContainsFunc(vv, func(v string) bool { return !httpguts.ValidHeaderFieldValue(v) }) {
				t.Fatalf("%q: net/http's server refuses the field %q: %q", b[:h.n], k, vv)
			}
		}
		fc := &fastConn{buf: b, header: http.Header{}}
		fc.head = h
		r, ok := fc.request()
		if !ok {
			return // handed over
		}
		if !maps.EqualFunc(r.Header, req.Header, slices.Equal) || r.Host != req.Host || r.URL.Path != req.URL.Path ||
			r.URL.RawQuery != req.URL.RawQuery || r.Close != req.Close || r.Proto != req.Proto || r.RequestURI != req.RequestURI {
			t.Fatalf("%q: the fast path's request differs from net/http's:\n%q %q %q %q close=%v %s\n%q %q %q %q close=%v %s", b[:h.n],
				r.Header, r.Host, r.URL.Path, r.URL.RawQuery, r.Close, r.Proto,
				req.Header, req.Host, req.URL.Path, req.URL.RawQuery, req.Close, req.Proto)
		}
	})
}
