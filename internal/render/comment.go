package render

import (
	"html/template"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Comment renders a reader's comment the way WordPress does: the text is plain text in which
// a few inline tags (and blockquote) are allowed; a blank line starts a new paragraph and a
// single newline becomes <br> (wpautop); bare http(s) URLs become links (make_clickable);
// every link gets rel="nofollow ugc noopener". Everything else is escaped or stripped, and
// the output is always balanced markup: unclosed tags are closed, stray end tags dropped.
//
// Comments are rendered by the thousand on one page, so text without '<' or '&' (most
// comments) skips the sanitizer: it cannot contain a tag or an entity, and the writer below
// produces exactly what the full path would (a fuzz test holds the two paths equal).
func (r *Renderer) Comment(raw string) template.HTML {
	raw = normalizeText(raw)
	if strings.IndexByte(raw, '<') < 0 && strings.IndexByte(raw, '&') < 0 {
		return template.HTML(commentPlain(raw))
	}
	return template.HTML(r.commentMarkup(escapeUnclosedTag(raw)))
}

// escapeUnclosedTag escapes a final '<' that no '>' closes. The HTML tokenizer would read
// everything after it as one unfinished tag and drop it, so a reader who typed "a <b" or a
// broken `<img src="x` would lose the rest of their comment.
func escapeUnclosedTag(raw string) string {
	lt := strings.LastIndexByte(raw, '<')
	if lt < 0 || strings.IndexByte(raw[lt:], '>') >= 0 {
		return raw
	}
	return raw[:lt] + "&lt;" + raw[lt+1:]
}

// commentPlain renders normalized text that contains no '<' and no '&'.
func commentPlain(raw string) string {
	w := newCommentWriter(len(raw))
	w.text(raw)
	return w.finish()
}

// commentMarkup renders normalized text through the sanitizer.
func (r *Renderer) commentMarkup(raw string) string {
	w := newCommentWriter(len(raw))
	w.markup(r.comment.Sanitize(raw))
	return w.finish()
}

// normalizeText makes line endings "\n" and replaces NUL and invalid UTF-8 with U+FFFD, so
// that both rendering paths see the same text (the HTML tokenizer would otherwise treat
// them in ways the fast path would have to imitate).
func normalizeText(s string) string {
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// Nesting limits keep the output linear in the input: inline elements are reopened after a
// paragraph break, so unbounded nesting would make "<b><b><b>…\n\n\n\n…" quadratic.
const (
	maxInlineDepth = 8
	maxQuoteDepth  = 8
)

// commentInline lists the inline elements a comment may use.
var commentInline = map[string]bool{
	"a": true, "abbr": true, "acronym": true, "b": true, "cite": true, "code": true, "del": true,
	"em": true, "i": true, "q": true, "s": true, "strike": true, "strong": true,
}

const commentRel = "nofollow ugc noopener"

// commentWriter builds the output. It keeps, per blockquote level, the inline elements the
// text has opened ("open") and how many of them are currently written ("emitted"). Start
// tags are written lazily when text arrives, so a paragraph break can close them and the
// next paragraph reopen them, and empty elements vanish: the output nests properly whatever
// the input did.
type commentWriter struct {
	out       []byte
	frames    []frame
	pendingBR bool // a single newline was seen inside a paragraph; <br> once more text follows
	textBuf   []byte
}

type frame struct {
	inP     bool
	open    []inlineEl
	emitted int
	dropped int // blockquote starts ignored beyond maxQuoteDepth inside this frame
}

type inlineEl struct {
	name  string
	start string // the start tag to write; "" for a link that lost its href
	link  bool
}

func newCommentWriter(n int) *commentWriter {
	w := &commentWriter{out: make([]byte, 0, n+n/4+16)}
	w.frames = make([]frame, 1, 2)
	return w
}

func (w *commentWriter) top() *frame { return &w.frames[len(w.frames)-1] }

// content prepares for visible content: opens the paragraph, writes a pending <br> and the
// start tags that are open but not yet written.
func (w *commentWriter) content() {
	f := w.top()
	if !f.inP {
		w.out = append(w.out, "<p>"...)
		f.inP = true
		w.pendingBR = false
	}
	if w.pendingBR {
		w.out = append(w.out, "<br>\n"...)
		w.pendingBR = false
	}
	for ; f.emitted < len(f.open); f.emitted++ {
		w.out = append(w.out, f.open[f.emitted].start...)
	}
}

// closeEmitted writes end tags for the written elements at index >= from.
func (w *commentWriter) closeEmitted(f *frame, from int) {
	for i := f.emitted - 1; i >= from; i-- {
		if el := f.open[i]; el.start != "" {
			w.out = append(w.out, "</"...)
			w.out = append(w.out, el.name...)
			w.out = append(w.out, '>')
		}
	}
	if f.emitted > from {
		f.emitted = from
	}
}

// paragraphBreak ends the current paragraph; open inline elements stay open logically and
// are reopened when the next paragraph gets text.
func (w *commentWriter) paragraphBreak() {
	w.pendingBR = false
	f := w.top()
	if f.inP {
		w.closeEmitted(f, 0)
		w.out = append(w.out, "</p>\n"...)
		f.inP = false
	}
}

func (w *commentWriter) inLink() bool {
	for _, el := range w.top().open {
		if el.link {
			return true
		}
	}
	return false
}

func (w *commentWriter) startInline(name string, attrs []html.Attribute) {
	f := w.top()
	if name == "a" {
		// A link inside a link is not valid HTML; the browser would close the outer one.
		// Do the same so that what we write is what the browser builds.
		for i := len(f.open) - 1; i >= 0; i-- {
			if f.open[i].name == "a" {
				w.endInline("a")
				break
			}
		}
	}
	if len(f.open) >= maxInlineDepth {
		return
	}
	el := inlineEl{name: name, start: startTag(name, attrs)}
	if name == "a" {
		el.link = el.start != ""
	}
	f.open = append(f.open, el)
}

func (w *commentWriter) endInline(name string) {
	f := w.top()
	for i := len(f.open) - 1; i >= 0; i-- {
		if f.open[i].name != name {
			continue
		}
		// Close it and everything written inside it; the inner elements stay open and
		// are reopened before the next text, as browsers do for misnested formatting.
		w.closeEmitted(f, i)
		f.open = append(f.open[:i], f.open[i+1:]...)
		return
	}
	// A stray end tag: dropped.
}

func (w *commentWriter) startQuote(attrs []html.Attribute) {
	w.paragraphBreak()
	if len(w.frames) > maxQuoteDepth {
		w.top().dropped++
		return
	}
	w.out = append(w.out, startTag("blockquote", attrs)...)
	w.frames = append(w.frames, frame{})
}

func (w *commentWriter) endQuote() {
	if f := w.top(); f.dropped > 0 {
		f.dropped--
		return
	}
	if len(w.frames) == 1 {
		return // stray </blockquote>
	}
	w.paragraphBreak()
	w.out = append(w.out, "</blockquote>\n"...)
	w.frames = w.frames[:len(w.frames)-1]
}

// finish closes everything still open and returns the HTML.
func (w *commentWriter) finish() string {
	for len(w.frames) > 1 {
		w.top().dropped = 0
		w.endQuote()
	}
	w.paragraphBreak()
	out := w.out
	if n := len(out); n > 0 && out[n-1] == '\n' {
		out = out[:n-1]
	}
	return string(out)
}

// markup feeds the sanitizer's output through the writer. The sanitizer has already removed
// every element and attribute the comment policy does not allow; the writer re-checks tag
// names and link schemes anyway and writes every tag itself.
func (w *commentWriter) markup(clean string) {
	z := html.NewTokenizer(strings.NewReader(clean))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			w.flushText()
			return
		case html.TextToken:
			w.textBuf = append(w.textBuf, z.Text()...)
		case html.StartTagToken:
			w.flushText()
			name, hasAttr := z.TagName()
			var attrs []html.Attribute
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs = append(attrs, html.Attribute{Key: string(k), Val: string(v)})
			}
			switch n := string(name); {
			case n == "blockquote":
				w.startQuote(attrs)
			case commentInline[n]:
				w.startInline(n, attrs)
			}
		case html.EndTagToken:
			w.flushText()
			name, _ := z.TagName()
			switch n := string(name); {
			case n == "blockquote":
				w.endQuote()
			case commentInline[n]:
				w.endInline(n)
			}
		}
		// Self-closing tags, comments and doctypes carry no text: ignored.
	}
}

