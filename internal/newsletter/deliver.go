package newsletter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/store"
)

// What one delivery's outcome does to the recipient and to the newsletter. The SMTP answer
// is classified once, by mail.Classify; this decides what each class costs.
//
// A permanent refusal of a recipient that does not name their mailbox (no such user, mailbox
// disabled: RFC 3463 X.1.x and X.2.x) may be the server refusing this site or this message
// for everyone: "relay access denied" to RCPT TO, "message too big" or "spam" at the end of
// DATA. Those bounces are held until the server accepts a message again (then they count)
// or PauseAfter of them come in a row (then the newsletter pauses and the held recipients
// go back in the queue, with no bounce).

// trouble is what a newsletter's recent failures say, kept in memory by the sender.
type trouble struct {
	run  int    // failures in a row that were no recipient's fault
	held []held // refusals that do not name the mailbox, since the last accepted message
}

type held struct {
	subID int64
	msg   string
}

// deliver sends one claimed delivery and returns how to record its outcome (run in the next
// transaction), and why the run must stop: *jobs.Again to wait for the server, errPaused when
// the newsletter paused itself. A plain success (nothing else to record) returns a nil
// outcome and sent: the caller settles those of a batch in one statement (store.SettleSent).
func (s *Service) deliver(ctx context.Context, p *broadside.Post, msgs *prepared, d *broadside.Delivery) (outcome func(tx *store.Store) error, sent bool, halt error) {
	outcome, halt = s.deliver1(ctx, p, msgs, d)
	if outcome == nil && halt == nil {
		return nil, true, nil
	}
	return outcome, false, halt
}

func (s *Service) deliver1(ctx context.Context, p *broadside.Post, msgs *prepared, d *broadside.Delivery) (func(tx *store.Store) error, error) {
	sub := &d.Subscriber
	m := msgs.message(sub)
	_, sendErr := s.Mail.Sender.Send(ctx, m)
	now := s.Now()
	if sendErr == nil {
		tr := s.settled(p.ID)
		if tr.run == 0 && len(tr.held) == 0 && sub.Bounces == 0 {
			return nil, nil // settled with the batch's others
		}
		return func(tx *store.Store) error {
			if err := tx.SettleDelivery(ctx, p.ID, sub.ID, broadside.DeliverySent, "", true, now); err != nil {
				return err
			}
			if tr.run > 0 {
				if err := tx.SetNewsletterError(ctx, p.ID, ""); err != nil {
					return err
				}
			}
			if err := s.bounceHeld(ctx, tx, p.ID, tr.held, now); err != nil {
				return err
			}
			if sub.Bounces > 0 {
				return tx.ClearBounces(ctx, sub.ID)
			}
			return nil
		}, nil
	}
	msg := broadside.TruncateRunes(sendErr.Error(), 500)
	if mail.IsPermanent(sendErr) {
		settle := func(tx *store.Store) error {
			return tx.SettleDelivery(ctx, p.ID, sub.ID, broadside.DeliveryFailed, msg, true, now)
		}
		if !mail.MailboxRefused(sendErr) {
			tr := s.hold(p.ID, held{sub.ID, msg})
			if len(tr.held) >= PauseAfter {
				reason := fmt.Sprintf("%d recipients in a row were refused for reasons that do not name their mailboxes: "+
					"the server seems to refuse this site or this message, not the addresses. The last answer was: %s",
					len(tr.held), broadside.TruncateRunes(sendErr.Error(), 400))
				return s.pause(ctx, p.ID, sub.ID, msg, reason, sendErr, tr, now), errPaused
			}
			return settle, nil
		}
		// The server refused this mailbox: it is working, and this is the failure that may
		// cost a subscriber their subscription.
		s.endRun(p.ID)
		return func(tx *store.Store) error {
			if err := settle(tx); err != nil {
				return err
			}
			return s.bounce(ctx, tx, p.ID, sub.ID, msg, now)
		}, nil
	}
	run := s.run(p.ID)
	if !recipientTemporary(sendErr) {
		// A 4xx to RCPT TO is about one address (greylisting, a full mailbox) and may come
		// for many in a row; everything else that fails here says the server is in trouble.
		run = s.failed(p.ID)
	}
	if mail.IsSender(sendErr) || run >= PauseAfter {
		// The server refuses everything: stop before the whole list fails, and tell the
		// publisher. The recipient keeps their place in the queue.
		return s.pause(ctx, p.ID, sub.ID, msg, pauseReason(sendErr, run), sendErr, s.settled(p.ID), now), errPaused
	}
	if mail.Systemic(sendErr) {
		// The server cannot take anything now (unreachable, MAIL FROM deferred): hold the
		// newsletter back, without counting it against the recipient.
		wait := min(jobs.Backoff(run), 10*time.Minute)
		s.Log.Warn("mail server unavailable; newsletter waits", "post_id", p.ID, "retry_in", wait, "err", sendErr)
		return func(tx *store.Store) error {
			if err := tx.DeferDelivery(ctx, p.ID, sub.ID, now, msg, false, now); err != nil {
				return err
			}
			return tx.SetNewsletterError(ctx, p.ID, msg)
		}, &jobs.Again{At: now.Add(wait), Reason: "mail server unavailable: " + msg}
	}
	// A temporary refusal or a protocol error in this transaction (the sender has reset or
	// replaced the session): try this recipient again later and go on with the next one.
	// Giving up after MaxAttempts records a failed delivery, never a bounce.
	if d.Attempts+1 >= MaxAttempts {
		return func(tx *store.Store) error {
			return tx.SettleDelivery(ctx, p.ID, sub.ID, broadside.DeliveryFailed,
				fmt.Sprintf("gave up after %d temporary failures: %s", MaxAttempts, msg), true, now)
		}, nil
	}
	delay := retryDelays[min(d.Attempts, len(retryDelays)-1)]
	return func(tx *store.Store) error {
		return tx.DeferDelivery(ctx, p.ID, sub.ID, now.Add(delay), msg, true, now)
	}, nil
}

