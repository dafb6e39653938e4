package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
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

// SMTPSender delivers messages over one reused SMTP connection. It is safe for concurrent
// use; sends are serialised on the connection.
type SMTPSender struct {
	cfg    SMTPConfig
	from   *netmail.Address
	client *gomail.Client

	mu        sync.Mutex
	connected bool
	lastUsed  time.Time
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
	return &SMTPSender{cfg: cfg, from: from, client: c}, nil
}

// Addr is the server's host:port, for messages.
func (s *SMTPSender) Addr() string { return fmt.Sprintf("%s:%d", s.cfg.Host, s.cfg.Port) }

// Send delivers m and returns the server's reply to the end of the message data.
func (s *SMTPSender) Send(ctx context.Context, m *Message) (string, error) {
	msg, err := s.build(m)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.connected && time.Since(s.lastUsed) > maxIdle {
		s.disconnect()
	}
	if !s.connected {
		if err := s.client.DialWithContext(ctx); err != nil {
			return "", &Error{Conn: true, Code: replyCode(err), Err: fmt.Errorf("connect to %s: %w", s.Addr(), err)}
		}
		s.connected = true
	}
	reused := !s.lastUsed.IsZero()
	s.lastUsed = time.Now()
	err = s.client.Send(msg)
	if err != nil && reused && unsent(err) {
		// A reused connection the server had already dropped: nothing of this message was
		// transmitted, so one retry on a fresh connection is safe.
		s.disconnect()
		if derr := s.client.DialWithContext(ctx); derr != nil {
			return "", &Error{Conn: true, Code: replyCode(derr), Err: fmt.Errorf("reconnect to %s: %w", s.Addr(), derr)}
		}
		s.connected = true
		err = s.client.Send(msg)
	}
	if err != nil {
		e := classify(err)
		if e.Conn {
			s.disconnect()
		}
		return "", e
	}
	return msg.ServerResponse(), nil
}

// unsent reports whether err broke the connection before the server could have accepted the
// message (the connection check or MAIL FROM failed without an SMTP reply).
func unsent(err error) bool {
	var se *gomail.SendError
	return errors.As(err, &se) && se.ErrorCode() == 0 && (se.Reason == gomail.ErrConnCheck || se.Reason == gomail.ErrSMTPMailFrom)
}

// Close ends the connection politely.
func (s *SMTPSender) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.connected {
		return nil
	}
	s.connected = false
	return s.client.Close()
}

func (s *SMTPSender) disconnect() {
	_ = s.client.Close()
	s.connected = false
	s.lastUsed = time.Time{}
}

// classify turns go-mail's error into an *Error: 5xx replies are permanent, 4xx temporary;
// anything without a reply code is a broken connection.
func classify(err error) *Error {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return &Error{Conn: true, Err: err}
	}
	code := se.ErrorCode()
	switch {
	case se.Reason == gomail.ErrGetSender || se.Reason == gomail.ErrGetRcpts || se.Reason == gomail.ErrNoUnencoded:
		return &Error{Permanent: true, Err: err}
	case code >= 500:
		return &Error{Code: code, Permanent: true, Err: err}
	case code == 421:
		// "Service not available, closing transmission channel": the server is going away.
		return &Error{Code: code, Conn: true, Err: err}
	case code >= 400:
		return &Error{Code: code, Err: err}
	}
	return &Error{Conn: true, Err: err}
}

// replyCode extracts an SMTP reply code from a dial error (a 554 greeting, a failed AUTH).
func replyCode(err error) int {
	s := err.Error()
	for i := 0; i+3 <= len(s); i++ {
		if (s[i] == '4' || s[i] == '5') && isDigit(s[i+1]) && isDigit(s[i+2]) && (i+3 == len(s) || s[i+3] == ' ' || s[i+3] == '-') &&
			(i == 0 || s[i-1] == ' ') {
			return int(s[i]-'0')*100 + int(s[i+1]-'0')*10 + int(s[i+2]-'0')
		}
	}
	return 0
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// build turns m into a go-mail message.
func (s *SMTPSender) build(m *Message) (*gomail.Msg, error) {
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
		return nil, &Error{Permanent: true, Err: err}
	}
	to, _ := netmail.ParseAddress(m.To)
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	msg.SetDateWithValue(date)
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	} else {
		msg.SetMessageIDWithValue(randomID() + "@" + Domain(from.Address))
	}
	msg.SetUserAgent("Broadside")
	if len(m.ListUnsubscribe) > 0 {
		msg.SetListUnsubscribe(m.ListUnsubscribe...)
		if m.OneClick {
			msg.SetListUnsubscribePost()
		}
	}
	if m.Bulk {
		msg.SetBulk()
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
