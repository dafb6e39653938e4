package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// Sign-in throttling. Guessing is limited per address and per (account, address), so an
// attacker spends only their own budget and nobody can lock an account's owner out. Failures
// on one account from everywhere do not refuse anyone: past loginAccountGuard they raise the
// bar, so a browser the account signed in from before (a known device) still gets in with
// the password, and any other browser needs an emailed sign-in link, which the attacker
// cannot read.
const (
	loginWindow       = 15 * time.Minute
	loginPerIP        = 20 // attempts from one address, whatever the account
	loginPerEmail     = 10 // attempts on one account (or its current password) from one place
	loginPerDevice    = 10 // wrong passwords from one known device
	loginAccountGuard = 10 // failures on one account from anywhere before new browsers need a link
	// DeviceTTL is how long a browser stays known after its last password sign-in.
	DeviceTTL = 365 * 24 * time.Hour

	msgBadLogin   = "The email or password is incorrect. Forgot it, or locked out? Use \"Email me a sign-in link\" below."
	msgLoginFlood = "Too many sign-in attempts from your network. Wait %s and try again, or use \"Email me a sign-in link\" below."
	msgDevFlood   = "Too many wrong passwords from this browser. Wait %s and try again, or use \"Email me a sign-in link\" below."
	msgNeedsLink  = "Someone has been trying many passwords on this account, so for now it accepts a password only in a browser that signed in to it before. Use \"Email me a sign-in link\" below: the link signs you in here and lets this browser use your password from then on."
)

// Credentials are what a sign-in form sends.
type Credentials struct {
	Email, Password, IP string
	// Device is the known-device cookie of the browser, if any.
	Device string
}

// SignedIn is a successful sign-in.
type SignedIn struct {
	User    *broadside.User
	Session string // the session cookie's token
	Device  string // a new known-device token for the browser's cookie; "" to keep the one it has
	// Pending, when not empty, means the first factor passed and the user has two-factor
	// sign-in: there is no session yet, only this token for the code form (twofactor.go).
	Pending string
}

// Login checks a password from a browser that is not known and starts a session, returning
// the raw session token for the cookie.
func (s *Service) Login(ctx context.Context, email, password, ip string) (string, *broadside.User, error) {
	in, err := s.SignIn(ctx, Credentials{Email: email, Password: password, IP: ip})
	if err != nil {
		return "", nil, err
	}
	return in.Session, in.User, nil
}

// SignIn checks the credentials against the throttles and the password and starts a
// session (and, for a browser not yet known, a known device).
func (s *Service) SignIn(ctx context.Context, c Credentials) (*SignedIn, error) {
	now := s.Now()
	email := strings.ToLower(strings.TrimSpace(c.Email))
	fe := broadside.FieldErrors{}
	if email == "" {
		fe.Add("email", "Enter your email address.")
	}
	if c.Password == "" {
		fe.Add("password", "Enter your password.")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	dev, err := s.knownDevice(ctx, c.Device, email, now)
	if err != nil {
		return nil, err
	}
	if dev != nil {
		// The owner's own browser has its own budget, which attacks from elsewhere do not touch.
		if err := s.hitLimit(ctx, "login-device:"+dev.TokenHash, loginPerDevice, msgDevFlood, now); err != nil {
			s.Log.Warn("login throttled", "reason", "device", "ip", c.IP)
			return nil, err
		}
	} else {
		if err := s.hitLimit(ctx, "login-ip:"+c.IP, loginPerIP, msgLoginFlood, now); err != nil {
			s.Log.Warn("login throttled", "reason", "address", "ip", c.IP)
			return nil, err
		}
		if err := s.hitLimit(ctx, "login-account-ip:"+email+"|"+c.IP, loginPerEmail, msgLoginFlood, now); err != nil {
			s.Log.Warn("login throttled", "reason", "account and address", "ip", c.IP)
			return nil, err
		}
		h, err := s.Store.PeekRate(ctx, "login-account:"+email, loginWindow, now)
		if err != nil {
			return nil, err
		}
		if h.Count() >= loginAccountGuard {
			// The password is not even checked, so answers here tell a guesser nothing.
			s.Log.Warn("login needs a known device or a link: account under attack", "ip", c.IP, "failures", h.Count())
			return nil, broadside.Errorf(broadside.EFORBIDDEN, msgNeedsLink)
		}
	}
	u, err := s.checkPassword(ctx, email, c.Password, c.IP)
	if broadside.ErrorCode(err) == broadside.EUNAUTHORIZED {
		if _, herr := s.Store.HitRate(ctx, "login-account:"+email, loginWindow, now); herr != nil {
			return nil, herr
		}
		return nil, err
	} else if err != nil {
		return nil, err
	}
	in, err := s.afterFirstFactor(ctx, u, dev == nil, now)
	if err != nil {
		return nil, err
	}
	s.Log.Info("login", "user_id", u.ID, "ip", c.IP, "known_device", dev != nil, "needs_code", in.Pending != "")
	return in, nil
}

// checkPassword returns the user with email if password is theirs; every failure is the
// same EUNAUTHORIZED, after the same work, so answers do not reveal which accounts exist.
func (s *Service) checkPassword(ctx context.Context, email, password, ip string) (*broadside.User, error) {
	u, err := s.Store.UserByEmail(ctx, email)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND || err == nil && (u.PasswordHash == "" || !u.Active()) {
		// A deactivated account answers like a wrong password: the form must not confirm
		// which addresses have accounts.
		_, _ = CheckPassword(dummyHash(), password)
		return nil, broadside.Errorf(broadside.EUNAUTHORIZED, msgBadLogin)
	} else if err != nil {
		return nil, err
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil {
		return nil, fmt.Errorf("auth: check password of user %d: %w", u.ID, err)
	}
	if !ok {
		s.Log.Info("login failed", "user_id", u.ID, "ip", ip)
		return nil, broadside.Errorf(broadside.EUNAUTHORIZED, msgBadLogin)
	}
	return u, nil
}

// hitLimit counts an attempt under key and refuses it once more than limit fell in the
// window, saying how long to wait (msg has one %s for it).
func (s *Service) hitLimit(ctx context.Context, key string, limit int, msg string, now time.Time) error {
	h, err := s.Store.HitRateHistory(ctx, key, loginWindow, now)
	if err != nil {
		return err
	}
	if h.Count() <= limit {
		return nil
	}
	after := h.RetryAfter(limit)
	return broadside.TooManyRequests(after, msg, waitText(after))
}

// knownDevice returns the device of the cookie token when it is a browser that signed in to
// the account with email before; nil otherwise.
func (s *Service) knownDevice(ctx context.Context, token, email string, now time.Time) (*store.Device, error) {
	if token == "" || len(token) > 100 {
		return nil, nil
	}
	d, err := s.Store.DeviceByHash(ctx, HashToken(token), now)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	u, err := s.Store.UserByID(ctx, d.UserID)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if u.Email != email {
		return nil, nil
	}
	return d, nil
}

// signedIn starts a session for u and, when newDevice, remembers the browser.
func (s *Service) signedIn(ctx context.Context, u *broadside.User, newDevice bool, now time.Time) (*SignedIn, error) {
	tok, err := s.startSession(ctx, u.ID, now)
	if err != nil {
		return nil, err
	}
	in := &SignedIn{User: u, Session: tok}
	if newDevice {
		dtok, hash := NewToken()
		if err := s.Store.CreateDevice(ctx, &store.Device{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(DeviceTTL)}); err != nil {
			return nil, fmt.Errorf("auth: remember device: %w", err)
		}
		in.Device = dtok
	}
	return in, nil
}
