package wxr

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Byte classes for the fast path: text without them is handed out as it lies in the buffer.
const (
	fDecode = 1 << iota // '&', '\r' or ']': entities, line ends or a stray "]]>" to handle
	fCheck              // a control character or a byte above ASCII: check the characters
)

var byteFlags = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c == '&' || c == '\r' || c == ']':
			t[c] = fDecode
		case c >= utf8.RuneSelf || c < 0x20 && c != '\t' && c != '\n':
			t[c] = fCheck
		}
	}
	return t
}()

func flagsOf(b []byte) uint8 {
	var f uint8
	for _, c := range b {
		f |= byteFlags[c]
	}
	return f
}

// scanText reads character data up to the next '<' or the end of the input.
func (s *scanner) scanText() error {
	e, atEOF := 0, false
	for {
		if i := bytes.IndexByte(s.buf[s.pos+e:s.end], '<'); i >= 0 {
			e += i
			break
		}
		e = s.end - s.pos
		if err := s.more(e + 1); err != nil {
			if err != io.EOF {
				return s.failErr(e, err)
			}
			atEOF = true
			break
		}
	}
	s.text = s.buf[s.pos : s.pos+e]
	f := flagsOf(s.text)
	if f&fDecode != 0 {
		var err error
		if s.tbuf, err = s.decode(s.tbuf[:0], 0, e, 0, atEOF); err != nil {
			return err
		}
		s.text, f = s.tbuf, fCheck
	}
	if f&fCheck != 0 {
		if msg := checkChars(s.text); msg != "" {
			return s.fail(e, msg)
		}
	}
	s.advance(e)
	s.kind = tokText
	return nil
}

// scanCDATA reads a CDATA section whose "<![CDATA[" has been seen.
func (s *scanner) scanCDATA() error {
	const open = len("<![CDATA[")
	e, err := s.index(open, cdataEnd)
	if err == io.EOF {
		return s.fail(s.end-s.pos, "unexpected EOF in CDATA section")
	}
	if err != nil {
		return s.failErr(e, err)
	}
	s.text = s.buf[s.pos+open : s.pos+e]
	f := flagsOf(s.text)
	if f&fDecode != 0 && bytes.IndexByte(s.text, '\r') >= 0 {
		s.tbuf = s.tbuf[:0]
		var b1 byte
		for _, b := range s.text {
			switch {
			case b == '\r':
				s.tbuf = append(s.tbuf, '\n')
			case b1 == '\r' && b == '\n':
			default:
				s.tbuf = append(s.tbuf, b)
			}
			b1 = b
		}
		s.text = s.tbuf
	}
	if f&fCheck != 0 {
		if msg := checkChars(s.text); msg != "" {
			return s.fail(e+3, msg)
		}
	}
	s.advance(e + 3)
	s.kind = tokText
	return nil
}

// decode appends the text at [k, e) after pos to dst as encoding/xml's Decoder.text does:
// entities replaced, "\r\n" and "\r" made "\n", "]]>" refused in text and '<' in an
// attribute value (quote is its quote, 0 for text). The byte at e ends the run unless
// atEOF.
func (s *scanner) decode(dst []byte, k, e int, quote byte, atEOF bool) ([]byte, error) {
	run := s.buf[s.pos+k : s.pos+e]
	var b0, b1 byte
	for i := 0; i < len(run); i++ {
		b := run[i]
		if quote == 0 && b0 == ']' && b1 == ']' && b == '>' {
			return dst, s.fail(k+i+1, "unescaped ]]> not in CDATA section")
		}
		if b == '<' {
			return dst, s.fail(k+i+1, "unescaped < inside quoted string")
		}
		if b == '&' {
			var n int
			var err error
			if dst, n, err = s.entity(dst, run, i, k, atEOF); err != nil {
				return dst, err
			}
			b0, b1 = 0, 0
			i += n - 1
			continue
		}
		switch {
		case b == '\r':
			dst = append(dst, '\n')
		case b1 == '\r' && b == '\n':
		default:
			dst = append(dst, b)
		}
		b0, b1 = b1, b
	}
	return dst, nil
}

