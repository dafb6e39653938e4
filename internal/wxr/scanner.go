package wxr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// The scanner is the Reader's XML tokenizer. It was encoding/xml's Decoder, which allocated
// about 125 times per comment (each name twice, each token boxed, each text copied) and was a
// third of an import's CPU. The scanner keeps the decoder's behaviour, checks and error
// messages (scanner_test.go compares the two token by token, errors and positions included)
// but works on one reusable buffer: names are compared as bytes, text is handed out as a
// slice valid until the next token, prefixes are resolved once per declaration, and
// comments, processing instructions and directives are checked and dropped.

type tokKind uint8

const (
	tokStart tokKind = iota + 1
	tokEnd
	tokText
)

// nsClass is what the Reader needs to know of an element's namespace.
type nsClass uint8

const (
	clsOther   nsClass = iota
	clsRSS             // no namespace: RSS 2.0's own elements
	clsWP              // any WXR version's namespace, http or https, or an undeclared wp:
	clsExcerpt         // WordPress's excerpt namespace, or an undeclared excerpt:
	clsContent         // content:, declared or not
	clsDC              // dc:, declared or not
)

func classify(space string) nsClass {
	switch {
	case space == "":
		return clsRSS
	case space == "wp" || isWPNamespace(space, ""):
		return clsWP
	case space == "excerpt" || isWPNamespace(space, "excerpt/"):
		return clsExcerpt
	case space == nsContent || space == "content":
		return clsContent
	case space == nsDC || space == "dc":
		return clsDC
	}
	return clsOther
}

// elem is an open element: its raw name ends at q in scanner.names (and starts where the
// previous one ends), its namespace and where its start tag began.
type elem struct {
	q     int
	space string
	class nsClass
	pos   Pos
}

// tagAttr is an attribute of the current start tag: its name at [ns, le) from the start of the
// tag, the local part from ls, its decoded value at [vs, ve) in scanner.abuf.
type tagAttr struct{ ns, ls, le, vs, ve int }

type nsSave struct {
	depth  int
	prefix string
	old    string
	had    bool
}

type scanner struct {
	src      io.Reader
	buf      []byte
	pos, end int   // buf[pos:end] is read and not yet consumed
	base     int64 // input offset of buf[0]
	eof      bool
	rerr     error // the input's error other than io.EOF
	limit    int   // bytes one token may span

	line      int
	lineStart int64 // input offset where line starts

	// The current token. local and text are valid until the next call of next.
	kind  tokKind
	at    Pos // where it starts
	local []byte
	space string
	class nsClass
	text  []byte

	tag   []byte // the start tag just read, attributes' names point into it
	attrs []tagAttr
	abuf  []byte
	tbuf  []byte

	pendingEnd bool // a self-closing element's end comes next
	names      []byte
	elems      []elem
	ns         map[string]string
	saved      []nsSave
	prefixes   map[string]string // undeclared prefixes, each allocated once
	nameOK     map[string]bool   // non-ASCII names, checked once each
	lastSpace  string
	lastClass  nsClass

	charset func(label string, input io.Reader) (io.Reader, error)
}

const chunk = 64 << 10

var (
	piEnd    = []byte("?>")
	dashes   = []byte("--")
	cdataEnd = []byte("]]>")
)

// errTokenTooLarge is what the scanner returns once a token (a text run, CDATA section,
// comment or tag) outgrows its limit; the Reader turns it into an *Error naming the
// element. The limit is checked as the token is read, so refusing a huge one costs the
// limit, never the input.
var errTokenTooLarge = errors.New("wxr: token too large")

// tokenSlack is what a token may take beyond the text limit: the markup around the text.
const tokenSlack = 64 << 10

func newScanner(src io.Reader, limit int, charset func(string, io.Reader) (io.Reader, error)) *scanner {
	return &scanner{src: src, buf: make([]byte, chunk), limit: limit, line: 1, charset: charset,
		ns: map[string]string{}, prefixes: map[string]string{}}
}

// offset is where the next token starts in the input (after any charset conversion).
func (s *scanner) offset() int64 { return s.base + int64(s.pos) }

// posAt is the line and column of the byte k bytes after pos.
func (s *scanner) posAt(k int) Pos {
	seg := s.buf[s.pos : s.pos+k]
	line, start := s.line, s.lineStart
	if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		line += n
		start = s.base + int64(s.pos+bytes.LastIndexByte(seg, '\n')+1)
	}
	return Pos{line, int(s.base+int64(s.pos+k)-start) + 1}
}

func (s *scanner) advance(k int) {
	seg := s.buf[s.pos : s.pos+k]
	if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		s.line += n
		s.lineStart = s.base + int64(s.pos+bytes.LastIndexByte(seg, '\n')+1)
	}
	s.pos += k
}

// more reads until at least k bytes follow pos. It returns io.EOF when the input ends
// first, errTokenTooLarge when the token would outgrow the limit, or the input's error.
func (s *scanner) more(k int) error {
	for s.end-s.pos < k {
		if s.eof {
			if s.rerr != nil {
				return s.rerr
			}
			return io.EOF
		}
		have := s.end - s.pos
		if have >= s.limit {
			return errTokenTooLarge
		}
		if s.pos > 0 && s.end+chunk/4 > len(s.buf) {
			if have < chunk/2 && len(s.buf) > 1<<20 {
				s.buf = make([]byte, chunk) // let a huge element's buffer go
			}
			copy(s.buf, s.buf[s.pos:s.end])
			s.base += int64(s.pos)
			s.pos, s.end = 0, have
		}
		if s.end+chunk/4 > len(s.buf) {
			nb := make([]byte, 2*len(s.buf))
			copy(nb, s.buf[s.pos:s.end])
			s.base += int64(s.pos)
			s.buf, s.pos, s.end = nb, 0, have
		}
		free := s.buf[s.end:]
		if room := s.limit - have + 1; len(free) > room {
			free = free[:room]
		}
		n, err := s.src.Read(free)
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = err
			}
		}
	}
	return nil
}

