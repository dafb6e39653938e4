package mail_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/mail/mailtest"
)

// answerCases is the SMTP answer table: each answer a server can give at each stage of a
// transaction, and the class it must get. Only ClassRecipient may ever count as a bounce.
var answerCases = []struct {
	stage mailtest.Stage
	fault mailtest.Fault
	want  mail.Class
}{
	{mailtest.AtConnect, mailtest.Fault{Code: 554, Message: "5.7.1 no service for you"}, mail.ClassSender},
	{mailtest.AtConnect, mailtest.Fault{Code: 421, Message: "4.3.2 too busy"}, mail.ClassProtocol},
	{mailtest.AtConnect, mailtest.Fault{Code: 450, Message: "4.7.1 try later"}, mail.ClassTemporary},
	{mailtest.AtMail, mailtest.Fault{Code: 550, Message: "5.7.1 sender refused"}, mail.ClassSender},
	{mailtest.AtMail, mailtest.Fault{Code: 553, Message: "5.1.8 sender domain has no DNS"}, mail.ClassSender},
	{mailtest.AtMail, mailtest.Fault{Code: 451, Message: "4.3.0 local error"}, mail.ClassTemporary},
	{mailtest.AtMail, mailtest.Fault{Code: 421, Message: "4.3.2 shutting down"}, mail.ClassProtocol},
	{mailtest.AtMail, mailtest.Fault{Code: 503, Message: "5.5.1 bad sequence of commands"}, mail.ClassProtocol},
	{mailtest.AtMail, mailtest.Fault{Drop: true}, mail.ClassProtocol},
	{mailtest.AtRcpt, mailtest.Fault{Code: 550, Message: "5.1.1 no such user"}, mail.ClassRecipient},
	{mailtest.AtRcpt, mailtest.Fault{Code: 552, Message: "5.2.2 mailbox full"}, mail.ClassRecipient},
	{mailtest.AtRcpt, mailtest.Fault{Code: 450, Message: "4.2.0 greylisted"}, mail.ClassTemporary},
	{mailtest.AtRcpt, mailtest.Fault{Code: 503, Message: "5.5.1 need MAIL first"}, mail.ClassProtocol},
	{mailtest.AtRcpt, mailtest.Fault{Drop: true}, mail.ClassProtocol},
	{mailtest.AtDataEnd, mailtest.Fault{Code: 554, Message: "5.7.1 message refused"}, mail.ClassRecipient},
	{mailtest.AtDataEnd, mailtest.Fault{Code: 451, Message: "4.3.0 queue full"}, mail.ClassTemporary},
	{mailtest.AtDataEnd, mailtest.Fault{Code: 503, Message: "5.5.1 bad sequence"}, mail.ClassProtocol},
	{mailtest.AtDataEnd, mailtest.Fault{Drop: true}, mail.ClassProtocol},
}

// TestSMTPAnswerTable injects each answer at each stage into a real SMTP server (one that insists on RSET after a failed DATA) and
// checks its class, that nothing was delivered, and that the next message on the same sender
// goes through: a failure never leaves the session in a state that spoils the next one.
func TestSMTPAnswerTable(t *testing.T) {
	for _, tc := range answerCases {
		name := fmt.Sprintf("%s %d", tc.stage, tc.fault.Code)
		if tc.fault.Drop {
			name = string(tc.stage) + " drop"
		}
		t.Run(name, func(t *testing.T) {
			srv := mailtest.Start(t)
			s := newSender(t, plain(srv))
			ctx := context.Background()
			// A first message opens the session, so the fault hits a reused connection.
			if _, err := s.Send(ctx, testMessage("first@example.net")); err != nil {
				t.Fatal(err)
			}
			if tc.stage == mailtest.AtConnect {
				srv.DropConnections()
			}
			f := tc.fault
			f.Times = 1
			if (tc.stage == mailtest.AtMail && (f.Drop || f.Code == 421)) || tc.stage == mailtest.AtConnect {
				// A reused connection that drops or closes (421) at MAIL FROM is retried once
				// on a new one, and a refused EHLO is followed by HELO: the fault must outlast
				// the second try to be seen.
				f.Times = 2
			}
			srv.Inject(tc.stage, f)
			_, err := s.Send(ctx, testMessage("victim@example.net"))
			var me *mail.Error
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want a *mail.Error", err)
			}
			if me.Class != tc.want {
				t.Fatalf("class %v (%v), want %v", me.Class, err, tc.want)
			}
			if got := mail.IsPermanent(err); got != (tc.want == mail.ClassRecipient) {
				t.Fatalf("IsPermanent = %v for %v", got, err)
			}
			if n := len(srv.To("victim@example.net")); n != 0 {
				t.Fatalf("the refused message was delivered %d times", n)
			}
			if _, err := s.Send(ctx, testMessage("next@example.net")); err != nil {
				t.Fatalf("the next message failed after %v: %v", me, err)
			}
			srv.Wait(t, 2, 5*time.Second)
		})
	}
}

