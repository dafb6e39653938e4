package subscriptions_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/render"
	"github.com/broadside/broadside/internal/sitemail"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/subscriptions"
	"github.com/broadside/broadside/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	t      *testing.T
	st     *store.Store
	clk    *clock
	smtp   *mailtest.Server
	svc    *subscriptions.Service
	worker *jobs.Worker
	admin  *broadside.User
}

func newEnv(t *testing.T, dsn string) *env {
	t.Helper()
	ctx := context.Background()
	st := testdb.Open(t, dsn)
	e := &env{t: t, st: st, clk: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	e.smtp = mailtest.Start(t)
	snd, err := mail.NewSMTP(mail.SMTPConfig{Host: e.smtp.Host, Port: e.smtp.Port, TLS: mail.TLSNone, From: "The Daily Broadside <news@example.org>", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snd.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mailer := &sitemail.Mailer{Sender: snd, Settings: st.LoadSettings, Categories: st.ListCategories,
		BaseURL: "https://news.example.org", From: "The Daily Broadside <news@example.org>", Render: render.New(), Log: log}
	e.svc = &subscriptions.Service{Store: st, Mail: mailer, Links: subscriptions.Links{Secret: []byte("test-secret-test-secret-test-secret")}, Now: e.clk.Now, Log: log}
	e.worker = jobs.NewWorker(st, log, e.clk.Now)
	e.worker.Handle(subscriptions.JobMail, e.svc.MailHandler())
	e.worker.Handle(comments.JobApproved, e.svc.CommentNoticeHandler())
	e.admin = &broadside.User{Email: "admin@example.org", Login: "admin", DisplayName: "Ada", Role: broadside.RoleAdmin, CreatedAt: e.clk.Now()}
	if err := st.CreateUser(ctx, e.admin); err != nil {
		t.Fatal(err)
	}
	set, _ := st.LoadSettings(ctx)
	set.Title = "The Daily Broadside"
	set.Support.Text = "This site depends on the generosity of its readers." // a fresh site has no appeal
	if err := st.SaveSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) drain() {
	e.t.Helper()
	for i := 0; i < 1000; i++ {
		ran, err := e.worker.RunOne(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		if !ran {
			return
		}
	}
}

// mails returns the parsed messages sent to addr.
func (e *env) mails(addr string) []*mailtest.Parsed {
	var out []*mailtest.Parsed
	for _, m := range e.smtp.To(addr) {
		out = append(out, mailtest.Parse(e.t, m.Data))
	}
	return out
}

// token extracts the t parameter of the first link to path in a message.
func token(t *testing.T, m *mailtest.Parsed, path string) string {
	t.Helper()
	u, err := url.Parse(m.Link(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, u.String()) {
		t.Errorf("the text part lacks the link %s", u)
	}
	return u.Query().Get("t")
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := broadside.ErrorCode(err); got != code {
		t.Fatalf("error code %q, want %q (err %v)", got, code, err)
	}
}

// TestDoubleOptIn: subscribing sends a confirmation link and nothing else; the link
// confirms once, signs the reader in, welcomes them, and cannot be used again.
func TestDoubleOptIn(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		ctx := context.Background()
		must(t, e.svc.Subscribe(ctx, subscriptions.Request{Email: " Reader@Example.net ", IP: "192.0.2.1", Return: "/2026/03/01/post/"}))
		sub, err := e.st.SubscriberByEmail(ctx, "reader@example.net")
		must(t, err)
		if sub.Status != broadside.SubscriberPending || sub.ConsentIP != "192.0.2.1" || sub.Source != broadside.SourceForm {
			t.Fatalf("after subscribing: %+v", sub)
		}
		e.drain()
		ms := e.mails("reader@example.net")
		if len(ms) != 1 || ms[0].Subject() != "Confirm your subscription to The Daily Broadside" {
			t.Fatalf("mails: %d %v", len(ms), ms)
		}
		if ms[0].Header.Get("List-Unsubscribe") != "" {
			t.Error("a confirmation request is not list mail")
		}
		// Written by a program, not a person: auto-responders must not answer it (RFC 3834).
		if ms[0].Header.Get("Auto-Submitted") != "auto-generated" || ms[0].Header.Get("Precedence") != "" {
			t.Errorf("Auto-Submitted %q, Precedence %q", ms[0].Header.Get("Auto-Submitted"), ms[0].Header.Get("Precedence"))
		}
		tok := token(t, ms[0], "/subscribe/confirm?t=")

		// A forged or altered link fails before touching the database.
		_, _, _, err = e.svc.Confirm(ctx, tok+"x", "192.0.2.9")
		if !subscriptions.IsBadLink(err) {
			t.Fatalf("altered link: %v", err)
		}
		got, session, ret, err := e.svc.Confirm(ctx, tok, "192.0.2.9")
		must(t, err)
		if got.Status != broadside.SubscriberConfirmed || session == "" || ret != "/2026/03/01/post/" || got.ConsentIP != "192.0.2.9" {
			t.Fatalf("confirm: %+v %q %q", got, session, ret)
		}
		r, err := e.svc.Reader(ctx, session)
		must(t, err)
		if r.ID != sub.ID {
			t.Fatalf("reader %+v", r)
		}
		if _, _, _, err := e.svc.Confirm(ctx, tok, "192.0.2.9"); !subscriptions.IsBadLink(err) {
			t.Fatalf("second use of the link: %v", err)
		}
		e.drain()
		ms = e.mails("reader@example.net")
		if len(ms) != 2 || ms[1].Subject() != "Welcome to The Daily Broadside" {
			t.Fatalf("welcome: %d", len(ms))
		}
		w := ms[1]
		if w.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(w.HTML, "generosity") {
			t.Errorf("welcome headers/appeal: %v", w.Header)
		}
		unsub := token(t, w, "/subscribe/unsubscribe?t=")
		if _, err := e.svc.Unsubscribe(ctx, unsub); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Reader(ctx, session); broadside.ErrorCode(err) != broadside.ENOTFOUND {
			t.Fatalf("an unsubscribed reader is still signed in: %v", err)
		}
		// Unsubscribing twice is fine.
		if _, err := e.svc.Unsubscribe(ctx, unsub); err != nil {
			t.Fatal(err)
		}
	})
}

// TestConfirmLinkExpires: a confirmation link is dead after 48 hours.
func TestConfirmLinkExpires(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	ctx := context.Background()
	must(t, e.svc.Subscribe(ctx, subscriptions.Request{Email: "late@example.net", IP: "192.0.2.1"}))
	e.drain()
	tok := token(t, e.mails("late@example.net")[0], "/subscribe/confirm")
	e.clk.Advance(49 * time.Hour)
	if _, _, _, err := e.svc.Confirm(ctx, tok, "192.0.2.1"); !subscriptions.IsBadLink(err) {
		t.Fatalf("expired link: %v", err)
	}
}

// TestNoEnumeration: subscribing an unknown, pending, confirmed or unsubscribed address
// answers the same; only the owner's inbox learns the difference.
func TestNoEnumeration(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	ctx := context.Background()
	for _, s := range []*broadside.Subscriber{
		{Email: "confirmed@example.net", Status: broadside.SubscriberConfirmed, ConfirmedAt: e.clk.Now()},
		{Email: "left@example.net", Status: broadside.SubscriberUnsubscribed},
	} {
		must(t, e.st.CreateSubscriber(ctx, s))
	}
	for _, addr := range []string{"new@example.net", "confirmed@example.net", "left@example.net"} {
		if err := e.svc.Subscribe(ctx, subscriptions.Request{Email: addr, IP: "192.0.2.1"}); err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		if err := e.svc.RequestSignIn(ctx, subscriptions.Request{Email: addr, IP: "192.0.2.2"}); err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
	}
	must(t, e.svc.RequestSignIn(ctx, subscriptions.Request{Email: "stranger@example.net", IP: "192.0.2.2"}))
	e.drain()
	subjects := func(addr string) []string {
		var out []string
		for _, m := range e.mails(addr) {
			out = append(out, m.Subject())
		}
		return out
	}
	if s := subjects("confirmed@example.net"); len(s) != 2 || s[0] != "You are already subscribed to The Daily Broadside" || s[1] != "Sign in to The Daily Broadside" {
		t.Errorf("confirmed: %q", s)
	}
	if s := subjects("left@example.net"); len(s) != 1 || !strings.HasPrefix(s[0], "Confirm your subscription") {
		t.Errorf("unsubscribed (the two confirmations collapse into one queued job): %q", s)
	}
	if s := subjects("stranger@example.net"); len(s) != 0 {
		t.Errorf("a sign-in request for an unknown address sent %q", s)
	}
	// Invalid input is the only visible difference.
	wantCode(t, e.svc.Subscribe(ctx, subscriptions.Request{Email: "not-an-address", IP: "192.0.2.1"}), broadside.EINVALID)
}

// TestRateLimits: an IP is told to slow down; an address beyond its limit is silently not
// mailed (the answer is the same).
func TestRateLimits(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		must(t, e.svc.Subscribe(ctx, subscriptions.Request{Email: "victim@example.net", IP: "192.0.2." + string(rune('1'+i))}))
		e.drain()
	}
	if n := len(e.mails("victim@example.net")); n != 3 {
		t.Fatalf("victim got %d confirmations in an hour, want 3", n)
	}
	for i := 0; i < 10; i++ {
		must(t, e.svc.Subscribe(ctx, subscriptions.Request{Email: "a" + string(rune('a'+i)) + "@example.net", IP: "198.51.100.7"}))
	}
	err := e.svc.Subscribe(ctx, subscriptions.Request{Email: "zz@example.net", IP: "198.51.100.7"})
	wantCode(t, err, broadside.ETOOMANYREQUEST)
	// Rate windows slide in buckets of a fifteenth of the window (four minutes here), and a
	// bucket counts while any of it lies in the last hour.
	e.clk.Advance(time.Hour + 4*time.Minute)
	must(t, e.svc.Subscribe(ctx, subscriptions.Request{Email: "zz@example.net", IP: "198.51.100.7"}))
	// The honeypot: accepted, nothing stored, nothing sent.
	must(t, e.svc.Subscribe(ctx, subscriptions.Request{Email: "bot@example.net", IP: "203.0.113.1", Honeypot: "http://spam"}))
	if _, err := e.st.SubscriberByEmail(ctx, "bot@example.net"); broadside.ErrorCode(err) != broadside.ENOTFOUND {
		t.Fatalf("honeypot: %v", err)
	}
}

// TestMagicLinkSignIn: a confirmed subscriber gets a single-use link that expires in 30
// minutes and signs them in.
func TestMagicLinkSignIn(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	ctx := context.Background()
	must(t, e.st.CreateSubscriber(ctx, &broadside.Subscriber{Email: "r@example.net", Status: broadside.SubscriberConfirmed, ConfirmedAt: e.clk.Now()}))
	must(t, e.svc.RequestSignIn(ctx, subscriptions.Request{Email: "R@example.net", IP: "192.0.2.1", Return: "/locked/"}))
	must(t, e.svc.RequestSignIn(ctx, subscriptions.Request{Email: "r@example.net", IP: "192.0.2.1", Return: "//evil.example/"}))
	e.drain()
	ms := e.mails("r@example.net")
	if len(ms) != 1 {
		t.Fatalf("%d sign-in emails (repeated requests while one is queued collapse)", len(ms))
	}
	tok := token(t, ms[0], "/subscribe/signin/confirm?t=")
	if _, _, _, err := e.svc.Confirm(ctx, tok, "x"); !subscriptions.IsBadLink(err) {
		t.Fatalf("a sign-in link used as a confirmation link: %v", err)
	}
	sub, session, ret, err := e.svc.CompleteSignIn(ctx, tok)
	must(t, err)
	if sub.Email != "r@example.net" || session == "" || ret != "/locked/" {
		t.Fatalf("sign in: %+v %q", sub, ret)
	}
	if _, _, _, err := e.svc.CompleteSignIn(ctx, tok); !subscriptions.IsBadLink(err) {
		t.Fatalf("reuse: %v", err)
	}
	must(t, e.svc.RequestSignIn(ctx, subscriptions.Request{Email: "r@example.net", IP: "192.0.2.1"}))
	e.drain()
	tok = token(t, e.mails("r@example.net")[1], "/subscribe/signin/confirm")
	e.clk.Advance(31 * time.Minute)
	if _, _, _, err := e.svc.CompleteSignIn(ctx, tok); !subscriptions.IsBadLink(err) {
		t.Fatalf("expired: %v", err)
	}
	must(t, e.svc.SignOut(ctx, session))
	if _, err := e.svc.Reader(ctx, session); err == nil {
		t.Fatal("signed out, still a reader")
	}
}