func (w *commentWriter) flushText() {
	if len(w.textBuf) > 0 {
		w.text(string(w.textBuf))
		w.textBuf = w.textBuf[:0]
	}
}

// startTag writes a start tag with the attributes a comment may carry on that element.
// It returns "" for a link without a usable href (the link is then dropped, its text kept).
func startTag(name string, attrs []html.Attribute) string {
	var b strings.Builder
	b.WriteByte('<')
	b.WriteString(name)
	hasHref := false
	for _, a := range attrs {
		switch {
		case a.Key == "href" && name == "a":
			if !commentURL(a.Val) {
				continue
			}
			hasHref = true
		case a.Key == "title" && (name == "a" || name == "abbr" || name == "acronym"):
		case a.Key == "cite" && (name == "blockquote" || name == "q"):
			if !commentURL(a.Val) {
				continue
			}
		case a.Key == "datetime" && name == "del":
		default:
			continue
		}
		b.WriteByte(' ')
		b.WriteString(a.Key)
		b.WriteString(`="`)
		b.WriteString(html.EscapeString(a.Val))
		b.WriteByte('"')
	}
	if name == "a" {
		if !hasHref {
			return ""
		}
		b.WriteString(` rel="` + commentRel + `"`)
	}
	b.WriteByte('>')
	return b.String()
}

// commentURL is the writer's own check of a URL the sanitizer let through: absolute http,
// https or mailto only.
func commentURL(u string) bool {
	scheme, _, ok := strings.Cut(u, ":")
	if !ok {
		return false
	}
	switch strings.ToLower(scheme) {
	case "http", "https", "mailto":
		return true
	}
	return false
}
