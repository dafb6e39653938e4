package render

import (
	"bytes"
	"strings"
)

// Text returns the readable text of a post body (format as in Post): Markdown converted,
// tags dropped, entities decoded, whitespace collapsed, and the <!--more--> marker removed.
// It is text, not HTML: it skips the sanitizer because nothing of it is ever written
// unescaped, which makes it several times cheaper than PlainText(Post(…)) for search snippets.
func (r *Renderer) Text(format, raw string) string {
	raw = strings.ReplaceAll(raw, moreMarker, "")
	if format != FormatMarkdown {
		return PlainText(raw)
	}
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(raw), &buf); err != nil {
		return strings.Join(strings.Fields(raw), " ")
	}
	return PlainText(buf.String())
}
