package newsletter_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/newsletter"
	"github.com/broadside/broadside/internal/testdb"
)

// TestBatchesOverSeveralConnections: claiming 8 deliveries per commit and sending over 3
// connections at once, every confirmed subscriber gets exactly one copy.
func TestBatchesOverSeveralConnections(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, withBatch(8, 3))
		subs := e.subscribers("sub", 45, broadside.SubscriberConfirmed)
		e.subscribers("gone", 3, broadside.SubscriberUnsubscribed)
		p := e.publish("Wide", "To everyone at once.", broadside.StatusPublished, e.clk.Now(), true)
		e.drain()
		got := e.received()
		for _, s := range subs {
			if got[s.Email] != 1 {
				t.Errorf("%s received %d copies, want exactly 1", s.Email, got[s.Email])
			}
		}
		if len(got) != len(subs) {
			t.Errorf("%d addresses received it, want %d", len(got), len(subs))
		}
		if pr := e.progress(p.ID); pr.Sent != 45 || pr.Pending != 0 || pr.Sending != 0 {
			t.Fatalf("progress %+v", pr)
		}
	})
}

// TestCrashMidBatch kills the sending goroutine after the server accepted the 7th message of
// a batch of 8 (claimed by one commit, outcomes not yet recorded). After the lease expires a
// new worker sends that batch again: the 7 messages the server had accepted arrive twice,
// each with the same Message-ID as its first copy (at most Batch repeats, as the Batch
// documentation says); nobody outside the batch gets two, and nobody is skipped.
func TestCrashMidBatch(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		const batch = 8
		var hook *afterN
		e := newEnv(t, dsn, withBatch(batch, 1), withSender(func(s mail.Sender) mail.Sender {
			hook = &afterN{inner: s, n: 7, hook: runtime.Goexit}
			return hook
		}))
		inner := hook.inner
		subs := e.subscribers("sub", 20, broadside.SubscriberConfirmed)
		p := e.publish("Crash", "Body.", broadside.StatusPublished, e.clk.Now(), true)
		done := make(chan struct{})
		go func() { defer close(done); _, _ = e.worker.RunOne(context.Background()) }()
		<-done
		if pr := e.progress(p.ID); pr.Sent != 0 || pr.Sending != batch || pr.Pending != 20-batch {
			t.Fatalf("state left by the crash: %+v", pr)
		}

		e.sender = inner
		e.wire()
		e.clk.Advance(e.worker.Lease)
		e.drain()

		got := e.received()
		var twice []string
		for i, s := range subs {
			switch n := got[s.Email]; {
			case n == 1:
			case n == 2 && i < batch:
				twice = append(twice, s.Email)
			default:
				t.Errorf("%s (number %d) received %d copies", s.Email, i+1, n)
			}
		}
		if len(twice) != 7 {
			t.Fatalf("received twice: %v, want the 7 accepted before the crash", twice)
		}
		for _, addr := range twice {
			copies := e.smtp.To(addr)
			id1 := mailtest.Parse(t, copies[0].Data).Header.Get("Message-Id")
			id2 := mailtest.Parse(t, copies[1].Data).Header.Get("Message-Id")
			if id1 == "" || id1 != id2 {
				t.Fatalf("%s: the resent copy has Message-ID %q, the first %q: want the same", addr, id2, id1)
			}
		}
		if pr := e.progress(p.ID); pr.Sent != 20 {
			t.Fatalf("progress %+v", pr)
		}
	})
}

// TestInFlight: the batch the app uses follows the connections and the pace, within bounds.
func TestInFlight(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		rate  float64
		conns int
		want  int
	}{{10, 1, 1}, {10, 2, 2}, {199, 1, 1}, {1000, 2, 10}, {10000, 4, 32}, {40, 0, 1}} {
		if got := newsletter.InFlight(c.rate, c.conns); got != c.want {
			t.Errorf("InFlight(%g, %d) = %d, want %d", c.rate, c.conns, got, c.want)
		}
	}
}
