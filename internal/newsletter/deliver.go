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

// deliver sends one claimed delivery and returns how to record its outcome (run in the next
// transaction), and why the run must stop: *jobs.Again to wait for the server, errPaused when
// the newsletter paused itself.
func (s *Service) deliver(ctx context.Context, p *broadside.Post, msgs *prepared, d *store.Delivery) (func(tx *store.Store) error, error) {
	sub := &d.Subscriber
	m := msgs.message(sub)
	_, sendErr := s.Mail.Sender.Send(ctx, m)
	now := s.Now()
	if sendErr == nil {
		hadTrouble := s.settled(p.ID)
		return func(tx *store.Store) error {
			if err := tx.SettleDelivery(ctx, p.ID, sub.ID, store.DeliverySent, "", true, now); err != nil {
				return err
			}
			if hadTrouble {
				if err := tx.SetNewsletterError(ctx, p.ID, ""); err != nil {
					return err
				}
			}
			if sub.Bounces > 0 {
				return tx.ClearBounces(ctx, sub.ID)
			}
			return nil
		}, nil
	}
	msg := truncate(sendErr.Error(), 500)
	if mail.IsPermanent(sendErr) {
		// The server answered about this recipient: it is working, and this is the only
		// failure that may cost a subscriber anything.
		s.settled(p.ID)
		return func(tx *store.Store) error {
			if err := tx.SettleDelivery(ctx, p.ID, sub.ID, store.DeliveryFailed, msg, true, now); err != nil {
				return err
			}
			suspended, err := tx.RecordBounce(ctx, sub.ID, p.ID, msg, broadside.MaxBounces, now)
			if suspended {
				s.Log.Warn("address suspended after repeated bounces", "subscriber_id", sub.ID, "bounces", broadside.MaxBounces)
			}
			return err
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
		s.settled(p.ID)
		reason := pauseReason(sendErr, run)
		s.Log.Error("newsletter paused: the mail server refuses to send it", "post_id", p.ID, "failures_in_a_row", run, "err", sendErr)
		return func(tx *store.Store) error {
			if err := tx.DeferDelivery(ctx, p.ID, sub.ID, now, msg, false, now); err != nil {
				return err
			}
			return tx.PauseNewsletter(ctx, p.ID, reason, now)
		}, errPaused
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
			return tx.SettleDelivery(ctx, p.ID, sub.ID, store.DeliveryFailed,
				fmt.Sprintf("gave up after %d temporary failures: %s", MaxAttempts, msg), true, now)
		}, nil
	}
	delay := retryDelays[min(d.Attempts, len(retryDelays)-1)]
	return func(tx *store.Store) error {
		return tx.DeferDelivery(ctx, p.ID, sub.ID, now.Add(delay), msg, true, now)
	}, nil
}

// pauseReason is what the publisher reads on the newsletter's page.
func pauseReason(err error, run int) string {
	answer := truncate(err.Error(), 400)
	if mail.IsSender(err) {
		return "The mail server refused to send as this site: " + answer
	}
	return fmt.Sprintf("%d messages in a row failed without any recipient being at fault; the last answer was: %s", run, answer)
}

func recipientTemporary(err error) bool {
	var e *mail.Error
	return errors.As(err, &e) && e.Class == mail.ClassTemporary && e.Stage == mail.StageRcpt
}

func (s *Service) run(postID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failing[postID]
}

// failed counts a failure that was no recipient's fault and returns the run so far.
func (s *Service) failed(postID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[postID]++
	return s.failing[postID]
}

// settled ends a newsletter's run of failures (the server answered normally) and reports
// whether there was one.
func (s *Service) settled(postID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	had := s.failing[postID] != 0
	delete(s.failing, postID)
	return had
}
