package render

import (
	"strings"
	"testing"
)

// E-mail addresses in comments become mailto: links as WordPress's make_clickable makes them:
// an address starts a word (after whitespace, a tag or the start of the text), has a local
// part of letters, digits and . _ + -, and an ASCII domain of dot-separated labels ending in a
// top-level label of two or more letters or digits. Anything else stays text, escaped.
func TestCommentEmailsClickable(t *testing.T) {
	r := New()
	mail := func(addr string) string {
		return `<a href="mailto:` + addr + `"` + rel + `>` + addr + `</a>`
	}
	tests := []struct{ name, in, want string }{
		{"in a sentence", "write to jo@example.com. Thanks", "<p>write to " + mail("jo@example.com") + ". Thanks</p>"},
		{"alone", "jo@example.com", "<p>" + mail("jo@example.com") + "</p>"},
		{"case and subdomains", "Jo.Smith+tag@Mail.Example.CO.UK", "<p>" + mail("Jo.Smith+tag@Mail.Example.CO.UK") + "</p>"},
		{"after a newline", "mail:\njo_x-y@example.org", "<p>mail:<br>\n" + mail("jo_x-y@example.org") + "</p>"},
		{"with a URL", "https://example.com/ or jo@example.com", `<p><a href="https://example.com/"` + rel + `>https://example.com/</a> or ` + mail("jo@example.com") + "</p>"},
		{"inside bold", "<b>jo@example.com</b>", "<p><b>" + mail("jo@example.com") + "</b></p>"},
		{"inside a link not relinked", `<a href="https://x.example/">jo@example.com</a>`, `<p><a href="https://x.example/"` + rel + `>jo@example.com</a></p>`},
		{"domain stops at what cannot follow", "jo@example.com/path?x=1", "<p>" + mail("jo@example.com") + "/path?x=1</p>"},
		{"hyphen after the top-level label", "jo@b.co-m.x", "<p>" + mail("jo@b.co") + "-m.x</p>"},
		{"punycode domain", "jo@xn--exmple-cua.com", "<p>" + mail("jo@xn--exmple-cua.com") + "</p>"},
		// Not addresses, or not at the start of a word: left as text.
		{"mid-word", "foo:jo@example.com", "<p>foo:jo@example.com</p>"},
		{"in parentheses", "(jo@example.com)", "<p>(jo@example.com)</p>"},
		{"quoted", `"jo@example.com"`, "<p>&#34;jo@example.com&#34;</p>"},
		{"no dot in the domain", "jo@localhost", "<p>jo@localhost</p>"},
		{"one-letter top-level label", "jo@example.c", "<p>jo@example.c</p>"},
		{"empty label", "jo@example..com", "<p>jo@example..com</p>"},
		{"no local part", "@example.com", "<p>@example.com</p>"},
		{"double at", "jo@@example.com", "<p>jo@@example.com</p>"},
		{"IDN domain", "jo@exämple.com", "<p>jo@exämple.com</p>"},
		{"non-ASCII local part", "jö@example.com", "<p>jö@example.com</p>"},
		{"obfuscated", "jo [at] example [dot] com", "<p>jo [at] example [dot] com</p>"},
		{"mention", "@Hades thanks", "<p>@Hades thanks</p>"},
		// Attacks: nothing but a mailto: link to the address itself, everything else escaped.
		{"javascript scheme", "javascript:alert(1)@example.com", "<p>javascript:alert(1)@example.com</p>"},
		{"javascript local part", "javascript:jo@example.com", "<p>javascript:jo@example.com</p>"},
		{"quote breaks out", `jo@example.com"onmouseover="alert(1)`, "<p>" + mail("jo@example.com") + "&#34;onmouseover=&#34;alert(1)</p>"},
		{"tag after", `jo@example.com<script>alert(1)</script>`, "<p>" + mail("jo@example.com") + "</p>"},
		{"tag before", `<img src=x onerror=alert(1)>jo@example.com`, "<p>" + mail("jo@example.com") + "</p>"},
		{"angle brackets", "<jo@example.com>", "<p></p>"},
		{"escaped angle brackets", "&lt;jo@example.com&gt;", "<p>&lt;jo@example.com&gt;</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(r.Comment(tt.in))
			if tt.name == "angle brackets" {
				// The sanitizer reads <jo@example.com> as an unknown tag and drops it.
				if strings.Contains(got, "mailto") || strings.Contains(got, "<jo") {
					t.Errorf("Comment(%q) = %q", tt.in, got)
				}
			} else if got != tt.want {
				t.Errorf("Comment(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if reason := unsafeReason(got, true); reason != "" {
				t.Errorf("unsafe: %s", reason)
			}
			if reason := balancedReason(got); reason != "" {
				t.Errorf("not balanced: %s", reason)
			}
			if n := normalizeText(tt.in); !strings.ContainsAny(n, "<&") {
				if fast, slow := commentPlain(n), r.commentMarkup(n); fast != slow {
					t.Errorf("fast path %q, sanitizer path %q", fast, slow)
				}
			}
		})
	}
}

// Long runs that look like the start of an address must stay linear.
func TestCommentEmailPathological(t *testing.T) {
	r := New()
	const n = 65525
	for _, unit := range []string{"a", "a.", "a@", " a@b.", "@", " a@b", "a@b.c ", " x"} {
		in := strings.Repeat(unit, n/len(unit))
		out := string(r.Comment(in))
		if len(out) > 64*len(in) {
			t.Errorf("%q: %d bytes of output", unit, len(out))
		}
		if reason := unsafeReason(out, true); reason != "" {
			t.Errorf("%q: %s", unit, reason)
		}
	}
}
