package auth

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/sitemail"
	"github.com/broadside/broadside/internal/store"
)

// Store is what the auth service needs from storage.
type Store interface {
	UserByID(ctx context.Context, id int64) (*broadside.User, error)
	UserByEmail(ctx context.Context, email string) (*broadside.User, error)
	CreateUser(ctx context.Context, u *broadside.User) error
	UpdateUser(ctx context.Context, u *broadside.User) error
	CountUsers(ctx context.Context) (int, error)
	CreateSession(ctx context.Context, s *store.Session) error
	SessionUser(ctx context.Context, hash string, now time.Time) (*broadside.User, time.Time, error)
	TouchSession(ctx context.Context, hash string, now, expires time.Time) error
	DeleteSession(ctx context.Context, hash string) error
	DeleteUserSessions(ctx context.Context, userID int64) error
	CreateToken(ctx context.Context, t *store.Token) error
	ConsumeToken(ctx context.Context, hash, purpose string, now time.Time) (*store.Token, error)
	HitRate(ctx context.Context, key string, window time.Duration, now time.Time) (int, error)
	HitRateHistory(ctx context.Context, key string, window time.Duration, now time.Time) (store.RateHistory, error)
	PeekRate(ctx context.Context, key string, window time.Duration, now time.Time) (store.RateHistory, error)
	CreateDevice(ctx context.Context, d *store.Device) error
	DeviceByHash(ctx context.Context, hash string, now time.Time) (*store.Device, error)
	DeleteUserDevices(ctx context.Context, userID int64) error
	EnqueueJob(ctx context.Context, j *store.Job) error
	InTxAnnounced(ctx context.Context, fn func(tx *store.Store) error) error

	// People (people.go) and two-factor sign-in (totp.go, twofactor.go).
	InTx(ctx context.Context, fn func(tx *store.Store) error) error
	SetUserDeactivated(ctx context.Context, id int64, at time.Time) error
	DeleteUserAppPasswords(ctx context.Context, userID int64) error
	DeleteUserReassign(ctx context.Context, id, to int64) error
	PeekToken(ctx context.Context, hash, purpose string, now time.Time) (*store.Token, error)
	UserTOTP(ctx context.Context, id int64) (*store.TOTP, error)
	SetTOTPPending(ctx context.Context, id int64, sealed string) error
	EnableTOTP(ctx context.Context, id int64, sealed string, step int64, codeHashes []string) error
	DisableTOTP(ctx context.Context, id int64) error
	AcceptTOTPStep(ctx context.Context, id, step int64) (bool, error)
	UseRecoveryCode(ctx context.Context, id int64, hash string) (bool, error)
	CountRecoveryCodes(ctx context.Context, id int64) (int, error)
	Secret(ctx context.Context, name string) ([]byte, error)
}

// Session lifetimes: a sliding 30-day session, refreshed at most once an hour so reading the
// admin does not write to the database on every request.
const (
	SessionTTL     = 30 * 24 * time.Hour
	sessionRefresh = time.Hour
	SetupTokenTTL  = 24 * time.Hour
	PurposeSetup   = "setup"
)

const msgSetupExpire = "This setup link is invalid, used or expired. Run `broadside user add` or `broadside setup-link` for a new one."

// Service signs users in and out.
type Service struct {
	Store Store
	Now   func() time.Time
	Log   *slog.Logger
	// Mail sends sign-in links; nil when no mail server is configured.
	Mail *sitemail.Mailer
	// Wake nudges the job worker after a sign-in link was queued.
	Wake func()
	// Changed purges this node's cached pages after a change readers see (a display name);
	// other nodes hear of it from the announcement inside the writing transaction.
	Changed func()
}

// saveUser writes u and, in the same transaction, tells every node that public pages
// changed: a display name appears in bylines, author archives and feeds.
func (s *Service) saveUser(ctx context.Context, u *broadside.User) error {
	return s.announced(ctx, func(tx *store.Store) error { return tx.UpdateUser(ctx, u) })
}

// announced runs write in one transaction that also tells every node that public pages may
// have changed (names in bylines, posts given to another author), then purges this node.
func (s *Service) announced(ctx context.Context, write func(tx *store.Store) error) error {
	if err := s.Store.InTxAnnounced(ctx, write); err != nil {
		return err
	}
	if s.Changed != nil {
		s.Changed()
	}
	return nil
}

func (s *Service) startSession(ctx context.Context, userID int64, now time.Time) (string, error) {
	tok, hash := NewToken()
	err := s.Store.CreateSession(ctx, &store.Session{TokenHash: hash, UserID: userID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionTTL)})
	if err != nil {
		return "", fmt.Errorf("auth: create session: %w", err)
	}
	return tok, nil
}

