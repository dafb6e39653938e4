// Package newsletter sends a published post to the site's confirmed subscribers.
//
// Publishing enqueues one job per post, in the publishing transaction. The job's first run
// chooses the recipients (one delivery row per subscriber confirmed at that moment) and every
// run then works through the pending rows. Each delivery is recorded 'sending' (committed)
// before the message is handed to the SMTP server and 'sent' after the server accepted it, so
// a crash, a restart or an outage resumes exactly where it stopped: rows already 'sent' are
// never mailed again, 'pending' rows are mailed once.
//
// The one row that can be ambiguous is a delivery that was 'sending' when the process died:
// the server may or may not have accepted it. Exactly-once delivery to SMTP is impossible; we
// choose to send it again (at least once, never skipped), with the same Message-ID, which
// mailbox providers use to drop duplicates. Because each sender claims one row at a time, a
// crash can cause at most one duplicate per sender, and the row records that it was resent.
//
// Every failure is classified once, by mail.Classify, and only a recipient's permanent
// failure (5xx to RCPT TO, or to the message) counts towards suspending the address after
// broadside.MaxBounces. Temporary failures and protocol errors of one transaction are
// retried for that recipient later, without a bounce. Failures of the session (the server
// unreachable, MAIL FROM deferred) hold the whole newsletter back with backoff. When the
// server refuses the sender (5xx to MAIL FROM, a refused login) or PauseAfter failures in a
// row were nobody's fault, the newsletter pauses itself with the server's answer for the
// publisher, who resumes it from the admin (Resume): pending deliveries stay pending, sent
// ones stay sent. Sending is paced for the whole site (Rate messages per second): each
// message's start is a slot reserved in the database (store.ReserveSendSlot).
package newsletter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/sitemail"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/subscriptions"
)

// JobSend sends one post's newsletter (payload: Payload).
const JobSend = "newsletter_send"

// Payload is the job's payload.
type Payload struct {
	PostID int64 `json:"post_id"`
}

// Delivery policy.
const (
	// MaxAttempts is how many temporary failures of one recipient are retried.
	MaxAttempts = 5
	// PauseAfter is how many failures in a row, none of them a recipient's permanent one,
	// pause a newsletter: the server is refusing everything, and going on would only turn a
	// configuration problem into thousands of failed deliveries.
	PauseAfter = 10
	batchSize  = 200
)

// errPaused ends a run whose newsletter paused itself.
var errPaused = errors.New("newsletter paused")

// retryDelays are the waits after a recipient's 1st, 2nd … temporary failure.
var retryDelays = []time.Duration{time.Minute, 5 * time.Minute, 20 * time.Minute, time.Hour}

// Store is what the newsletter needs from storage.
type Store interface {
	InTx(ctx context.Context, fn func(tx *store.Store) error) error
	PostByID(ctx context.Context, id int64) (*broadside.Post, error)
	StartNewsletter(ctx context.Context, postID int64, now time.Time) (*broadside.Newsletter, error)
	NewsletterByPost(ctx context.Context, postID int64) (*broadside.Newsletter, error)
	ListNewsletters(ctx context.Context, limit int) ([]broadside.Newsletter, error)
	ResumeInterrupted(ctx context.Context, postID int64, now time.Time) (int64, error)
	DueDeliveries(ctx context.Context, postID int64, now time.Time, limit int) ([]broadside.Delivery, error)
	ClaimDelivery(ctx context.Context, postID, subscriberID int64, now time.Time) (bool, error)
	SettleDelivery(ctx context.Context, postID, subscriberID int64, status, errMsg string, countAttempt bool, now time.Time) error
	DeferDelivery(ctx context.Context, postID, subscriberID int64, next time.Time, errMsg string, countAttempt bool, now time.Time) error
	NewsletterProgress(ctx context.Context, postID int64) (broadside.NewsletterProgress, error)
	FinishNewsletter(ctx context.Context, postID int64, now time.Time) error
	ResumeNewsletter(ctx context.Context, postID int64, now time.Time) (bool, error)
	SetNewsletterError(ctx context.Context, postID int64, msg string) error
	ListDeliveries(ctx context.Context, postID int64, status string, limit int) ([]broadside.Delivery, error)
}

