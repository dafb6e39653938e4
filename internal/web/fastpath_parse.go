package web

// The fast path (fastpath.go) answers only requests it understands completely. This parser
// reads a request head byte by byte and says one of three things: the head is complete and
// plain (fastDone), it may become so with more bytes (fastMore), or it is anything else
// (fastOther) — another method, a body, an unusual header, a syntax net/http would reject
// or read differently — and then net/http gets the connection, the bytes read so far first,
// and answers it exactly as it would have without the fast path. Every doubt is fastOther:
// the parser never has to be as tolerant as net/http, only never more.

import "golang.org/x/net/http/httpguts"

const (
	fastMore = iota
	fastDone
	fastOther
)

// maxFastFields bounds the header lines of a request the fast path takes (a browser sends
// about fifteen).
const maxFastFields = 32

// fastHead is a parsed request head: offsets into the bytes it was parsed from.
type fastHead struct {
	n          int  // length of the head, the final CRLF CRLF included
	head       bool // HEAD, else GET
	minor      byte // HTTP/1.minor: 0 or 1
	target     span
	host       span
	conn       byte // connNone, connClose or connKeepAlive
	fieldsFrom int  // where the header lines start
	fields     [maxFastFields]field
	nf         int
}

type span struct{ from, to int }

type field struct{ name, value span }

const (
	connNone = iota
	connClose
	connKeepAlive
)

// parseFastHead parses the request head at the start of b into h.
func parseFastHead(b []byte, h *fastHead) int {
	*h = fastHead{fields: h.fields}
	i := 0
	switch {
	case hasPrefix(b, "GET "):
		i = 4
	case hasPrefix(b, "HEAD "):
		i, h.head = 5, true
	case prefixOf(b, "GET ") || prefixOf(b, "HEAD "):
		return fastMore
	default:
		return fastOther
	}
	// The request target: origin-form only (absolute-form, authority-form and * go to
	// net/http). Visible ASCII; what url.ParseRequestURI must look at is decided later.
	from := i
	for ; i < len(b) && b[i] != ' '; i++ {
		if b[i] <= ' ' || b[i] >= 0x7f {
			return fastOther
		}
	}
	if i == len(b) {
		return fastMore
	}
	if i == from || b[from] != '/' {
		return fastOther
	}
	h.target = span{from, i}
	i++
	rest := b[i:]
	const v11, v10 = "HTTP/1.1\r\n", "HTTP/1.0\r\n"
	switch {
	case len(rest) < len(v11):
		if prefixOf(rest, v11) || prefixOf(rest, v10) {
			return fastMore
		}
		return fastOther
	case hasPrefix(rest, v11):
		h.minor = 1
	case hasPrefix(rest, v10):
		h.minor = 0
	default:
		return fastOther
	}
	i += len(v11)
	h.fieldsFrom = i
	hosts, lengths, conns := 0, 0, 0
	for {
		if i+1 >= len(b) {
			return fastMore
		}
		if b[i] == '\r' {
			if b[i+1] != '\n' {
				return fastOther
			}
			h.n = i + 2
			break
		}
		// field-name ":" OWS field-value OWS CRLF. A line starting with white space
		// (obs-fold), a space before the colon, a bare LF or CR, a control byte or a byte
		// over 0x7e: net/http's.
		ns := i
		for i < len(b) && httpguts.IsTokenRune(rune(b[i])) {
			i++
		}
		if i == len(b) {
			return fastMore
		}
		if b[i] != ':' || i == ns {
			return fastOther
		}
		name := span{ns, i}
		i++
		vs := i
		for i < len(b) && (b[i] == '\t' || b[i] >= ' ' && b[i] < 0x7f) {
			i++
		}
		if i+1 >= len(b) {
			return fastMore
		}
		if b[i] != '\r' || b[i+1] != '\n' {
			return fastOther
		}
		ve := i
		i += 2
		for vs < ve && (b[vs] == ' ' || b[vs] == '\t') {
			vs++
		}
		for ve > vs && (b[ve-1] == ' ' || b[ve-1] == '\t') {
			ve--
		}
		value := span{vs, ve}
		n, v := b[name.from:name.to], b[vs:ve]
		switch {
		case equalFold(n, "Host"):
			hosts++
			if hosts > 1 || !plainHost(v) {
				return fastOther
			}
			h.host = value
			continue // net/http takes it out of the header map too
		case equalFold(n, "Content-Length"):
			// A GET may say its body is empty; anything else is body framing.
			lengths++
			if lengths > 1 || string(v) != "0" {
				return fastOther
			}
		case equalFold(n, "Transfer-Encoding"), equalFold(n, "Expect"), equalFold(n, "Upgrade"):
			return fastOther
		case equalFold(n, "Connection"):
			conns++
			switch {
			case conns > 1:
				return fastOther
			case equalFold(v, "close"):
				h.conn = connClose
			case equalFold(v, "keep-alive"):
				h.conn = connKeepAlive
			default:
				return fastOther
			}
		}
		if h.nf == maxFastFields {
			return fastOther
		}
		h.fields[h.nf] = field{name, value}
		h.nf++
	}
	if hosts != 1 {
		return fastOther // HTTP/1.1 requires one; an HTTP/1.0 request without it is left to net/http
	}
	return fastDone
}

// plainHost reports whether v is a host[:port] of letters, digits, dots, dashes, and the
// brackets and colons of an IPv6 literal: a subset of what net/http accepts.
func plainHost(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	for _, c := range v {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '.' || c == '-' || c == ':' || c == '[' || c == ']') {
			return false
		}
	}
	return true
}

// plainPath reports whether a request target is a path and query that url.ParseRequestURI
// reads as they are: the path has nothing to unescape or re-escape (no %, no character
// outside unreserved, sub-delims that stay as they are, ':', '@' and '/'), the query no '#'.
// Other targets are parsed by url.ParseRequestURI itself.
func plainPath(t string) bool {
	i := 0
	for ; i < len(t) && t[i] != '?'; i++ {
		c := t[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c == '$' || c == '&' ||
			c == '+' || c == ',' || c == ':' || c == ';' || c == '=' || c == '@') {
			return false
		}
	}
	for ; i < len(t); i++ {
		if t[i] == '#' {
			return false
		}
	}
	return true
}

func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}

// prefixOf reports whether b is the start of s.
func prefixOf(b []byte, s string) bool {
	return len(b) <= len(s) && string(b) == s[:len(b)]
}

// equalFold is ASCII case-insensitive equality of b and s.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c, d := b[i], s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}
