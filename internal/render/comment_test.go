package render

import (
	"strings"
	"testing"
)

const rel = ` rel="nofollow ugc noopener"`

func TestCommentFormatting(t *testing.T) {
	r := New()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"blank", " \n\n \t\n", ""},
		{"one line", "Hello", "<p>Hello</p>"},
		{"single newline is br", "a\nb", "<p>a<br>\nb</p>"},
		{"blank line is paragraph", "a\n\nb", "<p>a</p>\n<p>b</p>"},
		{"CRLF", "a\r\nb\r\n\r\nc", "<p>a<br>\nb</p>\n<p>c</p>"},
		{"whitespace-only line separates paragraphs", "a\n \t\n\n\nb", "<p>a</p>\n<p>b</p>"},
		{"leading and trailing newlines", "\n\n  a\n\n", "<p>a</p>"},
		{"bold and strong", "<b>bold</b> and <strong>strong</strong>", "<p><b>bold</b> and <strong>strong</strong></p>"},
		{"all allowed inline", `<em>e</em><i>i</i><s>s</s><strike>k</strike><del datetime="2018-09-05">d</del><code>c</code><cite>t</cite><abbr title="Labour">L</abbr><acronym title="NEC">N</acronym><q cite="https://example.com/q">q</q>`,
			`<p><em>e</em><i>i</i><s>s</s><strike>k</strike><del datetime="2018-09-05">d</del><code>c</code><cite>t</cite><abbr title="Labour">L</abbr><acronym title="NEC">N</acronym><q cite="https://example.com/q">q</q></p>`},
		{"link gets rel", `<a href="https://example.com/x?a=1&amp;b=2" title="Why? Because: yes">t</a>`,
			`<p><a href="https://example.com/x?a=1&amp;b=2" title="Why? Because: yes"` + rel + `>t</a></p>`},
		{"commenter rel replaced", `<a href="http://example.com/" rel="dofollow" target="_blank">t</a>`,
			`<p><a href="http://example.com/"` + rel + `>t</a></p>`},
		{"mailto link", `<a href="mailto:complaints@example.com">mail</a>`, `<p><a href="mailto:complaints@example.com"` + rel + `>mail</a></p>`},
		{"relative link dropped, text kept", `<a href="/wp-admin/">admin</a>`, "<p>admin</p>"},
		{"protocol-relative link dropped", `<a href="//evil.example/">x</a>`, "<p>x</p>"},
		{"link without href dropped", `<a name="x">text</a>`, "<p>text</p>"},
		{"bare URL", "see https://example.com/path?q=1. Thanks",
			`<p>see <a href="https://example.com/path?q=1"` + rel + `>https://example.com/path?q=1</a>. Thanks</p>`},
		{"bare URL with ampersand", "https://example.com/?a=1&b=2",
			`<p><a href="https://example.com/?a=1&amp;b=2"` + rel + `>https://example.com/?a=1&amp;b=2</a></p>`},
		{"URL in parentheses", "(http://example.com/a)", `<p>(<a href="http://example.com/a"` + rel + `>http://example.com/a</a>)</p>`},
		{"URL with balanced parentheses", "http://en.wikipedia.org/wiki/Foo_(bar)", `<p><a href="http://en.wikipedia.org/wiki/Foo_(bar)"` + rel + `>http://en.wikipedia.org/wiki/Foo_(bar)</a></p>`},
		{"URL at line end", "HTTP://EXAMPLE.COM\nnext", `<p><a href="HTTP://EXAMPLE.COM"` + rel + `>HTTP://EXAMPLE.COM</a><br>` + "\n" + `next</p>`},
		{"URL not mid-word", "xhttp://a.example", "<p>xhttp://a.example</p>"},
		{"scheme only", "http:// and https://", "<p>http:// and https://</p>"},
		{"other schemes not linked", "ftp://a.example javascript://x", "<p>ftp://a.example javascript://x</p>"},
		{"URL inside a link not relinked", `<a href="http://a.example/">http://b.example/</a>`, `<p><a href="http://a.example/"` + rel + `>http://b.example/</a></p>`},
		{"URL inside bold linked", `<b>http://a.example/</b>`, `<p><b><a href="http://a.example/"` + rel + `>http://a.example/</a></b></p>`},
		{"blockquote", "<blockquote>quoted</blockquote>\nreply", "<blockquote><p>quoted</p>\n</blockquote>\n<p>reply</p>"},
		{"blockquote cite", `<blockquote cite="https://example.com/">q</blockquote>`, `<blockquote cite="https://example.com/"><p>q</p>` + "\n</blockquote>"},
		{"blockquote paragraphs", "<blockquote>a\n\nb</blockquote>", "<blockquote><p>a</p>\n<p>b</p>\n</blockquote>"},
		{"blockquote closes paragraph", "before <blockquote>q</blockquote> after", "<p>before </p>\n<blockquote><p>q</p>\n</blockquote>\n<p>after</p>"},
		{"unclosed blockquote", "<blockquote>q", "<blockquote><p>q</p>\n</blockquote>"},
		{"entities", "Tom &amp; Jerry &lt;3 &copy; &nbsp;x", "<p>Tom &amp; Jerry &lt;3 © \u00a0x</p>"},
		{"bare ampersand", "R&D", "<p>R&amp;D</p>"},
		{"lone angle brackets", "x < y and y > z", "<p>x &lt; y and y &gt; z</p>"},
		{"quotes", `it's "quoted"`, "<p>it&#39;s &#34;quoted&#34;</p>"},
		{"disallowed tags stripped, text kept", "<p>para</p><div>x</div><span>y</span>", "<p>paraxy</p>"},
		{"script dropped", "a<script>alert(1)</script>b", "<p>ab</p>"},
		{"unclosed bold closed", "<b>unclosed", "<p><b>unclosed</b></p>"},
		{"unterminated tag kept as text", `ok <a href="x`, "<p>ok &lt;a href=&#34;x</p>"},
		{"stray end tags dropped", "</b>x</i></blockquote>", "<p>x</p>"},
		{"misnested", "<b><i>x</b>y</i>", "<p><b><i>x</i></b><i>y</i></p>"},
		{"formatting across paragraphs", "<b>one\n\ntwo</b> three", "<p><b>one</b></p>\n<p><b>two</b> three</p>"},
		{"empty elements vanish", "<b></b><i> </i>x", "<p>x</p>"},
		{"nested links", `<a href="http://a.example/">a<a href="http://b.example/">b</a></a>`,
			`<p><a href="http://a.example/"` + rel + `>a</a><a href="http://b.example/"` + rel + `>b</a></p>`},
		{"br after inline", "<b>x</b>\ny", "<p><b>x</b><br>\ny</p>"},
		{"NUL and invalid UTF-8", "a\x00b\xffc", "<p>a\uFFFDb\uFFFDc</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(r.Comment(tt.in))
			if got != tt.want {
				t.Errorf("Comment(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if reason := unsafeReason(got, true); reason != "" {
				t.Errorf("unsafe: %s", reason)
			}
			if reason := balancedReason(got); reason != "" {
				t.Errorf("not balanced: %s", reason)
			}
		})
	}
}

