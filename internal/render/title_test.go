package render

import "testing"

// TestTitles: inline tags WordPress allows in titles are kept and sanitized; any other '<'
// makes the title plain text, shown literally; attacks never survive as markup.
func TestTitles(t *testing.T) {
	r := New()
	for _, tc := range []struct{ raw, text, markup, html string }{
		{"Plain & simple", "Plain & simple", "", "Plain &amp; simple"},
		{"Title <em>With</em> Markup", "Title With Markup", "Title <em>With</em> Markup", "Title <em>With</em> Markup"},
		{"<strong>Bold</strong> &amp; <code>code</code>", "Bold & code", "<strong>Bold</strong> &amp; <code>code</code>", "<strong>Bold</strong> &amp; <code>code</code>"},
		{"a < b", "a < b", "", "a &lt; b"},
		{"Why <script>alert(1)</script> matters", "Why <script>alert(1)</script> matters", "", "Why &lt;script&gt;alert(1)&lt;/script&gt; matters"},
		{`<em onmouseover="alert(1)">x</em>`, "x", `<em onmouseover="alert(1)">x</em>`, "<em>x</em>"},
		{`<a href="javascript:alert(1)">x</a>`, "x", `<a href="javascript:alert(1)">x</a>`, "x"},
		{`<em>open`, "open", "<em>open", "<em>open</em>"},
		{`<img src=x onerror=alert(1)>`, `<img src=x onerror=alert(1)>`, "", "&lt;img src=x onerror=alert(1)&gt;"},
		{`<em>a</em><!-- x -->`, `<em>a</em><!-- x -->`, "", "&lt;em&gt;a&lt;/em&gt;&lt;!-- x --&gt;"},
	} {
		text, markup := SplitTitle(tc.raw)
		if text != tc.text || markup != tc.markup {
			t.Errorf("SplitTitle(%q) = %q, %q; want %q, %q", tc.raw, text, markup, tc.text, tc.markup)
		}
		if got := string(r.Title(text, markup)); got != tc.html {
			t.Errorf("Title(%q) = %q, want %q", tc.raw, got, tc.html)
		}
	}
}
