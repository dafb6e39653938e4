package app

import (
	"fmt"

	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/mail"
)

// NewSMTPSender returns the configured SMTP sender, or nil when mail is off.
func NewSMTPSender(c config.SMTP) (*mail.SMTPSender, error) {
	if !c.Enabled() {
		return nil, nil
	}
	s, err := mail.NewSMTP(mail.SMTPConfig{Host: c.Host, Port: c.Port, TLS: c.TLS, User: c.User,
		Password: c.Password.Reveal(), From: c.From, DKIM: c.DKIM})
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return s, nil
}
