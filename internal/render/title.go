package render

import (
	"html/template"
	"strings"
)

// SplitTitle returns the text form of a title as written and its markup: the markup is the
// title itself when it has a tag (WordPress keeps inline tags such as <em> in titles), else
// "". The text form (tags dropped, entities decoded, spaces collapsed) is what page titles,
// feeds, emails and slugs use, as WordPress strips tags from titles there.
func SplitTitle(raw string) (text, markup string) {
	raw = strings.TrimSpace(raw)
	if !strings.Contains(raw, "<") {
		return PlainText(raw), ""
	}
	return PlainText(raw), raw
}

// Title renders a title for a heading: its markup through the comment policy, which is
// WordPress's $allowedtags, the same list its kses applies to titles (a few inline tags,
// links to http(s) and mailto only, no attributes that run script), balanced; or the text,
// escaped, when the title has no markup.
func (r *Renderer) Title(text, rawMarkup string) template.HTML {
	if rawMarkup == "" {
		return template.HTML(template.HTMLEscapeString(text))
	}
	return template.HTML(finishPost(r.comment.Sanitize(escapeUnclosedTag(rawMarkup))))
}