// TestClassifyMultipleRecipients: a 5xx to the message of a transaction with several
// recipients says nothing about any one of them.
func TestClassifyMultipleRecipients(t *testing.T) {
	if c := mail.Classify(mail.StageDataEnd, 554, 3); c != mail.ClassSender {
		t.Fatalf("554 at end of DATA for 3 recipients: %v, want sender", c)
	}
	if c := mail.Classify(mail.StageDataEnd, 554, 1); c != mail.ClassRecipient {
		t.Fatalf("554 at end of DATA for 1 recipient: %v, want recipient", c)
	}
}

// TestNoRSETBeforeNextMailLosesNothing is the regression test for a 451 at the end of DATA:
// the next MAIL FROM on the same connection must not meet "503 bad sequence".
func TestNoRSETBeforeNextMailLosesNothing(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, plain(srv))
	ctx := context.Background()
	srv.Inject(mailtest.AtDataEnd, mailtest.Fault{Code: 451, Message: "4.3.0 try again", Times: 1})
	if _, err := s.Send(ctx, testMessage("a@example.net")); !errors.Is(err, err) || mail.ClassOf(err) != mail.ClassTemporary {
		t.Fatalf("451: %v, want a temporary failure", err)
	}
	for _, to := range []string{"b@example.net", "a@example.net"} {
		if _, err := s.Send(ctx, testMessage(to)); err != nil {
			t.Fatalf("%s after a 451 at the end of DATA: %v", to, err)
		}
	}
	if srv.Connections() != 1 || srv.Resets() == 0 {
		t.Fatalf("connections %d, RSETs %d: want the session reset, not replaced", srv.Connections(), srv.Resets())
	}
}

// TestEnhancedStatusCodes: the enhanced code of a refusal tells a refused mailbox (X.1.x,
// X.2.x) from a refusal that may be about the sender (X.7.1 relay access denied).
func TestEnhancedStatusCodes(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, plain(srv))
	for _, tc := range []struct {
		code          int
		msg, enhanced string
		mailbox       bool
	}{
		{550, "5.1.1 no such user", "5.1.1", true},
		{552, "5.2.2 mailbox full", "5.2.2", true},
		{554, "5.7.1 relay access denied", "5.7.1", false},
		{550, "no such user here", "5.0.0", false},
	} {
		srv.Inject(mailtest.AtRcpt, mailtest.Fault{Code: tc.code, Message: tc.msg, Times: 1})
		_, err := s.Send(t.Context(), testMessage("x@example.net"))
		var me *mail.Error
		if !errors.As(err, &me) || me.Class != mail.ClassRecipient || me.Enhanced != tc.enhanced || mail.MailboxRefused(err) != tc.mailbox {
			t.Errorf("%d %s: %v (enhanced %q), want enhanced %q, mailbox %v", tc.code, tc.msg, err, me.Enhanced, tc.enhanced, tc.mailbox)
		}
	}
}
