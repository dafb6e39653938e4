package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/subscriptions"
)

// mailSite configures a site in a fresh data directory (and database db, "" for SQLite there)
// that sends through srv at rate messages per second, with n confirmed subscribers
// (sub0000@example.net …).
func mailSite(t *testing.T, db string, srv *mailtest.Server, rate float64, n int) config.Config {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir, cfg.DB = dataDir(t, db), db
	cfg.SMTP.Host, cfg.SMTP.Port, cfg.SMTP.TLS = srv.Host, srv.Port, "none"
	cfg.SMTP.From, cfg.SMTP.Rate = "The Daily <news@example.org>", rate
	a, err := app.Open(context.Background(), cfg, quietLog(), app.Options{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	now := time.Now()
	err = a.Store.InTx(ctx, func(tx *store.Store) error {
		for i := 0; i < n; i++ {
			s := &broadside.Subscriber{Email: subAddr(i), Status: broadside.SubscriberConfirmed, Source: broadside.SourceForm,
				CreatedAt: now, UpdatedAt: now, ConfirmedAt: now}
			if err := tx.CreateSubscriber(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func subAddr(i int) string { return fmt.Sprintf("sub%04d@example.net", i) }

// publishNewsletter publishes a post with "Send by email" ticked, which queues its newsletter.
func publishNewsletter(t *testing.T, a *app.App, title string) *broadside.Post {
	t.Helper()
	ctx := context.Background()
	u, err := a.Store.UserByEmail(ctx, "ed@example.org")
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		u = &broadside.User{Email: "ed@example.org", Role: broadside.RoleAdmin}
		err = a.Auth.CreateUser(ctx, u, "a long enough password")
	}
	if err != nil {
		t.Fatal(err)
	}
	send := true
	p, err := a.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: title, Body: "Everyone should hear this.",
		Status: broadside.StatusPublished, SendNewsletter: &send}, u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSignInMailNeverWaitsBehindNewsletter reproduces sign-in and confirmation mail queued for
// 53 s behind a newsletter. The SMTP server stalls in the middle of a newsletter (it takes its
// time answering one recipient, as busy servers and greylisting relays do) until a sign-in
// link and a confirmation link requested meanwhile have arrived. They must arrive while the
// newsletter is stalled: neither the job queue (a single worker busy with the newsletter) nor
// the SMTP connection (one connection shared with the newsletter) may make them wait. If they
// waited, the stall gives up after 20 s and they arrive after the newsletter: the test fails.
func TestSignInMailNeverWaitsBehindNewsletter(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	const n, stallAt = 300, 50
	cfg := mailSite(t, "", srv, 1000, n)
	const reader, newcomer = "reader@example.net", "newcomer@example.net"
	stalled := make(chan struct{})
	var stallOnce sync.Once
	var gaveUp atomic.Bool
	srv.Reject(func(rcpt string) error {
		if rcpt != subAddr(stallAt) {
			return nil
		}
		stallOnce.Do(func() {
			close(stalled)
			deadline := time.Now().Add(20 * time.Second)
			for len(srv.To(reader)) == 0 || len(srv.To(newcomer)) == 0 {
				if time.Now().After(deadline) {
					gaveUp.Store(true)
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
		return nil
	})

	a, err := app.Open(context.Background(), cfg, quietLog(), app.Options{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	bg := make(chan struct{})
	go func() { defer close(bg); a.RunBackground(ctx) }()
	defer func() { cancel(); <-bg }()
	p := publishNewsletter(t, a, "Big news")
	a.Worker.Wake()

	select {
	case <-stalled:
	case <-time.After(60 * time.Second):
		t.Fatal("the newsletter never reached the stalling recipient")
	}
	// A reader asks for a sign-in link and a newcomer subscribes while the newsletter waits.
	now := time.Now()
	if err := a.Store.CreateSubscriber(context.Background(), &broadside.Subscriber{Email: reader, Status: broadside.SubscriberConfirmed,
		Source: broadside.SourceForm, CreatedAt: now, UpdatedAt: now, ConfirmedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := a.Subscriptions.RequestSignIn(context.Background(), subscriptions.Request{Email: reader, IP: "192.0.2.7"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Subscriptions.Subscribe(context.Background(), subscriptions.Request{Email: newcomer, IP: "192.0.2.8"}); err != nil {
		t.Fatal(err)
	}

	srv.Wait(t, n+2, 60*time.Second)
	waitUntil(t, "the newsletter to finish", func() bool {
		pr, err := a.Store.NewsletterProgress(context.Background(), p.ID)
		return err == nil && pr.Sent == n
	})
	msgs := srv.Messages()
	index := func(addr string) int {
		for i, m := range msgs {
			if len(m.To) == 1 && m.To[0] == addr {
				return i
			}
		}
		t.Fatalf("no message to %s", addr)
		return -1
	}
	last := 0
	for i := 0; i < n; i++ {
		last = max(last, index(subAddr(i)))
	}
	signin, confirm, stalledMsg := index(reader), index(newcomer), index(subAddr(stallAt))
	t.Logf("message order: sign-in #%d, confirmation #%d, stalled newsletter copy #%d, last newsletter copy #%d of %d",
		signin, confirm, stalledMsg, last, len(msgs))
	if gaveUp.Load() || signin > stalledMsg || confirm > stalledMsg {
		t.Fatalf("transactional mail waited behind the newsletter: sign-in #%d, confirmation #%d, newsletter resumed at #%d and ended at #%d",
			signin, confirm, stalledMsg, last)
	}
	if s := mailtest.Parse(t, msgs[signin].Data).Header.Get("Subject"); !strings.Contains(strings.ToLower(s), "sign") {
		t.Errorf("the reader's message is not a sign-in link: %q", s)
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
