package wxr

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
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
	d      *xml.Decoder
	filter *filterReader
	st     state
	queue  []Record
	err    error
	next   Pos // where the next token starts

	site       Site
	siteOut    bool
	hasVersion bool
	sawChannel bool

	item      *Item
	itemOut   bool
	lateField bool

	maxText int
	open    []openElem // the elements the decoder is inside, for naming one in an error

	// SkipBodies makes the reader check the text of every post's and comment's content as
	// it always does but keep none of it (Item.Content and Comment.Content stay empty): a
	// first pass that needs only ids and dates then copies no bodies.
	SkipBodies bool
}

type openElem struct {
	name xml.Name
	pos  Pos
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
	f.limit = int64(maxText) + tokenSlack
	d := xml.NewDecoder(f)
	d.Strict = true
	// WordPress titles sometimes carry HTML entities (&nbsp;, &hellip;) that XML does not
	// define; libxml rejects them but they mean only one thing, so accept them.
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charset.NewReaderLabel
	return &Reader{d: d, filter: f, next: Pos{1, 1}, maxText: maxText}
}

// Offset returns how many bytes of the input have been read, for progress reports.
func (r *Reader) Offset() int64 { return r.d.InputOffset() }

// Next returns the next record, or io.EOF after the end of the document. A malformed or
// foreign file yields an *Error (wrapped nowhere: use AsError or a type assertion); after
// an error every call returns it again.
func (r *Reader) Next() (Record, error) {
	for len(r.queue) == 0 {
		if r.err != nil {
			return nil, r.err
		}
		r.err = r.step()
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

// token returns the next token, noting where it starts. io.EOF means the input ended
// where a document may end; any other error is an *Error.
func (r *Reader) token() (xml.Token, error) {
	l, c := r.d.InputPos()
	r.next = Pos{l, c}
	r.filter.mark = r.filter.total
	tok, err := r.d.Token()
	if err == nil {
		switch t := tok.(type) {
		case xml.StartElement:
			if len(r.open) >= maxDepth {
				return nil, &Error{Pos: r.next, Msg: fmt.Sprintf("elements are nested more than %d deep", maxDepth),
					Hint: "A WordPress export nests a few levels: the file is damaged or is not an export. " + hintReexport}
			}
			r.open = append(r.open, openElem{t.Name, r.next})
		case xml.EndElement:
			if len(r.open) > 0 {
				r.open = r.open[:len(r.open)-1]
			}
		}
		return tok, nil
	}
	if errors.Is(err, errTokenTooLarge) {
		return nil, r.tooLarge()
	}
	if err == io.EOF {
		if r.filter.err != nil {
			return nil, r.filter.err
		}
		return nil, io.EOF
	}
	if e, ok := err.(*Error); ok {
		return nil, e
	}
	l, c = r.d.InputPos()
	return nil, syntaxError(Pos{l, c}, err)
}

func (r *Reader) step() error {
	tok, err := r.token()
	if err == io.EOF {
		if r.st == stDoc {
			return &Error{Pos: r.next, Msg: "the file contains no XML element: it is empty or not an XML file", Hint: hintNotExport}
		}
		return io.EOF
	}
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case xml.StartElement:
		return r.start(t)
	case xml.EndElement:
		return r.end()
	}
	return nil
}

func (r *Reader) start(t xml.StartElement) error {
	pos := r.next
	switch r.st {
	case stDoc:
		if t.Name.Local != "rss" {
			return &Error{Pos: pos, Msg: fmt.Sprintf("this is not a WordPress export: the document is <%s>, an export is an <rss> document", t.Name.Local), Hint: hintNotExport}
		}
		r.st = stRSS
		return nil
	case stRSS:
		if isRSS(t.Name, "channel") && !r.sawChannel {
			r.sawChannel = true
			r.site.Pos = pos
			r.st = stChannel
			return nil
		}
		return r.skip()
	case stChannel:
		return r.channelChild(t, pos)
	case stItem:
		return r.itemChild(t, pos)
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

func (r *Reader) channelChild(t xml.StartElement, pos Pos) error {
	n := t.Name
	var err error
	switch {
	case isRSS(n, "title"):
		r.site.Title, err = r.text()
	case isRSS(n, "link"):
		r.site.Link, err = r.text()
	case isRSS(n, "description"):
		r.site.Description, err = r.text()
	case isRSS(n, "language"):
		r.site.Language, err = r.text()
	case isRSS(n, "generator"):
		r.site.Generator, err = r.text()
	case isWP(n, "wxr_version"):
		var v string
		if v, err = r.text(); err != nil {
			return err
		}
		v = strings.TrimSpace(v)
		if !validVersion(v) {
			return &Error{Pos: pos, Msg: fmt.Sprintf("this does not appear to be a WordPress export: missing/invalid WXR version number (<wp:wxr_version> is %q)", v),
				Hint: hintNotExport}
		}
		r.site.Version, r.hasVersion = v, true
		if newerThanKnown(v) {
			r.warn(pos, "this file is WXR %s, newer than the 1.2 this importer knows; reading it as 1.2", v)
		}
	case isWP(n, "base_site_url"):
		r.site.BaseSiteURL, err = r.text()
		r.site.BaseSiteURL = strings.TrimSpace(r.site.BaseSiteURL)
	case isWP(n, "base_blog_url"):
		r.site.BaseBlogURL, err = r.text()
		r.site.BaseBlogURL = strings.TrimSpace(r.site.BaseBlogURL)
	case isWP(n, "author"):
		if err = r.beforeRecord(pos, "<wp:author>"); err != nil {
			return err
		}
		a := &Author{Pos: pos}
		if err = r.author(a); err == nil {
			r.push(a)
		}
	case isWP(n, "category"), isWP(n, "tag"), isWP(n, "term"):
		if err = r.beforeRecord(pos, "<wp:"+n.Local+">"); err != nil {
			return err
		}
		tm := &Term{Pos: pos}
		if err = r.term(tm, n.Local); err == nil {
			r.push(tm)
		}
	case isRSS(n, "item"):
		if err = r.beforeRecord(pos, "<item>"); err != nil {
			return err
		}
		r.item, r.itemOut, r.lateField = &Item{Pos: pos}, false, false
		r.st = stItem
	default:
		err = r.skip()
	}
	return err
}

func (r *Reader) author(a *Author) error {
	return r.children(func(t xml.StartElement, _ Pos) error {
		var err error
		switch {
		case isWP(t.Name, "author_id"):
			a.ID, err = r.int64()
		case isWP(t.Name, "author_login"):
			a.Login, err = r.text()
		case isWP(t.Name, "author_email"):
			a.Email, err = r.text()
		case isWP(t.Name, "author_display_name"):
			a.DisplayName, err = r.text()
		case isWP(t.Name, "author_first_name"):
			a.FirstName, err = r.text()
		case isWP(t.Name, "author_last_name"):
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
	return r.children(func(t xml.StartElement, _ Pos) error {
		if !isWP(t.Name, "") {
			return r.skip()
		}
		var err error
		switch t.Name.Local {
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
	err := r.children(func(t xml.StartElement, _ Pos) error {
		var err error
		switch {
		case isWP(t.Name, "meta_key"):
			m.Key, err = r.text()
		case isWP(t.Name, "meta_value"):
			m.Value, err = r.text()
		default:
			err = r.skip()
		}
		return err
	})
	return m, err
}

// children calls fn for each child element of the element just started, until its end.
// fn must consume the child (read its text, walk its children or skip it).
func (r *Reader) children(fn func(t xml.StartElement, pos Pos) error) error {
	for {
		tok, err := r.token()
		if err == io.EOF {
			return syntaxError(r.next, io.ErrUnexpectedEOF)
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := fn(t, r.next); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// text returns the character data directly inside the element just started (CDATA
// sections and text joined, child elements skipped) and consumes its end.
func (r *Reader) text() (string, error) { return r.readText(true) }

// body is text for a post's or comment's content, which SkipBodies reads without keeping.
func (r *Reader) body() (string, error) { return r.readText(!r.SkipBodies) }

// readText is text and body: it checks the element's text against maxText either way and
// returns it only when keep is set (otherwise "", copying nothing).
func (r *Reader) readText(keep bool) (string, error) {
	// Most elements hold one piece of text: it becomes the string directly, without the
	// buffer that joins several (one allocation per field instead of two).
	var first string
	var b []byte
	n, pieces := 0, 0
	for {
		tok, err := r.token()
		if err == io.EOF {
			return "", syntaxError(r.next, io.ErrUnexpectedEOF)
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if n += len(t); n > r.maxText {
				return "", r.tooLarge()
			}
			if !keep {
				continue
			}
			switch pieces++; pieces {
			case 1:
				first = string(t) // the token's bytes are only valid until the next token
			case 2:
				b = append(append(b, first...), t...)
				first = ""
			default:
				b = append(b, t...)
			}
		case xml.StartElement:
			if err := r.skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			if pieces <= 1 {
				return first, nil
			}
			return string(b), nil
		}
	}
}

func (r *Reader) int64() (int64, error) {
	s, err := r.text()
	if err != nil {
		return 0, err
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64) // WordPress's (int) cast: garbage is 0
	return n, nil
}

// skip consumes the element just started. It goes through token, not xml.Decoder.Skip, so
// each token of a skipped element is bounded and the open-element stack stays true.
func (r *Reader) skip() error {
	for depth := 1; depth > 0; {
		tok, err := r.token()
		if err == io.EOF {
			return syntaxError(r.next, io.ErrUnexpectedEOF)
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
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
	if n := len(r.open); n > 0 {
		el := r.open[n-1]
		e.Pos = el.pos
		e.Msg = fmt.Sprintf("the <%s> element starting on line %d holds more than %s of text; the import stops here without reading the rest of it",
			displayName(el.name), el.pos.Line, size)
		e.Hint = "No WordPress post is that large: the file is damaged. " + hintReexport
	}
	return e
}

// displayName writes n with the prefix WordPress uses for its namespace, so an error names
// the element as it appears in the file.
func displayName(n xml.Name) string {
	switch {
	case n.Space == "":
		return n.Local
	case n.Space == nsContent:
		return "content:" + n.Local
	case n.Space == nsDC:
		return "dc:" + n.Local
	case n.Space == nsWFW:
		return "wfw:" + n.Local
	case isWPNamespace(n.Space, ""):
		return "wp:" + n.Local
	case isWPNamespace(n.Space, "excerpt/"):
		return "excerpt:" + n.Local
	case !strings.Contains(n.Space, ":"): // an undeclared prefix is kept as written
		return n.Space + ":" + n.Local
	}
	return n.Local
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

// isRSS reports whether n is the RSS element local (RSS 2.0 has no namespace).
func isRSS(n xml.Name, local string) bool { return n.Space == "" && n.Local == local }

// isWP reports whether n is WordPress's element local ("" for any) in any WXR version's
// namespace, http or https. Matching the URI, not the prefix, is what ignores a "wp:"
// prefix bound to a stranger's namespace. An undeclared "wp" prefix (some hand-made files
// forget the declaration) counts too, as WordPress's parser assumes it.
func isWP(n xml.Name, local string) bool {
	return (local == "" || n.Local == local) && (isWPNamespace(n.Space, "") || n.Space == "wp")
}

func isExcerpt(n xml.Name) bool {
	return n.Local == "encoded" && (isWPNamespace(n.Space, "excerpt/") || n.Space == "excerpt")
}

func isNS(n xml.Name, ns, prefix, local string) bool {
	return n.Local == local && (n.Space == ns || n.Space == prefix)
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
