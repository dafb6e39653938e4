package render

import (
	"html/template"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// titleTags are WordPress's $allowedtags, which its kses applies to titles (and comments:
// commentPolicy allows the same elements).
var titleTags = map[string]bool{"a": true, "abbr": true, "acronym": true, "b": true, "blockquote": true, "cite": true,
	"code": true, "del": true, "em": true, "i": true, "q": true, "s": true, "strike": true, "strong": true}

// SplitTitle returns the text form of a title as written and its markup. A title whose tags
// are all inline tags WordPress allows in titles (<em>, <strong>, <a> …) keeps them: its
// markup is the title itself and its text has the tags dropped and entities decoded. Any
// other title ("a < b", "Why <script> tags matter") is text as typed, markup "": it is shown
// literally, escaped, everywhere. The text form is what page titles, feeds, emails and slugs
// use, as WordPress strips tags from titles there.
func SplitTitle(raw string) (text, markup string) {
	raw = strings.TrimSpace(raw)
	if !titleMarkup(raw) {
		return raw, ""
	}
	return PlainText(raw), raw
}

func titleMarkup(raw string) bool {
	if !strings.Contains(raw, "<") {
		return false
	}
	z := html.NewTokenizer(strings.NewReader(raw))
	tags := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return z.Err() == io.EOF && tags > 0
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			if !titleTags[string(name)] {
				return false
			}
			tags++
		case html.CommentToken, html.DoctypeToken:
			return false
		case html.TextToken:
			if strings.Contains(string(z.Raw()), "<") {
				return false // a '<' the tokenizer kept as text: typed, not a tag
			}
		}
	}
}

// Title renders a title for a heading: its markup through the comment policy, which allows
// exactly titleTags (links to http(s) and mailto only, no attribute that runs script),
// balanced; or the text, escaped, when the title has no markup.
func (r *Renderer) Title(text, rawMarkup string) template.HTML {
	if rawMarkup == "" {
		return template.HTML(template.HTMLEscapeString(text))
	}
	return template.HTML(finishPost(r.comment.Sanitize(escapeUnclosedTag(rawMarkup))))
}
