// Package subscriptions is the reader relationship: double opt-in subscriptions, signing in
// with a magic link, unsubscribing (one click), the reader's profile, comment notifications,
// and the admin's subscriber list (import, export, GDPR deletion). Every email it sends is a
// persisted job enqueued in the same transaction as the change that caused it.
package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/sitemail"
	"github.com/broadside/broadside/internal/store"
)

// Jobs and token purposes.
const (
	JobMail          = "subscription_mail" // confirmations, welcome, sign-in links
	JobCommentNotice = "comment_notice"    // tell subscribers about an approved comment

	PurposeConfirm  = "subscribe-confirm"
	PurposeSignIn   = "reader-signin"
	PurposeComments = "comments-confirm"
)

// Lifetimes.
const (
	ConfirmTTL = 48 * time.Hour
	SignInTTL  = 30 * time.Minute
	// SessionTTL is how long a reader stays signed in without visiting; each visit (at most
	// hourly) extends it.
	SessionTTL     = 90 * 24 * time.Hour
	sessionRefresh = time.Hour
)

// Rate limits, in durable counters shared by all nodes. Going over the per-address limit is
// silent (the same answer, no email), so the limit reveals nothing about the address.
const (
	rateWindow      = time.Hour
	perIPPerHour    = 10
	perEmailPerHour = 3
)

// Store is what the service needs from storage.
type Store interface {
	InTx(ctx context.Context, fn func(tx *store.Store) error) error
	HitRate(ctx context.Context, key string, window time.Duration, now time.Time) (int, error)
	CreateToken(ctx context.Context, t *store.Token) error
	ConsumeToken(ctx context.Context, hash, purpose string, now time.Time) (*store.Token, error)
	SubscriberByID(ctx context.Context, id int64) (*broadside.Subscriber, error)
	SubscriberByEmail(ctx context.Context, email string) (*broadside.Subscriber, error)
	UpdateSubscriber(ctx context.Context, sub *broadside.Subscriber) error
	ListSubscribers(ctx context.Context, f broadside.SubscriberFilter) ([]broadside.Subscriber, int, error)
	EachSubscriber(ctx context.Context, fn func(*broadside.Subscriber) error) error
	SubscriberCounts(ctx context.Context) (map[broadside.SubscriberStatus]int, error)
	SubscriberDates(ctx context.Context, since time.Time) ([]time.Time, error)
	DeleteSubscriber(ctx context.Context, id int64) error
	SubscriberDeliveries(ctx context.Context, subscriberID int64) ([]broadside.Delivery, error)
	CreateReaderSession(ctx context.Context, hash string, subscriberID int64, now, expires time.Time) error
	ReaderSession(ctx context.Context, hash string, now time.Time) (*broadside.Subscriber, time.Time, error)
	TouchReaderSession(ctx context.Context, hash string, now, expires time.Time) error
	DeleteReaderSession(ctx context.Context, hash string) error
	PostByID(ctx context.Context, id int64) (*broadside.Post, error)
	CommentByID(ctx context.Context, id int64) (*broadside.Comment, error)
	CommentRecipients(ctx context.Context, postID, parentID int64) ([]string, error)
	CommentSubscriptionsByEmail(ctx context.Context, email string) ([]broadside.CommentSubscription, error)
	DeleteCommentSubscriptions(ctx context.Context, postID int64, email string) (int64, error)
	MarkCommentNotice(ctx context.Context, commentID int64, email string, now time.Time) (bool, error)
	UnmarkCommentNotice(ctx context.Context, commentID int64, email string) error
	SuspensionsByNewsletter(ctx context.Context) ([]broadside.SuspensionGroup, error)
	CountSuspended(ctx context.Context, f broadside.SuspensionFilter) (int, error)
	LiftSuspensions(ctx context.Context, f broadside.SuspensionFilter, now time.Time) (int64, error)
}

// Service runs subscriptions.
type Service struct {
	Store Store
	// Mail sends the emails; nil when no mail server is configured, which turns
	// subscriptions off (Enabled).
	Mail  *sitemail.Mailer
	Links Links
	Now   func() time.Time
	Log   *slog.Logger
	// Wake nudges the job worker after an email was queued.
	Wake func()
}

// Enabled reports whether the site can take subscriptions (it can send mail).
func (s *Service) Enabled() bool { return s != nil && s.Mail != nil }

var errOff = broadside.Errorf(broadside.EFORBIDDEN, "This site does not send email yet, so it cannot take subscriptions.")

const msgTooMany = "Too many requests from your network. Please wait an hour and try again."

// Request is what a reader typed into a subscribe or sign-in form.
type Request struct {
	Email string
	Name  string
	IP    string
	// Return is the site path to come back to after confirming (the post they were reading).
	Return string
	// Honeypot is a field hidden from people; bots fill it.
	Honeypot string
}

