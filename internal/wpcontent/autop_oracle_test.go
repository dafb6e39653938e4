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
)

// oracleAutop is Autop with the regular expressions its scanners replaced.
func oracleAutop(text string, br bool) string { return oracleAutopSteps.autop(text, br) }

// oracleAutopSteps are the regular expressions the scanners replaced, in Autop's pipeline.
var oracleAutopSteps = autopSteps{
	doubleBR:          func(s string) string { return oReDoubleBR.ReplaceAllString(s, "\n\n") },
	spaceBlocks:       oracleSpaceBlocks,
	collapseNewlines:  func(s string) string { return oReManyNewlines.ReplaceAllString(s, "\n\n") },
	paragraphs:        oracleParagraphs,
	dropEmptyP:        func(s string) string { return oReEmptyP.ReplaceAllString(s, "") },
	closeUnclosedP:    func(s string) string { return oReUnclosedP.ReplaceAllString(s, "<p>$1</p></$2>") },
	unwrapBlock:       func(s string) string { return oReWrappedBlock.ReplaceAllString(s, "$1") },
	unwrapLI:          func(s string) string { return oReWrappedLI.ReplaceAllString(s, "$1") },
	blockquoteOutOfP:  func(s string) string { return oReBlockquoteInP.ReplaceAllString(s, "<blockquote$1><p>") },
	dropPBeforeBlock:  func(s string) string { return oRePBeforeBlock.ReplaceAllString(s, "$1") },
	dropPAfterBlock:   func(s string) string { return oRePAfterBlock.ReplaceAllString(s, "$1") },
	newlinesToBR:      oracleNewlinesToBR,
	dropBRAfterBlock:  func(s string) string { return oReBRAfterBlock.ReplaceAllString(s, "$1") },
	dropBRBeforeBlock: func(s string) string { return oReBRBeforeBlock.ReplaceAllString(s, "$1") },
	replaceInTags:     oracleReplaceInTags,
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