// Service sends newsletters.
type Service struct {
	Store Store
	// Mail is the site's mailer; nil when mail is off (nothing is sent or queued).
	Mail *sitemail.Mailer
	Subs *subscriptions.Service
	Now  func() time.Time
	Log  *slog.Logger
	// Rate is the pace in messages per second (config --smtp-rate), for the whole site: every
	// node reserves each message's start in the database (store.ReserveSendSlot), so N nodes
	// together send Rate messages a second, not N times it. Transactional mail has its own
	// lane and connection and is not counted.
	Rate float64
	// PaceNow is the clock of the pace (nil: time.Now). The pace is about real seconds at the
	// mail server, so it is separate from Now, which tests may hold still.
	PaceNow func() time.Time
	// Slice bounds one run of the job; then it yields (another node may continue) so a long
	// send never outlives the job's lease. Default one minute.
	Slice time.Duration
	// Connections is how many messages are sent at once, each over its own connection of the
	// bulk sender (which must have as many); 0 means 1.
	Connections int
	// Batch is how many deliveries one commit claims, and records the outcomes of in the
	// commit that claims the next ones (0 means 1: one commit per message). It is also the
	// most messages a crash can send twice, whatever Connections is: a delivery is marked
	// 'sending' by the commit that claims it and 'sent' (or failed, or deferred) by the next
	// one, and after a crash every delivery still 'sending' is sent again, with the same
	// Message-ID, so mailbox providers can drop the copy. The app sets InFlight(Rate,
	// Connections).
	Batch int

	once    sync.Once
	mu      sync.Mutex
	failing map[int64]*trouble // per newsletter (deliver.go)
}

// Enabled reports whether newsletters can be sent.
func (s *Service) Enabled() bool { return s != nil && s.Mail != nil }

// OnPublish is the posts service's hook: in the transaction that publishes p for the first
// time, it queues the newsletter if the author asked for one. A post is sent once, ever.
func (s *Service) OnPublish(ctx context.Context, tx *store.Store, p *broadside.Post) error {
	if !s.Enabled() || !p.SendNewsletter || p.Type != broadside.TypePost {
		return nil
	}
	if !mailable(p, s.Now()) {
		s.Log.Info("newsletter not queued: subscribers may not read all of the post (password protected)", "post_id", p.ID)
		return nil
	}
	created, err := tx.CreateNewsletter(ctx, p.ID, s.Now())
	if err != nil || !created {
		return err
	}
	s.Log.Info("newsletter queued", "post_id", p.ID)
	return s.enqueueSend(ctx, tx, p.ID)
}

// enqueueSend queues the job that sends postID's newsletter now, once: its unique key keeps a
// second one out while one is queued or running.
func (s *Service) enqueueSend(ctx context.Context, tx *store.Store, postID int64) error {
	return jobs.Enqueue(ctx, tx, JobSend, "newsletter:"+strconv.FormatInt(postID, 10), s.Now(), Payload{PostID: postID})
}

// Handler is the job handler (register it with jobs.Worker.HandleInterruptible).
func (s *Service) Handler() func(ctx context.Context, payload []byte) error {
	return func(ctx context.Context, payload []byte) error {
		var p Payload
		if err := json.Unmarshal(payload, &p); err != nil {
			return fmt.Errorf("newsletter: bad payload: %w", err)
		}
		return s.Send(ctx, p.PostID)
	}
}

// paceKey names the site's one bulk-mail pace in the database.
const paceKey = "newsletter"

// interval is the time between the starts of two messages, site-wide.
func (s *Service) interval() time.Duration {
	r := s.Rate
	if r <= 0 {
		r = 10
	}
	return max(time.Duration(float64(time.Second)/r), time.Microsecond)
}

func (s *Service) paceNow() time.Time {
	if s.PaceNow != nil {
		return s.PaceNow()
	}
	return time.Now()
}

