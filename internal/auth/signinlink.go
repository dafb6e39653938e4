package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/store"
)

// Sign-in links are the way in that password guessing cannot block: a single-use link mailed
// to the account's address signs the browser in (and makes it a known device).
//
// Asking for one is limited per address (an error) and per account (silently: the answer
// never says whether an account exists). The per-account window is no longer than a link's
// life, so whenever an attacker has used up an account's sends, the links they caused are
// still valid in its owner's inbox.
const (
	JobSignInLink     = "signin_link_mail"
	PurposeSignInLink = "admin-signin"
	SignInLinkTTL     = 20 * time.Minute
	linkWindow        = 15 * time.Minute
	linkPerIP         = 10
	linkPerAccount    = 3

	msgLinkSent   = "If an account uses that address, a sign-in link is on its way to it. The link works once, within 20 minutes; if several arrive, use the newest."
	msgLinkFlood  = "Too many sign-in links asked for from your network. Wait %s and try again."
	msgLinkNoMail = "This site cannot send email yet, so it cannot send sign-in links. Sign in with your password from a browser you used before, or wait a few minutes and try again."
	msgLinkBad    = "This sign-in link is invalid, was already used or has expired. Ask for a new one below."
)

// MsgLinkSent is the answer to every request for a sign-in link.
const MsgLinkSent = msgLinkSent

// linkJob is one emailed link to mint and send: a sign-in link (Kind ""), an invitation or a
// password reset (passwordlink.go). One job kind and one handler send all three.
type linkJob struct {
	UserID int64  `json:"user_id"`
	Kind   string `json:"kind,omitempty"`
}

// RequestSignInLink queues a sign-in link to the account with email, if there is one. The
// answer is the same either way; only a malformed address or a flood from ip is an error.
func (s *Service) RequestSignInLink(ctx context.Context, email, ip string) error {
	email = broadside.NormalizeEmail(email)
	if !broadside.ValidEmail(email) {
		return &broadside.Error{Code: broadside.EINVALID, Message: "Please enter a valid email address.",
			Fields: map[string]string{"link_email": "Enter the email address of your account, like name@example.com."}}
	}
	if s.Mail == nil {
		return broadside.Errorf(broadside.EFORBIDDEN, msgLinkNoMail)
	}
	now := s.Now()
	h, err := s.Store.HitRateHistory(ctx, "signin-link-ip:"+ip, linkWindow, now)
	if err != nil {
		return err
	}
	if h.Count() > linkPerIP {
		s.Log.Warn("sign-in link throttled", "reason", "address", "ip", ip)
		after := h.RetryAfter(linkPerIP)
		return broadside.TooManyRequests(after, msgLinkFlood, waitText(after))
	}
	n, err := s.Store.HitRate(ctx, "signin-link-account:"+email, linkWindow, now)
	if err != nil {
		return err
	}
	if n > linkPerAccount {
		s.Log.Warn("sign-in link throttled; no email sent", "reason", "account", "ip", ip)
		return nil
	}
	u, err := s.Store.UserByEmail(ctx, email)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND || err == nil && (u.PasswordHash == "" || !u.Active()) {
		// Users without a password (authors brought in by an import) were never given a way
		// in; a link must not become one.
		return nil
	} else if err != nil {
		return err
	}
	// The job carries no secret: its handler mints the token when it sends, so the job
	// table never holds a usable link.
	payload, _ := json.Marshal(linkJob{UserID: u.ID})
	err = s.Store.EnqueueJob(ctx, &store.Job{Kind: JobSignInLink, UniqueKey: "signin-link:" + strconv.FormatInt(u.ID, 10),
		RunAt: now, Payload: payload, MaxAttempts: 10})
	if err != nil {
		return err
	}
	s.Log.Info("sign-in link requested", "user_id", u.ID, "ip", ip)
	if s.Wake != nil {
		s.Wake()
	}
	return nil
}

// SignInLinkHandler returns the handler of JobSignInLink.
func (s *Service) SignInLinkHandler() func(ctx context.Context, payload []byte) error {
	return func(ctx context.Context, payload []byte) error {
		var j linkJob
		if err := json.Unmarshal(payload, &j); err != nil {
			return fmt.Errorf("auth: bad sign-in link payload: %w", err)
		}
		if s.Mail == nil {
			return fmt.Errorf("auth: mail is not configured")
		}
		u, err := s.Store.UserByID(ctx, j.UserID)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return nil // deleted since
		} else if err != nil {
			return err
		}
		site, err := s.Mail.Site(ctx)
		if err != nil {
			return err
		}
		if j.Kind != "" {
			return s.sendPasswordLink(ctx, site, u, j.Kind)
		}
		tok, hash := NewToken()
		now := s.Now()
		err = s.Store.CreateToken(ctx, &store.Token{Hash: hash, Purpose: PurposeSignInLink, UserID: u.ID, Email: u.Email,
			CreatedAt: now, ExpiresAt: now.Add(SignInLinkTTL)})
		if err != nil {
			return err
		}
		c := site.Content(site.T("Sign in to %s", site.Name))
		c.Heading = site.T("Sign in to %s", site.Name)
		c.Preheader = site.T("Your sign-in link; it works once, within 20 minutes.")
		c.Paragraphs = []string{site.T("Someone (we hope you) asked for a link to sign in to %s as %s.", site.Name, u.Email)}
		c.Button = &mail.Link{Label: site.T("Sign in"), URL: site.Abs("/admin/login/link?t=" + url.QueryEscape(tok))}
		c.After = []string{site.T("The link works once and expires in 20 minutes. If you did not ask for it, ignore this email: your account is safe, and nobody can use the link without reading this mailbox.")}
		err = s.Mail.Send(ctx, site, u.Email, c, nil)
		return s.Mail.Settle(err, "sign-in link email", "user_id", u.ID)
	}
}

// CompleteSignInLink signs a browser in with an emailed link and makes it a known device.
func (s *Service) CompleteSignInLink(ctx context.Context, token string) (*SignedIn, error) {
	if token == "" || len(token) > 100 {
		return nil, broadside.Errorf(broadside.ENOTFOUND, msgLinkBad)
	}
	now := s.Now()
	t, err := s.Store.ConsumeToken(ctx, HashToken(token), PurposeSignInLink, now)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil, broadside.Errorf(broadside.ENOTFOUND, msgLinkBad)
	} else if err != nil {
		return nil, err
	}
	u, err := s.Store.UserByID(ctx, t.UserID)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND || err == nil && (u.Email != t.Email || u.PasswordHash == "" || !u.Active()) {
		// The account is gone, or its address or password was removed since the link was sent.
		return nil, broadside.Errorf(broadside.ENOTFOUND, msgLinkBad)
	} else if err != nil {
		return nil, err
	}
	in, err := s.afterFirstFactor(ctx, u, true, now)
	if err != nil {
		return nil, err
	}
	s.Log.Info("login", "user_id", u.ID, "via", "emailed link", "needs_code", in.Pending != "")
	return in, nil
}
