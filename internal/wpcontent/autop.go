// Package wpcontent gives imported WordPress content the meaning WordPress gives it when it
// displays a post: raw line breaks become paragraphs (Autop, a port of wpautop), media URLs
// on their own line become links, and the core shortcodes ([caption], [gallery], [embed],
// [audio], [video], [playlist]) become plain HTML. The result is stored as the post's HTML
// body and, like every body, goes through the sanitizer when it is shown.
package wpcontent

import (
	"regexp"
	"strconv"
	"strings"
)

// blockNames is wpautop's list of block-level elements ($allblocks, h1 to h6 written out).
var blockNames = strings.Fields(`table thead tfoot caption col colgroup tbody tr td th div dl dd dt ul ol li
	pre form map area blockquote address style p h1 h2 h3 h4 h5 h6 hr fieldset legend section article aside
	hgroup header footer nav figure figcaption details menu summary`)

// The rarer steps stay regular expressions: each runs only when its element is in the text.
var (
	reOptionBefore   = regexp.MustCompile(`\s*<option`)
	reOptionAfter    = regexp.MustCompile(`</option>\s*`)
	reObjectOpen     = regexp.MustCompile(`(<object[^>]*>)\s*`)
	reObjectClose    = regexp.MustCompile(`\s*</object>`)
	reParamEmbed     = regexp.MustCompile(`\s*(</?(?:param|embed)[^>]*>)\s*`)
	reMediaOpen      = regexp.MustCompile(`([<\[](?:audio|video)[^>\]]*[>\]])\s*`)
	reMediaClose     = regexp.MustCompile(`\s*([<\[]/(?:audio|video)[>\]])`)
	reSourceTrack    = regexp.MustCompile(`\s*(<(?:source|track)[^>]*>)\s*`)
	reFigcaptionOpen = regexp.MustCompile(`\s*(<figcaption[^>]*>)`)
	reFigcaptionEnd  = regexp.MustCompile(`</figcaption>\s*`)
	// wpautop keeps the newlines of these elements (PHP uses one pattern with a
	// back-reference; RE2 has none, so one pattern per element).
	rePreserve = []struct {
		open string
		re   *regexp.Regexp
	}{
		{"<script", regexp.MustCompile(`(?s)<script.*?</script>`)},
		{"<style", regexp.MustCompile(`(?s)<style.*?</style>`)},
		{"<svg", regexp.MustCompile(`(?s)<svg.*?</svg>`)},
		{"<math", regexp.MustCompile(`(?s)<math.*?</math>`)},
	}
)

const (
	wpnl           = " <!-- wpnl --> "
	preserveMarker = "<WPPreserveNewline />"
)

// Autop turns double line breaks into paragraphs and, when br is true, single line breaks
// into <br />, the way WordPress's wpautop does: block-level elements are left unwrapped,
// <pre> is left alone, newlines inside tags, <script>, <style>, <svg> and <math> survive.
// It follows wpautop step by step (WordPress 6.x), so imported posts look as they did.
//
// The frequent steps are hand-written scanners (autop_scan.go), each doing exactly what
// the regular expression in its comment does, because the regexps were most of an
// import's CPU (issue 11); autop_oracle_test.go keeps the regexp version, and the tests
// and the fuzz target compare the two.
func Autop(text string, br bool) string { return scannedAutop.autop(text, br) }

// autopSteps are Autop's steps that are scanners here and regular expressions in the
// oracle (autop_oracle_test.go): one pipeline runs either set, so the tests compare the
// scanners and nothing else.
type autopSteps struct {
	doubleBR, spaceBlocks, collapseNewlines, paragraphs, dropEmptyP, closeUnclosedP, unwrapBlock,
	unwrapLI, blockquoteOutOfP, dropPBeforeBlock, dropPAfterBlock, newlinesToBR, dropBRAfterBlock,
	dropBRBeforeBlock func(string) string
	replaceInTags func(s, from, to string) string
}

var scannedAutop = autopSteps{doubleBR: collapseDoubleBR, spaceBlocks: spaceBlocks, collapseNewlines: collapseNewlines,
	paragraphs: paragraphs, dropEmptyP: dropEmptyP, closeUnclosedP: closeUnclosedP, unwrapBlock: unwrapBlock,
	unwrapLI: unwrapLI, blockquoteOutOfP: blockquoteOutOfP, dropPBeforeBlock: dropPBeforeBlock,
	dropPAfterBlock: dropPAfterBlock, newlinesToBR: newlinesToBR, dropBRAfterBlock: dropBRAfterBlock,
	dropBRBeforeBlock: dropBRBeforeBlock, replaceInTags: replaceInTags}

