package auth

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/sitemail"
	"github.com/broadside/broadside/internal/store"
)

// Invitations and password resets are one idea: an emailed, single-use, expiring link that
// lets its reader set the account's password. They ride on the sign-in link's machinery
// (the same job kind and handler, the token minted when the mail is sent, only its hash
// stored) and differ only in life, wording and who may ask:
//
//   - an administrator invites a new user (7 days to accept);
//   - anyone may ask for a reset of an address on the login page (1 hour); the answer never
//     says whether the address has an account, and asking is limited per network and per
//     account like signing in.
//
// Setting the password this way proves the mailbox, not the second factor: a user with
// two-factor sign-in still enters a code before getting a session.
const (
	PurposeSetPassword = "set-password"
	linkInvite         = "invite"
	linkReset          = "reset"
	InviteTTL          = 7 * 24 * time.Hour
	ResetTTL           = time.Hour
	resetPerIP         = loginPerIP
	resetPerAccount    = linkPerAccount

	// MsgResetSent is the answer to every reset request.
	MsgResetSent   = "If an account uses that address, an email with a link to choose a new password is on its way. The link works once, within an hour."
	msgResetFlood  = "Too many password resets asked for from your network. Wait %s and try again."
	msgPasswordBad = "This link is invalid, was already used or has expired. Ask for a new one on the sign-in page, or ask an administrator to invite you again."
)

// InviteUser creates a user without a password and emails them a link to choose one. Only
// administrators invite.
func (s *Service) InviteUser(ctx context.Context, actor *broadside.User, u *broadside.User) error {
	if !actor.CanManageSite() {
		return broadside.Errorf(broadside.EFORBIDDEN, msgNeedAdmin)
	}
	if s.Mail == nil {
		return broadside.Errorf(broadside.EFORBIDDEN, "This site cannot send email yet, so it cannot send invitations. Add the user with a password instead, or set up mail first.")
	}
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		in := *s
		in.Store = tx
		if err := in.CreateUser(ctx, u, ""); err != nil {
			return err
		}
		return in.enqueueLink(ctx, u.ID, linkInvite)
	})
	if err != nil {
		return err
	}
	s.Log.Info("user invited", "user_id", u.ID, "role", u.Role, "by", actor.ID)
	s.wake()
	return nil
}

// RequestPasswordReset queues a reset link to the account with email, if it has one. The
// answer is the same whether or not the account exists.
func (s *Service) RequestPasswordReset(ctx context.Context, email, ip string) error {
	email = broadside.NormalizeEmail(email)
	if !broadside.ValidEmail(email) {
		return &broadside.Error{Code: broadside.EINVALID, Message: "Please enter a valid email address.",
			Fields: map[string]string{"reset_email": "Enter the email address of your account, like name@example.com."}}
	}
	if s.Mail == nil {
		return broadside.Errorf(broadside.EFORBIDDEN, "This site cannot send email yet, so it cannot reset passwords. Ask an administrator to set a new password for you.")
	}
	now := s.Now()
	if err := s.hitLimit(ctx, "reset-ip:"+ip, resetPerIP, msgResetFlood, now); err != nil {
		s.Log.Warn("password reset throttled", "reason", "address", "ip", ip)
		return err
	}
	n, err := s.Store.HitRate(ctx, "reset-account:"+email, linkWindow, now)
	if err != nil {
		return err
	}
	if n > resetPerAccount {
		s.Log.Warn("password reset throttled; no email sent", "reason", "account", "ip", ip)
		return nil
	}
	u, err := s.Store.UserByEmail(ctx, email)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND || err == nil && !u.Active() {
		return nil
	} else if err != nil {
		return err
	}
	if err := s.enqueueLink(ctx, u.ID, linkReset); err != nil {
		return err
	}
	s.Log.Info("password reset requested", "user_id", u.ID, "ip", ip)
	s.wake()
	return nil
}

func (s *Service) enqueueLink(ctx context.Context, userID int64, kind string) error {
	payload, _ := json.Marshal(linkJob{UserID: userID, Kind: kind})
	return s.Store.EnqueueJob(ctx, &store.Job{Kind: JobSignInLink, UniqueKey: "password-link:" + strconv.FormatInt(userID, 10),
		RunAt: s.Now(), Payload: payload, MaxAttempts: 10})
}

