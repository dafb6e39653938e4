package broadside

import "time"

// Newsletter statuses.
const (
	NewsletterQueued  = "queued"  // waiting for its job
	NewsletterSending = "sending" // recipients chosen, deliveries under way
	NewsletterSent    = "sent"    // every delivery settled
)

// Delivery statuses: pending -> sending -> sent | failed | skipped. A delivery is 'sending'
// from just before it is handed to the SMTP server until the server's answer is recorded.
const (
	DeliveryPending = "pending"
	DeliverySending = "sending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"
	DeliverySkipped = "skipped"
)

// Newsletter is a post sent by email.
type Newsletter struct {
	PostID     int64
	PostTitle  string
	Status     string
	Recipients int
	LastError  string
	// PausedAt is when the newsletter paused itself because the mail server refused
	// everything (LastError holds its answer); zero while it is not paused.
	PausedAt   time.Time
	CreatedAt  time.Time
	StartedAt  time.Time
	FinishedAt time.Time
}

// Paused reports whether the newsletter waits for the publisher.
func (n *Newsletter) Paused() bool { return !n.PausedAt.IsZero() }

// Delivery is one newsletter to one recipient.
type Delivery struct {
	PostID      int64
	Subscriber  Subscriber
	Status      string
	Attempts    int
	LastError   string
	NextAttempt time.Time
	SentAt      time.Time
	UpdatedAt   time.Time
}

// NewsletterProgress counts a newsletter's deliveries by status; Next is the earliest time a
// pending delivery is due (zero when none is pending).
type NewsletterProgress struct {
	Pending, Sending, Sent, Failed, Skipped int
	Next                                    time.Time
}

// Total is the number of recipients.
func (p NewsletterProgress) Total() int { return p.Pending + p.Sending + p.Sent + p.Failed + p.Skipped }
