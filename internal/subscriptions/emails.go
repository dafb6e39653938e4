package subscriptions

import (
	"context"
	"encoding/json"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/sitemail"
	"github.com/broadside/broadside/internal/store"
)

// Kinds of subscription email.
const (
	mailConfirm  = "confirm"  // double opt-in link
	mailAlready  = "already"  // "you are already subscribed" with a sign-in link
	mailSignIn   = "signin"   // magic link
	mailWelcome  = "welcome"  // after confirming
	mailComments = "comments" // confirm comment notifications on a post
)

// mailJob is the payload of JobMail. It carries no secret: the handler mints the link's
// token when it sends, so the job table never holds a usable link.
type mailJob struct {
	Kind         string `json:"kind"`
	SubscriberID int64  `json:"subscriber_id,omitempty"`
	Email        string `json:"email,omitempty"` // comment notifications: the address
	PostID       int64  `json:"post_id,omitempty"`
	Return       string `json:"return,omitempty"`
}

// MailHandler returns the handler of JobMail.
func (s *Service) MailHandler() func(ctx context.Context, payload []byte) error {
	return func(ctx context.Context, payload []byte) error {
		var j mailJob
		if err := json.Unmarshal(payload, &j); err != nil {
			return fmt.Errorf("subscriptions: bad mail payload: %w", err)
		}
		if !s.Enabled() {
			return fmt.Errorf("subscriptions: mail is not configured")
		}
		site, err := s.Mail.Site(ctx)
		if err != nil {
			return err
		}
		if j.Kind == mailComments {
			return s.sendCommentsConfirm(ctx, site, j)
		}
		sub, err := s.Store.SubscriberByID(ctx, j.SubscriberID)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return nil // deleted since
		} else if err != nil {
			return err
		}
		var c *mail.Content
		switch j.Kind {
		case mailConfirm:
			link, err := s.tokenLink(ctx, site, "/subscribe/confirm", linkConfirm, PurposeConfirm, sub.Email, ConfirmTTL, j.Return)
			if err != nil {
				return err
			}
			c = site.Content(site.T("Confirm your subscription to %s", site.Name))
			c.Heading = site.T("Confirm your subscription")
			c.Preheader = site.T("One click and new posts from %s come to your inbox.", site.Name)
			c.Paragraphs = []string{site.T("Someone (we hope you) asked to receive new posts from %s at %s. Please confirm that it was you.", site.Name, sub.Email)}
			c.Button = &mail.Link{Label: site.T("Yes, subscribe me"), URL: link}
			c.After = []string{site.T("The link works once and expires in 48 hours. If you did not ask, ignore this email: you will not hear from us again.")}
		case mailAlready, mailSignIn:
			if sub.Status != broadside.SubscriberConfirmed {
				return nil
			}
			link, err := s.tokenLink(ctx, site, "/subscribe/signin/confirm", linkSignIn, PurposeSignIn, sub.Email, SignInTTL, j.Return)
			if err != nil {
				return err
			}
			c = site.Content(site.T("Sign in to %s", site.Name))
			c.Heading = site.T("Sign in to %s", site.Name)
			c.Paragraphs = []string{site.T("Use the button below to sign in as %s and read everything on %s.", sub.Email, site.Name)}
			if j.Kind == mailAlready {
				c.Subject = site.T("You are already subscribed to %s", site.Name)
				c.Heading = site.T("You are already subscribed")
				c.Paragraphs = []string{site.T("Someone (we hope you) asked to subscribe %s to %s. This address is already subscribed, so nothing changes.", sub.Email, site.Name),
					site.T("To read subscriber-only posts in this browser, sign in:")}
			}
			c.Button = &mail.Link{Label: site.T("Sign in"), URL: link}
			c.After = []string{site.T("The link works once and expires in 30 minutes. If you did not ask for it, ignore this email.")}
		case mailWelcome:
			if sub.Status != broadside.SubscriberConfirmed {
				return nil
			}
			c = site.Content(site.T("Welcome to %s", site.Name))
			c.Heading = site.T("Welcome to %s", site.Name)
			c.Paragraphs = []string{site.T("Thank you for subscribing. New posts will arrive in this inbox as they are published."),
				site.T("You can now read every post on the site, including those for subscribers only, in the browser where you confirmed. On another device, use \"Sign in\" with this address.")}
			c.Button = &mail.Link{Label: site.T("Visit %s", site.Name), URL: site.URL + "/"}
			c.Support = site.Support(sub.Supporter)
			s.addFooter(site, c, sub)
		default:
			return fmt.Errorf("subscriptions: unknown mail kind %q", j.Kind)
		}
		err = s.Mail.Send(ctx, site, sub.Email, c, func(m *mail.Message) {
			if j.Kind == mailWelcome {
				s.listHeaders(site, m, sub)
			}
		})
		return s.Mail.Settle(err, j.Kind+" email", "subscriber_id", sub.ID)
	}
}

