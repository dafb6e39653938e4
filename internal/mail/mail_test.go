package mail_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/mail/mailtest"
)

func newSender(t *testing.T, cfg mail.SMTPConfig) *mail.SMTPSender {
	t.Helper()
	if cfg.From == "" {
		cfg.From = "The Daily Broadside <news@example.org>"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	s, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func plain(srv *mailtest.Server) mail.SMTPConfig {
	return mail.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone}
}

func testMessage(to string) *mail.Message {
	c := &mail.Content{Subject: "A newsletter", SiteName: "The Daily Broadside", SiteURL: "https://example.org",
		Heading: "A newsletter", HeadingURL: "https://example.org/2026/03/01/post/",
		BodyHTML:    "<p>First paragraph with <a href=\"https://example.com/x\">a link</a>.</p>",
		BodyText:    "First paragraph with a link (https://example.com/x).",
		Support:     &mail.Support{Paragraphs: []string{"Please support us."}, Label: "Donate", URL: "https://ko-fi.com/example"},
		Footer:      []string{"You subscribed to The Daily Broadside."},
		Unsubscribe: &mail.Link{Label: "Unsubscribe", URL: "https://example.org/subscribe/unsubscribe?t=abc"},
	}
	m, err := mail.Compose(to, c)
	if err != nil {
		panic(err)
	}
	m.MessageID = "nl.7.42@example.org"
	m.Date = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	m.ListUnsubscribe = []string{"mailto:news@example.org?subject=unsubscribe", "https://example.org/subscribe/unsubscribe?t=abc"}
	m.OneClick = true
	m.Bulk = true
	m.Headers = map[string]string{"List-Id": "The Daily Broadside <news.example.org>"}
	return m
}

// TestSendOverSMTP sends a newsletter-shaped message to the in-process server and checks
// everything a mail client and a mailbox provider look at.
func TestSendOverSMTP(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, plain(srv))
	reply, err := s.Send(context.Background(), testMessage("reader@example.net"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(reply, "2") {
		t.Errorf("server reply %q, want a 2xx", reply)
	}
	msgs := srv.Wait(t, 1, 5*time.Second)
	if msgs[0].From != "news@example.org" || len(msgs[0].To) != 1 || msgs[0].To[0] != "reader@example.net" {
		t.Fatalf("envelope from %q to %q", msgs[0].From, msgs[0].To)
	}
	p := mailtest.Parse(t, msgs[0].Data)
	h := p.Header
	for k, want := range map[string]string{
		"From":                  `"The Daily Broadside" <news@example.org>`,
		"To":                    "<reader@example.net>",
		"Message-Id":            "<nl.7.42@example.org>",
		"List-Unsubscribe":      "<mailto:news@example.org?subject=unsubscribe>, <https://example.org/subscribe/unsubscribe?t=abc>",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"Precedence":            "bulk",
		"List-Id":               "The Daily Broadside <news.example.org>",
		"Mime-Version":          "1.0",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if p.Subject() != "A newsletter" {
		t.Errorf("subject %q", p.Subject())
	}
	if d, err := h.Date(); err != nil || !d.Equal(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("Date %q: %v", h.Get("Date"), err)
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("Content-Type %q, want multipart/alternative", h.Get("Content-Type"))
	}
	for _, want := range []string{"The Daily Broadside", "A newsletter", "First paragraph with a link (https://example.com/x).",
		"Please support us.", "Donate: https://ko-fi.com/example", "Unsubscribe: https://example.org/subscribe/unsubscribe?t=abc"} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("text part lacks %q:\n%s", want, p.Text)
		}
	}
	for _, want := range []string{`max-width:600px`, `role="presentation"`, `<p style="margin:0 0 18px 0;">First paragraph`} {
		if !strings.Contains(p.HTML, want) {
			t.Errorf("html part lacks %q", want)
		}
	}
	if strings.Contains(p.HTML, "<style") || strings.Contains(p.HTML, "<script") {
		t.Error("the HTML part must not rely on <style> blocks or carry scripts")
	}
	wantLinks := []string{"https://example.org", "https://example.org/2026/03/01/post/", "https://example.com/x",
		"https://ko-fi.com/example", "https://example.org/subscribe/unsubscribe?t=abc", "https://example.org"}
	if strings.Join(p.Links, " ") != strings.Join(wantLinks, " ") {
		t.Errorf("links %q\nwant  %q", p.Links, wantLinks)
	}
}

func TestConnectionIsReused(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, plain(srv))
	for i := 0; i < 5; i++ {
		if _, err := s.Send(context.Background(), testMessage("r@example.net")); err != nil {
			t.Fatal(err)
		}
	}
	srv.Wait(t, 5, 5*time.Second)
	if n := srv.Connections(); n != 1 {
		t.Fatalf("%d SMTP sessions for 5 messages, want 1", n)
	}
}

