package wpcontent

import (
	"io"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestConvertMoreInsideElement: a <!--more--> inside a heading, a quote or inline markup
// stays where it was, in well-formed HTML: the element around it is whole, and neither
// side gets a stray </p> (WordPress runs wpautop over the whole text with the marker in
// place, and balances the teaser's tags when it shows one).
func TestConvertMoreInsideElement(t *testing.T) {
	for _, tc := range []struct{ in, keep string }{
		{"Intro text.\n\n<h3>Source code:<!--more--></h3>\n<pre>x := 1</pre>\n\nAfter.", "<h3>Source code:" + MoreMarker + "</h3>"},
		{"<blockquote>Quoted<!--more Read on--> and the rest</blockquote>\n\nAfter.", "Quoted" + MoreMarker + " and the rest</p></blockquote>"},
		{"Some <em>emphasised<!--more--> words</em> here.\n\nNext.", "<em>emphasised" + MoreMarker + " words</em>"},
		{"<ul>\n<li>one<!--more--></li>\n<li>two</li>\n</ul>", "<li>one" + MoreMarker + "</li>"},
	} {
		got := Convert(tc.in, ctx).HTML
		if !strings.Contains(got, tc.keep) {
			t.Errorf("%q:\n got %q\nwant it to contain %q", tc.in, got, tc.keep)
		}
		if strings.Count(got, MoreMarker) != 1 {
			t.Errorf("%q: the marker is not kept once: %q", tc.in, got)
		}
		if err := balanced(strings.Replace(got, MoreMarker, "", 1)); err != "" {
			t.Errorf("%q: the full content is not well-formed (%s): %q", tc.in, err, got)
		}
	}
	// A marker between paragraphs still splits them, as before.
	got := Convert("One\n\n<!--more-->\n\nTwo", ctx).HTML
	if want := "<p>One</p>\n" + MoreMarker + "<p>Two</p>\n"; got != want {
		t.Errorf("top-level marker: got %q, want %q", got, want)
	}
}

// balanced reports the first end tag that does not close the innermost open element, or an
// element left open, or "".
func balanced(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var open []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				return z.Err().Error()
			}
			if len(open) > 0 {
				return "<" + open[len(open)-1] + "> left open"
			}
			return ""
		case html.StartTagToken:
			name, _ := z.TagName()
			if !voidElement[string(name)] {
				open = append(open, string(name))
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if len(open) == 0 || open[len(open)-1] != string(name) {
				return "stray </" + string(name) + ">"
			}
			open = open[:len(open)-1]
		}
	}
}