// pause records that the newsletter stopped itself: the current recipient and those whose
// refusals were held go back in the queue, without a bounce or a counted attempt.
func (s *Service) pause(ctx context.Context, postID, subID int64, msg, reason string, cause error, tr trouble, now time.Time) func(tx *store.Store) error {
	s.Log.Error("newsletter paused: the mail server refuses to send it", "post_id", postID, "failures_in_a_row", max(tr.run, len(tr.held)), "err", cause)
	return func(tx *store.Store) error {
		if err := tx.DeferDelivery(ctx, postID, subID, now, msg, false, now); err != nil {
			return err
		}
		for _, h := range tr.held {
			if err := tx.DeferDelivery(ctx, postID, h.subID, now, h.msg, false, now); err != nil {
				return err
			}
		}
		return tx.PauseNewsletter(ctx, postID, reason, now)
	}
}

func (s *Service) bounce(ctx context.Context, tx *store.Store, postID, subID int64, msg string, now time.Time) error {
	suspended, err := tx.RecordBounce(ctx, subID, postID, msg, broadside.MaxBounces, now)
	if suspended {
		s.Log.Warn("address suspended after repeated bounces", "subscriber_id", subID, "bounces", broadside.MaxBounces)
	}
	return err
}

// bounceHeld counts the held refusals as the recipients' bounces, once the server showed it
// accepts the message.
func (s *Service) bounceHeld(ctx context.Context, tx *store.Store, postID int64, hs []held, now time.Time) error {
	for _, h := range hs {
		if err := s.bounce(ctx, tx, postID, h.subID, h.msg, now); err != nil {
			return err
		}
	}
	return nil
}

// flushHeld counts the refusals still held when a newsletter has no one left to send to:
// fewer than PauseAfter in a row at its end are taken to be the recipients'.
func (s *Service) flushHeld(ctx context.Context, postID int64) error {
	tr := s.settled(postID)
	if len(tr.held) == 0 {
		return nil
	}
	return s.Store.InTx(ctx, func(tx *store.Store) error { return s.bounceHeld(ctx, tx, postID, tr.held, s.Now()) })
}

// pauseReason is what the publisher reads on the newsletter's page.
func pauseReason(err error, run int) string {
	answer := broadside.TruncateRunes(err.Error(), 400)
	if mail.IsSender(err) {
		return "The mail server refused to send as this site: " + answer
	}
	return fmt.Sprintf("%d messages in a row failed without any recipient being at fault; the last answer was: %s", run, answer)
}

func recipientTemporary(err error) bool {
	var e *mail.Error
	return errors.As(err, &e) && e.Class == mail.ClassTemporary && e.Stage == mail.StageRcpt
}

func (s *Service) trouble(postID int64) *trouble {
	t := s.failing[postID]
	if t == nil {
		t = &trouble{}
		s.failing[postID] = t
	}
	return t
}

func (s *Service) run(postID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.trouble(postID).run
}

// failed counts a failure that was no recipient's fault and returns the run so far.
func (s *Service) failed(postID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.trouble(postID)
	t.run++
	return t.run
}

// endRun ends a run of failures that were nobody's fault (the server answered about a
// recipient), keeping held refusals.
func (s *Service) endRun(postID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trouble(postID).run = 0
}

// hold keeps a refusal that does not name the mailbox back and returns the newsletter's trouble.
func (s *Service) hold(postID int64, h held) trouble {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.trouble(postID)
	t.run = 0
	t.held = append(t.held, h)
	return trouble{run: t.run, held: append([]held(nil), t.held...)}
}

// settled forgets a newsletter's trouble (the server accepted a message, or the newsletter
// paused or ended) and returns what it was.
func (s *Service) settled(postID int64) trouble {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out trouble
	if t := s.failing[postID]; t != nil {
		out = *t
	}
	delete(s.failing, postID)
	return out
}
