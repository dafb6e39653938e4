package wpcontent

import (
	"regexp"
	"strings"
)

// This is Autop as it was before session 8 (issue 11): wpautop's steps as RE2 regular
// expressions, one ReplaceAllString each. It is kept as the oracle the hand-written Autop
// is checked against (TestAutopMatchesOracle, FuzzAutopMatchesOracle): the regexps are the
// plainest statement of what each step does, the scanners are what is fast.

// oAllBlocks is wpautop's list of block-level elements.
const oAllBlocks = `(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)`

var (
	oReDoubleBR       = regexp.MustCompile(`<br\s*/?>\s*<br\s*/?>`)
	oReBlockOpen      = regexp.MustCompile(`(<` + oAllBlocks + `[\s/>])`)
	oReBlockClose     = regexp.MustCompile(`(</` + oAllBlocks + `>)`)
	oReHR             = regexp.MustCompile(`(<hr\s*?/?>)`)
	oReOptionBefore   = regexp.MustCompile(`\s*<option`)
	oReOptionAfter    = regexp.MustCompile(`</option>\s*`)
	oReObjectOpen     = regexp.MustCompile(`(<object[^>]*>)\s*`)
	oReObjectClose    = regexp.MustCompile(`\s*</object>`)
	oReParamEmbed     = regexp.MustCompile(`\s*(</?(?:param|embed)[^>]*>)\s*`)
	oReMediaOpen      = regexp.MustCompile(`([<\[](?:audio|video)[^>\]]*[>\]])\s*`)
	oReMediaClose     = regexp.MustCompile(`\s*([<\[]/(?:audio|video)[>\]])`)
	oReSourceTrack    = regexp.MustCompile(`\s*(<(?:source|track)[^>]*>)\s*`)
	oReFigcaptionOpen = regexp.MustCompile(`\s*(<figcaption[^>]*>)`)
	oReFigcaptionEnd  = regexp.MustCompile(`</figcaption>\s*`)
	oReManyNewlines   = regexp.MustCompile(`\n\n+`)
	oReParagraphSplit = regexp.MustCompile(`\n\s*\n`)
	oReEmptyP         = regexp.MustCompile(`<p>\s*</p>`)
	oReUnclosedP      = regexp.MustCompile(`<p>([^<]+)</(div|address|form)>`)
	oReWrappedBlock   = regexp.MustCompile(`<p>\s*(</?` + oAllBlocks + `[^>]*>)\s*</p>`)
	oReWrappedLI      = regexp.MustCompile(`<p>(<li.+?)</p>`)
	oReBlockquoteInP  = regexp.MustCompile(`(?i)<p><blockquote([^>]*)>`)
	oRePBeforeBlock   = regexp.MustCompile(`<p>\s*(</?` + oAllBlocks + `[^>]*>)`)
	oRePAfterBlock    = regexp.MustCompile(`(</?` + oAllBlocks + `[^>]*>)\s*</p>`)
	oReBRAfterBlock   = regexp.MustCompile(`(</?` + oAllBlocks + `[^>]*>)\s*<br />`)
	oReBRBeforeBlock  = regexp.MustCompile(`<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)`)
	oReFinalNewlineP  = regexp.MustCompile(`\n</p>$`)
	// wpautop keeps the newlines of these elements (PHP uses one pattern with a
	// back-reference; RE2 has none, so one pattern per element).
	oRePreserve = []*regexp.Regexp{
		regexp.MustCompile(`(?s)<script.*?</script>`),
		regexp.MustCompile(`(?s)<style.*?</style>`),
		regexp.MustCompile(`(?s)<svg.*?</svg>`),
		regexp.MustCompile(`(?s)<math.*?</math>`),
	}
)

