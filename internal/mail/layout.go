package mail

import (
	"bytes"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"sync"
	"time"
)

// Layout is what the messages of one mailing (a newsletter) share: the bodies with
// placeholders where each recipient's own values go. The SMTP sender encodes a Layout once
// (headers, MIME structure, quoted-printable bodies) and writes each message from those
// bytes with only the recipient's header fields and values put in; building every message
// from scratch cost more than sending it. Every message of a Layout must agree on From,
// Subject, Bulk, OneClick and Headers: only To, MessageID, Date, ListUnsubscribe and the
// placeholders' values may differ.
type Layout struct {
	HTML, Text string // the bodies with the placeholders
	// A Message with a Layout may leave its own Text and HTML empty: they are the layout's
	// with the values put in.
	// Placeholders are replaced by Message.Fill in Text and Message.FillHTML in HTML. They
	// must be plain ASCII without '=' or spaces (quoted-printable leaves them as they are).
	Placeholders []string

	once  sync.Once
	owner *SMTPSender
	f     *frame // nil: the layout could not be framed; messages are built whole
}

// frame is a Layout encoded: the shared header fields and the body cut at the placeholders.
type frame struct {
	head []byte // shared header fields, each ending in CRLF
	body []segment
}

// segment is literal encoded bytes, or the value of placeholder fill (in the HTML part when html).
type segment struct {
	lit  []byte
	fill int // -1: literal
	html bool
}

// The header fields written per recipient; the rest of the header is the frame's.
var ownFields = []string{"date", "to", "message-id", "list-unsubscribe"}

// whole returns m with the bodies its layout leaves to be filled in (for building it whole).
func (m *Message) whole() *Message {
	if m.Layout == nil || m.Text != "" || m.HTML != "" {
		return m
	}
	w := *m
	w.Text, w.HTML = m.Layout.Text, m.Layout.HTML
	for i, ph := range m.Layout.Placeholders {
		if i < len(m.Fill) && i < len(m.FillHTML) {
			w.Text = strings.ReplaceAll(w.Text, ph, m.Fill[i])
			w.HTML = strings.ReplaceAll(w.HTML, ph, m.FillHTML[i])
		}
	}
	w.Layout = nil
	return &w
}

// frameFor returns m's layout encoded for s, or nil when m must be built whole.
func (s *SMTPSender) frameFor(m *Message) *frame {
	l := m.Layout
	if l == nil || len(m.Fill) != len(l.Placeholders) || len(m.FillHTML) != len(l.Placeholders) {
		return nil
	}
	l.once.Do(func() {
		l.owner = s
		l.f = s.encodeLayout(m)
	})
	if l.owner != s {
		return nil
	}
	return l.f
}

// encodeLayout builds one message of the layout with the placeholders left in and cuts it
// where they are. It gives up (nil) unless every placeholder is found exactly as often as
// the bodies hold it.
func (s *SMTPSender) encodeLayout(m *Message) *frame {
	t := *m
	t.HTML, t.Text, t.Layout, t.Fill, t.FillHTML = m.Layout.HTML, m.Layout.Text, nil, nil, nil
	msg, err := s.compose(&t)
	if err != nil {
		return nil
	}
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		return nil
	}
	raw := b.Bytes()
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 || !bytes.Contains(raw, []byte("quoted-printable")) || bytes.Contains(raw, []byte("base64")) {
		return nil
	}
	f := &frame{head: sharedFields(raw[:end+2])}
	body := raw[end+2:] // from the blank line on
	htmlAt := len(body)
	if t.HTML != "" && t.Text != "" {
		if htmlAt = bytes.Index(body, []byte("Content-Type: text/html")); htmlAt < 0 {
			return nil
		}
	} else if t.Text == "" {
		htmlAt = 0
	}
	found := make([][2]int, len(m.Layout.Placeholders))
	lit := 0
	for i := 0; i < len(body); i++ {
		for k, ph := range m.Layout.Placeholders {
			e, ok := matchQP(body, i, ph)
			if !ok {
				continue
			}
			inHTML := i >= htmlAt
			if inHTML {
				found[k][1]++
			} else {
				found[k][0]++
			}
			f.body = append(f.body, segment{lit: body[lit:i], fill: -1}, segment{fill: k, html: inHTML})
			lit, i = e, e-1
			break
		}
	}
	f.body = append(f.body, segment{lit: body[lit:], fill: -1})
	for k, ph := range m.Layout.Placeholders {
		if found[k][0] != strings.Count(t.Text, ph) || found[k][1] != strings.Count(t.HTML, ph) {
			return nil
		}
	}
	return f
}

// matchQP reports whether ph is encoded at body[i:], possibly cut by soft line breaks, and
// where it ends.
func matchQP(body []byte, i int, ph string) (int, bool) {
	if ph == "" || body[i] != ph[0] {
		return 0, false
	}
	j := i
	for k := 0; k < len(ph); {
		if bytes.HasPrefix(body[j:], []byte("=\r\n")) && k > 0 {
			j += 3
			continue
		}
		if j >= len(body) || body[j] != ph[k] {
			return 0, false
		}
		j++
		k++
	}
	return j, true
}

// sharedFields drops the header fields written per recipient from an encoded header.
func sharedFields(h []byte) []byte {
	var out []byte
	keep := true
	for len(h) > 0 {
		n := bytes.Index(h, []byte("\r\n")) + 2
		if n < 2 {
			n = len(h)
		}
		line := h[:n]
		h = h[n:]
		if line[0] != ' ' && line[0] != '\t' {
			name, _, _ := bytes.Cut(line, []byte(":"))
			keep = true
			for _, f := range ownFields {
				if strings.EqualFold(string(name), f) {
					keep = false
				}
			}
		}
		if keep {
			out = append(out, line...)
		}
	}
	return out
}

// fill writes m from its layout's frame: the recipient's header fields, the shared ones, and
// the body with m's values encoded where the placeholders were. Each value stands between
// soft line breaks, so the lines around it keep within quoted-printable's 76 characters.
func (s *SMTPSender) fill(f *frame, m *Message) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	to, _ := netmail.ParseAddress(m.To)
	date := m.Date
	if date.IsZero() {
		date = s.cfg.Now()
	}
	id := m.MessageID
	if id == "" {
		id = randomID() + "@" + Domain(s.from.Address)
	}
	b := bytes.NewBuffer(make([]byte, 0, len(f.head)+4096))
	b.WriteString("Date: " + date.Format(time.RFC1123Z) + "\r\n")
	b.WriteString("To: " + (&netmail.Address{Address: to.Address}).String() + "\r\n")
	b.WriteString("Message-ID: <" + id + ">\r\n")
	if len(m.ListUnsubscribe) > 0 {
		v, err := foldList("List-Unsubscribe", m.ListUnsubscribe)
		if err != nil {
			return nil, &Error{Stage: StageMessage, Class: ClassSender, Err: err}
		}
		b.WriteString("List-Unsubscribe: " + v + "\r\n")
	}
	b.Write(f.head)
	for _, sg := range f.body {
		if sg.fill < 0 {
			b.Write(sg.lit)
			continue
		}
		v := m.Fill[sg.fill]
		if sg.html {
			v = m.FillHTML[sg.fill]
		}
		b.WriteString("=\r\n")
		w := quotedprintable.NewWriter(b)
		_, _ = w.Write([]byte(v))
		_ = w.Close()
		b.WriteString("=\r\n")
	}
	return b.Bytes(), nil
}
