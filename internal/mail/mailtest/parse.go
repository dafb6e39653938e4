package mailtest

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Parsed is a received message taken apart.
type Parsed struct {
	Header mail.Header
	Text   string // the decoded text/plain part
	HTML   string // the decoded text/html part
	// Links are the href attributes of the HTML part's <a> elements, in order.
	Links []string
}

// Parse decodes a message: headers, and the text and HTML parts of a multipart/alternative
// (or single-part) body, undoing quoted-printable and base64.
func Parse(t testing.TB, raw []byte) *Parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("mailtest: parse message: %v\n%s", err, raw)
	}
	p := &Parsed{Header: m.Header}
	ct := m.Header.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	if err := p.walk(ct, m.Header.Get("Content-Transfer-Encoding"), m.Body); err != nil {
		t.Fatalf("mailtest: parse body: %v\n%s", err, raw)
	}
	p.Links = links(p.HTML)
	return p
}

func (p *Parsed) walk(ct, cte string, body io.Reader) error {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := p.walk(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part); err != nil {
				return err
			}
		}
	}
	var r io.Reader = body
	switch strings.ToLower(cte) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, stripNewlines{body})
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		p.Text = strings.ReplaceAll(string(b), "\r\n", "\n")
	case "text/html":
		p.HTML = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	return nil
}

type stripNewlines struct{ r io.Reader }

func (s stripNewlines) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}

func links(h string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(h))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken {
			continue
		}
		name, more := z.TagName()
		if string(name) != "a" {
			continue
		}
		for more {
			var k, v []byte
			k, v, more = z.TagAttr()
			if string(k) == "href" {
				out = append(out, string(v))
			}
		}
	}
}

// Link returns the first link (in the HTML part) that contains substr, or fails the test.
func (p *Parsed) Link(t testing.TB, substr string) string {
	t.Helper()
	for _, l := range p.Links {
		if strings.Contains(l, substr) {
			return l
		}
	}
	t.Fatalf("mailtest: no link containing %q in %q", substr, p.Links)
	return ""
}

// Subject returns the decoded Subject header.
func (p *Parsed) Subject() string {
	s, err := new(mime.WordDecoder).DecodeHeader(p.Header.Get("Subject"))
	if err != nil {
		return p.Header.Get("Subject")
	}
	return s
}