func (s *Service) wake() {
	if s.Wake != nil {
		s.Wake()
	}
}

// sendPasswordLink mints and mails an invitation or reset link (called by the link job).
func (s *Service) sendPasswordLink(ctx context.Context, site *sitemail.Site, u *broadside.User, kind string) error {
	if !u.Active() {
		return nil
	}
	ttl := ResetTTL
	if kind == linkInvite {
		ttl = InviteTTL
	}
	tok, hash := NewToken()
	now := s.Now()
	err := s.Store.CreateToken(ctx, &store.Token{Hash: hash, Purpose: PurposeSetPassword, UserID: u.ID, Email: u.Email,
		CreatedAt: now, ExpiresAt: now.Add(ttl)})
	if err != nil {
		return err
	}
	link := &mail.Link{URL: site.Abs("/admin/password?t=" + url.QueryEscape(tok))}
	var c *mail.Content
	if kind == linkInvite {
		c = site.Content(site.T("You are invited to %s", site.Name))
		c.Heading = site.T("Join %s", site.Name)
		c.Preheader = site.T("Choose a password to accept; the link works once, within 7 days.")
		c.Paragraphs = []string{site.T("You have been invited to write for %s as %s. Choose a password to accept.", site.Name, u.Email)}
		link.Label = site.T("Choose a password")
		c.After = []string{site.T("The link works once and expires in 7 days. If you did not expect this email, ignore it: nothing changes until the link is used.")}
	} else {
		c = site.Content(site.T("Reset your password for %s", site.Name))
		c.Heading = site.T("Choose a new password")
		c.Preheader = site.T("Your password reset link; it works once, within an hour.")
		c.Paragraphs = []string{site.T("Someone (we hope you) asked to reset the password of %s on %s.", u.Email, site.Name)}
		link.Label = site.T("Choose a new password")
		c.After = []string{site.T("The link works once and expires in an hour. If you did not expect this email, ignore it: nothing changes until the link is used.")}
	}
	c.Button = link
	err = s.Mail.Send(ctx, site, u.Email, c, nil)
	return s.Mail.Settle(err, kind+" email", "user_id", u.ID)
}

// CompletePasswordLink sets the password of the account an invitation or reset link was sent
// to, consuming the link, and signs the browser in: a session, or for a user with two-factor
// sign-in, a pending sign-in that still needs a code.
func (s *Service) CompletePasswordLink(ctx context.Context, token, password string) (*SignedIn, error) {
	if err := broadside.ValidatePassword(password); err != nil {
		return nil, err // before consuming, so a short password does not burn the link
	}
	if token == "" || len(token) > 100 {
		return nil, broadside.Errorf(broadside.ENOTFOUND, msgPasswordBad)
	}
	now := s.Now()
	hash := HashToken(token)
	t, err := s.Store.PeekToken(ctx, hash, PurposeSetPassword, now)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil, broadside.Errorf(broadside.ENOTFOUND, msgPasswordBad)
	} else if err != nil {
		return nil, err
	}
	u, err := s.Store.UserByID(ctx, t.UserID)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND || err == nil && (u.Email != t.Email || !u.Active()) {
		return nil, broadside.Errorf(broadside.ENOTFOUND, msgPasswordBad)
	} else if err != nil {
		return nil, err
	}
	// The link is used up in the change's transaction: a change that fails leaves it usable,
	// and of two browsers racing with it only one consumes it.
	err = s.setPassword(ctx, u, password, func(tx *store.Store) error {
		_, err := tx.ConsumeToken(ctx, hash, PurposeSetPassword, now)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return broadside.Errorf(broadside.ENOTFOUND, msgPasswordBad)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.Log.Info("password set by emailed link", "user_id", u.ID)
	return s.afterFirstFactor(ctx, u, true, now)
}

// CheckPasswordLink reports whether an invitation or reset token is still usable (the page
// that asks for the new password says so before anything is typed).
func (s *Service) CheckPasswordLink(ctx context.Context, token string) error {
	if token == "" || len(token) > 100 {
		return broadside.Errorf(broadside.ENOTFOUND, msgPasswordBad)
	}
	if _, err := s.Store.PeekToken(ctx, HashToken(token), PurposeSetPassword, s.Now()); err != nil {
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return broadside.Errorf(broadside.ENOTFOUND, msgPasswordBad)
		}
		return err
	}
	return nil
}
