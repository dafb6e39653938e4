package wxr

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Processing instructions (the XML declaration's encoding switches the input to UTF-8),
// comments, CDATA openers and directives.

func (s *scanner) procInst() error {
	ne, err := s.name(2, "expected target name after <?")
	if err != nil {
		return err
	}
	target := s.buf[s.pos+2 : s.pos+ne]
	isXML := string(target) == "xml"
	k := s.skipSpace(ne)
	e, err := s.index(k, piEnd)
	if err != nil {
		return s.failErr(e, err)
	}
	var content string
	if isXML {
		content = string(s.buf[s.pos+k : s.pos+e])
	}
	s.advance(e + 2)
	if !isXML {
		return nil
	}
	if ver := procInst("version", content); ver != "" && ver != "1.0" {
		return syntaxError(s.posAt(0), fmt.Errorf("xml: unsupported version %q; only version 1.0 is supported", ver))
	}
	enc := procInst("encoding", content)
	if enc == "" || strings.EqualFold(enc, "utf-8") {
		return nil
	}
	// What follows the declaration is in enc: convert it, the bytes already read included.
	rest := bytes.Clone(s.buf[s.pos:s.end])
	r, err := s.charset(enc, io.MultiReader(bytes.NewReader(rest), s.src))
	if err != nil {
		return syntaxError(s.posAt(0), fmt.Errorf("xml: opening charset %q: %w", enc, err))
	}
	s.src, s.end, s.eof, s.rerr = r, s.pos, false, nil
	return nil
}

// bang reads what starts with <!: a comment or directive (dropped) or a CDATA section
// (done: the current token is its text).
func (s *scanner) bang() (bool, error) {
	c, err := s.byteAt(2)
	if err != nil {
		return false, s.failErr(2, err)
	}
	switch c {
	case '-':
		if c, err = s.byteAt(3); err != nil {
			return false, s.failErr(3, err)
		}
		if c != '-' {
			return false, s.fail(4, "invalid sequence <!- not part of <!--")
		}
		i, err := s.index(4, dashes)
		if err == nil {
			c, err = s.byteAt(i + 2)
		}
		if err != nil {
			return false, s.failErr(i, err)
		}
		if c != '>' {
			return false, s.fail(i+3, `invalid sequence "--" not allowed in comments`)
		}
		s.advance(i + 3)
		return false, nil
	case '[':
		for i := 0; i < 6; i++ {
			if c, err = s.byteAt(3 + i); err != nil {
				return false, s.failErr(3+i, err)
			}
			if c != "CDATA["[i] {
				return false, s.fail(4+i, "invalid <![ sequence")
			}
		}
		return true, s.scanCDATA()
	}
	return false, s.directive()
}

// directive skips <!DOCTYPE …> and the like as encoding/xml reads them: to the '>' that
// closes the '<', quoted brackets and comments not counting. Entities it declares are not
// expanded (as in encoding/xml): a billion laughs stays a few bytes.
func (s *scanner) directive() error {
	var inquote byte
	depth := 0
	k := 3
	for {
		c, err := s.byteAt(k)
		if err != nil {
			return s.failErr(k, err)
		}
		k++
		if inquote == 0 && c == '>' && depth == 0 {
			break
		}
	handle:
		switch {
		case c == inquote:
			inquote = 0
		case inquote != 0:
		case c == '\'' || c == '"':
			inquote = c
		case c == '>':
			depth--
		case c == '<':
			for i := 0; i < 3; i++ {
				if c, err = s.byteAt(k); err != nil {
					return s.failErr(k, err)
				}
				k++
				if c != "!--"[i] {
					depth++
					goto handle
				}
			}
			var b0, b1 byte
			for {
				if c, err = s.byteAt(k); err != nil {
					return s.failErr(k, err)
				}
				k++
				if b0 == '-' && b1 == '-' && c == '>' {
					break
				}
				b0, b1 = b1, c
			}
		}
	}
	s.advance(k)
	return nil
}

// procInst is encoding/xml's procInst: the value of param in a processing instruction.
func procInst(param, s string) string {
	param += "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}
