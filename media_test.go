package broadside_test

import (
	"testing"

	"github.com/broadside/broadside"
)

// An imported attachment's address becomes a Location header only when it is a path here or
// a plain http(s) URL.
func TestAttachmentRedirectTarget(t *testing.T) {
	ok := []string{
		"https://old.example/wp-content/uploads/2019/04/a.jpg",
		"http://i0.wp.com/old.example/a.jpg?w=300",
		"HTTPS://cdn.example.net/a%20b.png",
		"/wp-content/uploads/2019/04/a.jpg",
	}
	for _, u := range ok {
		if got, good := (&broadside.Attachment{URL: u}).RedirectTarget(); !good || got != u {
			t.Errorf("%q refused", u)
		}
	}
	bad := []string{
		"", "javascript:alert(1)", "JavaScript:alert(document.cookie)", " javascript:alert(1)", "java\tscript:alert(1)",
		"data:text/html,<script>alert(1)</script>", "data:image/svg+xml;base64,PHN2Zz4=", "vbscript:msgbox(1)",
		"//evil.example/a.jpg", "/\\evil.example/a.jpg", "\\\\evil.example\\a.jpg", "https:evil.example",
		"https:/evil.example", "https:///evil.example", "http://user:pass@evil.example/", "http://good.example@evil.example/",
		"https://evil.example\\@good.example/", "https://evil.example/a\r\nSet-Cookie: x=1", "https://evil.example/\x00",
		"file:///etc/passwd", "ftp://old.example/a.jpg", "intent://x#Intent;scheme=http;end", "wp-content/uploads/a.jpg",
		"mailto:a@example.com", "http://", "https://?x", "https://#x",
	}
	for _, u := range bad {
		if got, good := (&broadside.Attachment{URL: u}).RedirectTarget(); good {
			t.Errorf("%q accepted as %q", u, got)
		}
	}
}
