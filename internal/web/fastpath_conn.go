package web

import (
	"fmt"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
)

// fastConn is one connection while the fast path holds it: it reads each request head
// into buf, and answers it when serveHit does; the first request serveHit declines, or
// that the parser does not take, goes with the connection to net/http (handOff).
type fastConn struct {
	srv      *FastServer
	c        net.Conn // as accepted: closing it releases the connection limit's count
	raw      net.Conn // reads, deadlines and writev go to it: the TCP connection under c, else c
	remote   string
	accepted time.Time
	state    atomic.Int32 // connNew, connActive, connIdle, connShut

	buf   []byte // the bytes read and not yet answered are buf[r:w]
	r, w  int
	first time.Time // when the current request's first bytes arrived
	head  fastHead
	again bool // a request was answered: the next one's head is timed from its first bytes

	// Reused from request to request: nothing keeps them past serveHit.
	req        http.Request
	url        url.URL
	header     http.Header
	vals       []string
	resp       hitResponse
	out        []byte
	keys       []string
	vec        [2][]byte
	bufs       net.Buffers
	lastTarget string // a connection asks for the same page again and again (wrk, a
	lastHost   string // browser reloading): the same string serves again
}

const (
	connNew = iota
	connActive
	connIdle
	connShut
)

// fastBufSize is the read buffer: a request head longer than this goes to net/http,
// which reads heads up to the server's MaxHeaderBytes.
const fastBufSize = 4 << 10

func newFastConn(s *FastServer, c net.Conn, now time.Time) *fastConn {
	fc := &fastConn{srv: s, c: c, raw: rawConnOf(c), remote: c.RemoteAddr().String(), accepted: now,
		buf: make([]byte, fastBufSize), header: http.Header{}, vals: make([]string, 0, maxFastFields),
		resp: hitResponse{header: http.Header{}}}
	return fc
}

// rawConnOf finds the TCP connection under the listener wrappers (underConn), or c itself
// when there is none.
func rawConnOf(c net.Conn) net.Conn {
	switch v := underConn(c).(type) {
	case *net.TCPConn:
		return v
	case *holdConn:
		return v.TCPConn
	}
	return c
}

// serve answers requests until the connection closes or goes to net/http.
func (fc *fastConn) serve() {
	s := fc.srv
	defer func() {
		if err := recover(); err != nil {
			s.logf("http: panic serving %v: %v", fc.remote, err)
			fc.close()
		}
	}()
	t := s.timeouts()
	_ = fc.raw.SetReadDeadline(after(fc.accepted, t.header))
	for {
		switch fc.readHead(t) {
		case fastOther:
			s.handOff(fc, t)
			return
		case fastMore: // the connection ended, failed or timed out: net/http says nothing either
			fc.close()
			return
		}
		r, ok := fc.request()
		if !ok {
			s.handOff(fc, t)
			return
		}
		w := &fc.resp
		w.reset()
		if !s.Web.serveHit(w, r) {
			s.handOff(fc, t)
			return
		}
		s.served.Add(1)
		keep, err := fc.respond(r, t)
		if err != nil || !keep {
			fc.close()
			return
		}
		fc.r += fc.head.n
		fc.again = true
		if fc.r == fc.w {
			fc.r, fc.w = 0, 0
			if !fc.state.CompareAndSwap(connActive, connIdle) {
				fc.close()
				return
			}
			_ = fc.raw.SetReadDeadline(after(time.Now(), t.idle))
		} else {
			fc.first = time.Now() // a pipelined request: its time starts now, as net/http's
		}
	}
}

// readHead reads until buf[r:] starts with a whole request head the parser takes
// (fastDone), one it does not (fastOther), or the connection fails (fastMore).
func (fc *fastConn) readHead(t timeouts) int {
	headerDeadline := false
	for {
		if fc.r < fc.w {
			switch v := parseFastHead(fc.buf[fc.r:fc.w], &fc.head); v {
			case fastDone, fastOther:
				return v
			}
			if fc.w-fc.r == len(fc.buf) {
				return fastOther // too long for the fast path
			}
			if fc.r > 0 {
				fc.w = copy(fc.buf, fc.buf[fc.r:fc.w])
				fc.r = 0
			}
			if !headerDeadline && fc.again {
				// The head must be whole within ReadHeaderTimeout of its first bytes (the
				// first request's, of the connection's start: set in serve).
				headerDeadline = true
				_ = fc.raw.SetReadDeadline(fc.headerDeadline(t))
			}
		}
		n, err := fc.raw.Read(fc.buf[fc.w:])
		if n > 0 {
			if fc.r == fc.w {
				fc.first = time.Now()
				if st := fc.state.Load(); st == connShut || st != connActive && !fc.state.CompareAndSwap(st, connActive) {
					return fastMore // Shutdown closed it
				}
			}
			fc.w += n
			continue
		}
		if err != nil {
			return fastMore
		}
	}
}

