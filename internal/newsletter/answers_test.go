package newsletter_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/testdb"
)

// outcome is what happened to a newsletter and to the one recipient the server picked on.
type outcome struct {
	bounced bool // the victim's delivery failed for good and counted as a bounce
	retried bool // the victim's delivery waits for another try
	paused  bool // the newsletter paused itself
}

// TestNewsletterAnswerTable injects each SMTP answer at each stage into a real SMTP server
// during a newsletter, and checks what it costs the recipient and the newsletter. Then the
// server gets well (and the publisher resumes a paused newsletter): every recipient who was
// not refused for good ends up with exactly one copy.
func TestNewsletterAnswerTable(t *testing.T) {
	t.Parallel()
	const victim = "sub002@example.net"
	cases := []struct {
		name  string
		stage mailtest.Stage
		fault mailtest.Fault
		want  outcome
	}{
		{"RCPT 550 no such user", mailtest.AtRcpt, mailtest.Fault{Code: 550, Message: "5.1.1 no such user", Match: victim}, outcome{bounced: true}},
		{"RCPT 450 greylisted", mailtest.AtRcpt, mailtest.Fault{Code: 450, Message: "4.2.0 greylisted", Match: victim}, outcome{retried: true}},
		{"RCPT 503 bad sequence", mailtest.AtRcpt, mailtest.Fault{Code: 503, Message: "5.5.1 bad sequence", Match: victim}, outcome{retried: true}},
		{"RCPT dropped", mailtest.AtRcpt, mailtest.Fault{Drop: true, Match: victim}, outcome{retried: true}},
		{"DATA 554 refused", mailtest.AtDataEnd, mailtest.Fault{Code: 554, Message: "5.7.1 refused", Match: victim}, outcome{bounced: true}},
		{"DATA 451 try later", mailtest.AtDataEnd, mailtest.Fault{Code: 451, Message: "4.3.0 try later", Match: victim}, outcome{retried: true}},
		{"DATA 503 bad sequence", mailtest.AtDataEnd, mailtest.Fault{Code: 503, Message: "5.5.1 bad sequence", Match: victim}, outcome{retried: true}},
		{"DATA dropped", mailtest.AtDataEnd, mailtest.Fault{Drop: true, Match: victim}, outcome{retried: true}},
		{"MAIL 550 sender refused", mailtest.AtMail, mailtest.Fault{Code: 550, Message: "5.7.1 sender refused"}, outcome{retried: true, paused: true}},
		{"MAIL 451 try later", mailtest.AtMail, mailtest.Fault{Code: 451, Message: "4.3.0 try later"}, outcome{retried: true}},
		{"MAIL 503 bad sequence", mailtest.AtMail, mailtest.Fault{Code: 503, Message: "5.5.1 bad sequence"}, outcome{retried: true}},
		{"CONNECT 554 no service", mailtest.AtConnect, mailtest.Fault{Code: 554, Message: "5.7.1 no service"}, outcome{retried: true, paused: true}},
		{"CONNECT 421 busy", mailtest.AtConnect, mailtest.Fault{Code: 421, Message: "4.3.2 busy"}, outcome{retried: true}},
		{"DATA 451 for everyone", mailtest.AtDataEnd, mailtest.Fault{Code: 451, Message: "4.3.0 queue full"}, outcome{retried: true, paused: true}},
		// The same permanent refusal of the message for every recipient refuses the
		// message, not the addresses: nobody is bounced.
		{"DATA 554 for everyone", mailtest.AtDataEnd, mailtest.Fault{Code: 554, Message: "5.3.4 message too big"}, outcome{retried: true, paused: true}},
		{"RCPT 554 relay denied for everyone", mailtest.AtRcpt, mailtest.Fault{Code: 554, Message: "5.7.1 relay access denied"}, outcome{retried: true, paused: true}},
		{"RCPT 550 without enhanced code", mailtest.AtRcpt, mailtest.Fault{Code: 550, Message: "no such user here", Match: victim}, outcome{bounced: true}},
		{"DATA 552 mailbox full", mailtest.AtDataEnd, mailtest.Fault{Code: 552, Message: "5.2.2 mailbox full", Match: victim}, outcome{bounced: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, testdb.SQLite(t))
			subs := e.subscribers("sub", 12, broadside.SubscriberConfirmed)
			e.smtp.Inject(tc.stage, tc.fault)
			p := e.publish("Answers", "Body.", broadside.StatusPublished, e.clk.Now(), true)
			e.drain()
			got := e.outcome(p.ID, victim)
			if got != tc.want {
				t.Fatalf("outcome %+v, want %+v\nlog:\n%s", got, tc.want, e.log)
			}
			e.noBounces(subs, victim, tc.want.bounced)

			e.smtp.ClearFaults()
			e.recover(p.ID, tc.want.paused)
			e.everyoneOnce(p.ID, subs, victim, tc.want.bounced)
		})
	}
}