// Authenticate returns the user of a session token, or ENOTFOUND/EUNAUTHORIZED.
func (s *Service) Authenticate(ctx context.Context, token string) (*broadside.User, error) {
	if token == "" || len(token) > 100 {
		return nil, broadside.Errorf(broadside.EUNAUTHORIZED, "Please sign in.")
	}
	now := s.Now()
	hash := HashToken(token)
	u, seen, err := s.Store.SessionUser(ctx, hash, now)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil, broadside.Errorf(broadside.EUNAUTHORIZED, "Your session has expired. Please sign in again.")
	} else if err != nil {
		return nil, err
	}
	if now.Sub(seen) > sessionRefresh {
		if err := s.Store.TouchSession(ctx, hash, now, now.Add(SessionTTL)); err != nil {
			s.Log.Warn("session refresh failed", "err", err)
		}
	}
	if !u.Active() {
		return nil, broadside.Errorf(broadside.EUNAUTHORIZED, "This account has been deactivated.")
	}
	return u, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.Store.DeleteSession(ctx, HashToken(token))
}

// CreateUser validates and stores a user with a hashed password (empty: no password yet).
func (s *Service) CreateUser(ctx context.Context, u *broadside.User, password string) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.Login == "" {
		u.Login = broadside.Slugify(strings.SplitN(u.Email, "@", 2)[0])
	}
	if err := u.Validate(); err != nil {
		return err
	}
	if password != "" {
		if err := broadside.ValidatePassword(password); err != nil {
			return err
		}
		h, err := HashPassword(password)
		if err != nil {
			return err
		}
		u.PasswordHash = h
	}
	u.CreatedAt = s.Now()
	return s.Store.CreateUser(ctx, u)
}

// SetPassword replaces a user's password, signs out their sessions and forgets their known
// devices (a browser that knew the old password proves nothing about the new one), in one
// transaction: the new password is never in force while the old one's sessions live on.
func (s *Service) SetPassword(ctx context.Context, u *broadside.User, password string) error {
	return s.setPassword(ctx, u, password, nil)
}

// setPassword is SetPassword; first, when not nil, runs first in its transaction and may
// refuse the change (consuming the emailed link that allows it). u changes only on success.
func (s *Service) setPassword(ctx context.Context, u *broadside.User, password string, first func(tx *store.Store) error) error {
	if err := broadside.ValidatePassword(password); err != nil {
		return err
	}
	h, err := HashPassword(password)
	if err != nil {
		return err
	}
	nu := *u
	nu.PasswordHash = h
	err = s.announced(ctx, func(tx *store.Store) error {
		if first != nil {
			if err := first(tx); err != nil {
				return err
			}
		}
		if err := tx.UpdateUser(ctx, &nu); err != nil {
			return err
		}
		if err := tx.DeleteUserDevices(ctx, u.ID); err != nil {
			return err
		}
		return tx.DeleteUserSessions(ctx, u.ID)
	})
	if err != nil {
		return err
	}
	*u = nu
	return nil
}

// NeedsSetup reports whether the site has no users yet.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := s.Store.CountUsers(ctx)
	return n == 0, err
}

// NewSetupToken returns a one-time token for the first-admin setup page.
func (s *Service) NewSetupToken(ctx context.Context) (string, error) {
	tok, hash := NewToken()
	now := s.Now()
	err := s.Store.CreateToken(ctx, &store.Token{Hash: hash, Purpose: PurposeSetup, CreatedAt: now, ExpiresAt: now.Add(SetupTokenTTL)})
	return tok, err
}

// CompleteSetup consumes the setup token and creates the first admin, returning a session
// token so they land signed in.
func (s *Service) CompleteSetup(ctx context.Context, token string, u *broadside.User, password string) (string, error) {
	need, err := s.NeedsSetup(ctx)
	if err != nil {
		return "", err
	}
	if !need {
		return "", broadside.Errorf(broadside.EFORBIDDEN, "This site already has an administrator. Sign in instead.")
	}
	// Validate before consuming the single-use token, so a typo does not burn the link.
	u.Role = broadside.RoleAdmin
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.Login == "" {
		u.Login = broadside.Slugify(strings.SplitN(u.Email, "@", 2)[0])
	}
	fe := broadside.FieldErrors{}
	if err := u.Validate(); err != nil {
		for k, v := range broadside.ErrorFields(err) {
			fe.Add(k, v)
		}
	}
	if err := broadside.ValidatePassword(password); err != nil {
		for k, v := range broadside.ErrorFields(err) {
			fe.Add(k, v)
		}
	}
	if err := fe.Err(); err != nil {
		return "", err
	}
	// The link is used up with the account made: a failure leaves it usable.
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.ConsumeToken(ctx, HashToken(token), PurposeSetup, s.Now()); err != nil {
			if broadside.ErrorCode(err) == broadside.ENOTFOUND {
				return broadside.Errorf(broadside.EFORBIDDEN, msgSetupExpire)
			}
			return err
		}
		in := *s
		in.Store = tx
		return in.CreateUser(ctx, u, password)
	})
	if err != nil {
		return "", err
	}
	return s.startSession(ctx, u.ID, s.Now())
}
