package mail

import (
	"bytes"
	netmail "net/mail"
	"testing"
	"time"
)

// TestUndatedMessageTakesTheSendersClock: a message without a Date of its own is dated by
// the sender's clock, whether it is built whole or from its layout's frame.
func TestUndatedMessageTakesTheSendersClock(t *testing.T) {
	at := time.Date(2031, 7, 14, 9, 30, 0, 0, time.UTC)
	s, err := NewSMTP(SMTPConfig{Host: "mail.example.org", TLS: TLSNone, From: "news@example.org", Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	whole := &Message{To: "reader@example.net", Subject: "Hello", Text: "Hello.", HTML: "<p>Hello.</p>"}
	framed := &Message{To: "reader@example.net", Subject: "Hello", Bulk: true,
		Layout: &Layout{HTML: "<p>Hello x@placeholder.invalid.</p>", Text: "Hello x@placeholder.invalid.", Placeholders: []string{"x@placeholder.invalid"}},
		Fill:   []string{"reader@example.net"}, FillHTML: []string{"reader@example.net"}}
	for name, m := range map[string]*Message{"whole": whole, "framed": framed} {
		raw, err := s.build(m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		msg, err := netmail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d, err := msg.Header.Date(); err != nil || !d.Equal(at) {
			t.Errorf("%s: Date %q (%v), want %s", name, msg.Header.Get("Date"), err, at.Format(time.RFC1123Z))
		}
	}
	if s.frameFor(framed) == nil {
		t.Fatal("the layout was not framed: the framed path was not tested")
	}
}