// TestSenderRefusalBouncesNobody is the regression test for issue 8, point 6: a provider that
// refuses the sender (5xx to MAIL FROM) for three newsletters in a row suspended the whole
// list. Now nobody is bounced, each newsletter pauses with the server's answer, and once
// resumed every subscriber gets each newsletter once.
func TestSenderRefusalBouncesNobody(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		ctx := context.Background()
		subs := e.subscribers("sub", 5, broadside.SubscriberConfirmed)
		e.smtp.Inject(mailtest.AtMail, mailtest.Fault{Code: 550, Message: "5.7.1 sender address rejected: not owned by user"})
		var posts []*broadside.Post
		for i := 0; i < 3; i++ {
			posts = append(posts, e.publish(fmt.Sprintf("Issue %d", i), "Body.", broadside.StatusPublished, e.clk.Now(), true))
			e.drain()
			e.clk.Advance(time.Hour)
		}
		for _, s := range subs {
			got, err := e.st.SubscriberByID(ctx, s.ID)
			must(t, err)
			if got.Status != broadside.SubscriberConfirmed || got.Bounces != 0 {
				t.Fatalf("%s: status %s, %d bounces after the server refused the sender", got.Email, got.Status, got.Bounces)
			}
		}
		for _, p := range posts {
			rep, err := e.nl.Report(ctx, e.author, p)
			must(t, err)
			if !rep.Newsletter.Paused() || !strings.Contains(rep.Newsletter.LastError, "refused to send as this site") ||
				!strings.Contains(rep.Newsletter.LastError, "not owned by user") {
				t.Fatalf("newsletter of %q: paused %v, error %q", p.Title, rep.Newsletter.Paused(), rep.Newsletter.LastError)
			}
			if rep.Progress.Failed != 0 || rep.Progress.Sent != 0 || rep.Progress.Pending != 5 {
				t.Fatalf("progress %+v, want every delivery still pending", rep.Progress)
			}
		}
		if n := len(e.smtp.Messages()); n != 0 {
			t.Fatalf("%d messages went out", n)
		}
		// Resuming while the server still refuses pauses again, still bouncing nobody.
		must(t, e.nl.Resume(ctx, e.author, posts[0].ID))
		e.drain()
		if n, _ := e.st.NewsletterByPost(ctx, posts[0].ID); !n.Paused() {
			t.Fatal("resumed into a refusing server, the newsletter did not pause again")
		}
		e.smtp.ClearFaults()
		for _, p := range posts {
			must(t, e.nl.Resume(ctx, e.author, p.ID))
		}
		e.drain()
		for _, p := range posts {
			if pr := e.progress(p.ID); pr.Sent != 5 || pr.Total() != 5 {
				t.Fatalf("after resuming: %+v", pr)
			}
		}
		for _, s := range subs {
			if n := len(e.smtp.To(s.Email)); n != 3 {
				t.Fatalf("%s received %d newsletters, want 3", s.Email, n)
			}
		}
		if err := e.nl.Resume(ctx, e.author, posts[0].ID); broadside.ErrorCode(err) != broadside.ECONFLICT {
			t.Fatalf("resuming a finished newsletter: %v", err)
		}
	})
}