// waitSlot waits until the reserved start time of a message. It does not give up when the
// worker stops: the delivery is already claimed, and the wait is one interval per node
// sending at once. A slot much further away means a node's clock is ahead of this one's;
// the wait is then bounded, so a wrong clock slows sending instead of stopping it.
func (s *Service) waitSlot(slot time.Time) {
	d := slot.Sub(s.paceNow())
	if limit := max(5*time.Second, 16*s.interval()); d > limit {
		s.Log.Warn("newsletter send slot is far ahead: are the nodes' clocks in sync (NTP)?", "wait", d, "waiting", limit)
		d = limit
	}
	if d > 0 {
		time.Sleep(d)
	}
}

// Send works through a newsletter's pending deliveries until none is due, the slice is
// used up, the worker stops (ctx) or the mail server is unreachable. It returns nil when
// every delivery is settled, and *jobs.Again to be called again.
func (s *Service) Send(ctx context.Context, postID int64) error {
	if !s.Enabled() {
		return errors.New("newsletter: mail is not configured")
	}
	s.once.Do(func() { s.failing = map[int64]*trouble{} })
	// Recording must not be cut short by the worker stopping: once a message is handed to
	// the server, its outcome is written whatever happens to ctx.
	rec := context.WithoutCancel(ctx)
	start := time.Now()
	slice := s.Slice
	if slice <= 0 {
		slice = time.Minute
	}
	n, err := s.Store.StartNewsletter(rec, postID, s.Now())
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil // the post was deleted, and its newsletter with it
	} else if err != nil {
		return err
	}
	if n.Status == broadside.NewsletterSent || n.Paused() {
		return nil // a paused newsletter waits for Resume, which queues a new run
	}
	if resumed, err := s.Store.ResumeInterrupted(rec, postID, s.Now()); err != nil {
		return err
	} else if resumed > 0 {
		s.Log.Warn("newsletter resumed after an interruption: the delivery in flight is sent again with the same Message-ID",
			"post_id", postID, "deliveries", resumed)
	}
	p, err := s.Store.PostByID(rec, postID)
	if err != nil {
		return err
	}
	if !mailable(p, s.Now()) { // unpublished or given a password since it was queued
		return s.abandon(rec, p)
	}
	msgs, err := s.prepare(rec, p)
	if err != nil {
		return err
	}
	if done, err := s.sendDue(ctx, rec, p, msgs, start, slice); err != nil || !done {
		return err
	}
	pr, err := s.Store.NewsletterProgress(rec, postID)
	if err != nil {
		return err
	}
	if pr.Pending > 0 || pr.Sending > 0 {
		next := pr.Next
		if pr.Sending > 0 || next.Before(s.Now()) {
			next = s.Now()
		}
		return &jobs.Again{At: next, Reason: fmt.Sprintf("%d deliveries wait for a retry", pr.Pending+pr.Sending)}
	}
	if err := s.flushHeld(rec, postID); err != nil {
		return err
	}
	if err := s.Store.FinishNewsletter(rec, postID, s.Now()); err != nil {
		return err
	}
	s.Log.Info("newsletter sent", "post_id", postID, "sent", pr.Sent, "failed", pr.Failed, "skipped", pr.Skipped)
	return nil
}

// abandon settles the remaining deliveries of a post that was unpublished mid-send.
func (s *Service) abandon(ctx context.Context, p *broadside.Post) error {
	for {
		batch, err := s.Store.DueDeliveries(ctx, p.ID, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), batchSize)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		for _, d := range batch {
			if ok, err := s.Store.ClaimDelivery(ctx, p.ID, d.Subscriber.ID, s.Now()); err != nil {
				return err
			} else if ok {
				if err := s.Store.SettleDelivery(ctx, p.ID, d.Subscriber.ID, broadside.DeliverySkipped, "the post was unpublished before it was their turn", false, s.Now()); err != nil {
					return err
				}
			}
		}
	}
	s.Log.Warn("newsletter stopped: the post is no longer published", "post_id", p.ID)
	return s.Store.FinishNewsletter(ctx, p.ID, s.Now())
}