// Subscribe starts a double opt-in. Whatever the address's state, the reader gets the same
// answer (nil): a new or pending address gets a confirmation link, an unsubscribed or bounced
// one a link to subscribe again, a confirmed one a sign-in link instead. Only a malformed
// address (EINVALID) or a flood from one IP (ETOOMANYREQUEST) is an error.
func (s *Service) Subscribe(ctx context.Context, r Request) error {
	if !s.Enabled() {
		return errOff
	}
	email, err := s.check(ctx, "subscribe", r)
	if err != nil || email == "" {
		return err
	}
	now := s.Now()
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		sub, err := tx.SubscriberByEmail(ctx, email)
		switch {
		case broadside.ErrorCode(err) == broadside.ENOTFOUND:
			sub = &broadside.Subscriber{Email: email, Name: strings.TrimSpace(r.Name), Status: broadside.SubscriberPending,
				Source: broadside.SourceForm, ConsentIP: r.IP, CreatedAt: now, UpdatedAt: now}
			if err := sub.Validate(); err != nil {
				return err
			}
			added, err := tx.AddSubscriberIfNew(ctx, sub)
			if err != nil {
				return err
			}
			if !added { // subscribed a moment ago by a concurrent request
				if sub, err = tx.SubscriberByEmail(ctx, email); err != nil {
					return err
				}
			}
		case err != nil:
			return err
		}
		kind := mailConfirm
		if sub.Status == broadside.SubscriberConfirmed {
			kind = mailAlready
		}
		return s.enqueueMail(ctx, tx, mailJob{Kind: kind, SubscriberID: sub.ID, Return: safePath(r.Return)})
	})
	if err != nil {
		return err
	}
	s.Log.Info("subscription requested", "ip", r.IP)
	s.wake()
	return nil
}

// RequestSignIn emails a confirmed subscriber a magic link; an address that is not (or no
// longer) subscribed gets a confirmation link instead, an unknown one nothing. The answer is
// the same in every case.
func (s *Service) RequestSignIn(ctx context.Context, r Request) error {
	if !s.Enabled() {
		return errOff
	}
	email, err := s.check(ctx, "signin", r)
	if err != nil || email == "" {
		return err
	}
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		sub, err := tx.SubscriberByEmail(ctx, email)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		kind := mailConfirm
		if sub.Status == broadside.SubscriberConfirmed {
			kind = mailSignIn
		}
		return s.enqueueMail(ctx, tx, mailJob{Kind: kind, SubscriberID: sub.ID, Return: safePath(r.Return)})
	})
	if err != nil {
		return err
	}
	s.wake()
	return nil
}

// check validates the address and applies the honeypot and the rate limits. An empty email
// with a nil error means "answer as usual but do nothing".
func (s *Service) check(ctx context.Context, what string, r Request) (string, error) {
	email := broadside.NormalizeEmail(r.Email)
	if !broadside.ValidEmail(email) {
		return "", &broadside.Error{Code: broadside.EINVALID, Message: "Please enter a valid email address.",
			Fields: map[string]string{"email": "Enter a valid email address, like name@example.com."}}
	}
	if strings.TrimSpace(r.Honeypot) != "" {
		s.Log.Info(what+": honeypot filled; ignored", "ip", r.IP)
		return "", nil
	}
	now := s.Now()
	n, err := s.Store.HitRate(ctx, what+"-ip:"+r.IP, rateWindow, now)
	if err != nil {
		return "", err
	}
	if n > perIPPerHour {
		s.Log.Warn(what+": rate limited by IP", "ip", r.IP)
		return "", broadside.Errorf(broadside.ETOOMANYREQUEST, msgTooMany)
	}
	n, err = s.Store.HitRate(ctx, what+"-email:"+email, rateWindow, now)
	if err != nil {
		return "", err
	}
	if n > perEmailPerHour {
		s.Log.Warn(what+": rate limited by address; no email sent", "ip", r.IP)
		return "", nil
	}
	return email, nil
}

