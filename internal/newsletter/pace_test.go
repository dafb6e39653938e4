package newsletter_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/newsletter"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestRateHoldsAcrossNodes: two nodes (two newsletter services, each with its own database
// connections and SMTP connection) each send a newsletter at --smtp-rate R, at the same
// time, to one real SMTP server; together they keep R, counted by the server's receive times.
// (One newsletter is sent by one node at a time: its job is claimed once.) On the old code each
// node paced itself in memory, so two nodes sent 2R a second.
//
// Real time, since the pace is about the mail server's clock; the assertions leave margins
// for scheduling jitter: no 1 s window holds more than R+2 messages (the old code's 2R is
// above that), and the whole send cannot be faster than its slots allow.
func TestRateHoldsAcrossNodes(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		const rate, readers, n = 4, 8, 16 // n: two newsletters to every subscriber
		ctx := context.Background()
		e := newEnv(t, dsn)
		e.nl.Rate = rate
		e.subscribers("pace", readers, broadside.SubscriberConfirmed)
		posts := []*broadside.Post{
			e.publish("Paced", "Sent at the provider's pace.", broadside.StatusPublished, e.clk.Now(), true),
			e.publish("Also paced", "Sent at the same time from another node.", broadside.StatusPublished, e.clk.Now(), true),
		}

		// The second node: its own store, SMTP connection and services, on the same database.
		st, err := store.Open(ctx, dsn)
		must(t, err)
		t.Cleanup(func() { st.Close() })
		snd, err := mail.NewSMTP(mail.SMTPConfig{Host: e.smtp.Host, Port: e.smtp.Port, TLS: mail.TLSNone, From: "news@example.org", Timeout: 5 * time.Second})
		must(t, err)
		t.Cleanup(func() { snd.Close() })
		node2 := &env{t: t, dsn: dsn, st: st, clk: e.clk, smtp: e.smtp, sender: snd, log: &strings.Builder{}}
		node2.wire()
		other := node2.nl
		other.Rate = rate

		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, node := range []*newsletter.Service{e.nl, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 100 { // a node that finds nothing due returns nil; Again means call again
					err := node.Send(ctx, posts[i].ID)
					var again *jobs.Again
					if !errors.As(err, &again) {
						errs[i] = err
						return
					}
				}
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("node %d: %v", i+1, err)
			}
		}

		msgs := e.smtp.Messages()
		if len(msgs) != n {
			t.Fatalf("%d messages received, want %d", len(msgs), n)
		}
		for addr, k := range e.received() {
			if k != 2 {
				t.Errorf("%s received %d copies", addr, k)
			}
		}
		at := make([]time.Time, len(msgs))
		for i, m := range msgs {
			at[i] = m.At
		}
		sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
		most := 0
		for i := range at {
			k := sort.Search(len(at), func(j int) bool { return !at[j].Before(at[i].Add(time.Second)) }) - i
			most = max(most, k)
		}
		if most > rate+2 {
			t.Errorf("%d messages within one second through two nodes at --smtp-rate %d", most, rate)
		}
		// The first and last slots are (n-1)/rate apart; half a second covers the first
		// message arriving late.
		if span, least := at[n-1].Sub(at[0]), time.Duration(n-1)*time.Second/rate-time.Second/2; span < least {
			t.Errorf("%d messages arrived within %v through two nodes at --smtp-rate %d, want at least %v", n, span, rate, least)
		}
	})
}
