package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// TLS modes of an SMTP connection.
const (
	TLSNone     = "none"     // plain text (a relay on localhost or a private network)
	TLSStartTLS = "starttls" // upgrade with STARTTLS, required (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// SMTPConfig says how to reach the mail server.
type SMTPConfig struct {
	Host     string
	Port     int // 0: 25, 587 or 465 by TLS mode
	TLS      string
	User     string
	Password string // never logged
	// From is the default sender, "Site name <news@example.com>".
	From string
	// Timeout bounds connecting and each command; 0 means 30s.
	Timeout time.Duration
	// TLSConfig overrides the TLS settings (tests trust their own certificate with it).
	TLSConfig *tls.Config
	// HELO is the name we greet the server with; empty means the host name.
	HELO string
	// Connections is how many messages may be sent at once, each over its own connection;
	// 0 means 1.
	Connections int
	// DKIM signs every message when set.
	DKIM *DKIM
	// Now dates a message that has no Date of its own; nil means time.Now.
	Now func() time.Time
}

// DefaultPort returns the usual port of a TLS mode.
func DefaultPort(mode string) int {
	switch mode {
	case TLSImplicit:
		return 465
	case TLSNone:
		return 25
	default:
		return 587
	}
}

// maxIdle is how long a connection may sit unused before it is replaced: servers hang up on
// idle clients (often after 60s–5min), and a fresh connection is cheaper than a failed send.
const maxIdle = 20 * time.Second

// SMTPSender delivers messages over reused SMTP connections: Connections of them (default
// one), each carrying one message after another. It is safe for concurrent use; sends beyond
// the connections wait for one to be free.
//
// go-mail builds the message and opens the session (TLS, EHLO, AUTH); the transaction itself
// (MAIL, RCPT, DATA) is driven here, so that every answer is classified at the stage it came
// from and the session is always left clean for the next message: after any failure the
// transaction is reset with RSET, or the connection replaced when the conversation itself
// went wrong. go-mail's own Send skips the RSET after a failed DATA, and the server then
// answered the next MAIL FROM with 503.
type SMTPSender struct {
	cfg    SMTPConfig
	from   *netmail.Address
	dialer *gomail.Client
	dkim   *DKIM

	// sessions holds the connections that are not in use (each nil until its first Send).
	sessions chan *session
}

// session is one connection and its conversation state.
type session struct {
	s        *SMTPSender
	conn     *smtp.Client
	lastUsed time.Time
}

// NewSMTP returns a sender for cfg; it connects on the first Send.
func NewSMTP(cfg SMTPConfig) (*SMTPSender, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail: no SMTP host")
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if cfg.Port == 0 {
		cfg.Port = DefaultPort(cfg.TLS)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: sender address %q: %w", cfg.From, err)
	}
	opts := []gomail.Option{
		gomail.WithPort(cfg.Port),
		gomail.WithTimeout(cfg.Timeout),
		// The connection is checked by its age instead (maxIdle): a NOOP before every
		// message would cost a round trip per recipient of a newsletter.
		gomail.WithoutNoop(),
	}
	if cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(cfg.HELO))
	}
	switch cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("mail: TLS mode %q must be none, starttls or tls", cfg.TLS)
	}
	if cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(cfg.TLSConfig))
	}
	if cfg.User != "" {
		auth := gomail.SMTPAuthAutoDiscover
		if cfg.TLS == TLSNone {
			// Without TLS, go-mail refuses to send a password unless told so explicitly; the
			// operator chose "none" for a relay they trust (localhost, a private network).
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(cfg.User), gomail.WithPassword(cfg.Password))
	}
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: smtp client for %s: %w", cfg.Host, err)
	}
	s := &SMTPSender{cfg: cfg, from: from, dialer: c, dkim: cfg.DKIM, sessions: make(chan *session, max(cfg.Connections, 1))}
	for range cap(s.sessions) {
		s.sessions <- &session{s: s}
	}
	return s, nil
}

// Addr is the server's host:port, for messages.
func (s *SMTPSender) Addr() string { return fmt.Sprintf("%s:%d", s.cfg.Host, s.cfg.Port) }

// Send delivers m and returns the server's reply to the end of the message data. A failure
// is an *Error classified by Classify.
func (s *SMTPSender) Send(ctx context.Context, m *Message) (string, error) {
	raw, err := s.build(m)
	if err != nil {
		return "", err
	}
	to, _ := netmail.ParseAddress(m.To) // checked by build
	var ss *session
	select {
	case ss = <-s.sessions:
	case <-ctx.Done():
		return "", newError(StageSession, 1, ctx.Err())
	}
	defer func() { s.sessions <- ss }()
	return ss.send(ctx, to.Address, raw)
}

func (ss *session) send(ctx context.Context, to string, raw []byte) (string, error) {
	if ss.conn != nil && time.Since(ss.lastUsed) > maxIdle {
		ss.hangUp()
	}
	reused := ss.conn != nil
	if err := ss.connect(ctx); err != nil {
		return "", err
	}
	reply, serr := ss.transact(to, raw)
	if serr != nil && reused && serr.Stage == StageMail && (serr.Code == 0 || serr.Code == 421) {
		// A reused connection the server had already dropped (or was closing, 421, as servers
		// do with idle clients): nothing of this message was transmitted, so one retry on a
		// fresh connection is safe.
		ss.hangUp()
		if err := ss.connect(ctx); err != nil {
			return "", err
		}
		reply, serr = ss.transact(to, raw)
	}
	ss.lastUsed = time.Now()
	if serr != nil {
		ss.recover(serr)
		return "", serr
	}
	return reply, nil
}

func (ss *session) connect(ctx context.Context) error {
	if ss.conn != nil {
		return ss.deadline()
	}
	c, err := ss.s.dialer.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return newError(StageSession, 1, fmt.Errorf("connect to %s: %w", ss.s.Addr(), err))
	}
	ss.conn = c
	return nil
}

// deadline gives the next exchange the configured time on a reused connection.
func (ss *session) deadline() error {
	if err := ss.conn.UpdateDeadline(ss.s.cfg.Timeout); err != nil {
		ss.hangUp()
		return newError(StageSession, 1, err)
	}
	return nil
}

// recover leaves the session ready for the next MAIL FROM after a failed transaction: RSET
// when the server still follows the conversation, a new connection when it does not (or
// the RSET itself fails).
func (ss *session) recover(e *Error) {
	if ss.conn == nil {
		return
	}
	if e.Class == ClassProtocol || e.Stage == StageSession {
		ss.hangUp()
		return
	}
	if err := ss.conn.Reset(); err != nil {
		ss.hangUp()
	}
}

// Close ends the connections politely, waiting for those in use.
func (s *SMTPSender) Close() error {
	var errs []error
	all := make([]*session, 0, cap(s.sessions))
	for range cap(s.sessions) {
		ss := <-s.sessions
		all = append(all, ss)
		if ss.conn == nil {
			continue
		}
		c := ss.conn
		ss.conn = nil
		errs = append(errs, c.Quit())
		_ = c.Close()
	}
	for _, ss := range all {
		s.sessions <- ss
	}
	return errors.Join(errs...)
}

// hangUp drops the connection without ceremony: QUIT on a connection in an unknown state may
// wait for an answer that never comes.
func (ss *session) hangUp() {
	if ss.conn != nil {
		_ = ss.conn.Close()
	}
	ss.conn = nil
	ss.lastUsed = time.Time{}
}
