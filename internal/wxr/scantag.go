package wxr

import (
	"bytes"
	"io"
	"unicode/utf8"
)

// Names, start and end tags, and namespaces, as encoding/xml's Decoder reads them.
// readName reads the bytes of a name starting k bytes after pos, as encoding/xml does:
// ASCII name characters and any byte above ASCII (checked later). It returns where the
// name ends and whether there was one.
func (s *scanner) readName(k int) (int, bool, error) {
	e := k
	for {
		for i := s.pos + e; i < s.end; i++ {
			if c := s.buf[i]; !nameByte[c] {
				e = i - s.pos
				return e, e > k, nil
			}
		}
		e = s.end - s.pos
		if err := s.more(e + 1); err != nil {
			return e, false, err
		}
	}
}

// nameByte is what readName takes: ASCII name characters and every byte above ASCII.
var nameByte = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= utf8.RuneSelf || isNameByte(byte(c))
	}
	return t
}()

func (s *scanner) skipSpace(k int) int {
	for {
		for i := s.pos + k; i < s.end; i++ {
			if c := s.buf[i]; c != ' ' && c != '\r' && c != '\n' && c != '\t' {
				return i - s.pos
			}
		}
		k = s.end - s.pos
		if s.more(k+1) != nil {
			return k
		}
	}
}

// name reads and checks a name at k, giving its end and, for a missing name, an error
// with msg; ok is false when there is no name.
func (s *scanner) name(k int, msg string) (int, error) {
	e, ok, err := s.readName(k)
	if err != nil {
		return e, s.failErr(e, err)
	}
	if !ok {
		return e, s.failAt(k, msg)
	}
	if b := s.buf[s.pos+k : s.pos+e]; !s.isName(b) {
		return e, s.failAt(e, "invalid XML name: "+string(b))
	}
	return e, nil
}

// elemName is name for an element's name, which must also split as prefix:local.
func (s *scanner) elemName(k int, msg string) (int, error) {
	ne, err := s.name(k, msg)
	if err != nil {
		return ne, err
	}
	if _, _, ok := splitName(s.buf[s.pos+k : s.pos+ne]); !ok {
		return ne, s.failAt(ne, msg)
	}
	return ne, nil
}

func (s *scanner) startTag() error {
	if s.plainStartTag() {
		return nil
	}
	ne, err := s.elemName(1, "expected element name after <")
	if err != nil {
		return err
	}
	s.attrs, s.abuf = s.attrs[:0], s.abuf[:0]
	k, empty := ne, false
	for {
		k = s.skipSpace(k)
		c, err := s.byteAt(k)
		if err != nil {
			return s.failErr(k, err)
		}
		if c == '/' {
			if c, err = s.byteAt(k + 1); err != nil {
				return s.failErr(k+1, err)
			}
			if c != '>' {
				return s.fail(k+2, "expected /> in element")
			}
			k, empty = k+2, true
			break
		}
		if c == '>' {
			k++
			break
		}
		an, err := s.name(k, "expected attribute name in element")
		if err != nil {
			return err
		}
		_, local, ok := splitName(s.buf[s.pos+k : s.pos+an])
		if !ok {
			return s.failAt(an, "expected attribute name in element")
		}
		a := tagAttr{ns: k, le: an, ls: an - len(local)}
		k = s.skipSpace(an)
		if c, err = s.byteAt(k); err != nil {
			return s.failErr(k, err)
		}
		if c != '=' {
			return s.fail(k+1, "attribute name without = in element")
		}
		k = s.skipSpace(k + 1)
		q, err := s.byteAt(k)
		if err != nil {
			return s.failErr(k, err)
		}
		if q != '"' && q != '\'' {
			return s.fail(k+1, "unquoted or missing attribute value in element")
		}
		if k, err = s.attrValue(k+1, q, &a); err != nil {
			return err
		}
		s.attrs = append(s.attrs, a)
	}
	prefix, local, _ := splitName(s.buf[s.pos+1 : s.pos+ne])
	s.open(k, ne, prefix, local, empty)
	s.advance(k)
	return nil
}