func TestTLSModesAndAuth(t *testing.T) {
	t.Run("starttls", func(t *testing.T) {
		srv, tlsCfg := mailtest.StartTLS(t, mailtest.Auth("smtpuser", "s3cret"))
		s := newSender(t, mail.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: mail.TLSStartTLS, User: "smtpuser", Password: "s3cret", TLSConfig: tlsCfg})
		if _, err := s.Send(context.Background(), testMessage("r@example.net")); err != nil {
			t.Fatal(err)
		}
		srv.Wait(t, 1, 5*time.Second)
	})
	t.Run("implicit tls", func(t *testing.T) {
		srv, tlsCfg := mailtest.StartImplicitTLS(t, mailtest.Auth("smtpuser", "s3cret"))
		s := newSender(t, mail.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: mail.TLSImplicit, User: "smtpuser", Password: "s3cret", TLSConfig: tlsCfg})
		if _, err := s.Send(context.Background(), testMessage("r@example.net")); err != nil {
			t.Fatal(err)
		}
		srv.Wait(t, 1, 5*time.Second)
	})
	t.Run("starttls required but not offered", func(t *testing.T) {
		srv := mailtest.Start(t)
		s := newSender(t, mail.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: mail.TLSStartTLS})
		_, err := s.Send(context.Background(), testMessage("r@example.net"))
		if err == nil || !mail.IsConnection(err) {
			t.Fatalf("err = %v, want a connection failure (no STARTTLS)", err)
		}
		if srv.Count() != 0 {
			t.Fatal("a message went out in plain text although TLS was required")
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		srv, tlsCfg := mailtest.StartTLS(t, mailtest.Auth("smtpuser", "s3cret"))
		s := newSender(t, mail.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: mail.TLSStartTLS, User: "smtpuser", Password: "wrong-password", TLSConfig: tlsCfg})
		_, err := s.Send(context.Background(), testMessage("r@example.net"))
		if err == nil {
			t.Fatal("sent with a wrong password")
		}
		if strings.Contains(err.Error(), "wrong-password") {
			t.Fatalf("the error reveals the password: %v", err)
		}
		if !mail.IsSender(err) {
			t.Fatalf("a refused login: %v, want the sender's failure", err)
		}
	})
}

func TestFailuresAreClassified(t *testing.T) {
	srv := mailtest.Start(t)
	srv.Reject(func(rcpt string) error {
		switch {
		case strings.HasPrefix(rcpt, "gone@"):
			return mailtest.Reply(550, "5.1.1 no such user")
		case strings.HasPrefix(rcpt, "full@"):
			return mailtest.Reply(452, "4.2.2 mailbox full")
		}
		return nil
	})
	s := newSender(t, plain(srv))
	ctx := context.Background()

	_, err := s.Send(ctx, testMessage("gone@example.net"))
	var me *mail.Error
	if !errors.As(err, &me) || me.Class != mail.ClassRecipient || me.Code != 550 || me.Stage != mail.StageRcpt {
		t.Fatalf("550: %#v", err)
	}
	_, err = s.Send(ctx, testMessage("full@example.net"))
	if !errors.As(err, &me) || me.Class != mail.ClassTemporary || me.Code != 452 {
		t.Fatalf("452: %#v", err)
	}
	// The connection survives recipient failures.
	if _, err := s.Send(ctx, testMessage("ok@example.net")); err != nil {
		t.Fatal(err)
	}
	srv.SetDown(true)
	_, err = s.Send(ctx, testMessage("ok@example.net"))
	if !mail.IsConnection(err) || mail.IsPermanent(err) {
		t.Fatalf("outage: %v, want a temporary connection failure", err)
	}
	_, err = s.Send(ctx, testMessage("ok@example.net"))
	if !mail.IsConnection(err) {
		t.Fatalf("reconnect during outage: %v, want a connection failure", err)
	}
	srv.SetDown(false)
	if _, err := s.Send(ctx, testMessage("ok@example.net")); err != nil {
		t.Fatalf("after the outage: %v", err)
	}
	if got := len(srv.To("ok@example.net")); got != 2 {
		t.Fatalf("ok@ received %d messages, want 2", got)
	}

	down := newSender(t, mail.SMTPConfig{Host: "127.0.0.1", Port: 1, TLS: mail.TLSNone})
	if _, err := down.Send(ctx, testMessage("ok@example.net")); !mail.IsConnection(err) {
		t.Fatalf("nothing listening: %v, want a connection failure", err)
	}
}

// TestBadMessagesAreRefused: an unusable recipient address is that recipient's permanent
// failure; a message that cannot be built is the sender's (every recipient would fail alike).
func TestBadMessagesAreRefused(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, plain(srv))
	if _, err := s.Send(context.Background(), &mail.Message{To: "not an address", Subject: "x", Text: "x"}); !mail.IsPermanent(err) {
		t.Errorf("bad recipient: err %v, want permanent for the recipient", err)
	}
	for _, m := range []*mail.Message{
		{To: "a@example.net", Subject: "two\r\nBcc: victim@example.net", Text: "x"},
		{To: "a@example.net", Subject: "x"},
		{To: "a@example.net", Subject: "x", Text: "x", Headers: map[string]string{"X-A": "b\nBcc: c@example.net"}},
	} {
		if _, err := s.Send(context.Background(), m); !mail.IsSender(err) {
			t.Errorf("%+v: err %v, want the sender's failure", m, err)
		}
	}
	if srv.Count() != 0 {
		t.Fatal("a bad message was sent")
	}
}

