package wxr

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"golang.org/x/net/html/charset"
)

// MaxText is the default bound on the text of one element (a post's content, say). WordPress's
// editor makes nothing near it (a post with a dozen images pasted in as data: URLs is a few
// MiB); a larger value is a damaged or hostile file. The bound is enforced while the element
// streams in, so refusing it costs a small multiple of the bound, never of the input.
const MaxText = 32 << 20

// maxDepth bounds how deeply elements may nest: an export nests four or five levels, and a
// file of nothing but start tags would otherwise grow the reader's stack with the input.
const maxDepth = 10000

// Namespaces of the elements WXR uses besides WordPress's own.
const (
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
	nsWFW     = "http://wellformedweb.org/CommentAPI/"
)

type state int

const (
	stDoc     state = iota // before the root element
	stRSS                  // inside <rss>
	stChannel              // inside <channel>
	stItem                 // inside an <item>
	stEnd                  // after </rss>
)

// Reader reads a WXR file record by record. Use NewReader, then call Next until io.EOF.
type Reader struct {
	s      *scanner
	filter *filterReader
	st     state
	queue  []Record
	err    error
	next   Pos // where the current token starts

	site       Site
	siteOut    bool
	hasVersion bool
	sawChannel bool

	item      *Item
	itemOut   bool
	lateField bool

	maxText int
	tbuf    []byte // the text of the element being read
	// cbuf holds the text fields of the comment being read, which become one string
	// (cspans say where each field's text is).
	cbuf   []byte
	cspans []cspan
	// nextField is where fieldNamed looks first in commentFields.
	nextField int
	stopAt    int64 // a Split's offset: Next returns ErrSplit there (split.go)
	sawItem   bool

	splitSrc  io.ReaderAt // SplitAt's request, until it is tried
	splitFrom int64
	splitSize int64
	split     *Split

	// SkipBodies makes the reader check the text of every post's and comment's content as
	// it always does but keep none of it (Item.Content and Comment.Content stay empty): a
	// first pass that needs only ids and dates then copies no bodies.
	SkipBodies bool
	// OnlyCommentIDs makes comments carry only Pos, ItemID, ID, Parent, UserID and Meta: their other
	// fields are checked as always (well-formed, within the size bound) but left empty, so
	// a first pass that needs a comment's place in its thread makes no string of it. Every
	// comment is then the same *Comment, valid until the next call of Next: the pass keeps
	// what it needs of each and allocates nothing per comment.
	OnlyCommentIDs bool
	idComment      Comment
}

// NewReader returns a Reader of the WXR document in r. Input that is not UTF-8 is converted
// when its XML declaration names the encoding.
func NewReader(r io.Reader) *Reader { return NewReaderLimit(r, MaxText) }

// NewReaderLimit is NewReader with another bound than MaxText on one element's text (and on
// any single tag, comment or CDATA section), in bytes.
func NewReaderLimit(r io.Reader, maxText int) *Reader {
	if maxText <= 0 {
		maxText = MaxText
	}
	f := newFilterReader(r)
	return &Reader{s: newScanner(f, maxText+tokenSlack, charset.NewReaderLabel), filter: f, next: Pos{1, 1}, maxText: maxText}
}

// Offset returns how many bytes of the input have been read, for progress reports.
func (r *Reader) Offset() int64 { return r.s.offset() }

// Next returns the next record, or io.EOF after the end of the document. A malformed or
// foreign file yields an *Error (wrapped nowhere: use AsError or a type assertion); after
// an error every call returns it again.
func (r *Reader) Next() (Record, error) {
	for len(r.queue) == 0 {
		if r.err != nil {
			return nil, r.err
		}
		if r.stopAt > 0 && r.s.offset() >= r.stopAt {
			return nil, ErrSplit
		}
		r.err = r.step()
		if r.splitSrc != nil {
			r.prepareSplit()
		}
	}
	rec := r.queue[0]
	copy(r.queue, r.queue[1:])
	r.queue[len(r.queue)-1] = nil
	r.queue = r.queue[:len(r.queue)-1]
	return rec, nil
}

func (r *Reader) push(rec Record) { r.queue = append(r.queue, rec) }

