package mail

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"
)

//go:embed templates/email.html templates/email.txt
var templateFS embed.FS

// Content is what an email says. Every email Broadside sends (confirmations, sign-in links,
// newsletters, comment notices) is one of these rendered through the same two templates, so
// they all look the same and all carry the site's name and the way out.
type Content struct {
	// Lang and Dir are the language of the email (the site's, internal/i18n) and its writing
	// direction, for <html lang dir>; empty is English, left to right.
	Lang, Dir string
	Subject   string
	SiteName  string
	SiteURL   string
	Preheader string // the preview line mail clients show after the subject

	Heading    string
	HeadingURL string // newsletters: the post
	Byline     string
	ReadOnline *Link

	Paragraphs []string // plain text, escaped
	Button     *Link
	// BodyHTML is sanitized HTML (a post rendered by internal/render); BodyText is its
	// plain-text form for the text part.
	BodyHTML htmltemplate.HTML
	BodyText string
	After    []string // smaller print after the main content
	PostLink *Link    // "Read on the web" / "Join the discussion"

	Support *Support // the reader-support appeal; nil hides it
	// Footer says why the reader got this; Manage and Unsubscribe are links beneath it.
	Footer      []string
	Manage      *Link
	Unsubscribe *Link
}

// Link is a labelled URL.
type Link struct{ Label, URL string }

// Support is the reader-support appeal: paragraphs and a button to the donation page.
type Support struct {
	Paragraphs []string
	Label, URL string
	// HTML is a post's own appeal, rendered and sanitized, with its inline links; it
	// replaces Paragraphs and the button. Text is its plain-text form.
	HTML htmltemplate.HTML
	Text string
}

var (
	htmlTmpl = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/email.html"))
	textTmpl = texttemplate.Must(texttemplate.New("email.txt").Funcs(texttemplate.FuncMap{
		"wrap":      func(s string) string { return Wrap(s, 72) },
		"underline": func(s string) string { return strings.Repeat("=", min(72, utf8.RuneCountInString(s))) },
	}).ParseFS(templateFS, "templates/email.txt"))
)

// Render returns the HTML and plain-text parts of c.
func Render(c *Content) (html, text string, err error) {
	styled := *c
	if c.BodyHTML != "" {
		styled.BodyHTML = htmltemplate.HTML(InlineStyles(string(c.BodyHTML)))
	}
	if c.Support != nil && c.Support.HTML != "" {
		sup := *c.Support
		sup.HTML = htmltemplate.HTML(InlineStyles(string(sup.HTML)))
		styled.Support = &sup
	}
	var hb, tb bytes.Buffer
	if err := htmlTmpl.ExecuteTemplate(&hb, "email.html", &styled); err != nil {
		return "", "", fmt.Errorf("mail: render html: %w", err)
	}
	if err := textTmpl.ExecuteTemplate(&tb, "email.txt", c); err != nil {
		return "", "", fmt.Errorf("mail: render text: %w", err)
	}
	return hb.String(), collapseBlankLines(tb.String()), nil
}

// Compose renders c into a message to the recipient.
func Compose(to string, c *Content) (*Message, error) {
	h, t, err := Render(c)
	if err != nil {
		return nil, err
	}
	return &Message{To: to, Subject: c.Subject, HTML: h, Text: t}, nil
}

// inlineStyles are added to the elements of a post body: many mail clients ignore <style>
// blocks, so the look must ride on each element.
var inlineStyles = []struct{ tag, style string }{
	{"<p>", `<p style="margin:0 0 18px 0;">`},
	{"<h1>", `<h1 style="font-family:Georgia,serif;font-size:26px;line-height:32px;margin:24px 0 12px 0;">`},
	{"<h2>", `<h2 style="font-family:Georgia,serif;font-size:22px;line-height:28px;margin:24px 0 12px 0;">`},
	{"<h3>", `<h3 style="font-family:Georgia,serif;font-size:19px;line-height:25px;margin:20px 0 10px 0;">`},
	{"<h4>", `<h4 style="font-family:Georgia,serif;font-size:17px;line-height:24px;margin:18px 0 8px 0;">`},
	{"<blockquote>", `<blockquote style="margin:0 0 18px 0;padding:0 0 0 16px;border-left:3px solid #d4d4d8;color:#52525b;">`},
	{"<ul>", `<ul style="margin:0 0 18px 0;padding:0 0 0 24px;">`},
	{"<ol>", `<ol style="margin:0 0 18px 0;padding:0 0 0 24px;">`},
	{"<li>", `<li style="margin:0 0 6px 0;">`},
	{"<pre>", `<pre style="margin:0 0 18px 0;padding:12px;background-color:#f4f4f5;font-size:14px;line-height:20px;white-space:pre-wrap;">`},
	{"<figure>", `<figure style="margin:0 0 18px 0;">`},
	{"<figcaption>", `<figcaption style="font-family:Helvetica,Arial,sans-serif;font-size:13px;line-height:18px;color:#71717a;">`},
	{"<hr>", `<hr style="border:0;border-top:1px solid #e4e4e7;margin:24px 0;">`},
	{"<img ", `<img style="max-width:100%;height:auto;border:0;display:block;" `},
	{"<a ", `<a style="color:#b3261e;" `},
	{"<table>", `<table style="border-collapse:collapse;margin:0 0 18px 0;">`},
}

// InlineStyles adds mail-friendly style attributes to the bare elements of sanitized post
// HTML (the sanitizer strips authors' own style attributes, so tags arrive bare).
func InlineStyles(h string) string {
	pairs := make([]string, 0, 2*len(inlineStyles))
	for _, s := range inlineStyles {
		pairs = append(pairs, s.tag, s.style)
	}
	return strings.NewReplacer(pairs...).Replace(h)
}

// Wrap breaks plain text into lines of at most width runes at spaces (a long word, such as a
// URL, stays whole on its own line). Existing line breaks are kept.
func Wrap(s string, width int) string {
	var out strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			out.WriteByte('\n')
		}
		n := 0
		for j, w := range strings.Fields(line) {
			l := utf8.RuneCountInString(w)
			if j > 0 {
				if n+1+l > width {
					out.WriteByte('\n')
					n = 0
				} else {
					out.WriteByte(' ')
					n++
				}
			}
			out.WriteString(w)
			n += l
		}
	}
	return out.String()
}

// collapseBlankLines leaves at most one blank line between paragraphs and trims the ends.
func collapseBlankLines(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	var out []string
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "--" {
			l = "-- " // the signature separator keeps its trailing space
		}
		if l == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n")) + "\n"
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
