package auth

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/broadside/broadside"
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
	SessionByHash(ctx context.Context, hash string, now time.Time) (*store.Session, error)
	TouchSession(ctx context.Context, hash string, now, expires time.Time) error
	DeleteSession(ctx context.Context, hash string) error
	DeleteUserSessions(ctx context.Context, userID int64) error
	CreateToken(ctx context.Context, t *store.Token) error
	ConsumeToken(ctx context.Context, hash, purpose string, now time.Time) (*store.Token, error)
	HitRate(ctx context.Context, key string, window time.Duration, now time.Time) (int, error)
}

// Session lifetimes: a sliding 30-day session, refreshed at most once an hour so reading the
// admin does not write to the database on every request.
const (
	SessionTTL     = 30 * 24 * time.Hour
	sessionRefresh = time.Hour
	SetupTokenTTL  = 24 * time.Hour
	PurposeSetup   = "setup"
)

// Login throttling: per client IP and per account, in durable counters shared by all nodes.
const (
	loginWindow    = 15 * time.Minute
	loginPerIP     = 20
	loginPerEmail  = 10
	msgBadLogin    = "The email or password is incorrect."
	msgLoginFlood  = "Too many sign-in attempts. Wait 15 minutes and try again."
	msgSetupExpire = "This setup link is invalid, used or expired. Run `broadside user add` or `broadside setup-link` for a new one."
)

// Service signs users in and out.
type Service struct {
	Store Store
	Now   func() time.Time
	Log   *slog.Logger
}

// Login checks the credentials and starts a session, returning the raw session token for
// the cookie.
func (s *Service) Login(ctx context.Context, email, password, ip string) (string, *broadside.User, error) {
	now := s.Now()
	email = strings.ToLower(strings.TrimSpace(email))
	fe := broadside.FieldErrors{}
	if email == "" {
		fe.Add("email", "Enter your email address.")
	}
	if password == "" {
		fe.Add("password", "Enter your password.")
	}
	if err := fe.Err(); err != nil {
		return "", nil, err
	}
	nIP, err := s.Store.HitRate(ctx, "login-ip:"+ip, loginWindow, now)
	if err != nil {
		return "", nil, err
	}
	nEmail, err := s.Store.HitRate(ctx, "login-email:"+email, loginWindow, now)
	if err != nil {
		return "", nil, err
	}
	if nIP > loginPerIP || nEmail > loginPerEmail {
		s.Log.Warn("login throttled", "ip", ip, "attempts_ip", nIP, "attempts_email", nEmail)
		return "", nil, broadside.Errorf(broadside.ETOOMANYREQUEST, msgLoginFlood)
	}
	u, err := s.Store.UserByEmail(ctx, email)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		_, _ = CheckPassword(dummyHash, password)
		return "", nil, broadside.Errorf(broadside.EUNAUTHORIZED, msgBadLogin)
	} else if err != nil {
		return "", nil, err
	}
	if u.PasswordHash == "" {
		_, _ = CheckPassword(dummyHash, password)
		return "", nil, broadside.Errorf(broadside.EUNAUTHORIZED, msgBadLogin)
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil {
		return "", nil, fmt.Errorf("auth: check password of user %d: %w", u.ID, err)
	}
	if !ok {
		s.Log.Info("login failed", "user_id", u.ID, "ip", ip)
		return "", nil, broadside.Errorf(broadside.EUNAUTHORIZED, msgBadLogin)
	}
	tok, err := s.startSession(ctx, u.ID, now)
	if err != nil {
		return "", nil, err
	}
	s.Log.Info("login", "user_id", u.ID, "ip", ip)
	return tok, u, nil
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
	sess, err := s.Store.SessionByHash(ctx, hash, now)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil, broadside.Errorf(broadside.EUNAUTHORIZED, "Your session has expired. Please sign in again.")
	} else if err != nil {
		return nil, err
	}
	if now.Sub(sess.LastSeenAt) > sessionRefresh {
		if err := s.Store.TouchSession(ctx, hash, now, now.Add(SessionTTL)); err != nil {
			s.Log.Warn("session refresh failed", "err", err)
		}
	}
	return s.Store.UserByID(ctx, sess.UserID)
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

// SetPassword replaces a user's password and signs out their other sessions.
func (s *Service) SetPassword(ctx context.Context, u *broadside.User, password string) error {
	if err := broadside.ValidatePassword(password); err != nil {
		return err
	}
	h, err := HashPassword(password)
	if err != nil {
		return err
	}
	u.PasswordHash = h
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return err
	}
	return s.Store.DeleteUserSessions(ctx, u.ID)
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
	if _, err := s.Store.ConsumeToken(ctx, HashToken(token), PurposeSetup, s.Now()); err != nil {
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return "", broadside.Errorf(broadside.EFORBIDDEN, msgSetupExpire)
		}
		return "", err
	}
	if err := s.CreateUser(ctx, u, password); err != nil {
		return "", err
	}
	return s.startSession(ctx, u.ID, s.Now())
}
