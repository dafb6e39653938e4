package subscriptions

import (
	"context"
	"encoding/csv"
	"io"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

func mustManage(u *broadside.User) error {
	if !u.CanManageSite() {
		return broadside.Errorf(broadside.EFORBIDDEN, "Only administrators can see and change the subscriber list.")
	}
	return nil
}

// List returns a page of subscribers for the admin.
func (s *Service) List(ctx context.Context, u *broadside.User, f broadside.SubscriberFilter) ([]broadside.Subscriber, int, error) {
	if err := mustManage(u); err != nil {
		return nil, 0, err
	}
	return s.Store.ListSubscribers(ctx, f)
}

// Counts returns how many subscribers have each status.
func (s *Service) Counts(ctx context.Context) (map[broadside.SubscriberStatus]int, error) {
	return s.Store.SubscriberCounts(ctx)
}

// Week is one bar of the growth chart.
type Week struct {
	Start time.Time // Monday, 00:00 in the site's zone
	New   int       // confirmed subscribers who subscribed that week
}

// Growth returns the new confirmed subscribers of each of the last n weeks (the current
// week last), in loc.
func (s *Service) Growth(ctx context.Context, n int, loc *time.Location) ([]Week, error) {
	now := s.Now().In(loc)
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	first := monday.AddDate(0, 0, -7*(n-1))
	weeks := make([]Week, n)
	for i := range weeks {
		weeks[i].Start = first.AddDate(0, 0, 7*i)
	}
	dates, err := s.Store.SubscriberDates(ctx, first)
	if err != nil {
		return nil, err
	}
	for _, t := range dates {
		t = t.In(loc)
		for i := n - 1; i >= 0; i-- {
			if !t.Before(weeks[i].Start) {
				weeks[i].New++
				break
			}
		}
	}
	return weeks, nil
}

// Get returns one subscriber.
func (s *Service) Get(ctx context.Context, u *broadside.User, id int64) (*broadside.Subscriber, error) {
	if err := mustManage(u); err != nil {
		return nil, err
	}
	return s.Store.SubscriberByID(ctx, id)
}

// AddInput is the admin's "add a subscriber" form.
type AddInput struct {
	Email, Name string
	// Confirm sends a confirmation email (the address stays pending until it is clicked);
	// without it the admin vouches for the person's consent and the address is confirmed.
	Confirm bool
}

// Add adds an address by hand.
func (s *Service) Add(ctx context.Context, u *broadside.User, in AddInput, ip string) (*broadside.Subscriber, error) {
	if err := mustManage(u); err != nil {
		return nil, err
	}
	now := s.Now()
	sub := &broadside.Subscriber{Email: broadside.NormalizeEmail(in.Email), Name: strings.TrimSpace(in.Name),
		Status: broadside.SubscriberConfirmed, Source: broadside.SourceAdmin, ConsentIP: ip, CreatedAt: now, ConfirmedAt: now, UpdatedAt: now}
	if in.Confirm {
		sub.Status, sub.ConfirmedAt = broadside.SubscriberPending, time.Time{}
	}
	if err := sub.Validate(); err != nil {
		return nil, err
	}
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateSubscriber(ctx, sub); err != nil {
			if broadside.ErrorCode(err) == broadside.ECONFLICT {
				return &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
					Fields: map[string]string{"email": "This address is already on the list."}}
			}
			return err
		}
		if in.Confirm {
			if !s.Enabled() {
				return &broadside.Error{Code: broadside.EINVALID, Message: "Mail is not configured, so no confirmation can be sent.",
					Fields: map[string]string{"confirm": "Set up SMTP first, or add the address as confirmed."}}
			}
			return s.enqueueMail(ctx, tx, mailJob{Kind: mailConfirm, SubscriberID: sub.ID})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Log.Info("subscriber added by hand", "subscriber_id", sub.ID, "user_id", u.ID, "confirm", in.Confirm)
	s.wake()
	return sub, nil
}

// SetStatus changes a subscriber's status from the admin (unsubscribe someone who asked by
// letter, lift a bounce suspension after they fixed their mailbox).
func (s *Service) SetStatus(ctx context.Context, u *broadside.User, id int64, st broadside.SubscriberStatus) error {
	if err := mustManage(u); err != nil {
		return err
	}
	if !broadside.ValidSubscriberStatus(st) || st == broadside.SubscriberPending {
		return broadside.Errorf(broadside.EINVALID, "Choose confirmed, unsubscribed or bounced.")
	}
	sub, err := s.Store.SubscriberByID(ctx, id)
	if err != nil {
		return err
	}
	if st == broadside.SubscriberConfirmed && sub.ConfirmedAt.IsZero() {
		return broadside.Errorf(broadside.EINVALID, "This address never confirmed its subscription; only its owner can, from the confirmation email.")
	}
	now := s.Now()
	if st == broadside.SubscriberUnsubscribed {
		return s.unsubscribe(ctx, sub)
	}
	if st == broadside.SubscriberConfirmed && sub.Status == broadside.SubscriberBounced {
		// One way to lift a suspension, for one address or many.
		_, err := s.Store.LiftSuspensions(ctx, broadside.SuspensionFilter{IDs: []int64{id}}, now)
		return err
	}
	sub.Status, sub.UpdatedAt = st, now
	if st == broadside.SubscriberConfirmed {
		sub.Bounces, sub.UnsubscribedAt = 0, time.Time{}
	}
	return s.Store.UpdateSubscriber(ctx, sub)
}

// Delete erases a subscriber and everything stored about the address (GDPR).
func (s *Service) Delete(ctx context.Context, u *broadside.User, id int64) error {
	if err := mustManage(u); err != nil {
		return err
	}
	if err := s.Store.DeleteSubscriber(ctx, id); err != nil {
		return err
	}
	s.Log.Info("subscriber deleted with all their data", "subscriber_id", id, "user_id", u.ID)
	return nil
}

// Export is everything stored about one subscriber (the GDPR "right of access").
type Export struct {
	Subscriber           ExportedSubscriber   `json:"subscriber"`
	CommentSubscriptions []ExportedCommentSub `json:"comment_subscriptions"`
	Newsletters          []ExportedDelivery   `json:"newsletters_sent"`
	Note                 string               `json:"note"`
}

// ExportedSubscriber is the subscriber row, in plain words.
type ExportedSubscriber struct {
	Email          string     `json:"email"`
	Name           string     `json:"name"`
	Status         string     `json:"status"`
	Source         string     `json:"source"`
	Supporter      bool       `json:"supporter"`
	Bounces        int        `json:"bounces"`
	LastError      string     `json:"last_delivery_error"`
	ConsentIP      string     `json:"consent_ip"`
	SubscribedAt   time.Time  `json:"subscribed_at"`
	ConfirmedAt    *time.Time `json:"confirmed_at"`
	UnsubscribedAt *time.Time `json:"unsubscribed_at"`
}

// ExportedCommentSub is a comment notification.
type ExportedCommentSub struct {
	PostID    int64     `json:"post_id"`
	PostTitle string    `json:"post_title"`
	Kind      string    `json:"kind"`
	Confirmed bool      `json:"confirmed"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportedDelivery is one newsletter sent (or tried).
type ExportedDelivery struct {
	PostID    int64      `json:"post_id"`
	Status    string     `json:"status"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
	SentAt    *time.Time `json:"sent_at"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// ExportOne gathers what is stored about a subscriber.
func (s *Service) ExportOne(ctx context.Context, u *broadside.User, id int64) (*Export, error) {
	sub, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	e := &Export{Subscriber: ExportedSubscriber{Email: sub.Email, Name: sub.Name, Status: string(sub.Status), Source: sub.Source,
		Supporter: sub.Supporter, Bounces: sub.Bounces, LastError: sub.LastError, ConsentIP: sub.ConsentIP, SubscribedAt: sub.CreatedAt,
		ConfirmedAt: timePtr(sub.ConfirmedAt), UnsubscribedAt: timePtr(sub.UnsubscribedAt)},
		CommentSubscriptions: []ExportedCommentSub{}, Newsletters: []ExportedDelivery{},
		Note: "Comments written with this address are part of the site's discussions and are managed under Comments."}
	cs, err := s.Store.CommentSubscriptionsByEmail(ctx, sub.Email)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		kind := "all comments on the post"
		if c.CommentID != 0 {
			kind = "replies to a comment"
		}
		e.CommentSubscriptions = append(e.CommentSubscriptions, ExportedCommentSub{PostID: c.PostID, PostTitle: c.PostTitle, Kind: kind, Confirmed: c.Confirmed, CreatedAt: c.CreatedAt})
	}
	ds, err := s.Store.SubscriberDeliveries(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		e.Newsletters = append(e.Newsletters, ExportedDelivery{PostID: d.PostID, Status: d.Status, Attempts: d.Attempts, LastError: d.LastError, SentAt: timePtr(d.SentAt)})
	}
	return e, nil
}

// ExportCSV writes the whole list as CSV (one row per address), readable by this importer and
// by other services.
func (s *Service) ExportCSV(ctx context.Context, u *broadside.User, w io.Writer) error {
	if err := mustManage(u); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"email", "name", "status", "subscribed_at", "confirmed_at", "unsubscribed_at", "source", "supporter"})
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	err := s.Store.EachSubscriber(ctx, func(sub *broadside.Subscriber) error {
		sup := "no"
		if sub.Supporter {
			sup = "yes"
		}
		return cw.Write([]string{csvSafe(sub.Email), csvSafe(sub.Name), string(sub.Status), ts(sub.CreatedAt), ts(sub.ConfirmedAt),
			ts(sub.UnsubscribedAt), sub.Source, sup})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses spreadsheet formulas (CSV injection): a cell a reader typed that starts with
// = + - or @ is prefixed with a quote, as OWASP advises.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
