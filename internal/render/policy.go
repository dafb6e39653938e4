package render

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

// The two sanitizer policies. Both are built once in New and only read afterwards, which is
// what makes a *bluemonday.Policy safe to share between goroutines.

var (
	// goldmark writes fenced code blocks as <code class="language-go">; nothing else may
	// carry a class on code.
	codeLanguageClass = regexp.MustCompile(`^language-[A-Za-z0-9_+#.-]{1,40}$`)
	// goldmark's footnote markup, kept so footnotes can be styled and stay accessible.
	footnoteClass = regexp.MustCompile(`^(footnotes|footnote-ref|footnote-backref)$`)
	footnoteRole  = regexp.MustCompile(`^doc-(noteref|endnotes|backlink)$`)
	imgLoading    = regexp.MustCompile(`^(lazy|eager)$`)
	// dir="auto" (WordPress's editors write it on every paragraph of mixed-direction text);
	// UGC already allows rtl and ltr.
	dirAuto = regexp.MustCompile(`(?i)^auto$`)
	// A BCP 47 language tag (fa, en-GB, zh-Hans-CN). UGC's own lang pattern is not anchored,
	// so finishPost drops what does not match this one.
	langTag = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)
)

// authorPolicy sanitizes what authors write (rendered Markdown or imported WordPress HTML).
// It is bluemonday's UGC policy, whose URL rules already reject every scheme except http,
// https and mailto (javascript:, data: and vbscript: included) and which allows no style
// attribute, no event handler and no iframe/object/embed/form/script element, plus:
// figure/figcaption (already in UGC), img loading, code language classes and goldmark's
// footnote markup, and dir="auto" (with UGC's dir="rtl"/"ltr" and lang, on every element,
// so right-to-left text displays as its author wrote it). Authors are trusted editors, so their links do not get nofollow;
// Renderer.Post adds rel="noopener" to absolute links after sanitizing.
func authorPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.AllowElements("figure", "figcaption")
	p.AllowAttrs("loading").Matching(imgLoading).OnElements("img")
	p.AllowAttrs("dir").Matching(dirAuto).Globally()
	p.AllowAttrs("class").Matching(codeLanguageClass).OnElements("code")
	p.AllowAttrs("class").Matching(footnoteClass).OnElements("a", "div")
	p.AllowAttrs("role").Matching(footnoteRole).OnElements("a", "div")
	return p
}

// commentPolicy is WordPress's $allowedtags for comments: a handful of inline elements plus
// blockquote, nothing with a style or an event, and links only to absolute http, https and
// mailto URLs (no relative links: a comment has no business pointing at our own admin pages
// with a relative URL that looks like navigation). rel is added by the comment writer, not
// here, so that the plain-text fast path and this path produce the same markup.
func commentPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowAttrs("href", "title").OnElements("a")
	p.AllowAttrs("title").OnElements("abbr", "acronym")
	p.AllowAttrs("cite").OnElements("blockquote", "q")
	p.AllowAttrs("datetime").Matching(bluemonday.ISO8601).OnElements("del")
	p.AllowElements("abbr", "acronym", "b", "blockquote", "cite", "code", "del", "em", "i",
		"q", "s", "strike", "strong")
	return p
}
