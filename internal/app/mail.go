package app

import (
	"context"
	"fmt"
	"time"

	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/metrics"
)

// NewSMTPSender returns the configured SMTP sender, or nil when mail is off. now dates the
// messages (nil: the wall clock).
func NewSMTPSender(c config.SMTP, now func() time.Time) (*mail.SMTPSender, error) {
	return newSMTPSender(c, 1, now)
}

// newSMTPSender returns an SMTP sender that sends over up to conns connections at once.
func newSMTPSender(c config.SMTP, conns int, now func() time.Time) (*mail.SMTPSender, error) {
	if !c.Enabled() {
		return nil, nil
	}
	s, err := mail.NewSMTP(mail.SMTPConfig{Host: c.Host, Port: c.Port, TLS: c.TLS, User: c.User,
		Password: c.Password.Reveal(), From: c.From, DKIM: c.DKIM, Connections: conns, Now: now})
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return s, nil
}

// mailSenders returns the sender of transactional mail (sign-in and confirmation links,
// notices) and the sender of newsletters, or nils when mail is off. From the configuration
// they are two SMTP clients, so two connections: a newsletter holds its connection for one
// message after another (and, with a slow server, for seconds per message), and a sign-in
// link must not queue behind it. The newsletter's pace (--smtp-rate) is its own and does not
// apply to transactional mail. A sender passed in by a test serves both.
func mailSenders(c config.SMTP, override mail.Sender, now func() time.Time) (transactional, bulk mail.Sender, err error) {
	if override != nil {
		return override, override, nil
	}
	t, err := NewSMTPSender(c, now)
	if err != nil || t == nil {
		return nil, nil, err
	}
	b, err := newSMTPSender(c, smtpConnections(c), now)
	if err != nil {
		return nil, nil, err
	}
	return t, b, nil
}

// countedSender counts what it sends for GET /metrics.
type countedSender struct {
	mail.Sender
	stream string
	m      *metrics.Registry
}

func (c countedSender) Send(ctx context.Context, m *mail.Message) (string, error) {
	reply, err := c.Sender.Send(ctx, m)
	if err != nil {
		c.m.MailFailed(c.stream)
	} else {
		c.m.MailSent(c.stream)
	}
	return reply, err
}

// smtpConnections is how many connections newsletters are sent over at once.
func smtpConnections(c config.SMTP) int {
	if c.Connections > 0 {
		return c.Connections
	}
	return config.DefaultSMTPConnections
}