// Autop turns double line breaks into paragraphs and, when br is true, single line breaks
// into <br />, the way WordPress's wpautop does: block-level elements are left unwrapped,
// <pre> is left alone, newlines inside tags, <script>, <style>, <svg> and <math> survive.
// It follows wpautop step by step (WordPress 6.x), so imported posts look as they did.
func oracleAutop(text string, br bool) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	text += "\n" // as wpautop does, to make the end easier
	text, pres := hidePre(text)

	text = oReDoubleBR.ReplaceAllString(text, "\n\n")
	text = oracleSpaceBlocks(text)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = oracleReplaceInTags(text, "\n", wpnl)

	if strings.Contains(text, "<option") {
		text = oReOptionBefore.ReplaceAllString(text, "<option")
		text = oReOptionAfter.ReplaceAllString(text, "</option>")
	}
	if strings.Contains(text, "</object>") {
		text = oReObjectOpen.ReplaceAllString(text, "$1")
		text = oReObjectClose.ReplaceAllString(text, "</object>")
		text = oReParamEmbed.ReplaceAllString(text, "$1")
	}
	if strings.Contains(text, "<source") || strings.Contains(text, "<track") {
		text = oReMediaOpen.ReplaceAllString(text, "$1")
		text = oReMediaClose.ReplaceAllString(text, "$1")
		text = oReSourceTrack.ReplaceAllString(text, "$1")
	}
	if strings.Contains(text, "<figcaption") {
		text = oReFigcaptionOpen.ReplaceAllString(text, "$1")
		text = oReFigcaptionEnd.ReplaceAllString(text, "</figcaption>")
	}
	text = oReManyNewlines.ReplaceAllString(text, "\n\n")
	text = oracleParagraphs(text)

	text = oReEmptyP.ReplaceAllString(text, "")
	text = oReUnclosedP.ReplaceAllString(text, "<p>$1</p></$2>")
	text = oReWrappedBlock.ReplaceAllString(text, "$1")
	text = oReWrappedLI.ReplaceAllString(text, "$1")
	text = oReBlockquoteInP.ReplaceAllString(text, "<blockquote$1><p>")
	text = strings.ReplaceAll(text, "</blockquote></p>", "</p></blockquote>")
	text = oRePBeforeBlock.ReplaceAllString(text, "$1")
	text = oRePAfterBlock.ReplaceAllString(text, "$1")

	if br {
		for _, re := range oRePreserve {
			text = re.ReplaceAllStringFunc(text, func(m string) string {
				return strings.ReplaceAll(m, "\n", preserveMarker)
			})
		}
		text = strings.ReplaceAll(text, "<br>", "<br />")
		text = strings.ReplaceAll(text, "<br/>", "<br />")
		text = oracleNewlinesToBR(text)
		text = strings.ReplaceAll(text, preserveMarker, "\n")
	}

	text = oReBRAfterBlock.ReplaceAllString(text, "$1")
	text = oReBRBeforeBlock.ReplaceAllString(text, "$1")
	text = oReFinalNewlineP.ReplaceAllString(text, "</p>")

	for i, p := range pres {
		text = strings.Replace(text, preName(i), p, 1)
	}
	if strings.Contains(text, "<!-- wpnl -->") {
		text = strings.ReplaceAll(text, wpnl, "\n")
		text = strings.ReplaceAll(text, "<!-- wpnl -->", "\n")
	}
	return text
}

// oracleSpaceBlocks is spaceBlocks as it was: three passes.
func oracleSpaceBlocks(s string) string {
	s = oReBlockOpen.ReplaceAllString(s, "\n\n$1")
	s = oReBlockClose.ReplaceAllString(s, "$1\n\n")
	return oReHR.ReplaceAllString(s, "$1\n\n")
}

// oracleParagraphs is paragraphs as it was: a split at `\n\s*\n`.
func oracleParagraphs(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for _, p := range oReParagraphSplit.Split(s, -1) {
		if p == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.Trim(p, "\n"))
		b.WriteString("</p>\n")
	}
	return b.String()
}

// oracle is Convert's pipeline as it was before session 8: the regexp Autop above and the
// regexp URL steps.
var oracle = pipeline{autop: oracleAutop, replaceInTags: oracleReplaceInTags, linkURLs: oracleURLSteps}

func oracleConvert(content string, ctx Context) Result { return oracle.convert(content, ctx) }

var (
	oReURLLine = regexp.MustCompile(`(?m)^([ \t]*)(https?://[^\s<>"]+)([ \t]*)$`)
	oReURLPara = regexp.MustCompile(`(?i)(<p(?: [^>]*)?>\s*)(https?://[^\s<>"]+)(\s*</p>)`)
)

func oracleURLSteps(s string) string {
	return oracleLinkURLs(oReURLPara, oracleLinkURLs(oReURLLine, s))
}

// oracleLinkURLs is linkURLLines (re is oReURLLine) or linkURLParas (oReURLPara) as it
// was: the URL, the pattern's second group, becomes a link.
func oracleLinkURLs(re *regexp.Regexp, s string) string {
	return re.ReplaceAllStringFunc(s, func(m string) string {
		sub := re.FindStringSubmatch(m)
		return sub[1] + link(sub[2], sub[2]) + sub[3]
	})
}

// oracleNewlinesToBR is newlinesToBR as it was: wpautop's preg_replace('|(?<!<br />)\s*\n|', "<br />\n"): every run of
// whitespace ending in a newline becomes "<br />\n", unless it starts right after a
// "<br />". RE2 has no look-behind, so this walks the string the way PCRE would, including
// PCRE's retry one character later when the look-behind fails.
func oracleNewlinesToBR(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/16)
	written := 0
	for i := 0; i < len(s); {
		if !isPCRESpace(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isPCRESpace(s[j]) {
			j++
		}
		nl := strings.LastIndexByte(s[i:j], '\n')
		if nl < 0 {
			i = j
			continue
		}
		end := i + nl + 1
		if strings.HasSuffix(s[:i], "<br />") {
			i++ // the look-behind failed here; PCRE tries the next position
			continue
		}
		b.WriteString(s[written:i])
		b.WriteString("<br />\n")
		written, i = end, end
	}
	b.WriteString(s[written:])
	return b.String()
}

// oracleReplaceInTags is replaceInTags as it was: it replaces from with to inside HTML tags and comments only (WordPress's
// wp_replace_in_html_tags over wp_html_split): text between tags is untouched.
func oracleReplaceInTags(s, from, to string) string {
	if !strings.Contains(s, from) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			b.WriteString(s[i:])
			return b.String()
		}
		lt += i
		b.WriteString(s[i:lt])
		end := tagEnd(s, lt)
		b.WriteString(strings.ReplaceAll(s[lt:end], from, to))
		i = end
	}
}