// Confirm completes a double opt-in from the emailed link: the address is confirmed (and
// welcomed, the first time) and the reader signed in. It returns the subscriber, the session
// token for the reader's cookie and the path to go back to.
func (s *Service) Confirm(ctx context.Context, sealed, ip string) (*broadside.Subscriber, string, string, error) {
	sub, session, ret, err := s.redeem(ctx, linkConfirm, PurposeConfirm, sealed, func(tx *store.Store, sub *broadside.Subscriber, now time.Time) error {
		if sub.Status == broadside.SubscriberConfirmed {
			return nil
		}
		sub.Status, sub.ConfirmedAt, sub.UnsubscribedAt = broadside.SubscriberConfirmed, now, time.Time{}
		sub.Bounces, sub.LastError, sub.ConsentIP, sub.UpdatedAt = 0, "", ip, now
		if err := tx.UpdateSubscriber(ctx, sub); err != nil {
			return err
		}
		return s.enqueueMail(ctx, tx, mailJob{Kind: mailWelcome, SubscriberID: sub.ID})
	})
	if err != nil {
		return nil, "", "", err
	}
	s.Log.Info("subscription confirmed", "subscriber_id", sub.ID, "ip", ip)
	s.wake()
	return sub, session, ret, nil
}

// CompleteSignIn signs a reader in from a magic link.
func (s *Service) CompleteSignIn(ctx context.Context, sealed string) (*broadside.Subscriber, string, string, error) {
	sub, session, ret, err := s.redeem(ctx, linkSignIn, PurposeSignIn, sealed, func(_ *store.Store, sub *broadside.Subscriber, _ time.Time) error {
		if sub.Status != broadside.SubscriberConfirmed {
			return broadside.Errorf(broadside.EFORBIDDEN, "This address is no longer subscribed. Subscribe again to read subscriber-only posts.")
		}
		return nil
	})
	if err != nil {
		return nil, "", "", err
	}
	s.Log.Info("reader signed in", "subscriber_id", sub.ID)
	return sub, session, ret, nil
}

// redeem opens an emailed link, consumes its single-use token, lets act update the
// subscriber it names, and starts a reader session, all in one transaction: a link that
// fails halfway is not used up.
func (s *Service) redeem(ctx context.Context, kind, purpose, sealed string, act func(tx *store.Store, sub *broadside.Subscriber, now time.Time) error) (*broadside.Subscriber, string, string, error) {
	tok, ret, ok := s.Links.openPair(kind, sealed)
	if !ok {
		return nil, "", "", ErrBadLink
	}
	now := s.Now()
	var sub *broadside.Subscriber
	var session string
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		t, err := tx.ConsumeToken(ctx, auth.HashToken(tok), purpose, now)
		if err != nil {
			return badLink(err)
		}
		if sub, err = tx.SubscriberByEmail(ctx, t.Email); err != nil {
			return badLink(err)
		}
		if err := act(tx, sub, now); err != nil {
			return err
		}
		session, err = s.startSession(ctx, tx, sub.ID, now)
		return err
	})
	if err != nil {
		return nil, "", "", err
	}
	return sub, session, safePath(ret), nil
}

// ErrBadLink is the error of a link that is forged, damaged, expired or used.
var ErrBadLink = broadside.Errorf(broadside.ENOTFOUND, "This link is invalid, has expired or was already used. Ask for a new one below.")

func badLink(err error) error {
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return ErrBadLink
	}
	return err
}

func (s *Service) startSession(ctx context.Context, tx *store.Store, subID int64, now time.Time) (string, error) {
	tok, hash := auth.NewToken()
	if err := tx.CreateReaderSession(ctx, hash, subID, now, now.Add(SessionTTL)); err != nil {
		return "", err
	}
	return tok, nil
}

// Reader returns the confirmed subscriber signed in with a session token; ENOTFOUND when the
// token is unknown, expired, or its address no longer subscribed.
func (s *Service) Reader(ctx context.Context, token string) (*broadside.Subscriber, error) {
	if token == "" || len(token) > 100 {
		return nil, broadside.Errorf(broadside.ENOTFOUND, "Not signed in.")
	}
	now := s.Now()
	hash := auth.HashToken(token)
	sub, seen, err := s.Store.ReaderSession(ctx, hash, now)
	if err != nil {
		return nil, err
	}
	if !sub.Receives() {
		return nil, broadside.Errorf(broadside.ENOTFOUND, "Not signed in.")
	}
	if now.Sub(seen) > sessionRefresh {
		if err := s.Store.TouchReaderSession(ctx, hash, now, now.Add(SessionTTL)); err != nil {
			s.Log.Warn("reader session refresh failed", "err", err)
		}
	}
	return sub, nil
}

// SignOut ends a reader session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.Store.DeleteReaderSession(ctx, auth.HashToken(token))
}

func (s *Service) wake() {
	if s.Wake != nil {
		s.Wake()
	}
}

// safePath keeps a return path only when it is a plain path on this site.
func safePath(p string) string {
	if p == "" || len(p) > 1000 || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t ") ||
		strings.HasPrefix(p, "/admin") {
		return ""
	}
	return p
}