func (r *Reader) warn(pos Pos, format string, args ...any) {
	r.push(&Warning{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// token reads the next start tag, end tag or text (r.s.kind), noting where it starts.
// io.EOF means the input ended where a document may end; any other error is an *Error.
func (r *Reader) token() (tokKind, error) {
	err := r.s.next()
	r.next = r.s.at
	switch {
	case err == nil:
		if r.s.kind == tokStart && len(r.s.elems) > maxDepth {
			return 0, &Error{Pos: r.next, Msg: fmt.Sprintf("elements are nested more than %d deep", maxDepth),
				Hint: "A WordPress export nests a few levels: the file is damaged or is not an export. " + hintReexport}
		}
		return r.s.kind, nil
	case err == io.EOF:
		if r.filter.err != nil {
			return 0, r.filter.err
		}
		return 0, io.EOF
	case errors.Is(err, errTokenTooLarge):
		return 0, r.tooLarge()
	}
	return 0, err
}

// is reports whether the element just started is local in the namespace class c.
func (r *Reader) is(c nsClass, local string) bool {
	return r.s.class == c && string(r.s.local) == local
}

func (r *Reader) step() error {
	if r.st == stItem { // not between the channel's children, where a Split may stop the reader
		r.s.skipBlank()
	}
	k, err := r.token()
	if err == io.EOF {
		if r.st == stDoc {
			return &Error{Pos: r.next, Msg: "the file contains no XML element: it is empty or not an XML file", Hint: hintNotExport}
		}
		return io.EOF
	}
	if err != nil {
		return err
	}
	switch k {
	case tokStart:
		return r.start()
	case tokEnd:
		return r.end()
	}
	return nil
}

func (r *Reader) start() error {
	pos := r.next
	switch r.st {
	case stDoc:
		if string(r.s.local) != "rss" {
			return &Error{Pos: pos, Msg: fmt.Sprintf("this is not a WordPress export: the document is <%s>, an export is an <rss> document", r.s.local), Hint: hintNotExport}
		}
		r.st = stRSS
		return nil
	case stRSS:
		if r.is(clsRSS, "channel") && !r.sawChannel {
			r.sawChannel = true
			r.site.Pos = pos
			r.st = stChannel
			return nil
		}
		return r.skip()
	case stChannel:
		return r.channelChild(pos)
	case stItem:
		return r.itemChild(pos)
	}
	return r.skip()
}

func (r *Reader) end() error {
	switch r.st {
	case stItem:
		if !r.itemOut {
			r.push(r.item)
		}
		r.item = nil
		r.st = stChannel
	case stChannel:
		r.st = stRSS
		if !r.hasVersion {
			return r.missingVersion(r.next, "in <channel>")
		}
		r.flushSite()
		if n := r.filter.replaced; n > 0 {
			r.warn(r.next, "%d control characters that XML does not allow were replaced by spaces", n)
		}
	case stRSS:
		r.st = stEnd
		if !r.sawChannel {
			return &Error{Pos: r.next, Msg: "this is not a WordPress export: the <rss> document has no <channel>", Hint: hintNotExport}
		}
	}
	return nil
}

func (r *Reader) missingVersion(pos Pos, where string) *Error {
	return &Error{Pos: pos, Msg: "this does not appear to be a WordPress export: missing/invalid WXR version number (no <wp:wxr_version> " + where + ")",
		Hint: hintNotExport}
}

func (r *Reader) flushSite() {
	if !r.siteOut {
		s := r.site
		r.push(&s)
		r.siteOut = true
	}
}

// beforeRecord checks, before the first author, term or item, that the channel said it is
// a WXR file, and hands out the Site.
func (r *Reader) beforeRecord(pos Pos, what string) error {
	if !r.hasVersion {
		return r.missingVersion(pos, "before this "+what)
	}
	r.flushSite()
	return nil
}

func (r *Reader) channelChild(pos Pos) error {
	var err error
	switch c, local := r.s.class, string(r.s.local); {
	case c == clsRSS && local == "title":
		r.site.Title, err = r.text()
	case c == clsRSS && local == "link":
		r.site.Link, err = r.text()
	case c == clsRSS && local == "description":
		r.site.Description, err = r.text()
	case c == clsRSS && local == "language":
		r.site.Language, err = r.text()
	case c == clsRSS && local == "generator":
		r.site.Generator, err = r.text()
	case c == clsWP && local == "wxr_version":
		var v string
		if v, err = r.trimmed(); err != nil {
			return err
		}
		if !validVersion(v) {
			return &Error{Pos: pos, Msg: fmt.Sprintf("this does not appear to be a WordPress export: missing/invalid WXR version number (<wp:wxr_version> is %q)", v),
				Hint: hintNotExport}
		}
		r.site.Version, r.hasVersion = v, true
		if newerThanKnown(v) {
			r.warn(pos, "this file is WXR %s, newer than the 1.2 this importer knows; reading it as 1.2", v)
		}
	case c == clsWP && local == "base_site_url":
		r.site.BaseSiteURL, err = r.trimmed()
	case c == clsWP && local == "base_blog_url":
		r.site.BaseBlogURL, err = r.trimmed()
	case c == clsWP && local == "author":
		if err = r.beforeRecord(pos, "<wp:author>"); err != nil {
			return err
		}
		a := &Author{Pos: pos}
		if err = r.author(a); err == nil {
			r.push(a)
		}
	case c == clsWP && (local == "category" || local == "tag" || local == "term"):
		kind := "term" // a constant: local goes with the next token
		switch local {
		case "category":
			kind = "category"
		case "tag":
			kind = "tag"
		}
		if err = r.beforeRecord(pos, "<wp:"+kind+">"); err != nil {
			return err
		}
		tm := &Term{Pos: pos}
		if err = r.term(tm, kind); err == nil {
			r.push(tm)
		}
	case c == clsRSS && local == "item":
		if err = r.beforeRecord(pos, "<item>"); err != nil {
			return err
		}
		r.item, r.itemOut, r.lateField, r.sawItem = &Item{Pos: pos}, false, false, true
		r.st = stItem
	default:
		err = r.skip()
	}
	return err
}

func (r *Reader) author(a *Author) error {
	return r.children(func(Pos) error {
		if r.s.class != clsWP {
			return r.skip()
		}
		var err error
		switch string(r.s.local) {
		case "author_id":
			a.ID, err = r.int64()
		case "author_login":
			a.Login, err = r.text()
		case "author_email":
			a.Email, err = r.text()
		case "author_display_name":
			a.DisplayName, err = r.text()
		case "author_first_name":
			a.FirstName, err = r.text()
		case "author_last_name":
			a.LastName, err = r.text()
		default:
			err = r.skip()
		}
		return err
	})
}

func (r *Reader) term(tm *Term, kind string) error {
	switch kind {
	case "category":
		tm.Taxonomy = TaxCategory
	case "tag":
		tm.Taxonomy = TaxTag
	}
	return r.children(func(Pos) error {
		if r.s.class != clsWP {
			return r.skip()
		}
		var err error
		switch string(r.s.local) {
		case "term_id":
			tm.ID, err = r.int64()
		case "category_nicename", "tag_slug", "term_slug":
			tm.Slug, err = r.text()
		case "cat_name", "tag_name", "term_name":
			tm.Name, err = r.text()
		case "category_parent", "term_parent":
			tm.Parent, err = r.text()
		case "category_description", "tag_description", "term_description":
			tm.Description, err = r.text()
		case "term_taxonomy":
			if kind == "term" {
				tm.Taxonomy, err = r.text()
			} else {
				err = r.skip()
			}
		case "termmeta":
			var m Meta
			if m, err = r.meta(); err == nil {
				tm.Meta = append(tm.Meta, m)
			}
		default:
			err = r.skip()
		}
		return err
	})
}

func (r *Reader) meta() (Meta, error) {
	var m Meta
	err := r.children(func(Pos) error {
		var err error
		switch {
		case r.is(clsWP, "meta_key"):
			m.Key, err = r.text()
		case r.is(clsWP, "meta_value"):
			m.Value, err = r.text()
		default:
			err = r.skip()
		}
		return err
	})
	return m, err
}

// children calls fn for each child element of the element just started, until its end,
// with the child's start tag as the current token. fn must consume the child (read its
// text, walk its children or skip it).
func (r *Reader) children(fn func(pos Pos) error) error {
	for {
		r.s.skipBlank()
		k, err := r.token()
		if err == io.EOF {
			return syntaxError(r.next, io.ErrUnexpectedEOF)
		}
		if err != nil {
			return err
		}
		switch k {
		case tokStart:
			if err := fn(r.next); err != nil {
				return err
			}
		case tokEnd:
			return nil
		}
	}
}

// text returns the character data directly inside the element just started (CDATA
// sections and text joined, child elements skipped) and consumes its end.
func (r *Reader) text() (string, error) {
	b, err := r.readText(true)
	return r.string(b), err
}

// trimmed is text without the white space around it.
func (r *Reader) trimmed() (string, error) {
	b, err := r.readText(true)
	return r.string(bytes.TrimSpace(b)), err
}

// body is text for a post's or comment's content, which SkipBodies reads without keeping.
func (r *Reader) body() (string, error) {
	b, err := r.readText(!r.SkipBodies)
	return r.string(b), err
}

// string copies b, which readText gathered, and lets a huge element's buffer go.
func (r *Reader) string(b []byte) string {
	s := string(b)
	if cap(r.tbuf) > 1<<20 {
		r.tbuf = nil
	}
	return s
}

// readText is text, trimmed and body: it checks the element's text against maxText either
// way and gathers it only when keep is set. The bytes are valid until the next readText.
func (r *Reader) readText(keep bool) ([]byte, error) {
	b, err := r.appendText(r.tbuf[:0], keep)
	r.tbuf = b
	if err != nil {
		return nil, err
	}
	return b, nil
}

// appendText is readText appending to dst.
func (r *Reader) appendText(dst []byte, keep bool) ([]byte, error) {
	if t, ok := r.s.simpleText(r.maxText); ok {
		r.next = r.s.at
		if keep {
			dst = append(dst, t...)
		}
		return dst, nil
	}
	n := 0
	for {
		k, err := r.token()
		if err == io.EOF {
			return dst, syntaxError(r.next, io.ErrUnexpectedEOF)
		}
		if err != nil {
			return dst, err
		}
		switch k {
		case tokText:
			if n += len(r.s.text); n > r.maxText {
				return dst, r.tooLarge()
			}
			if keep {
				dst = append(dst, r.s.text...)
			}
		case tokStart:
			if err := r.skip(); err != nil {
				return dst, err
			}
		case tokEnd:
			return dst, nil
		}
	}
}

// int64 reads the element's text as WordPress's (int) cast does: garbage is 0.
func (r *Reader) int64() (int64, error) {
	b, err := r.readText(true)
	if err != nil {
		return 0, err
	}
	b = bytes.TrimSpace(b)
	if len(b) > 0 && len(b) < 19 {
		n := int64(0)
		for _, c := range b {
			if c < '0' || c > '9' {
				goto slow
			}
			n = n*10 + int64(c-'0')
		}
		return n, nil
	}
slow:
	n, _ := strconv.ParseInt(string(b), 10, 64)
	return n, nil
}

// skip consumes the element just started, checking everything in it as it goes.
func (r *Reader) skip() error {
	if _, ok := r.s.simpleText(math.MaxInt); ok { // text skipped is not bounded by maxText
		r.next = r.s.at
		return nil
	}
	for depth := 1; depth > 0; {
		r.s.skipBlank()
		k, err := r.token()
		if err == io.EOF {
			return syntaxError(r.next, io.ErrUnexpectedEOF)
		}
		if err != nil {
			return err
		}
		switch k {
		case tokStart:
			depth++
		case tokEnd:
			depth--
		}
	}
	return nil
}

// tooLarge is the error for an element whose text (or a single tag, comment or CDATA
// section inside it) outgrows maxText: it names the element and the line it starts on.
func (r *Reader) tooLarge() *Error {
	size := fmt.Sprintf("%d bytes", r.maxText)
	if r.maxText >= 1<<20 {
		size = fmt.Sprintf("%d MiB", r.maxText>>20)
	}
	e := &Error{Pos: r.next, Msg: "the file holds more than " + size + " of text in one piece outside any element",
		Hint: "No WordPress export has that: the file is damaged or is not an export. " + hintReexport}
	if n := len(r.s.elems); n > 0 {
		el := r.s.elems[n-1]
		_, local, _ := splitName(r.s.openName(n - 1))
		e.Pos = el.pos
		e.Msg = fmt.Sprintf("the <%s> element starting on line %d holds more than %s of text; the import stops here without reading the rest of it",
			displayName(el.space, string(local)), el.pos.Line, size)
		e.Hint = "No WordPress post is that large: the file is damaged. " + hintReexport
	}
	return e
}

// displayName writes an element with the prefix WordPress uses for its namespace, so an
// error names the element as it appears in the file.
func displayName(space, local string) string {
	switch {
	case space == "":
		return local
	case space == nsContent:
		return "content:" + local
	case space == nsDC:
		return "dc:" + local
	case space == nsWFW:
		return "wfw:" + local
	case isWPNamespace(space, ""):
		return "wp:" + local
	case isWPNamespace(space, "excerpt/"):
		return "excerpt:" + local
	case !strings.Contains(space, ":"): // an undeclared prefix is kept as written
		return space + ":" + local
	}
	return local
}

// validVersion is WordPress's /^\d+\.\d+$/.
func validVersion(v string) bool {
	a, b, ok := strings.Cut(v, ".")
	return ok && allDigits(a) && allDigits(b)
}

func newerThanKnown(v string) bool {
	a, b, _ := strings.Cut(v, ".")
	major, _ := strconv.Atoi(a)
	minor, _ := strconv.Atoi(b)
	return major > 1 || (major == 1 && minor > 2)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isWPNamespace matches http(s)://wordpress.org/export/N.N/ followed by suffix.
func isWPNamespace(space, suffix string) bool {
	rest, ok := strings.CutPrefix(space, "http://wordpress.org/export/")
	if !ok {
		if rest, ok = strings.CutPrefix(space, "https://wordpress.org/export/"); !ok {
			return false
		}
	}
	v, ok := strings.CutSuffix(rest, "/"+suffix)
	return ok && validVersion(v)
}
