package mail

import (
	"bytes"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"
)

// TestLayoutMessagesMatchWholeOnes: a message written from its layout's frame reads exactly
// like the same message built whole, for placeholders anywhere on a quoted-printable line
// (cut by soft line breaks or not), values that need encoding ('=', '&', non-ASCII), and
// its lines stay within quoted-printable's 76 characters.
func TestLayoutMessagesMatchWholeOnes(t *testing.T) {
	s, err := NewSMTP(SMTPConfig{Host: "mail.example.org", TLS: TLSNone, From: "news@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	const unsub, email = "https://unsubscribe.placeholder.invalid/", "recipient@placeholder.invalid"
	var text, htm strings.Builder
	for i := range 40 { // every offset within a line
		pad := strings.Repeat("é", i%7) + strings.Repeat("x", i)
		text.WriteString(pad + " " + unsub + " then " + email + ".\n")
		htm.WriteString(`<p>` + pad + `<a href="` + unsub + `">Unsubscribe</a> ` + email + "</p>\n")
	}
	l := &Layout{HTML: htm.String(), Text: text.String(), Placeholders: []string{unsub, email}}
	for n, to := range []string{"reader@example.net", "a.much.longer.name+tag=x@sub.example.net"} {
		u := "https://example.org/subscribe/unsubscribe?t=ab%3Dcd&x=" + strings.Repeat("z", n*50)
		fill, fillHTML := []string{u, to}, []string{html.EscapeString(u), html.EscapeString(to)}
		m := &Message{From: "The Daily <news@example.org>", To: to, Subject: "Ça va", MessageID: "newsletter.1." + to,
			Date: time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC), ListUnsubscribe: []string{"mailto:news@example.org?subject=u", u},
			OneClick: true, Bulk: true, Headers: map[string]string{"List-Id": `"The Daily" <newsletter.example.org>`},
			HTML: strings.NewReplacer(unsub, fillHTML[0], email, fillHTML[1]).Replace(l.HTML),
			Text: strings.NewReplacer(unsub, fill[0], email, fill[1]).Replace(l.Text)}
		whole, err := s.build(m)
		if err != nil {
			t.Fatal(err)
		}
		m.Layout, m.Fill, m.FillHTML = l, fill, fillHTML
		m.HTML, m.Text = "", "" // left to the layout, as the newsletter does
		framed, err := s.build(m)
		if err != nil {
			t.Fatal(err)
		}
		if s.frameFor(m) == nil {
			t.Fatal("the layout was not framed: messages are built whole")
		}
		// Another sender than the one that framed the layout builds the message whole.
		other, err := NewSMTP(SMTPConfig{Host: "mail.example.org", TLS: TLSNone, From: "news@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		if other.frameFor(m) != nil {
			t.Fatal("a layout framed by one sender was used by another")
		}
		rebuilt, err := other.build(m)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := readMessage(t, whole), readMessage(t, rebuilt); a["part text/html; charset=UTF-8"] != b["part text/html; charset=UTF-8"] || a["part text/plain; charset=UTF-8"] != b["part text/plain; charset=UTF-8"] || len(a) != len(b) {
			t.Error("a message left to its layout, built whole, differs from the one built from full bodies")
		}
		for i, line := range strings.Split(string(framed[bytes.Index(framed, []byte("\r\n\r\n")):]), "\r\n") {
			if len(line) > 76 {
				t.Errorf("body line %d is %d characters: %q", i, len(line), line)
			}
		}
		a, b := readMessage(t, whole), readMessage(t, framed)
		for k, v := range a {
			if b[k] != v {
				t.Errorf("%s: %s is\n%q\nbuilt whole it is\n%q", to, k, b[k], v)
			}
		}
		if len(a) != len(b) {
			t.Errorf("%d fields and parts, built whole %d", len(b), len(a))
		}
	}
}

// readMessage returns a message's header fields (but the MIME boundary) and decoded parts.
func readMessage(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range msg.Header {
		if k != "Content-Type" {
			out[k] = strings.Join(v, "|")
		}
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Fatalf("part %s is not quoted-printable", p.Header.Get("Content-Type"))
		}
		body, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatalf("part %s: %v", p.Header.Get("Content-Type"), err)
		}
		out["part "+p.Header.Get("Content-Type")] = string(body)
	}
	return out
}