// plainStartTag reads the start tag at pos as startTag would when it is written plainly,
// as nearly every tag of an export is: '<', an ASCII name with at most one colon, '>', all in
// the buffer. Otherwise it reads nothing and returns false, and startTag reads the tag with
// every check and error. It saves startTag's passes over the name (read, check, split twice).
func (s *scanner) plainStartTag() bool {
	b := s.buf[s.pos+1 : s.end]
	colon, i := -1, 0
	for ; i < len(b) && plainNameByte[b[i]]; i++ {
		if b[i] == ':' {
			if colon >= 0 {
				return false
			}
			colon = i
		}
	}
	if i == 0 || i == len(b) || b[i] != '>' {
		return false
	}
	if c := b[0]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':') { // isName's ASCII rule
		return false
	}
	prefix, local := []byte(nil), b[:i]
	if colon > 0 && colon < i-1 { // splitName
		prefix, local = b[:colon], b[colon+1:i]
	}
	s.attrs, s.abuf = s.attrs[:0], s.abuf[:0]
	s.open(i+2, i+1, prefix, local, false)
	s.pos += i + 2 // no line ends in a plain tag
	return true
}

// plainNameByte is nameByte without the bytes above ASCII.
var plainNameByte = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = isNameByte(byte(c))
	}
	return t
}()

// open makes the start tag read at pos, k bytes long with its name ending at ne, the
// current token: the innermost open element, its namespace declarations in force. The
// caller then moves past it.
func (s *scanner) open(k, ne int, prefix, local []byte, empty bool) {
	s.tag = s.buf[s.pos : s.pos+k]
	s.declare()
	s.local = local
	s.space = s.resolve(prefix, local)
	if s.space != s.lastSpace || s.space == "" { // an export has one or two namespaces in use
		s.lastSpace, s.lastClass = s.space, classify(s.space)
	}
	s.class = s.lastClass
	q := len(s.names) + ne - 1
	s.elems = append(s.elems, elem{q: q, local: q - len(local), space: s.space, class: s.class, pos: s.at})
	s.names = append(s.names, s.tag[1:ne]...)
	s.kind = tokStart
	s.pendingEnd = empty
}

// attrValue reads a quoted value starting at k and returns where it ends (after the quote).
func (s *scanner) attrValue(k int, q byte, a *tagAttr) (int, error) {
	e := k
	for {
		if i := bytes.IndexByte(s.buf[s.pos+e:s.end], q); i >= 0 {
			e += i
			break
		}
		e = s.end - s.pos
		if err := s.more(e + 1); err != nil {
			if err == io.EOF { // encoding/xml takes the value as ended, then misses the '>'
				v, err := s.decode(s.abuf, k, e, q, true)
				if err != nil {
					return 0, err
				}
				if msg := checkChars(v[len(s.abuf):]); msg != "" {
					return 0, s.fail(e, msg)
				}
			}
			return 0, s.failErr(e, err)
		}
	}
	a.vs = len(s.abuf)
	var err error
	if s.abuf, err = s.decode(s.abuf, k, e, q, false); err != nil {
		return 0, err
	}
	a.ve = len(s.abuf)
	if msg := checkChars(s.abuf[a.vs:]); msg != "" {
		return 0, s.fail(e+1, msg)
	}
	return e + 1, nil
}

// attr returns the value of the current start tag's attribute whose local name is
// local, as encoding/xml's Attr.Name.Local would match it.
func (s *scanner) attr(local string) ([]byte, bool) {
	for i := len(s.attrs) - 1; i >= 0; i-- { // the last of a repeated attribute wins
		if a := s.attrs[i]; string(s.tag[a.ls:a.le]) == local {
			return s.abuf[a.vs:a.ve], true
		}
	}
	return nil, false
}

// declare binds the prefixes the current start tag's xmlns attributes declare, remembering
// the bindings they hide until the element ends (as encoding/xml's Token does).
func (s *scanner) declare() {
	for _, a := range s.attrs {
		var p string
		switch name := s.tag[a.ns:a.le]; {
		case a.ls > a.ns && string(s.tag[a.ns:a.ls-1]) == "xmlns":
			p = string(s.tag[a.ls:a.le])
		case string(name) == "xmlns":
			p = ""
		default:
			continue
		}
		old, had := s.ns[p]
		s.saved = append(s.saved, nsSave{depth: len(s.elems) + 1, prefix: p, old: old, had: had})
		s.ns[p] = string(s.abuf[a.vs:a.ve])
		s.nresolved = 0
	}
}