// headerDeadline is when the head of the request being read must be whole, as net/http
// times it: from the connection's start for its first request, else from its first bytes.
func (fc *fastConn) headerDeadline(t timeouts) time.Time {
	if !fc.again {
		return after(fc.accepted, t.header)
	}
	return after(fc.first, t.header)
}

// after is the deadline d after from; none when d is not positive, as net/http reads a
// zero timeout.
func after(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return from.Add(d)
}

// request builds the http.Request serveHit reads, as net/http would have built it from
// the same head; false when the target is one url.ParseRequestURI refuses.
func (fc *fastConn) request() (*http.Request, bool) {
	h := &fc.head
	b := fc.buf[fc.r : fc.r+h.n]
	target := intern(&fc.lastTarget, b[h.target.from:h.target.to])
	host := intern(&fc.lastHost, b[h.host.from:h.host.to])
	u := &fc.url
	if plainPath(target) {
		*u = url.URL{Path: target}
		if i := strings.IndexByte(target, '?'); i >= 0 {
			u.Path, u.RawQuery = target[:i], target[i+1:]
			u.ForceQuery = u.RawQuery == ""
		}
	} else {
		p, err := url.ParseRequestURI(target)
		if err != nil {
			return nil, false
		}
		*u = *p
	}
	hdr := fc.header
	clear(hdr)
	fc.vals = fc.vals[:0]
	if h.nf > 0 {
		// One string for the header lines; a Referer is copied out of it, as the audience
		// count keeps it for a while (and should not keep the rest of the head with it).
		from := h.fieldsFrom
		lines := string(b[from:h.n])
		for _, f := range h.fields[:h.nf] {
			key := http.CanonicalHeaderKey(lines[f.name.from-from : f.name.to-from])
			v := lines[f.value.from-from : f.value.to-from]
			if key == "Referer" {
				v = strings.Clone(v)
			}
			if vv, ok := hdr[key]; ok {
				hdr[key] = append(vv, v)
				continue
			}
			fc.vals = append(fc.vals, v)
			hdr[key] = fc.vals[len(fc.vals)-1 : len(fc.vals) : len(fc.vals)]
		}
		if hp := hdr["Pragma"]; len(hp) > 0 && hp[0] == "no-cache" { // as net/http's readRequest
			if _, ok := hdr["Cache-Control"]; !ok {
				hdr["Cache-Control"] = []string{"no-cache"}
			}
		}
	}
	method, proto := http.MethodGet, "HTTP/1.1"
	if h.head {
		method = http.MethodHead
	}
	if h.minor == 0 {
		proto = "HTTP/1.0"
	}
	fc.req = http.Request{Method: method, URL: u, Proto: proto, ProtoMajor: 1, ProtoMinor: int(h.minor),
		Header: hdr, Body: http.NoBody, Host: host, RemoteAddr: fc.remote, RequestURI: target,
		Close: h.conn == connClose || h.minor == 0 && h.conn != connKeepAlive}
	return &fc.req, true
}

// intern returns b as a string, last's when it is the same.
func intern(last *string, b []byte) string {
	if string(b) != *last {
		*last = string(b)
	}
	return *last
}

// hitResponse is the http.ResponseWriter serveHit writes to on the fast path: it keeps
// the status, the headers and the body (the cached page's own bytes, not copied) for
// respond.
type hitResponse struct {
	header http.Header
	status int
	body   []byte
	owned  bool // body is a copy (a second Write)
}

func (w *hitResponse) reset() {
	clear(w.header)
	w.status, w.body, w.owned = 0, nil, false
}

func (w *hitResponse) Header() http.Header { return w.header }

func (w *hitResponse) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *hitResponse) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	switch {
	case w.body == nil:
		w.body = p
	case !w.owned:
		w.body, w.owned = append(slices.Clip(w.body), p...), true
	default:
		w.body = append(w.body, p...)
	}
	return len(p), nil
}

