package newsletter_test

import (
	"context"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/testdb"
)

// afterN runs hook after the Nth message the server accepted.
type afterN struct {
	inner mail.Sender
	n     int64
	count atomic.Int64
	hook  func()
}

func (a *afterN) Send(ctx context.Context, m *mail.Message) (string, error) {
	r, err := a.inner.Send(ctx, m)
	if err == nil && a.count.Add(1) == a.n {
		a.hook()
	}
	return r, err
}

// TestStopMidNewsletterAndRestart stops the worker after 10 of 30 messages (as a shutdown or
// a crash between two messages would), then starts a fresh worker on the same database:
// every confirmed subscriber gets exactly one copy.
func TestStopMidNewsletterAndRestart(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		var hook *afterN
		e := newEnv(t, dsn, withSender(func(s mail.Sender) mail.Sender {
			hook = &afterN{inner: s, n: 10}
			return hook
		}))
		inner := hook.inner
		subs := e.subscribers("sub", 30, broadside.SubscriberConfirmed)
		p := e.publish("Big news", "Everyone should hear this.", broadside.StatusPublished, e.clk.Now(), true)

		ctx, stop := context.WithCancel(context.Background())
		hook.hook = stop
		done := make(chan struct{})
		go func() { defer close(done); e.worker.Run(ctx) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("the worker did not stop")
		}
		if n := len(e.smtp.Messages()); n != 10 {
			t.Fatalf("%d messages before the stop, want 10", n)
		}
		if pr := e.progress(p.ID); pr.Sent != 10 || pr.Pending != 20 || pr.Sending != 0 {
			t.Fatalf("progress at the stop: %+v", pr)
		}

		// A new process: fresh services and worker, same database, plain sender.
		e.sender = inner
		e.wire()
		e.drain()
		got := e.received()
		for _, s := range subs {
			if got[s.Email] != 1 {
				t.Errorf("%s received %d copies, want exactly 1", s.Email, got[s.Email])
			}
		}
		if pr := e.progress(p.ID); pr.Sent != 30 {
			t.Fatalf("progress after the restart: %+v", pr)
		}
	})
}

// TestCrashBetweenAcceptanceAndRecord kills the sending goroutine right after the server
// accepted the 7th message and before "sent" was recorded: the one ambiguous delivery of the
// design. After the job's lease expires a new worker resends exactly that one, with the same
// Message-ID (so mailbox providers can drop the copy); nobody else is mailed twice and nobody
// is skipped.
func TestCrashBetweenAcceptanceAndRecord(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		var hook *afterN
		e := newEnv(t, dsn, withSender(func(s mail.Sender) mail.Sender {
			hook = &afterN{inner: s, n: 7, hook: runtime.Goexit}
			return hook
		}))
		inner := hook.inner
		subs := e.subscribers("sub", 20, broadside.SubscriberConfirmed)
		p := e.publish("Crash", "Body.", broadside.StatusPublished, e.clk.Now(), true)
		done := make(chan struct{})
		go func() { defer close(done); _, _ = e.worker.RunOne(context.Background()) }()
		<-done
		if pr := e.progress(p.ID); pr.Sent != 6 || pr.Sending != 1 || pr.Pending != 13 {
			t.Fatalf("state left by the crash: %+v", pr)
		}

		e.sender = inner
		e.wire()
		e.drain()
		if n := len(e.smtp.Messages()); n != 7 {
			t.Fatalf("a new worker sent before the dead one's lease expired (%d messages)", n)
		}
		e.clk.Advance(e.worker.Lease) // seconds, not minutes: the dead worker no longer renews it
		e.drain()

		got := e.received()
		var twice []string
		for _, s := range subs {
			switch got[s.Email] {
			case 1:
			case 2:
				twice = append(twice, s.Email)
			default:
				t.Errorf("%s received %d copies", s.Email, got[s.Email])
			}
		}
		if len(twice) != 1 || twice[0] != subs[6].Email {
			t.Fatalf("received twice: %v, want only %s (the message in flight)", twice, subs[6].Email)
		}
		copies := e.smtp.To(subs[6].Email)
		id1 := mailtest.Parse(t, copies[0].Data).Header.Get("Message-Id")
		id2 := mailtest.Parse(t, copies[1].Data).Header.Get("Message-Id")
		if id1 == "" || id1 != id2 {
			t.Fatalf("the resent copy has Message-ID %q, the first %q: want the same", id2, id1)
		}
		pr := e.progress(p.ID)
		if pr.Sent != 20 {
			t.Fatalf("progress %+v", pr)
		}
		if !strings.Contains(e.log.String(), "newsletter resumed after an interruption") {
			t.Error("the resumption was not logged")
		}
	})
}

