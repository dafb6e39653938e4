package mail_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/mail"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run go test ./internal/mail -update and review the diff)\n--- got ---\n%s", name, got)
	}
}

// TestRenderGolden pins what the two kinds of email look like: a newsletter and a
// confirmation with a button.
func TestRenderGolden(t *testing.T) {
	news := &mail.Content{
		Subject: "On the river", SiteName: "The Daily Broadside", SiteURL: "https://example.org",
		Preheader: "A walk along the water.", Heading: "On the river", HeadingURL: "https://example.org/2026/03/01/on-the-river/",
		Byline:     "By Ann Author · March 1, 2026",
		ReadOnline: &mail.Link{Label: "Read on the web", URL: "https://example.org/2026/03/01/on-the-river/"},
		BodyHTML: `<p>We walked <em>all</em> day.</p><h2>Later</h2><ul><li>one</li><li>two</li></ul>` +
			`<p><img src="https://example.org/a.jpg" alt="The river at dusk"></p><blockquote><p>Quoted.</p></blockquote>`,
		PostLink:    &mail.Link{Label: "Join the discussion", URL: "https://example.org/2026/03/01/on-the-river/#comments"},
		Support:     &mail.Support{Paragraphs: []string{"This site depends on its readers.", "Thank you."}, Label: "Support this site", URL: "https://ko-fi.com/example"},
		Footer:      []string{"You are receiving this because you subscribed to The Daily Broadside."},
		Manage:      &mail.Link{Label: "Manage your subscription", URL: "https://example.org/subscribe/profile"},
		Unsubscribe: &mail.Link{Label: "Unsubscribe", URL: "https://example.org/subscribe/unsubscribe?t=TOKEN"},
	}
	news.BodyText = mail.TextFromHTML(string(news.BodyHTML))
	h, txt, err := mail.Render(news)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "newsletter.html", h)
	golden(t, "newsletter.txt", txt)

	confirm := &mail.Content{Subject: "Confirm your subscription", SiteName: "The Daily Broadside", SiteURL: "https://example.org",
		Heading:    "Confirm your subscription",
		Paragraphs: []string{"Someone (we hope you) asked to receive new posts from The Daily Broadside at reader@example.net."},
		Button:     &mail.Link{Label: "Yes, subscribe me", URL: "https://example.org/subscribe/confirm?t=TOKEN"},
		After:      []string{"The link works once and expires in 48 hours. If you did not ask, ignore this email: you will not hear from us again."},
	}
	h, txt, err = mail.Render(confirm)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "confirm.html", h)
	golden(t, "confirm.txt", txt)
}

func TestRenderEscapes(t *testing.T) {
	c := &mail.Content{Subject: "x", SiteName: `<script>alert(1)</script>`, SiteURL: "javascript:alert(1)",
		Paragraphs: []string{`<b>not bold</b>`}, Button: &mail.Link{Label: "Go", URL: "javascript:alert(2)"}}
	h, _, err := mail.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>", "javascript:", "<b>not bold"} {
		if strings.Contains(h, bad) {
			t.Errorf("rendered HTML contains %q", bad)
		}
	}
	// Rendering twice gives the same result (styles are not added twice).
	c2 := &mail.Content{Subject: "x", SiteName: "S", SiteURL: "https://example.org", BodyHTML: `<p><img src="https://example.org/a.png" alt=""></p>`}
	a, _, _ := mail.Render(c2)
	b, _, _ := mail.Render(c2)
	if a != b || strings.Count(a, "max-width:100%") != 1 {
		t.Errorf("rendering is not repeatable:\n%s", a)
	}
}

func TestTextFromHTML(t *testing.T) {
	got := mail.TextFromHTML(`<p>Hello <a href="https://example.com/a">world</a> and <a href="#fn1">note</a>.</p>` +
		`<ol><li>first</li><li>second</li></ol><ul><li>dash</li></ul><blockquote><p>quote</p></blockquote>` +
		`<pre>code  line 1
  line 2</pre><p>see https://example.com/b <a href="https://example.com/b">https://example.com/b</a></p>` +
		`<p><img src="x.png" alt="A cat"></p><script>alert(1)</script>`)
	want := "Hello world (https://example.com/a) and note.\n\n1. first\n2. second\n\n- dash\n\nquote\n\ncode  line 1\n  line 2\n\n" +
		"see https://example.com/b https://example.com/b\n\n[A cat]"
	if got != want {
		t.Errorf("got:\n%q\nwant:\n%q", got, want)
	}
}

func TestWrap(t *testing.T) {
	got := mail.Wrap("aaa bbb ccc ddd https://example.com/a-very-long-url-that-does-not-fit eee", 12)
	want := "aaa bbb ccc\nddd\nhttps://example.com/a-very-long-url-that-does-not-fit\neee"
	if got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

// TestPreheaderIsHiddenWithoutLowContrast: the preview line is hidden by display and size,
// never by colouring it like the background or shrinking its font, which spam filters score
// (SpamAssassin's HTML_FONT_LOW_CONTRAST and tiny-font rules).
func TestPreheaderIsHiddenWithoutLowContrast(t *testing.T) {
	h, _, err := mail.Render(&mail.Content{Subject: "S", SiteName: "Site", SiteURL: "https://example.org",
		Preheader: "PREVIEW-LINE", Heading: "S", Paragraphs: []string{"Body."}})
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(h, "PREVIEW-LINE")
	start := strings.LastIndex(h[:i], "<div")
	if i < 0 || start < 0 {
		t.Fatal("no preheader element")
	}
	tag := h[start:i]
	for _, bad := range []string{"color", "font-size", "opacity"} {
		if strings.Contains(tag, bad) {
			t.Errorf("the preheader is styled with %s: %s", bad, tag)
		}
	}
	for _, want := range []string{"display:none", "max-height:0", "overflow:hidden"} {
		if !strings.Contains(tag, want) {
			t.Errorf("the preheader lacks %s: %s", want, tag)
		}
	}
}