// respond writes the response serveHit left in fc.resp as net/http's response writer
// would (chunkWriter.writeHeader: the same status line, the handler's headers sorted,
// then Date, Content-Length, Content-Type and Connection where net/http adds them), the
// head and body in one writev. keep says whether the connection stays open.
func (fc *fastConn) respond(r *http.Request, t timeouts) (keep bool, err error) {
	w := &fc.resp
	h := w.header
	code := w.status
	if code == 0 {
		code = http.StatusOK
	}
	isHEAD := r.Method == http.MethodHead
	bodyOK := bodyAllowedForStatus(code)
	keepAlives := !fc.srv.shutting.Load()
	is11 := r.ProtoMinor == 1

	var autoLength, sniffed string
	hasCL := false
	if v := h.Get("Content-Length"); v != "" {
		_, perr := strconv.ParseUint(v, 10, 63)
		hasCL = perr == nil
	} else if bodyOK && (!isHEAD || len(w.body) > 0) {
		autoLength, hasCL = strconv.Itoa(len(w.body)), true
	}
	if bodyOK {
		if _, ok := h["Content-Type"]; !ok && h.Get("Content-Encoding") == "" && len(w.body) > 0 {
			sniffed = http.DetectContentType(w.body)
		}
	} else {
		delete(h, "Content-Length")
		if code == http.StatusNotModified {
			delete(h, "Content-Type")
		}
	}
	delete(h, "Transfer-Encoding")

	closeAfter, connection := false, ""
	wants10KeepAlive := !is11 && fc.head.conn == connKeepAlive
	if wants10KeepAlive && (isHEAD || hasCL || !bodyOK) {
		if _, set := h["Connection"]; !set {
			connection = "keep-alive"
		}
	} else if !is11 || r.Close {
		closeAfter = true
	}
	handlerClose := h.Get("Connection") == "close"
	if handlerClose || !keepAlives {
		closeAfter = true
	}
	if closeAfter && (!keepAlives || !handlerClose) {
		delete(h, "Connection")
		connection = ""
		if is11 {
			connection = "close"
		}
	}

	now := time.Now()
	out := fc.out[:0]
	if is11 {
		out = append(out, "HTTP/1.1 "...)
	} else {
		out = append(out, "HTTP/1.0 "...)
	}
	if text := http.StatusText(code); text != "" {
		out = strconv.AppendInt(out, int64(code), 10)
		out = append(append(append(out, ' '), text...), "\r\n"...)
	} else {
		out = fmt.Appendf(out, "%03d status code %d\r\n", code, code)
	}
	keys := fc.keys[:0]
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !httpguts.ValidHeaderFieldName(k) {
			continue // net/http drops them too (the same test)
		}
		for _, v := range h[k] {
			if strings.ContainsAny(v, "\r\n") {
				v = headerNewlineToSpace.Replace(v)
			}
			v = textproto.TrimString(v)
			out = append(append(append(append(out, k...), ": "...), v...), "\r\n"...)
		}
	}
	if _, ok := h["Date"]; !ok {
		out = appendDate(append(out, "Date: "...), now)
		out = append(out, "\r\n"...)
	}
	if autoLength != "" {
		out = append(append(append(out, "Content-Length: "...), autoLength...), "\r\n"...)
	}
	if sniffed != "" {
		out = append(append(append(out, "Content-Type: "...), sniffed...), "\r\n"...)
	}
	if connection != "" {
		out = append(append(append(out, "Connection: "...), connection...), "\r\n"...)
	}
	out = append(out, "\r\n"...)
	fc.out, fc.keys = out, keys[:0]

	if t.write > 0 {
		_ = fc.raw.SetWriteDeadline(now.Add(t.write))
	}
	body := w.body
	if isHEAD || !bodyOK {
		body = nil
	}
	if len(body) == 0 {
		_, err = fc.raw.Write(out)
	} else {
		fc.vec = [2][]byte{out, body}
		fc.bufs = fc.vec[:]
		_, err = fc.bufs.WriteTo(fc.raw)
		fc.vec = [2][]byte{}
	}
	w.body = nil
	return !closeAfter, err
}

var headerNewlineToSpace = strings.NewReplacer("\n", " ", "\r", " ")

func bodyAllowedForStatus(code int) bool {
	return !(code >= 100 && code <= 199 || code == http.StatusNoContent || code == http.StatusNotModified)
}

// The Date header changes once a second; formatting it is not free.
type dateStamp struct {
	sec int64
	b   []byte
}

var lastDate atomic.Pointer[dateStamp]

func appendDate(out []byte, now time.Time) []byte {
	sec := now.Unix()
	if d := lastDate.Load(); d != nil && d.sec == sec {
		return append(out, d.b...)
	}
	d := &dateStamp{sec, now.UTC().AppendFormat(nil, http.TimeFormat)}
	lastDate.Store(d)
	return append(out, d.b...)
}

// close closes the connection (and releases its count in the connection limit).
func (fc *fastConn) close() {
	_ = fc.c.Close()
	fc.srv.untrack(fc)
}