func TestCommentNestingIsBounded(t *testing.T) {
	r := New()
	in := strings.Repeat("<b>", 10000) + strings.Repeat("x\n\n", 10000)
	out := string(r.Comment(in))
	// Without the depth limit every paragraph would reopen 10,000 <b> elements.
	if len(out) > 10000*(len("<p><b>x</b></p>\n")*maxInlineDepth) {
		t.Fatalf("output is %d bytes", len(out))
	}
	if reason := balancedReason(out); reason != "" {
		t.Fatal(reason)
	}
	quotes := strings.Repeat("<blockquote>", 1000) + "deep" + strings.Repeat("</blockquote>", 1000) + "after"
	out = string(r.Comment(quotes))
	if n := strings.Count(out, "<blockquote>"); n != maxQuoteDepth {
		t.Errorf("%d nested blockquotes, want %d", n, maxQuoteDepth)
	}
	if !strings.HasSuffix(out, "</blockquote>\n<p>after</p>") {
		t.Errorf("text after the quotes should be outside them: %q", out[len(out)-60:])
	}
	if reason := balancedReason(out); reason != "" {
		t.Fatal(reason)
	}
}

// The plain-text fast path must produce exactly what the sanitizer path produces.
func TestCommentFastPathMatchesSanitizerPath(t *testing.T) {
	r := New()
	for _, in := range []string{
		"", "x", "a\nb", "a\n\nb", " \n a \n\n\n b \n", "http://example.com/a_(b).", "it's \"q\" > x",
		"(https://example.com/x?y=1), then https://ex.example/é.", "tab\there\fform\vfeed",
		"trailing spaces   \n\nnext   ", strings.Repeat("word ", 200),
	} {
		if fast, slow := commentPlain(normalizeText(in)), r.commentMarkup(normalizeText(in)); fast != slow {
			t.Errorf("%q:\nfast %q\nslow %q", in, fast, slow)
		}
	}
}

