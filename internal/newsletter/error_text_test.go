package newsletter_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/testdb"
)

// A mail server's answer is cut to fit the delivery's record by characters, never inside
// one: an answer in UTF-8 (SMTPUTF8 servers localize them) cut mid-character is invalid
// text, which PostgreSQL refuses to store, so the outcome of a sent message was lost.
func TestLongServerAnswerIsCutByCharacters(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	ctx := context.Background()
	subs := e.subscribers("gone", 3, broadside.SubscriberConfirmed)
	pad := map[string]string{}
	for i, s := range subs {
		pad[s.Email] = strings.Repeat("x", i) // one of three cuts falls inside a character
	}
	e.smtp.Reject(func(rcpt string) error {
		return mailtest.Reply(550, "5.1.1 "+pad[rcpt]+strings.Repeat("€", 400))
	})
	p := e.publish("First", "One.", broadside.StatusPublished, e.clk.Now(), true)
	e.drain()
	failed, err := e.st.ListDeliveries(ctx, p.ID, broadside.DeliveryFailed, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 3 {
		t.Fatalf("failed deliveries: %d, want 3", len(failed))
	}
	for _, d := range failed {
		if !utf8.ValidString(d.LastError) || !strings.Contains(d.LastError, "€€€") {
			t.Errorf("%s: the recorded answer is not valid text: %q", d.Subscriber.Email, d.LastError[max(0, len(d.LastError)-8):])
		}
	}
}