// tokenLink mints a single-use token for email, stores its hash, and returns the absolute
// link carrying it sealed (with the return path).
func (s *Service) tokenLink(ctx context.Context, site *sitemail.Site, path, linkPurpose, tokenPurpose, email string, ttl time.Duration, extra string) (string, error) {
	tok, hash := auth.NewToken()
	now := s.Now()
	if err := s.Store.CreateToken(ctx, &store.Token{Hash: hash, Purpose: tokenPurpose, Email: email, CreatedAt: now, ExpiresAt: now.Add(ttl)}); err != nil {
		return "", err
	}
	return site.Abs(path + "?t=" + url.QueryEscape(s.Links.Seal(linkPurpose, tok+"\n"+extra))), nil
}

// UnsubscribeURL is the page behind a subscriber's unsubscribe links (GET shows a button,
// POST unsubscribes: the one-click POST of RFC 8058 lands here too).
func (s *Service) UnsubscribeURL(site *sitemail.Site, subID int64) string {
	return site.Abs("/subscribe/unsubscribe?t=" + url.QueryEscape(s.Links.UnsubscribeToken(subID)))
}

// ListHeaders sets the List-Unsubscribe headers (mailto and one-click HTTPS) of a message to
// a subscriber, and List-Id.
func (s *Service) listHeaders(site *sitemail.Site, m *mail.Message, sub *broadside.Subscriber) {
	ListHeaders(m, site, s.UnsubscribeURL(site, sub.ID), "unsubscribe "+strconv.FormatInt(sub.ID, 10))
}

// ListHeaders sets List-Unsubscribe (mailto: and https:, RFC 2369), List-Unsubscribe-Post
// (RFC 8058 one-click) and List-Id on m.
func ListHeaders(m *mail.Message, site *sitemail.Site, unsubURL, mailtoSubject string) {
	from := mailAddress(site.From)
	m.ListUnsubscribe = []string{"mailto:" + from + "?subject=" + url.PathEscape(mailtoSubject), unsubURL}
	m.OneClick = true
	if m.Headers == nil {
		m.Headers = map[string]string{}
	}
	host := "localhost"
	if u, err := url.Parse(site.URL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	m.Headers["List-Id"] = fmt.Sprintf("%q <newsletter.%s>", site.Name, host)
}

func (s *Service) addFooter(site *sitemail.Site, c *mail.Content, sub *broadside.Subscriber) {
	c.Footer = []string{site.T("You are receiving this because you subscribed to %s as %s.", site.Name, sub.Email)}
	c.Manage = &mail.Link{Label: site.T("Manage your subscription"), URL: site.Abs("/subscribe/profile")}
	c.Unsubscribe = &mail.Link{Label: site.T("Unsubscribe"), URL: s.UnsubscribeURL(site, sub.ID)}
}

// mailAddress returns the bare address of "Name <address>".
func mailAddress(from string) string {
	if a, err := netmail.ParseAddress(from); err == nil {
		return a.Address
	}
	return from
}