func TestCommentFromTheSeedDiscussion(t *testing.T) {
	// A real comment from testdata/seed: an @-reply, an email address, question marks.
	in := "@Hades , complaints start here\n\ncomplaints@peoplesmomentum.com.\n\nBut what process there is after that is ???? and I am still trying to find out.\nI’ll be asking my local Momentum group about it."
	// The address is made clickable, as WordPress's make_clickable does; the full stop stays out.
	want := "<p>@Hades , complaints start here</p>\n<p><a href=\"mailto:complaints@peoplesmomentum.com\"" + rel + ">complaints@peoplesmomentum.com</a>.</p>\n<p>But what process there is after that is ???? and I am still trying to find out.<br>\nI’ll be asking my local Momentum group about it.</p>"
	if got := string(New().Comment(in)); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// Inputs built to hit quadratic behaviour (bracket balancing in URLs, reopening formatting,
// deep quotes) at the largest size a comment may have. They must finish quickly (a
// regression shows up as a slow test) and stay safe, balanced and of bounded size.
func TestCommentPathologicalInputs(t *testing.T) {
	r := New()
	const n = 65525 // broadside.MaxCommentLen
	for name, unit := range map[string]string{
		"closing parens":  ")",
		"balanced parens": "()",
		"bold":            "<b>",
		"links":           "<a href=http://x.example/>",
		"newlines":        "\n",
		"quotes":          "<blockquote>",
		"schemes":         "http://",
		"misnested":       "<q><i><b>x\n\n</i>",
		"stray ends":      "</i>",
		"urls":            "http://a.example ",
	} {
		in := strings.Repeat(unit, n/len(unit))
		if name == "closing parens" || name == "balanced parens" {
			in = "http://a.example/" + in
		}
		out := string(r.Comment(in))
		if len(out) > 32*len(in) {
			t.Errorf("%s: %d bytes of output for %d of input", name, len(out), len(in))
		}
		if reason := balancedReason(out); reason != "" {
			t.Errorf("%s: %s", name, reason)
		}
		if reason := unsafeReason(out, true); reason != "" {
			t.Errorf("%s: %s", name, reason)
		}
	}
}

func TestCommentUnclosedTagKeepsText(t *testing.T) {
	r := New()
	for _, in := range []string{"Attack: <img src=\"x\n\nafter", "a <b\nafter", "x <a href='y\n\nafter"} {
		out := string(r.Comment(in))
		if !strings.Contains(out, "after") {
			t.Errorf("Comment(%q) = %q: the text after an unclosed tag was lost", in, out)
		}
		if strings.Contains(out, "<img") || strings.Contains(out, "<b>") || strings.Contains(out, "<a ") {
			t.Errorf("Comment(%q) = %q: an unclosed tag became markup", in, out)
		}
	}
}