func (st autopSteps) autop(text string, br bool) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	text += "\n" // as wpautop does, to make the end easier
	text, pres := hidePre(text)

	text = st.doubleBR(text)
	text = st.spaceBlocks(text)
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	text = st.replaceInTags(text, "\n", wpnl)

	if strings.Contains(text, "<option") {
		text = reOptionBefore.ReplaceAllString(text, "<option")
		text = reOptionAfter.ReplaceAllString(text, "</option>")
	}
	if strings.Contains(text, "</object>") {
		text = reObjectOpen.ReplaceAllString(text, "$1")
		text = reObjectClose.ReplaceAllString(text, "</object>")
		text = reParamEmbed.ReplaceAllString(text, "$1")
	}
	if strings.Contains(text, "<source") || strings.Contains(text, "<track") {
		text = reMediaOpen.ReplaceAllString(text, "$1")
		text = reMediaClose.ReplaceAllString(text, "$1")
		text = reSourceTrack.ReplaceAllString(text, "$1")
	}
	if strings.Contains(text, "<figcaption") {
		text = reFigcaptionOpen.ReplaceAllString(text, "$1")
		text = reFigcaptionEnd.ReplaceAllString(text, "</figcaption>")
	}
	text = st.collapseNewlines(text)
	text = st.paragraphs(text)

	text = st.dropEmptyP(text)
	text = st.closeUnclosedP(text)
	text = st.unwrapBlock(text)
	text = st.unwrapLI(text)
	text = st.blockquoteOutOfP(text)
	text = strings.ReplaceAll(text, "</blockquote></p>", "</p></blockquote>")
	text = st.dropPBeforeBlock(text)
	text = st.dropPAfterBlock(text)

	if br {
		for _, p := range rePreserve {
			if strings.Contains(text, p.open) {
				text = p.re.ReplaceAllStringFunc(text, func(m string) string {
					return strings.ReplaceAll(m, "\n", preserveMarker)
				})
			}
		}
		text = strings.ReplaceAll(text, "<br>", "<br />")
		text = strings.ReplaceAll(text, "<br/>", "<br />")
		text = st.newlinesToBR(text)
		text = strings.ReplaceAll(text, preserveMarker, "\n")
	}

	text = st.dropBRAfterBlock(text)
	text = st.dropBRBeforeBlock(text)
	if strings.HasSuffix(text, "\n</p>") { // \n</p>$
		text = text[:len(text)-len("\n</p>")] + "</p>"
	}

	for i, p := range pres {
		text = strings.Replace(text, preName(i), p, 1)
	}
	if strings.Contains(text, "<!-- wpnl -->") {
		text = strings.ReplaceAll(text, wpnl, "\n")
		text = strings.ReplaceAll(text, "<!-- wpnl -->", "\n")
	}
	return text
}

func preName(i int) string { return "<pre wp-pre-tag-" + strconv.Itoa(i) + "></pre>" }

// hidePre replaces each <pre>…</pre> with a placeholder so that nothing inside changes.
// Like wpautop it splits on "</pre>": a part without "<pre" (a stray closing tag) is kept
// without its "</pre>".
func hidePre(text string) (string, []string) {
	if !strings.Contains(text, "<pre") {
		return text, nil
	}
	parts := strings.Split(text, "</pre>")
	last := parts[len(parts)-1]
	var b strings.Builder
	var pres []string
	for _, part := range parts[:len(parts)-1] {
		start := strings.Index(part, "<pre")
		if start < 0 {
			b.WriteString(part)
			continue
		}
		b.WriteString(part[:start])
		b.WriteString(preName(len(pres)))
		pres = append(pres, part[start:]+"</pre>")
	}
	b.WriteString(last)
	return b.String(), pres
}

// newlinesToBR is wpautop's preg_replace('|(?<!<br />)\s*\n|', "<br />\n"): every run of
// whitespace ending in a newline becomes "<br />\n", unless it starts right after a
// "<br />". RE2 has no look-behind, so this does what PCRE would, including PCRE's retry
// one character later when the look-behind fails. It jumps from newline to newline and
// widens each to its whitespace run, rather than looking at every byte.
func newlinesToBR(s string) string {
	e := edit{s: s}
	for i := 0; ; {
		k := strings.IndexByte(s[i:], '\n')
		if k < 0 {
			break
		}
		n := i + k
		r := n // the run's start: the cursor is never inside a run that holds a newline
		for r > i && isPCRESpace(s[r-1]) {
			r--
		}
		j := n + 1
		for j < len(s) && isPCRESpace(s[j]) {
			j++
		}
		last := r + strings.LastIndexByte(s[r:j], '\n')
		if strings.HasSuffix(s[:r], "<br />") {
			r++ // the look-behind failed here; PCRE tries the next position
			if r > last {
				i = j
				continue
			}
		}
		e.put(r, last+1, "<br />\n")
		i = last + 1
	}
	return e.String()
}

// isPCRESpace is PHP's (PCRE's) \s, which newlinesToBR follows: unlike Go regexp's (isRESpace), it takes \v.
func isPCRESpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// replaceInTags replaces from with to inside HTML tags and comments only (WordPress's
// wp_replace_in_html_tags over wp_html_split): text between tags is untouched.
func replaceInTags(s, from, to string) string {
	if !strings.Contains(s, from) {
		return s
	}
	e := edit{s: s}
	for i := 0; ; {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			break
		}
		lt += i
		end := tagEnd(s, lt)
		for k := lt; ; {
			f := strings.Index(s[k:end], from)
			if f < 0 {
				break
			}
			e.put(k+f, k+f+len(from), to)
			k += f + len(from)
		}
		i = end
	}
	return e.String()
}

// tagEnd returns the index just past the tag, comment or CDATA section starting at s[i]
// ('<'), or len(s) when it is not closed.
func tagEnd(s string, i int) int {
	rest := s[i:]
	var closer string
	switch {
	case strings.HasPrefix(rest, "<!--"):
		closer = "-->"
	case strings.HasPrefix(rest, "<![CDATA["):
		closer = "]]>"
	default:
		closer = ">"
	}
	if k := strings.Index(rest[1:], closer); k >= 0 {
		return i + 1 + k + len(closer)
	}
	return len(s)
}
