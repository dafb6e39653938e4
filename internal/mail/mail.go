// Package mail sends Broadside's email: a Sender interface with an SMTP implementation on
// github.com/wneessen/go-mail, and message building (HTML and plain-text parts from embedded
// templates, List-Unsubscribe headers). It knows nothing about subscribers or posts: the
// services decide what to say, this package says it well and delivers it.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Message is one email to one recipient.
type Message struct {
	// From is "Name <address>" or a bare address; empty means the sender's default.
	From    string
	To      string
	Subject string
	Text    string // the text/plain part
	HTML    string // the text/html part; empty sends a plain-text message
	// MessageID is the Message-ID without angle brackets. A stable id (one per newsletter and
	// recipient) lets mailbox providers drop a copy re-sent after a crash; empty means random.
	MessageID string
	Date      time.Time // zero means now
	// ListUnsubscribe holds the unsubscribe URIs (mailto: and https:) for the List-Unsubscribe
	// header; OneClick adds List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058).
	ListUnsubscribe []string
	OneClick        bool
	// Bulk marks newsletters (Precedence: bulk, no auto-replies).
	Bulk bool
	// Headers are extra header fields, such as List-Id.
	Headers map[string]string
	// Layout, when set, is the mailing this message belongs to: Text and HTML are its bodies
	// with the placeholders replaced by Fill (in Text) and FillHTML (in HTML), and the SMTP
	// sender writes the message from the layout encoded once.
	Layout         *Layout
	Fill, FillHTML []string
}

// Sender delivers messages. Send returns the server's final reply (for `broadside mail test`)
// or an error; errors from SMTP are *Error, classified by Classify.
type Sender interface {
	Send(ctx context.Context, m *Message) (reply string, err error)
}

// Validate checks a message before it is handed to a server: a bad recipient address is the
// recipient's permanent failure, anything else is the sender's (no message like it can go).
func (m *Message) Validate() error {
	if _, err := mail.ParseAddress(m.To); err != nil {
		return &Error{Stage: StageEnvelope, Class: ClassRecipient, Err: fmt.Errorf("bad recipient %q: %w", m.To, err)}
	}
	if m.From != "" {
		if _, err := mail.ParseAddress(m.From); err != nil {
			return &Error{Stage: StageMessage, Class: ClassSender, Err: fmt.Errorf("bad sender %q: %w", m.From, err)}
		}
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return &Error{Stage: StageMessage, Class: ClassSender, Err: errors.New("subject must be one line")}
	}
	if m.Text == "" && m.HTML == "" && (m.Layout == nil || m.Layout.Text == "" && m.Layout.HTML == "") {
		return &Error{Stage: StageMessage, Class: ClassSender, Err: errors.New("empty message")}
	}
	for k, v := range m.Headers {
		if strings.ContainsAny(k+v, "\r\n") {
			return &Error{Stage: StageMessage, Class: ClassSender, Err: fmt.Errorf("header %q must be one line", k)}
		}
	}
	return nil
}

// Domain returns the domain of an address ("news@example.com" -> "example.com"), for
// Message-IDs; "localhost" when there is none.
func Domain(addr string) string {
	if a, err := mail.ParseAddress(addr); err == nil {
		addr = a.Address
	}
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i < len(addr)-1 {
		return strings.ToLower(addr[i+1:])
	}
	return "localhost"
}