// entity decodes the reference starting with the '&' at run[i] (run starts k bytes after
// pos), appending its text to dst, and returns how many bytes it took. It accepts what
// encoding/xml accepts with Entity set to xml.HTMLEntity: the five XML entities, HTML's
// named ones, &#N; and &#xH; up to U+10FFFF. Entities a DOCTYPE declares are not expanded.
func (s *scanner) entity(dst, run []byte, i, k int, atEOF bool) ([]byte, int, error) {
	j := i + 1
	at := func(j int) (byte, bool) {
		if j < len(run) {
			return run[j], true
		}
		return '<', !atEOF // the byte that ended the run: neither ';' nor part of a name
	}
	eof := func() ([]byte, int, error) { return dst, 0, s.fail(s.end-s.pos, "unexpected EOF") }
	c, ok := at(j)
	if !ok {
		return eof()
	}
	var text string
	var have bool
	if c == '#' {
		j++
		if c, ok = at(j); !ok {
			return eof()
		}
		hex := c == 'x'
		if hex {
			j++
			if c, ok = at(j); !ok {
				return eof()
			}
		}
		var n uint64
		digits := 0
		for {
			d := uint64(0xFF)
			switch {
			case '0' <= c && c <= '9':
				d = uint64(c - '0')
			case hex && 'a' <= c && c <= 'f':
				d = uint64(c-'a') + 10
			case hex && 'A' <= c && c <= 'F':
				d = uint64(c-'A') + 10
			}
			if d == 0xFF {
				break
			}
			if n <= utf8.MaxRune {
				if hex {
					n = n*16 + d
				} else {
					n = n*10 + d
				}
			}
			digits++
			j++
			if c, ok = at(j); !ok {
				return eof()
			}
		}
		if c == ';' && digits > 0 && n <= utf8.MaxRune {
			return utf8.AppendRune(dst, rune(n)), j + 1 - i, nil
		}
	} else {
		for ; c >= utf8.RuneSelf || isNameByte(c); j++ {
			if c, ok = at(j + 1); !ok {
				return eof()
			}
		}
		if c == ';' {
			switch name := run[i+1 : j]; string(name) {
			case "lt":
				text, have = "<", true
			case "gt":
				text, have = ">", true
			case "amp":
				text, have = "&", true
			case "apos":
				text, have = "'", true
			case "quot":
				text, have = `"`, true
			default:
				text, have = xml.HTMLEntity[string(name)]
			}
			if have {
				return append(dst, text...), j + 1 - i, nil
			}
		}
	}
	if c == ';' {
		return dst, 0, s.fail(k+j+1, "invalid character entity "+string(run[i:j+1]))
	}
	return dst, 0, s.failAt(k+j, "invalid character entity "+string(run[i:j])+" (no semicolon)")
}

// checkChars returns encoding/xml's complaint about the first character of text that is
// not UTF-8 or not allowed in XML, or "".
func checkChars(b []byte) string {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return fmt.Sprintf("illegal character code %U", rune(c))
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return "invalid UTF-8"
		}
		if !(r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return fmt.Sprintf("illegal character code %U", r)
		}
		i += n
	}
	return ""
}

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

// isName is encoding/xml's check of a name read by readName. ASCII names are checked here;
// the rare name with other letters is asked of encoding/xml itself (as the target of a
// processing instruction, which it checks the same way), once per name.
func (s *scanner) isName(b []byte) bool {
	ascii := true
	for _, c := range b {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		c := b[0]
		return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':'
	}
	if ok, seen := s.nameOK[string(b)]; seen {
		return ok
	}
	_, err := xml.NewDecoder(strings.NewReader("<?" + string(b) + "?>")).RawToken()
	if s.nameOK == nil {
		s.nameOK = map[string]bool{}
	}
	if len(s.nameOK) < 1000 {
		s.nameOK[string(b)] = err == nil
	}
	return err == nil
}

// splitName is encoding/xml's nsname: prefix and local name, not ok with two colons.
func splitName(b []byte) (prefix, local []byte, ok bool) {
	i := -1
	for j, c := range b { // names are short: a loop beats IndexByte's call
		if c == ':' {
			if i >= 0 {
				return nil, nil, false
			}
			i = j
		}
	}
	if i <= 0 || i == len(b)-1 {
		return nil, b, true
	}
	return b[:i], b[i+1:], true
}
