package broadside

import (
	"strings"
	"time"
	"unicode/utf8"
)

// SubscriberStatus is where an email address stands with the site's newsletter.
type SubscriberStatus string

const (
	// SubscriberPending addresses asked to subscribe (or were imported without proof of
	// consent) and have not clicked the confirmation link: they get nothing but that link.
	SubscriberPending SubscriberStatus = "pending"
	// SubscriberConfirmed addresses receive newsletters and may sign in to read
	// subscriber-only posts.
	SubscriberConfirmed SubscriberStatus = "confirmed"
	// SubscriberUnsubscribed addresses left; they are kept (without mailing them) so an old
	// import cannot silently re-add them.
	SubscriberUnsubscribed SubscriberStatus = "unsubscribed"
	// SubscriberBounced addresses were suspended after MaxBounces permanent failures.
	SubscriberBounced SubscriberStatus = "bounced"
)

// SubscriberStatuses lists every status in the order the admin shows them.
var SubscriberStatuses = []SubscriberStatus{SubscriberConfirmed, SubscriberPending, SubscriberUnsubscribed, SubscriberBounced}

// ValidSubscriberStatus reports whether s is a known status.
func ValidSubscriberStatus(s SubscriberStatus) bool {
	for _, x := range SubscriberStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// MaxBounces is how many permanent delivery failures in a row suspend an address.
const MaxBounces = 3

// Where a subscriber came from.
const (
	SourceForm    = "form"    // the subscribe form on the site
	SourceImport  = "import"  // a CSV import
	SourceAdmin   = "admin"   // added by hand in the admin
	SourceComment = "comment" // a commenter who ticked a notification box
)

// Subscriber is an email address that asked for the site's newsletter.
type Subscriber struct {
	ID     int64
	Email  string // lowercased
	Name   string
	Status SubscriberStatus
	Source string
	// Supporter is set by readers who support the site; the support appeal is not shown to
	// them.
	Supporter bool
	// Bounces counts permanent delivery failures since the last successful delivery.
	Bounces   int
	LastError string // the last permanent failure, for the admin
	// ConsentIP is the address the subscription (or its confirmation) came from: with the
	// times, the record of consent.
	ConsentIP      string
	CreatedAt      time.Time // when they subscribed (for imports: the date in the file)
	ConfirmedAt    time.Time
	UnsubscribedAt time.Time
	UpdatedAt      time.Time
}

// Receives reports whether the address may be sent newsletters and notices.
func (s *Subscriber) Receives() bool { return s != nil && s.Status == SubscriberConfirmed }

// NormalizeEmail trims and lowercases an address so one person is one subscriber however
// they type it. (The local part is case-sensitive in theory; no mail system in use treats it
// so, and duplicates would be worse.)
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// MaxSubscriberNameLen bounds the optional name.
const MaxSubscriberNameLen = 200

// Validate checks the subscriber's fields.
func (s *Subscriber) Validate() error {
	fe := FieldErrors{}
	if !ValidEmail(s.Email) || s.Email != NormalizeEmail(s.Email) {
		fe.Add("email", "Enter a valid email address, like name@example.com.")
	}
	if utf8.RuneCountInString(s.Name) > MaxSubscriberNameLen || strings.ContainsAny(s.Name, "\r\n") {
		fe.Add("name", "The name must be one line of at most 200 characters.")
	}
	if !ValidSubscriberStatus(s.Status) {
		fe.Add("status", "Status must be pending, confirmed, unsubscribed or bounced.")
	}
	return fe.Err()
}
