package newsletter_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/newsletter"
	"github.com/broadside/broadside/internal/posts"
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

// env is the newsletter wired as the app wires it, over a real store and a real SMTP server.
type env struct {
	t      testing.TB
	dsn    string
	st     *store.Store
	clk    *clock
	smtp   *mailtest.Server
	sender mail.Sender
	posts  *posts.Service
	subs   *subscriptions.Service
	nl     *newsletter.Service
	worker *jobs.Worker
	author *broadside.User
	log    *strings.Builder
	// batch and conns are the sender's Batch and Connections (0: the defaults, 1 and 1).
	batch, conns int
}

type envOption func(*env)

// withSender wraps the SMTP sender (crash hooks).
func withSender(wrap func(mail.Sender) mail.Sender) envOption {
	return func(e *env) { e.sender = wrap(e.sender) }
}

// withBatch claims batch deliveries per commit and sends over conns SMTP connections at once.
func withBatch(batch, conns int) envOption {
	return func(e *env) {
		e.batch, e.conns = batch, conns
		snd, err := mail.NewSMTP(mail.SMTPConfig{Host: e.smtp.Host, Port: e.smtp.Port, TLS: mail.TLSNone, From: "news@example.org",
			Timeout: 5 * time.Second, Connections: conns})
		if err != nil {
			e.t.Fatal(err)
		}
		e.t.Cleanup(func() { snd.Close() })
		e.sender = snd
	}
}

func newEnv(t *testing.T, dsn string, opts ...envOption) *env {
	t.Helper()
	ctx := context.Background()
	st := testdb.Open(t, dsn)
	e := &env{t: t, dsn: dsn, st: st, clk: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, log: &strings.Builder{}}
	e.smtp = mailtest.Start(t)
	snd, err := mail.NewSMTP(mail.SMTPConfig{Host: e.smtp.Host, Port: e.smtp.Port, TLS: mail.TLSNone, From: "news@example.org", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snd.Close() })
	e.sender = snd
	for _, o := range opts {
		o(e)
	}
	e.wire()
	u := &broadside.User{Email: "ann@example.org", Login: "ann", DisplayName: "Ann Author", Role: broadside.RoleAdmin, CreatedAt: e.clk.Now()}
	if err := st.CreateUser(ctx, u); err != nil {
		// A restarted env shares the database.
		if u, err = st.UserByEmail(ctx, "ann@example.org"); err != nil {
			t.Fatal(err)
		}
	}
	e.author = u
	set, _ := st.LoadSettings(ctx)
	set.Title, set.BaseURL = "The Daily Broadside", "https://news.example.org"
	set.Support.Text = "This site depends on the generosity of its readers." // a fresh site has no appeal
	set.Support.LinkURL = "https://ko-fi.com/example"
	if err := st.SaveSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	return e
}

// wire builds the services and the worker (again, for a "restarted" process).
func (e *env) wire() {
	log := slog.New(slog.NewTextHandler(lockedWriter{b: e.log}, nil))
	now := e.clk.Now
	mailer := &sitemail.Mailer{Sender: e.sender, Settings: e.st.LoadSettings, Categories: e.st.ListCategories,
		BaseURL: "https://news.example.org", From: "news@example.org", Render: render.New(), Log: log}
	e.subs = &subscriptions.Service{Store: e.st, Mail: mailer, Links: subscriptions.Links{Secret: []byte("0123456789abcdef0123456789abcdef")}, Now: now, Log: log}
	e.nl = &newsletter.Service{Store: e.st, Mail: mailer, Subs: e.subs, Now: now, Log: log, Rate: 5000, Slice: time.Minute,
		Batch: e.batch, Connections: e.conns}
	e.posts = &posts.Service{Store: e.st, Now: now, Log: log, OnPublish: e.nl.OnPublish}
	e.worker = jobs.NewWorker(e.st, log, now)
	e.worker.Handle(posts.JobPublishDue, func(ctx context.Context, _ []byte) error { return e.posts.PublishDue(ctx) })
	e.worker.Handle(subscriptions.JobMail, e.subs.MailHandler())
	e.worker.Handle(comments.JobApproved, e.subs.CommentNoticeHandler())
	e.worker.HandleInterruptible(newsletter.JobSend, e.nl.Handler())
}

var logMu sync.Mutex

type lockedWriter struct{ b *strings.Builder }

func (w lockedWriter) Write(p []byte) (int, error) {
	logMu.Lock()
	defer logMu.Unlock()
	return w.b.Write(p)
}

// subscribers adds n addresses with status st: sub000@example.net …
func (e *env) subscribers(prefix string, n int, st broadside.SubscriberStatus) []*broadside.Subscriber {
	e.t.Helper()
	var out []*broadside.Subscriber
	err := e.st.InTx(context.Background(), func(tx *store.Store) error {
		for i := 0; i < n; i++ {
			s := &broadside.Subscriber{Email: fmt.Sprintf("%s%03d@example.net", prefix, i), Status: st, Source: broadside.SourceForm,
				CreatedAt: e.clk.Now(), UpdatedAt: e.clk.Now()}
			if st == broadside.SubscriberConfirmed {
				s.ConfirmedAt = e.clk.Now()
			}
			if err := tx.CreateSubscriber(context.Background(), s); err != nil {
				return err
			}
			out = append(out, s)
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// publish saves a post as the author; send ticks "send by email".
func (e *env) publish(title, body string, status broadside.PostStatus, at time.Time, send bool, mods ...func(*posts.Input)) *broadside.Post {
	e.t.Helper()
	in := posts.Input{Type: broadside.TypePost, Title: title, Body: body, Status: status, PublishedAt: at, CommentsOpen: true, SendNewsletter: no()}
	if send {
		in.SendNewsletter = yes()
	}
	for _, m := range mods {
		m(&in)
	}
	p, err := e.posts.Save(context.Background(), 0, in, e.author)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// drain runs due jobs until none is left.
func (e *env) drain() {
	e.t.Helper()
	for i := 0; i < 10000; i++ {
		ran, err := e.worker.RunOne(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		if !ran {
			return
		}
	}
	e.t.Fatal("jobs never ran out")
}

// received counts the messages each address got.
func (e *env) received() map[string]int {
	out := map[string]int{}
	for _, m := range e.smtp.Messages() {
		for _, to := range m.To {
			out[to]++
		}
	}
	return out
}

func (e *env) progress(postID int64) broadside.NewsletterProgress {
	e.t.Helper()
	p, err := e.st.NewsletterProgress(context.Background(), postID)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var _ = io.Discard
