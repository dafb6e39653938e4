package render

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	r := New()
	for _, tc := range []struct{ format, in, want string }{
		{FormatMarkdown, "# Title\n\nSome **bold** and [a link](https://example.com/x) &amp; `<code>`.\n\n<!--more-->\n\nRest.", "Title Some bold and a link & <code>. Rest."},
		{FormatMarkdown, "<script>alert(1)</script>\n\nSafe text.", "Safe text."},
		{FormatHTML, `<p>Imported <em>HTML</em> caf&eacute;</p><style>p{}</style><!-- wp:x -->`, "Imported HTML café"},
		{FormatMarkdown, "Footnote[^1].\n\n[^1]: The note.", "Footnote."},
	} {
		if got := r.Text(tc.format, tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
		// Whatever the input, Text agrees with the sanitized rendering's words.
		if strings.Contains(r.Text(tc.format, tc.in), "alert") {
			t.Errorf("script text leaked from %q", tc.in)
		}
	}
}
