// Package mailtest runs a real SMTP server (github.com/emersion/go-smtp) inside a test
// process, on 127.0.0.1:0, that records what it receives; and parses the MIME of the
// received messages so tests can assert headers, both parts and links. It is imported only by
// tests, so go-smtp never ends up in the broadside binary.
package mailtest

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Received is one message as the server got it.
type Received struct {
	From string    // envelope sender (MAIL FROM)
	To   []string  // envelope recipients (RCPT TO)
	Data []byte    // the message, headers and body
	At   time.Time // when the server had the whole message (real time), for pace tests
}

// Server is an in-process SMTP server.
type Server struct {
	Host string
	Port int
	Addr string // host:port

	srv      *smtp.Server
	discard  bool
	user     string
	password string

	mu       sync.Mutex
	msgs     []*Received
	reject   func(rcpt string) error
	down     bool
	conns    int
	notify   chan struct{}
	count    atomic.Int64
	sessions []*session
	faults   map[Stage][]*fault
	resets   int
}

// Option configures a Server.
type Option func(*Server)

// Discard makes the server a sink: messages are read and counted, not kept (benchmarks).
func Discard() Option { return func(s *Server) { s.discard = true } }

// Auth requires SMTP AUTH PLAIN with these credentials.
func Auth(user, password string) Option {
	return func(s *Server) { s.user, s.password = user, password }
}

// Start runs a server until the test ends. Use StartTLS/StartImplicitTLS for encrypted ones.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	return serve(t, ln, nil, opts)
}

func serve(t testing.TB, ln net.Listener, tlsCfg *tlsConfig, opts []Option) *Server {
	s := &Server{notify: make(chan struct{}, 1)}
	for _, o := range opts {
		o(s)
	}
	srv := smtp.NewServer(s)
	srv.Domain = "mailtest.local"
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 50
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.ErrorLog = quietLog{}
	if tlsCfg != nil {
		srv.TLSConfig = tlsCfg.server
	} else {
		srv.AllowInsecureAuth = true
	}
	s.srv = srv
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	s.Host = host
	s.Port, _ = strconv.Atoi(port)
	s.Addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

type quietLog struct{}

func (quietLog) Printf(string, ...any) {}
func (quietLog) Println(...any)        {}

// Reject installs a hook called for every recipient: a non-nil error (use *smtp.SMTPError
// via Reply) is the server's answer to RCPT TO.
func (s *Server) Reject(f func(rcpt string) error) {
	s.mu.Lock()
	s.reject = f
	s.mu.Unlock()
}

// Reply builds an SMTP error reply such as Reply(550, "5.1.1 no such user"); an enhanced
// status code at the start of msg is sent as the reply's enhanced code.
func Reply(code int, msg string) error {
	ec := smtp.EnhancedCodeNotSet
	if head, rest, ok := strings.Cut(msg, " "); ok {
		var a, b, c int
		if n, err := fmt.Sscanf(head, "%d.%d.%d", &a, &b, &c); err == nil && n == 3 && a == code/100 {
			ec, msg = smtp.EnhancedCode{a, b, c}, rest
		}
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: ec, Message: msg}
}

// SetDown simulates an outage: new connections are refused with 421 and transactions on open
// ones fail with 421.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.mu.Unlock()
}

// DropConnections closes every open SMTP connection, as a server that times idle clients out
// does; the server keeps listening.
func (s *Server) DropConnections() {
	s.mu.Lock()
	sessions := append([]*session(nil), s.sessions...)
	s.sessions = nil
	s.mu.Unlock()
	for _, ss := range sessions {
		_ = ss.conn.Close()
	}
}

// Messages returns what has been received so far.
func (s *Server) Messages() []*Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Received(nil), s.msgs...)
}

// Count returns how many messages were accepted (also in Discard mode).
func (s *Server) Count() int { return int(s.count.Load()) }

// Connections returns how many SMTP sessions were opened.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Wait waits until at least n messages were received and returns them; it fails the test
// after timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []*Received {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-s.notify:
		case <-deadline:
			t.Fatalf("mailtest: waited %s for %d messages, got %d", timeout, n, len(s.Messages()))
		}
	}
}

// To returns the messages whose envelope names addr as a recipient.
func (s *Server) To(addr string) []*Received {
	var out []*Received
	for _, m := range s.Messages() {
		for _, r := range m.To {
			if strings.EqualFold(r, addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return nil, Reply(421, "4.3.2 service shutting down (mailtest outage)")
	}
	s.mu.Unlock()
	f := s.fault(AtConnect)
	s.mu.Lock()
	if f != nil {
		if f.Drop {
			_ = c.Conn().Close()
		}
		return nil, Reply(f.Code, f.Message)
	}
	s.conns++
	ss := &session{s: s, conn: c.Conn()}
	s.sessions = append(s.sessions, ss)
	return ss, nil
}

type session struct {
	s      *Server
	conn   net.Conn
	authed bool
	from   string
	to     []string
	// needRset: a transaction failed at the end of DATA and the client has not sent RSET
	// yet. Like some real servers, this one then answers MAIL FROM with 503 bad sequence.
	// go-smtp resets the session itself right after DATA, so the first Reset that follows a
	// failed DATA is the server's own, not the client's (skipReset).
	needRset  bool
	skipReset bool
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.s.user || password != ss.s.password {
			return smtp.ErrAuthFailed // 535 5.7.8, as real servers answer
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.s.mu.Lock()
	down := ss.s.down
	ss.s.mu.Unlock()
	if down {
		return Reply(421, "4.3.2 service shutting down (mailtest outage)")
	}
	if ss.s.user != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	if ss.needRset {
		return Reply(503, "5.5.1 bad sequence of commands: RSET first (mailtest)")
	}
	if f := ss.s.fault(AtMail, from); f != nil {
		return ss.apply(f)
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	reject := ss.s.reject
	ss.s.mu.Unlock()
	if reject != nil {
		if err := reject(to); err != nil {
			return err
		}
	}
	if f := ss.s.fault(AtRcpt, to); f != nil {
		return ss.apply(f)
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	if f := ss.s.fault(AtDataEnd, ss.to...); f != nil {
		_, _ = io.Copy(io.Discard, r)
		if !f.Drop {
			ss.needRset, ss.skipReset = true, true
		}
		return ss.apply(f)
	}
	if ss.s.discard {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return err
		}
		ss.s.count.Add(1)
		return nil
	}
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, &Received{From: ss.from, To: append([]string(nil), ss.to...), Data: b.Bytes(), At: time.Now()})
	ss.s.mu.Unlock()
	ss.s.count.Add(1)
	select {
	case ss.s.notify <- struct{}{}:
	default:
	}
	return nil
}

func (ss *session) Reset() {
	ss.from, ss.to = "", nil
	if ss.skipReset {
		ss.skipReset = false
		return
	}
	ss.needRset = false
	ss.s.mu.Lock()
	ss.s.resets++
	ss.s.mu.Unlock()
}

func (ss *session) Logout() error { return nil }
