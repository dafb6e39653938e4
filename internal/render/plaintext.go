package render

import (
	"strings"

	"golang.org/x/net/html"
)

// Excerpt returns the first maxWords words of a post body as plain text (no tags, entities
// decoded), with "…" appended when words were cut. Everything after <!--more--> (or
// WordPress's <!--more custom text-->) is dropped first. maxWords <= 0 means no limit.
// The result is text, not HTML: templates escape it like any other string.
func (r *Renderer) Excerpt(format, raw string, maxWords int) string {
	if i := moreIndex(raw); i >= 0 {
		raw = raw[:i]
	}
	words := strings.Fields(PlainText(string(r.Post(format, raw))))
	if maxWords <= 0 || len(words) <= maxWords {
		return strings.Join(words, " ")
	}
	words = words[:maxWords]
	last := strings.TrimRight(words[maxWords-1], ",;:–—-")
	if last == "" && maxWords > 1 {
		words = words[:maxWords-1]
	} else {
		words[maxWords-1] = last
	}
	return strings.Join(words, " ") + "…"
}

// moreIndex finds "<!--more-->" or "<!--more text-->" and returns its offset, or -1.
func moreIndex(s string) int {
	off := 0
	for {
		i := strings.Index(s[off:], "<!--more")
		if i < 0 {
			return -1
		}
		i += off
		rest := s[i+len("<!--more"):]
		if strings.HasPrefix(rest, "-->") || (rest != "" && isSpaceByte(rest[0]) && strings.Contains(rest, "-->")) {
			return i
		}
		off = i + len("<!--more")
	}
}

// PlainText strips the tags from an HTML fragment and returns its text with entities
// decoded and whitespace collapsed: for <meta name="description">, og:description, feeds'
// plain summaries. Block elements and <br> separate words; the contents of script, style
// and similar elements, and goldmark's footnote references and footnote list, are left out.
func PlainText(htmlFragment string) string {
	z := html.NewTokenizer(strings.NewReader(htmlFragment))
	var b strings.Builder
	var skipping []string // the element whose text is skipped, and same-named ones inside it
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			if len(skipping) == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			nests := tt == html.StartTagToken && !voidElement[tok.Data]
			switch {
			case len(skipping) > 0:
				if nests && tok.Data == skipping[0] {
					skipping = append(skipping, tok.Data)
				}
			case nests && skipText(tok):
				skipping = append(skipping, tok.Data)
			case blockElement[tok.Data]:
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			n := string(name)
			switch {
			case len(skipping) > 0:
				if n == skipping[0] {
					skipping = skipping[:len(skipping)-1]
				}
			case blockElement[n]:
				b.WriteByte(' ')
			}
		}
	}
}

// skipText reports whether the element's text is not part of the readable content.
func skipText(t html.Token) bool {
	switch t.Data {
	case "script", "style", "template", "noscript", "iframe", "object", "textarea", "title", "select":
		return true
	}
	for _, a := range t.Attr {
		if a.Key == "class" {
			for _, c := range strings.Fields(a.Val) {
				if c == "footnote-ref" || c == "footnotes" {
					return true
				}
			}
		}
	}
	return false
}

var voidElement = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

var blockElement = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "br": true,
	"caption": true, "dd": true, "details": true, "div": true, "dl": true, "dt": true,
	"figcaption": true, "figure": true, "footer": true, "h1": true, "h2": true, "h3": true,
	"h4": true, "h5": true, "h6": true, "header": true, "hr": true, "li": true, "ol": true,
	"p": true, "pre": true, "section": true, "summary": true, "table": true, "td": true,
	"th": true, "tr": true, "ul": true, "img": true,
}