// TestFailuresRetriesAndBounces: an outage pauses the newsletter without blaming anyone; a
// full mailbox (452) is retried with backoff until it works; a 550 is recorded and, after
// three newsletters, suspends the address.
func TestFailuresRetriesAndBounces(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testdb.SQLite(t))
	ctx := context.Background()
	e.subscribers("sub", 10, broadside.SubscriberConfirmed)
	full := e.subscribers("full", 1, broadside.SubscriberConfirmed)[0]
	gone := e.subscribers("gone", 1, broadside.SubscriberConfirmed)[0]
	var fullTries atomic.Int32
	var outage atomic.Bool
	e.smtp.Reject(func(rcpt string) error {
		switch {
		case rcpt == "sub004@example.net" && !outage.Load():
			outage.Store(true)
			e.smtp.SetDown(true)
			return mailtest.Reply(421, "4.3.2 shutting down")
		case rcpt == full.Email && fullTries.Add(1) <= 2:
			return mailtest.Reply(452, "4.2.2 mailbox full")
		case rcpt == gone.Email:
			return mailtest.Reply(550, "5.1.1 no such user")
		}
		return nil
	})
	p := e.publish("First", "One.", broadside.StatusPublished, e.clk.Now(), true)
	e.drain()
	if pr := e.progress(p.ID); pr.Sent != 4 || pr.Pending != 8 {
		t.Fatalf("during the outage: %+v", pr)
	}
	n, _ := e.st.NewsletterByPost(ctx, p.ID)
	if !strings.Contains(n.LastError, "421") {
		t.Fatalf("the outage is not shown: %+v", n)
	}
	e.smtp.SetDown(false)
	e.clk.Advance(15 * time.Second)
	e.drain()
	pr := e.progress(p.ID)
	if pr.Sent != 10 || pr.Failed != 1 || pr.Pending != 1 {
		t.Fatalf("after the outage: %+v", pr)
	}
	e.clk.Advance(time.Minute)
	e.drain()
	e.clk.Advance(5 * time.Minute)
	e.drain()
	pr = e.progress(p.ID)
	if pr.Sent != 11 || pr.Failed != 1 || pr.Pending != 0 {
		t.Fatalf("after the retries: %+v", pr)
	}
	if got := e.received(); got[full.Email] != 1 || got["sub004@example.net"] != 1 || got[gone.Email] != 0 {
		t.Fatalf("received: %v", got)
	}
	failed, _ := e.st.ListDeliveries(ctx, p.ID, broadside.DeliveryFailed, 10)
	if len(failed) != 1 || failed[0].Subscriber.Email != gone.Email || !strings.Contains(failed[0].LastError, "550") {
		t.Fatalf("failed: %+v", failed)
	}
	if n, _ := e.st.NewsletterByPost(ctx, p.ID); n.Status != broadside.NewsletterSent || n.LastError != "" {
		t.Fatalf("newsletter %+v", n)
	}

	for i, title := range []string{"Second", "Third"} {
		e.publish(title, "More.", broadside.StatusPublished, e.clk.Now(), true)
		e.drain()
		s, _ := e.st.SubscriberByID(ctx, gone.ID)
		if want := broadside.SubscriberConfirmed; i == 1 {
			want = broadside.SubscriberBounced
			if s.Status != want || s.Bounces != 3 {
				t.Fatalf("after 3 bounces: %+v", s)
			}
		} else if s.Status != want {
			t.Fatalf("after %d bounces: %+v", i+2, s)
		}
	}
	p4 := e.publish("Fourth", "Last.", broadside.StatusPublished, e.clk.Now(), true)
	e.drain()
	if n, _ := e.st.NewsletterByPost(ctx, p4.ID); n.Recipients != 11 {
		t.Fatalf("a suspended address is still a recipient: %+v", n)
	}
}

// TestRateLimit: the configured pace holds.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testdb.SQLite(t))
	e.nl.Rate = 50
	e.subscribers("sub", 20, broadside.SubscriberConfirmed)
	e.publish("Paced", "Slowly.", broadside.StatusPublished, e.clk.Now(), true)
	start := time.Now()
	e.drain()
	if el := time.Since(start); el < 250*time.Millisecond {
		t.Fatalf("20 messages at 50/s (burst 5) took %s, want at least 300ms", el)
	}
	if n := len(e.smtp.Messages()); n != 20 {
		t.Fatalf("%d messages", n)
	}
}
