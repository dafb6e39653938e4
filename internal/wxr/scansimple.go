package wxr

import "bytes"

var cdataOpen = []byte("<![CDATA[")

// tokensOnly turns simpleText and skipBlank off, for the tests that hold them to reading
// token by token.
var tokensOnly bool

// simpleText is a shortcut through the element just started for the shape nearly every
// element of an export has: one text run or one CDATA section (or nothing), then the
// element's own end tag written plainly (`</name>`). When the buffer already holds all of
// it, the text needs no decoding (no entity, no carriage return, no "]]" in plain text), its
// characters pass checkChars and it is at most max bytes long, simpleText consumes it and
// the end tag as next would (lines counted, the element popped, the end tag the current
// token) and returns the text, valid until the next token. Otherwise it reads nothing and
// returns false: the caller reads the element token by token, which finds any error and
// words it as always. So the shortcut never changes what is read or reported, only how fast
// (reader_test.go's skim tests hold it to that).
func (s *scanner) simpleText(max int) ([]byte, bool) {
	if s.pendingEnd || len(s.elems) == 0 || tokensOnly {
		return nil, false
	}
	b := s.buf[s.pos:s.end]
	var text []byte
	k := 0 // where the end tag starts in b
	if bytes.HasPrefix(b, cdataOpen) {
		e := bytes.Index(b[len(cdataOpen):], cdataEnd)
		if e < 0 {
			return nil, false
		}
		text = b[len(cdataOpen) : len(cdataOpen)+e]
		k = len(cdataOpen) + e + len(cdataEnd)
		f := flagsOf(text)
		if f&fDecode != 0 && bytes.IndexByte(text, '\r') >= 0 {
			return nil, false
		}
		if f&fCheck != 0 && checkChars(text) != "" {
			return nil, false
		}
	} else {
		k = bytes.IndexByte(b, '<')
		if k < 0 {
			return nil, false
		}
		text = b[:k]
		if f := flagsOf(text); f&fDecode != 0 || f&fCheck != 0 && checkChars(text) != "" {
			return nil, false
		}
	}
	if len(text) > max {
		return nil, false
	}
	name := s.openName(len(s.elems) - 1)
	end := b[k:]
	if len(end) < len(name)+3 || end[0] != '<' || end[1] != '/' || !bytes.Equal(end[2:2+len(name)], name) || end[2+len(name)] != '>' {
		return nil, false
	}
	s.advance(k)
	s.at = s.posAt(0)
	s.pos += len(name) + 3 // no line ends in the end tag
	s.kind = tokEnd
	s.pop()
	return text, true
}

// skipBlank consumes the white space (spaces, tabs, line feeds) at pos when the buffer holds
// a '<' after it: the text between an export's elements, which the Reader's loops over
// child elements read as a token only to drop it. It reads nothing more, and such text
// cannot be an error, so nothing read or reported changes; anything else is left to next.
func (s *scanner) skipBlank() {
	if s.pendingEnd || tokensOnly {
		return
	}
	line, start := s.line, s.lineStart
	for i := s.pos; i < s.end; i++ {
		switch s.buf[i] {
		case ' ', '\t':
		case '\n':
			line, start = line+1, s.base+int64(i)+1
		case '<':
			s.pos, s.line, s.lineStart = i, line, start
			return
		default:
			return
		}
	}
}
