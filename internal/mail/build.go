package mail

import (
	"bytes"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// maxLine is RFC 5322's recommended line length (section 2.1.1), without the CRLF.
const maxLine = 78

// build renders m as the bytes that go on the wire, DKIM-signed when the sender has a key.
func (s *SMTPSender) build(m *Message) ([]byte, error) {
	var raw []byte
	if f := s.frameFor(m); f != nil {
		r, err := s.fill(f, m)
		if err != nil {
			return nil, err
		}
		raw = r
	} else {
		msg, err := s.compose(m.whole())
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if _, err := msg.WriteTo(&b); err != nil {
			return nil, &Error{Stage: StageMessage, Class: ClassSender, Err: fmt.Errorf("write message: %w", err)}
		}
		raw = b.Bytes()
	}
	if s.dkim == nil {
		return raw, nil
	}
	signed, err := s.dkim.Sign(raw)
	if err != nil {
		return nil, &Error{Stage: StageMessage, Class: ClassSender, Err: err}
	}
	return signed, nil
}

// compose turns m into a go-mail message.
func (s *SMTPSender) compose(m *Message) (*gomail.Msg, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	from := s.from
	if m.From != "" {
		a, _ := netmail.ParseAddress(m.From) // checked by Validate
		from = a
	}
	msg.FromMailAddress(from)
	if err := msg.EnvelopeFrom(s.from.Address); err != nil {
		return nil, &Error{Stage: StageMessage, Class: ClassSender, Err: err}
	}
	to, _ := netmail.ParseAddress(m.To)
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	date := m.Date
	if date.IsZero() {
		date = s.cfg.Now()
	}
	msg.SetDateWithValue(date)
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	} else {
		msg.SetMessageIDWithValue(randomID() + "@" + Domain(from.Address))
	}
	msg.SetUserAgent("Broadside")
	if len(m.ListUnsubscribe) > 0 {
		v, err := foldList("List-Unsubscribe", m.ListUnsubscribe)
		if err != nil {
			return nil, &Error{Stage: StageMessage, Class: ClassSender, Err: err}
		}
		msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe, v)
		if m.OneClick {
			msg.SetListUnsubscribePost()
		}
	}
	if m.Bulk {
		// Precedence: bulk is what mailbox providers and vacation responders look for in a
		// newsletter (with List-Id and List-Unsubscribe); go-mail adds
		// X-Auto-Response-Suppress for Exchange.
		msg.SetBulk()
	} else {
		// Everything else Broadside sends is written by a program on someone's behalf (sign-in
		// links, confirmations, comment notices): RFC 3834 asks responders not to answer it.
		msg.SetGenHeader("Auto-Submitted", "auto-generated")
		msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	}
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	if m.Text != "" {
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		if m.HTML != "" {
			msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
		}
	} else {
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// foldList formats URIs as an RFC 2369 list ("<a>, <b>") folded between entries so that no
// line is longer than RFC 5322 recommends when the URIs allow it. A URI is never split (some
// clients do not rejoin one), and none may break the 998-character hard limit.
func foldList(name string, uris []string) (string, error) {
	var b strings.Builder
	line := len(name) + 2 // "Name: "
	for i, u := range uris {
		if strings.ContainsAny(u, "<>\r\n \t") || u == "" {
			return "", fmt.Errorf("%s: bad URI %q", name, u)
		}
		item := "<" + u + ">"
		if i < len(uris)-1 {
			item += ","
		}
		if len(item)+1 > 998 {
			return "", errors.New(name + ": a URI is longer than a header line may be")
		}
		if i > 0 {
			if line+1+len(item) > maxLine {
				b.WriteString("\r\n")
				line = 0
			}
			b.WriteByte(' ')
			line++
		}
		b.WriteString(item)
		line += len(item)
	}
	return b.String(), nil
}
