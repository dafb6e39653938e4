package wxr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
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
	local int // where its local name starts in scanner.names
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
	// resolved are resolve's last answers, the first nresolved of them; nextResolved is the
	// one to replace next.
	resolved     [6]resolvedPrefix
	nresolved    int
	nextResolved int
	lastClass    nsClass

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

// lineAt is the line of the byte k bytes after pos and the input offset where that line
// starts.
func (s *scanner) lineAt(k int) (line int, start int64) {
	seg := s.buf[s.pos : s.pos+k]
	if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		return s.line + n, s.base + int64(s.pos+bytes.LastIndexByte(seg, '\n')+1)
	}
	return s.line, s.lineStart
}

// posAt is the line and column of the byte k bytes after pos.
func (s *scanner) posAt(k int) Pos {
	if k == 0 { // every token's start: no bytes to count
		return Pos{s.line, int(s.base+int64(s.pos)-s.lineStart) + 1}
	}
	line, start := s.lineAt(k)
	return Pos{line, int(s.base+int64(s.pos+k)-start) + 1}
}

func (s *scanner) advance(k int) {
	s.line, s.lineStart = s.lineAt(k)
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
		if have < chunk/2 && len(s.buf) > 1<<20 { // let a huge element's buffer go
			nb := make([]byte, chunk)
			copy(nb, s.buf[s.pos:s.end])
			s.base += int64(s.pos)
			s.buf, s.pos, s.end = nb, 0, have
		}
		if s.pos > 0 && s.end+chunk/4 > len(s.buf) {
			copy(s.buf, s.buf[s.pos:s.end])
			s.base += int64(s.pos)
			s.pos, s.end = 0, have
		}
		if s.end+chunk/4 > len(s.buf) {
			nb := make([]byte, min(2*len(s.buf), s.limit+chunk))
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
	if cap(s.tbuf) > 1<<20 || cap(s.abuf) > 1<<20 { // let a huge element's copies go
		s.tbuf, s.abuf = nil, nil
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