// TestReconnectsWhenTheServerHungUp: a connection the server closed between two messages is
// replaced without failing the send.
func TestReconnectsWhenTheServerHungUp(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, plain(srv))
	if _, err := s.Send(context.Background(), testMessage("a@example.net")); err != nil {
		t.Fatal(err)
	}
	srv.DropConnections()
	if _, err := s.Send(context.Background(), testMessage("b@example.net")); err != nil {
		t.Fatalf("after the server hung up: %v", err)
	}
	if srv.Connections() != 2 || len(srv.To("b@example.net")) != 1 {
		t.Fatalf("connections %d, messages to b %d", srv.Connections(), len(srv.To("b@example.net")))
	}
}

// TestAutomatedMailHeaders: transactional mail says it was generated by a program (RFC 3834,
// so vacation responders stay quiet); newsletters say they are bulk; List-Unsubscribe is
// folded to RFC 5322's line length and keeps its one-click companion.
func TestAutomatedMailHeaders(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, plain(srv))
	bulk := testMessage("reader@example.net")
	bulk.ListUnsubscribe = []string{"mailto:news@example.org?subject=unsubscribe%2042",
		"https://example.org/subscribe/unsubscribe?t=" + strings.Repeat("A", 40)}
	notice := testMessage("author@example.net")
	notice.Bulk = false
	for _, m := range []*mail.Message{bulk, notice} {
		if _, err := s.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	msgs := srv.Wait(t, 2, 5*time.Second)
	b, n := mailtest.Parse(t, msgs[0].Data), mailtest.Parse(t, msgs[1].Data)
	if b.Header.Get("Precedence") != "bulk" || b.Header.Get("Auto-Submitted") != "" {
		t.Errorf("newsletter: Precedence %q, Auto-Submitted %q", b.Header.Get("Precedence"), b.Header.Get("Auto-Submitted"))
	}
	if n.Header.Get("Auto-Submitted") != "auto-generated" || n.Header.Get("Precedence") != "" {
		t.Errorf("notice: Auto-Submitted %q, Precedence %q", n.Header.Get("Auto-Submitted"), n.Header.Get("Precedence"))
	}
	if !strings.Contains(string(msgs[0].Data), "List-Unsubscribe: <"+bulk.ListUnsubscribe[0]+">,\r\n <https:") {
		t.Error("List-Unsubscribe is not folded between its URIs")
	}
	if got, want := b.Header.Get("List-Unsubscribe"), "<"+bulk.ListUnsubscribe[0]+">, <"+bulk.ListUnsubscribe[1]+">"; got != want {
		t.Errorf("List-Unsubscribe %q, want %q", got, want)
	}
	if b.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Error("one-click unsubscribe lost")
	}
	head, _, _ := strings.Cut(string(msgs[0].Data), "\r\n\r\n")
	inList := false
	for _, line := range strings.Split(head, "\r\n") {
		if strings.HasPrefix(line, "List-Unsubscribe:") {
			inList = true
		} else if !strings.HasPrefix(line, " ") {
			inList = false
		}
		// A URI is never split (RFC 2369 lets readers drop whitespace inside one, but not
		// every one-click implementation does): only a line holding a single URI may run
		// past 78 characters, and none past the hard limit of 998.
		single := strings.Count(line, "<") == 1 && strings.HasPrefix(line, " <")
		if inList && (len(line) > 998 || (len(line) > 78 && !single)) {
			t.Errorf("List-Unsubscribe line of %d characters: %q", len(line), line)
		}
	}
}

// TestRetriesOnceWhenAnIdleConnectionIsClosing: a server that answers MAIL FROM with 421
// (closing an idle session) has received nothing of the message, so it goes out on a new
// connection instead of failing.
func TestRetriesOnceWhenAnIdleConnectionIsClosing(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, plain(srv))
	if _, err := s.Send(t.Context(), testMessage("a@example.net")); err != nil {
		t.Fatal(err)
	}
	srv.Inject(mailtest.AtMail, mailtest.Fault{Code: 421, Message: "4.4.2 idle timeout", Times: 1})
	if _, err := s.Send(t.Context(), testMessage("b@example.net")); err != nil {
		t.Fatalf("after a 421 to MAIL FROM on a reused connection: %v", err)
	}
	if srv.Connections() != 2 || len(srv.To("b@example.net")) != 1 {
		t.Fatalf("connections %d, messages to b %d", srv.Connections(), len(srv.To("b@example.net")))
	}
}