// resolve is encoding/xml's translate for an element name.
func (s *scanner) resolve(prefix, local []byte) string {
	switch {
	case string(prefix) == "xmlns":
		return "xmlns"
	case len(prefix) == 0 && string(local) == "xmlns":
		return ""
	case string(prefix) == "xml":
		return "http://www.w3.org/XML/1998/namespace"
	}
	for _, c := range s.resolved[:s.nresolved] {
		if c.prefix == string(prefix) {
			return c.space
		}
	}
	space := s.lookup(prefix)
	i := s.nresolved
	if i == len(s.resolved) {
		i, s.nextResolved = s.nextResolved, (s.nextResolved+1)%len(s.resolved)
	} else {
		s.nresolved++
	}
	s.resolved[i] = resolvedPrefix{prefix: string(prefix), space: space}
	return space
}

// resolvedPrefix is one of the last few answers of resolve: an export's elements use four
// or five prefixes, declared once, so this saves a map lookup per element. The answers are
// dropped whenever a binding changes (declare, pop).
type resolvedPrefix struct{ prefix, space string }

// lookup is resolve for a prefix the answers do not hold.
func (s *scanner) lookup(prefix []byte) string {
	if v, ok := s.ns[string(prefix)]; ok {
		return v
	}
	if len(prefix) == 0 {
		return ""
	}
	p, ok := s.prefixes[string(prefix)]
	if !ok {
		p = string(prefix)
		s.prefixes[p] = p
	}
	return p
}

// pop closes the innermost element and undoes its namespace declarations; the current
// token's name becomes its name.
func (s *scanner) pop() {
	depth := len(s.elems)
	for n := len(s.saved); n > 0 && s.saved[n-1].depth == depth; n-- {
		sv := s.saved[n-1]
		if sv.had {
			s.ns[sv.prefix] = sv.old
		} else {
			delete(s.ns, sv.prefix)
		}
		s.saved = s.saved[:n-1]
		s.nresolved = 0
	}
	e, start := s.elems[depth-1], s.nameStart(depth-1)
	s.local = s.names[e.local:e.q]
	s.space, s.class = e.space, e.class
	s.elems, s.names = s.elems[:depth-1], s.names[:start]
}

func (s *scanner) nameStart(i int) int {
	if i == 0 {
		return 0
	}
	return s.elems[i-1].q
}

// openName is the raw name of open element i.
func (s *scanner) openName(i int) []byte {
	return s.names[s.nameStart(i):s.elems[i].q]
}

// endTag reads an end tag. Nearly always it closes the open element, whose name was read
// and checked at its start tag: then the name needs no checking or splitting again. Any
// other end tag is an error, which badEndTag words as encoding/xml does.
func (s *scanner) endTag() error {
	n := len(s.elems)
	ne, ok, err := s.readName(2)
	if err != nil || !ok || n == 0 || !bytes.Equal(s.openName(n-1), s.buf[s.pos+2:s.pos+ne]) {
		return s.badEndTag()
	}
	k, err := s.endTagClose(ne)
	if err != nil {
		return err
	}
	s.advance(k)
	s.kind = tokEnd
	s.pop()
	return nil
}

// endTagClose reads the white space and '>' after an end tag's name, which ends ne bytes
// after pos, and returns the index past the '>'.
func (s *scanner) endTagClose(ne int) (int, error) {
	k := s.skipSpace(ne)
	c, err := s.byteAt(k)
	if err != nil {
		return 0, s.failErr(k, err)
	}
	if c != '>' {
		// Reading on may have moved the buffer: the name is sliced again from pos.
		_, local, _ := splitName(s.buf[s.pos+2 : s.pos+ne])
		return 0, s.fail(k+1, "invalid characters between </"+string(local)+" and >")
	}
	return k + 1, nil
}

// badEndTag is the error of an end tag that does not close the open element: a bad name,
// no element open, or another element's name.
func (s *scanner) badEndTag() error {
	ne, err := s.elemName(2, "expected element name after </")
	if err != nil {
		return err
	}
	k, err := s.endTagClose(ne)
	if err != nil {
		return err
	}
	prefix, local, _ := splitName(s.buf[s.pos+2 : s.pos+ne]) // after endTagClose, which may move the buffer
	n := len(s.elems)
	if n == 0 {
		return s.fail(k, "unexpected end element </"+string(local)+">")
	}
	oprefix, olocal, _ := splitName(s.openName(n - 1))
	if !bytes.Equal(olocal, local) {
		return s.fail(k, "element <"+string(olocal)+"> closed by </"+string(local)+">")
	}
	sp := string(prefix)
	if sp == "" {
		sp = `""`
	}
	return s.fail(k, "element <"+string(olocal)+"> in space "+string(oprefix)+" closed by </"+string(local)+"> in space "+sp)
}
