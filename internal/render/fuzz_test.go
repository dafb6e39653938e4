package render

import (
	"strings"
	"testing"
)

// Run each for a while before a release:
//
//	go test -run XXX -fuzz FuzzComment -fuzztime 20s ./internal/render/
//	go test -run XXX -fuzz FuzzPost -fuzztime 20s ./internal/render/

func FuzzComment(f *testing.F) {
	for _, s := range attacks {
		f.Add(s)
	}
	f.Add("a\nb\n\nc http://example.com/(x). <b>bold\n\n<i>it</b></i>")
	f.Add("<blockquote>q<blockquote>qq</b>\n\nhttps://x.example</blockquote>")
	r := New()
	f.Fuzz(func(t *testing.T, in string) {
		out := string(r.Comment(in))
		if reason := unsafeReason(out, true); reason != "" {
			t.Fatalf("Comment(%q) = %q: %s", in, out, reason)
		}
		if reason := balancedReason(out); reason != "" {
			t.Fatalf("Comment(%q) = %q: %s", in, out, reason)
		}
		if n := normalizeText(in); !strings.ContainsAny(n, "<&") {
			if fast, slow := commentPlain(n), r.commentMarkup(n); fast != slow {
				t.Fatalf("fast path differs for %q:\nfast %q\nslow %q", in, fast, slow)
			}
		}
	})
}

func FuzzPost(f *testing.F) {
	for _, s := range attacks {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Add("# h\n\n| a | b |\n|---|---|\n| <b>1 | [x](http://y) |\n\n```\ncode\n```\n\nx[^1]\n\n[^1]: n", true)
	r := New()
	f.Fuzz(func(t *testing.T, in string, markdown bool) {
		format := FormatHTML
		if markdown {
			format = FormatMarkdown
		}
		out := string(r.Post(format, in))
		if reason := unsafeReason(out, false); reason != "" {
			t.Fatalf("Post(%s, %q) = %q: %s", format, in, out, reason)
		}
		if reason := balancedReason(out); reason != "" {
			t.Fatalf("Post(%s, %q) = %q: %s", format, in, out, reason)
		}
		_ = r.Excerpt(format, in, 10)
	})
}
