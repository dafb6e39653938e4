package auth

import (
	"context"
	"strconv"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// A sign-in with two-factor is two steps. The first factor (a password, an emailed sign-in
// link, an invitation or reset link) does not start a session for a user with TOTP: it
// leaves a pending sign-in, a single-use token valid for a few minutes that can do nothing
// but take a code. The emailed links count only as a first factor: they prove the mailbox,
// and a mailbox is exactly what an attacker after a publisher may hold. Application
// passwords (REST API clients) are not asked for codes, as in WordPress: they are
// per-client secrets, created from a signed-in session and revocable one by one.
const (
	PurposeTwoFactor = "2fa-pending"
	TwoFactorTTL     = 10 * time.Minute
	msgPendingBad    = "This sign-in has expired. Sign in again."
)

// afterFirstFactor finishes a sign-in for u, or leaves it pending when u has two-factor.
func (s *Service) afterFirstFactor(ctx context.Context, u *broadside.User, newDevice bool, now time.Time) (*SignedIn, error) {
	if !u.TwoFactor {
		return s.signedIn(ctx, u, newDevice, now)
	}
	tok, hash := NewToken()
	err := s.Store.CreateToken(ctx, &store.Token{Hash: hash, Purpose: PurposeTwoFactor, UserID: u.ID, Email: u.Email,
		CreatedAt: now, ExpiresAt: now.Add(TwoFactorTTL)})
	if err != nil {
		return nil, err
	}
	return &SignedIn{User: u, Pending: tok}, nil
}

// CompleteTwoFactor takes the code of a pending sign-in and starts the session. device is
// the browser's known-device cookie, if any.
func (s *Service) CompleteTwoFactor(ctx context.Context, pending, code, device, ip string) (*SignedIn, error) {
	if pending == "" || len(pending) > 100 {
		return nil, broadside.Errorf(broadside.EUNAUTHORIZED, msgPendingBad)
	}
	now := s.Now()
	t, err := s.Store.PeekToken(ctx, HashToken(pending), PurposeTwoFactor, now)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil, broadside.Errorf(broadside.EUNAUTHORIZED, msgPendingBad)
	} else if err != nil {
		return nil, err
	}
	u, err := s.Store.UserByID(ctx, t.UserID)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND || err == nil && (!u.Active() || u.Email != t.Email) {
		return nil, broadside.Errorf(broadside.EUNAUTHORIZED, msgPendingBad)
	} else if err != nil {
		return nil, err
	}
	if err := s.limitCodeAttempt(ctx, u, t.Hash, device, ip, now); err != nil {
		s.Log.Warn("two-factor code throttled", "user_id", u.ID, "ip", ip)
		return nil, err
	}
	if err := s.checkSecondFactor(ctx, u, code); err != nil {
		if broadside.ErrorCode(err) == broadside.EINVALID {
			s.Log.Info("two-factor code refused", "user_id", u.ID, "ip", ip)
		}
		return nil, err
	}
	if _, err := s.Store.ConsumeToken(ctx, HashToken(pending), PurposeTwoFactor, now); err != nil {
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return nil, broadside.Errorf(broadside.EUNAUTHORIZED, msgPendingBad)
		}
		return nil, err
	}
	dev, err := s.knownDevice(ctx, device, u.Email, now)
	if err != nil {
		return nil, err
	}
	in, err := s.signedIn(ctx, u, dev == nil, now)
	if err != nil {
		return nil, err
	}
	s.Log.Info("login", "user_id", u.ID, "ip", ip, "via", "two-factor code")
	return in, nil
}

// Limits of code attempts at sign-in. A code has a million values and three are accepted at
// a time (the current step and one either side), so guessing is a matter of attempts: they
// are counted per pending sign-in (then the password must be given again), per account and
// address, and per account from everywhere, in 15 minutes and in a day. Someone who has the
// password can use up the account-wide allowance; the owner's browser that signed in before
// (a known device) has its own allowance instead, as for passwords, so they still get in.
const (
	codesPerPending   = 5
	codesPerAccountIP = 10
	codesPerAccount   = 20 // from unknown browsers, all addresses, in loginWindow
	codesPerDay       = 60 // from unknown browsers, all addresses: at most ~0.02% a day to guess
	codesPerDevice    = 10 // from one known browser, in loginWindow
)

// limitCodeAttempt counts one code attempt of a pending sign-in (pendingHash) and refuses
// it past the limits above. A pending sign-in that used up its attempts ends.
func (s *Service) limitCodeAttempt(ctx context.Context, u *broadside.User, pendingHash, device, ip string, now time.Time) error {
	uid := strconv.FormatInt(u.ID, 10)
	if err := s.hitLimit(ctx, "totp-pending:"+pendingHash, codesPerPending, msgTOTPFlood, now); err != nil {
		if _, cerr := s.Store.ConsumeToken(ctx, pendingHash, PurposeTwoFactor, now); cerr != nil && broadside.ErrorCode(cerr) != broadside.ENOTFOUND {
			return cerr
		}
		return broadside.Errorf(broadside.EUNAUTHORIZED, "Too many wrong codes. Sign in again.")
	}
	dev, err := s.knownDevice(ctx, device, u.Email, now)
	if err != nil {
		return err
	}
	if dev != nil {
		return s.hitLimit(ctx, "totp-device:"+dev.TokenHash, codesPerDevice, msgTOTPFlood, now)
	}
	if err := s.hitLimit(ctx, "totp-account-ip:"+uid+"|"+ip, codesPerAccountIP, msgTOTPFlood, now); err != nil {
		return err
	}
	if err := s.hitLimit(ctx, "totp-account:"+uid, codesPerAccount, msgTOTPFlood, now); err != nil {
		return err
	}
	h, err := s.Store.HitRateHistory(ctx, "totp-account-day:"+uid, 24*time.Hour, now)
	if err != nil {
		return err
	}
	if h.Count() > codesPerDay {
		after := h.RetryAfter(codesPerDay)
		return broadside.TooManyRequests(after, msgTOTPFlood, waitText(after))
	}
	return nil
}