// enqueueMail queues an email job in tx; the same email to the same person is queued once.
func (s *Service) enqueueMail(ctx context.Context, tx *store.Store, j mailJob) error {
	key := fmt.Sprintf("mail:%s:%d:%d:%s", j.Kind, j.SubscriberID, j.PostID, j.Email)
	return jobs.Enqueue(ctx, tx, JobMail, key, s.Now(), j)
}

// Unsubscribe ends a subscription from an emailed link (or the one-click POST of mail
// clients). It is idempotent; an address that was deleted is simply gone.
func (s *Service) Unsubscribe(ctx context.Context, token string) (*broadside.Subscriber, error) {
	id, ok := s.Links.Open(linkUnsubscribe, token)
	if !ok {
		return nil, ErrBadLink
	}
	var subID int64
	if _, err := fmt.Sscan(id, &subID); err != nil {
		return nil, ErrBadLink
	}
	sub, err := s.Store.SubscriberByID(ctx, subID)
	if err != nil {
		return nil, badLink(err)
	}
	if err := s.unsubscribe(ctx, sub); err != nil {
		return nil, err
	}
	return sub, nil
}

func (s *Service) unsubscribe(ctx context.Context, sub *broadside.Subscriber) error {
	if sub.Status == broadside.SubscriberUnsubscribed {
		return nil
	}
	now := s.Now()
	sub.Status, sub.UnsubscribedAt, sub.UpdatedAt = broadside.SubscriberUnsubscribed, now, now
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateSubscriber(ctx, sub); err != nil {
			return err
		}
		return tx.DeleteReaderSessions(ctx, sub.ID)
	})
	if err != nil {
		return err
	}
	s.Log.Info("unsubscribed", "subscriber_id", sub.ID)
	return nil
}

// SetSupporter records whether a signed-in reader supports the site (the appeal is hidden
// for supporters, on the site and in newsletters).
func (s *Service) SetSupporter(ctx context.Context, sub *broadside.Subscriber, supporter bool) error {
	sub.Supporter, sub.UpdatedAt = supporter, s.Now()
	return s.Store.UpdateSubscriber(ctx, sub)
}

// UnsubscribeSelf is the profile's "unsubscribe" button.
func (s *Service) UnsubscribeSelf(ctx context.Context, sub *broadside.Subscriber) error {
	return s.unsubscribe(ctx, sub)
}

// CommentSubscriptions lists a reader's comment notifications.
func (s *Service) CommentSubscriptions(ctx context.Context, email string) ([]broadside.CommentSubscription, error) {
	return s.Store.CommentSubscriptionsByEmail(ctx, email)
}

// StopCommentNotices ends an address's notices about a post's comments, from the emailed
// link (token) or the profile (email given).
func (s *Service) StopCommentNotices(ctx context.Context, token string) (*broadside.Post, error) {
	idStr, email, ok := s.Links.openPair(linkCommentsOff, token)
	if !ok {
		return nil, ErrBadLink
	}
	var postID int64
	if _, err := fmt.Sscan(idStr, &postID); err != nil {
		return nil, ErrBadLink
	}
	return s.StopCommentNoticesFor(ctx, postID, email)
}

// StopCommentNoticesFor ends email's notices about a post's comments.
func (s *Service) StopCommentNoticesFor(ctx context.Context, postID int64, email string) (*broadside.Post, error) {
	if _, err := s.Store.DeleteCommentSubscriptions(ctx, postID, email); err != nil {
		return nil, err
	}
	p, err := s.Store.PostByID(ctx, postID)
	if err != nil && broadside.ErrorCode(err) != broadside.ENOTFOUND {
		return nil, err
	}
	if p == nil {
		p = &broadside.Post{ID: postID}
	}
	return p, nil
}

// IsBadLink reports whether err means an invalid, expired or used link.
func IsBadLink(err error) bool { return errors.Is(err, ErrBadLink) }

// UnsubscribeTarget returns the subscriber an unsubscribe link is for, so the page can say
// which address it will unsubscribe before the reader presses the button.
func (s *Service) UnsubscribeTarget(ctx context.Context, token string) (*broadside.Subscriber, error) {
	id, ok := s.Links.Open(linkUnsubscribe, token)
	if !ok {
		return nil, ErrBadLink
	}
	var subID int64
	if _, err := fmt.Sscan(id, &subID); err != nil {
		return nil, ErrBadLink
	}
	sub, err := s.Store.SubscriberByID(ctx, subID)
	return sub, badLink(err)
}

// CheckLink reports whether a sealed link of the given kind ("confirm", "signin",
// "comments", "comments-off") is intact, without using it: the page behind a link shows its
// button only for a link that can work.
func (s *Service) CheckLink(kind, sealed string) bool {
	_, ok := s.Links.Open(kind, sealed)
	return ok
}