// TestTemporaryFailureAtEndOfDataLosesNobody is the regression test for issue 8, point 7: a
// 451 at the end of DATA was followed by "503 bad sequence" for the next recipient on the
// same connection (no RSET), recorded as a permanent failure. Now every recipient is
// delivered, the one who met the 451 on a later try.
func TestTemporaryFailureAtEndOfDataLosesNobody(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		subs := e.subscribers("sub", 40, broadside.SubscriberConfirmed)
		for _, i := range []int{3, 17, 30} {
			e.smtp.Inject(mailtest.AtDataEnd, mailtest.Fault{Code: 451, Message: "4.3.0 queue busy", Times: 1, Match: subs[i].Email})
		}
		p := e.publish("Outage", "Body.", broadside.StatusPublished, e.clk.Now(), true)
		e.drain()
		if pr := e.progress(p.ID); pr.Failed != 0 || pr.Sent != 37 || pr.Pending != 3 {
			t.Fatalf("after the first pass: %+v", pr)
		}
		e.clk.Advance(2 * time.Minute)
		e.drain()
		e.everyoneOnce(p.ID, subs, "", false)
	})
}

// TestAuthFailurePausesNewsletter: a refused login is the sender's problem, not the list's.
func TestAuthFailurePausesNewsletter(t *testing.T) {
	t.Parallel()
	var authSrv *mailtest.Server
	e := newEnv(t, testdb.SQLite(t), withSender(func(mail.Sender) mail.Sender {
		authSrv = mailtest.Start(t, mailtest.Auth("news", "right"))
		s, err := mail.NewSMTP(mail.SMTPConfig{Host: authSrv.Host, Port: authSrv.Port, TLS: mail.TLSNone, User: "news", Password: "wrong",
			From: "news@example.org", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}))
	subs := e.subscribers("sub", 4, broadside.SubscriberConfirmed)
	p := e.publish("Locked out", "Body.", broadside.StatusPublished, e.clk.Now(), true)
	e.drain()
	if got := e.outcome(p.ID, subs[0].Email); !got.paused || got.bounced {
		t.Fatalf("outcome %+v, want paused and nobody bounced", got)
	}
	e.noBounces(subs, "", false)
}

func (e *env) outcome(postID int64, victim string) outcome {
	e.t.Helper()
	ctx := context.Background()
	n, err := e.st.NewsletterByPost(ctx, postID)
	must(e.t, err)
	var o outcome
	o.paused = n.Paused()
	all, err := e.st.ListDeliveries(ctx, postID, "", 1000)
	must(e.t, err)
	for _, d := range all {
		if d.Subscriber.Email != victim {
			continue
		}
		sub, err := e.st.SubscriberByID(ctx, d.Subscriber.ID)
		must(e.t, err)
		o.bounced = d.Status == broadside.DeliveryFailed && sub.Bounces > 0
		o.retried = d.Status == broadside.DeliveryPending
	}
	return o
}

// noBounces fails unless only victim (when bounced) has a bounce counted.
func (e *env) noBounces(subs []*broadside.Subscriber, victim string, bounced bool) {
	e.t.Helper()
	for _, s := range subs {
		got, err := e.st.SubscriberByID(context.Background(), s.ID)
		must(e.t, err)
		want := 0
		if bounced && s.Email == victim {
			want = 1
		}
		if got.Bounces != want || got.Status != broadside.SubscriberConfirmed {
			e.t.Fatalf("%s: %d bounces, status %s; want %d, confirmed", s.Email, got.Bounces, got.Status, want)
		}
	}
}

// recover lets time pass for retries (and resumes a paused newsletter), then sends.
func (e *env) recover(postID int64, paused bool) {
	e.t.Helper()
	if paused {
		must(e.t, e.nl.Resume(context.Background(), e.author, postID))
	}
	for i := 0; i < 5; i++ {
		e.clk.Advance(15 * time.Minute)
		e.drain()
	}
}

// everyoneOnce checks that every subscriber but a refused victim got exactly one copy and
// that the newsletter finished.
func (e *env) everyoneOnce(postID int64, subs []*broadside.Subscriber, victim string, refused bool) {
	e.t.Helper()
	got := e.received()
	for _, s := range subs {
		want := 1
		if refused && s.Email == victim {
			want = 0
		}
		if got[s.Email] != want {
			e.t.Fatalf("%s received %d copies, want %d (progress %+v)\nlog:\n%s", s.Email, got[s.Email], want, e.progress(postID), e.log)
		}
	}
	n, err := e.st.NewsletterByPost(context.Background(), postID)
	must(e.t, err)
	if n.Status != broadside.NewsletterSent {
		e.t.Fatalf("newsletter %s (%q), want sent", n.Status, n.LastError)
	}
}