// byteAt is the byte k bytes after pos, reading more input if needed.
func (s *scanner) byteAt(k int) (byte, error) {
	if s.pos+k < s.end {
		return s.buf[s.pos+k], nil
	}
	if err := s.more(k + 1); err != nil {
		return 0, err
	}
	return s.buf[s.pos+k], nil
}

// index finds sep at or after k bytes past pos, reading more input as needed; the result
// is relative to pos.
func (s *scanner) index(k int, sep []byte) (int, error) {
	for {
		if i := bytes.Index(s.buf[s.pos+k:s.end], sep); i >= 0 {
			return k + i, nil
		}
		k = max(k, s.end-s.pos-len(sep)+1)
		if err := s.more(s.end - s.pos + 1); err != nil {
			return 0, err
		}
	}
}

// fail is a well-formedness error k bytes after pos, where encoding/xml stops reading.
func (s *scanner) fail(k int, msg string) error {
	p := s.posAt(k)
	return syntaxError(p, &xml.SyntaxError{Msg: msg, Line: p.Line})
}

// failAt is fail for an error found on the byte at k, which encoding/xml has put back:
// when that byte is a newline, the decoder's column is 0 (its line start already moved).
func (s *scanner) failAt(k int, msg string) error {
	p := s.posAt(k)
	if s.pos+k < s.end && s.buf[s.pos+k] == '\n' {
		p.Col = 0
	}
	return syntaxError(p, &xml.SyntaxError{Msg: msg, Line: p.Line})
}

// failErr turns a read error at k into the Reader's error; io.EOF inside a token is
// encoding/xml's "unexpected EOF".
func (s *scanner) failErr(k int, err error) error {
	switch {
	case err == io.EOF:
		return s.fail(s.end-s.pos, "unexpected EOF")
	case errors.Is(err, errTokenTooLarge):
		return err
	}
	return syntaxError(s.posAt(min(k, s.end-s.pos)), err)
}

// next reads the next start tag, end tag or text. It returns io.EOF at the end of the
// input outside any element, errTokenTooLarge, or an *Error.
func (s *scanner) next() error {
	if s.pendingEnd {
		s.pendingEnd = false
		s.at = s.posAt(0)
		s.kind = tokEnd
		s.pop()
		return nil
	}
	for {
		s.at = s.posAt(0)
		c, err := s.byteAt(0)
		if err != nil {
			if err == io.EOF && len(s.elems) > 0 {
				return s.fail(0, "unexpected EOF")
			}
			if err == io.EOF || errors.Is(err, errTokenTooLarge) {
				return err
			}
			return syntaxError(s.at, err)
		}
		if c != '<' {
			return s.scanText()
		}
		c, err = s.byteAt(1)
		if err != nil {
			return s.failErr(1, err)
		}
		var done bool
		switch c {
		case '/':
			return s.endTag()
		case '?':
			err = s.procInst()
		case '!':
			done, err = s.bang()
		default:
			return s.startTag()
		}
		if err != nil || done {
			return err
		}
	}
}

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

func (s *scanner) startTag() error {
	ne, err := s.name(1, "expected element name after <")
	if err != nil {
		return err
	}
	if _, _, ok := splitName(s.buf[s.pos+1 : s.pos+ne]); !ok {
		return s.failAt(ne, "expected element name after <")
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
	s.tag = s.buf[s.pos : s.pos+k]
	prefix, local, _ := splitName(s.tag[1:ne])
	s.declare()
	s.local = local
	s.space = s.resolve(prefix, local)
	if s.space != s.lastSpace || s.space == "" { // an export has one or two namespaces in use
		s.lastSpace, s.lastClass = s.space, classify(s.space)
	}
	s.class = s.lastClass
	s.elems = append(s.elems, elem{q: len(s.names) + ne - 1, space: s.space, class: s.class, pos: s.at})
	s.names = append(s.names, s.tag[1:ne]...)
	s.advance(k)
	s.kind = tokStart
	s.pendingEnd = empty
	return nil
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
	}
	e, start := s.elems[depth-1], s.nameStart(depth-1)
	_, s.local, _ = splitName(s.names[start:e.q])
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

func (s *scanner) endTag() error {
	ne, err := s.name(2, "expected element name after </")
	if err != nil {
		return err
	}
	raw := s.buf[s.pos+2 : s.pos+ne]
	prefix, local, ok := splitName(raw)
	if !ok {
		return s.failAt(ne, "expected element name after </")
	}
	k := s.skipSpace(ne)
	c, err := s.byteAt(k)
	if err != nil {
		return s.failErr(k, err)
	}
	if c != '>' {
		return s.fail(k+1, "invalid characters between </"+string(local)+" and >")
	}
	k++
	n := len(s.elems)
	if n == 0 {
		return s.fail(k, "unexpected end element </"+string(local)+">")
	}
	if open := s.openName(n - 1); !bytes.Equal(open, raw) {
		oprefix, olocal, _ := splitName(open)
		if !bytes.Equal(olocal, local) {
			return s.fail(k, "element <"+string(olocal)+"> closed by </"+string(local)+">")
		}
		sp := string(prefix)
		if sp == "" {
			sp = `""`
		}
		return s.fail(k, "element <"+string(olocal)+"> in space "+string(oprefix)+" closed by </"+string(local)+"> in space "+sp)
	}
	s.advance(k)
	s.kind = tokEnd
	s.pop()
	return nil
}

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
