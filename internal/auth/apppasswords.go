package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// Application Passwords are WordPress's credentials for API clients: a user creates one per
// client, names it, sees it once, and revokes it when the client is retired. Clients send
// them with HTTP Basic authentication (login or email as the user name).
//
// The secret is 24 characters from [A-Za-z0-9] drawn from crypto/rand (WordPress's format,
// about 143 bits), shown in groups of four. It is stored as a plain SHA-256: with that much
// entropy a fast hash cannot be brute-forced, while a slow password hash (argon2id here costs
// 19 MiB and tens of milliseconds) would be paid on every API request and turn a burst of
// requests into a denial of service. The hash also indexes the secret, so a lookup is one
// query instead of checking every password of the user.

// AppPasswordStore is what application passwords need from storage.
type AppPasswordStore interface {
	UserByID(ctx context.Context, id int64) (*broadside.User, error)
	CreateAppPassword(ctx context.Context, p *broadside.AppPassword) error
	ListAppPasswords(ctx context.Context, userID int64) ([]broadside.AppPassword, error)
	AppPasswordByHash(ctx context.Context, hash string) (*broadside.AppPassword, error)
	TouchAppPassword(ctx context.Context, id int64, now time.Time, ip string) error
	DeleteAppPassword(ctx context.Context, userID int64, uuid string) error
	HitRate(ctx context.Context, key string, window time.Duration, now time.Time) (int, error)
	PeekRate(ctx context.Context, key string, window time.Duration, now time.Time) (store.RateHistory, error)
}

// AppPasswords creates, checks and revokes application passwords.
type AppPasswords struct {
	Store AppPasswordStore
	Now   func() time.Time
	Log   *slog.Logger
}

const (
	appPasswordLen      = 24
	appPasswordAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	// appPasswordTouch limits how often a password's "last used" is written: an API client
	// making many requests must not turn each read into a database write.
	appPasswordTouch = time.Minute
	// MaxAppPasswordName bounds the name a user gives an application password.
	MaxAppPasswordName = 100
	// MaxAppPasswords bounds how many application passwords one user may hold.
	MaxAppPasswords   = 50
	msgBadAppPassword = "The provided password is an invalid application password."

	// Wrong application passwords are counted per address and per (user name, address), in
	// the sign-in window; a client that keeps failing is refused before its password is
	// checked. Only failures count, so a busy client with a good password is never slowed.
	appPasswordPerIP     = 20
	appPasswordPerUserIP = 10
	msgAppPasswordFlood  = "Too many wrong application passwords from your network. Wait %s and try again."
)

// ErrBadAppPassword is returned for every failed application-password check, whatever
// failed (unknown user, wrong or revoked password), so responses reveal nothing.
var ErrBadAppPassword = broadside.Errorf(broadside.EUNAUTHORIZED, msgBadAppPassword)

// Create makes a new application password named name for u and returns the secret, formatted
// in groups of four, which is shown once and never stored.
func (a *AppPasswords) Create(ctx context.Context, u *broadside.User, name string) (string, *broadside.AppPassword, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", nil, appPasswordField("Give the application password a name, such as the app that will use it.")
	case utf8.RuneCountInString(name) > MaxAppPasswordName || strings.ContainsAny(name, "\r\n"):
		return "", nil, appPasswordField(fmt.Sprintf("Use a single line of at most %d characters.", MaxAppPasswordName))
	}
	existing, err := a.Store.ListAppPasswords(ctx, u.ID)
	if err != nil {
		return "", nil, err
	}
	if len(existing) >= MaxAppPasswords {
		return "", nil, appPasswordField(fmt.Sprintf("You already have %d application passwords; revoke one you no longer use first.", len(existing)))
	}
	for _, p := range existing {
		if strings.EqualFold(p.Name, name) {
			return "", nil, appPasswordField("Each application password must have a unique name.")
		}
	}
	secret := randomString(appPasswordLen, appPasswordAlphabet)
	p := &broadside.AppPassword{UUID: newUUID(), UserID: u.ID, Name: name, SecretHash: HashToken(secret), CreatedAt: a.Now()}
	if err := a.Store.CreateAppPassword(ctx, p); err != nil {
		return "", nil, err
	}
	a.Log.Info("application password created", "user_id", u.ID, "uuid", p.UUID, "name", name)
	return FormatAppPassword(secret), p, nil
}

func appPasswordField(msg string) error {
	return &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
		Fields: map[string]string{"app_password_name": msg}}
}

// List returns u's application passwords, oldest first.
func (a *AppPasswords) List(ctx context.Context, u *broadside.User) ([]broadside.AppPassword, error) {
	return a.Store.ListAppPasswords(ctx, u.ID)
}

// Revoke deletes u's application password uuid; clients using it are refused from then on.
func (a *AppPasswords) Revoke(ctx context.Context, u *broadside.User, uuid string) error {
	if err := a.Store.DeleteAppPassword(ctx, u.ID, uuid); err != nil {
		return err
	}
	a.Log.Info("application password revoked", "user_id", u.ID, "uuid", uuid)
	return nil
}

// Authenticate checks HTTP Basic credentials: username is the user's login or email, password
// an application password of that user (spaces and dashes ignored, as WordPress does). Every
// failure is ErrBadAppPassword.
func (a *AppPasswords) Authenticate(ctx context.Context, username, password, ip string) (*broadside.User, error) {
	keys := [2]string{"app-password-ip:" + ip, "app-password-user-ip:" + strings.ToLower(strings.TrimSpace(username)) + "|" + ip}
	if err := a.throttled(ctx, keys); err != nil {
		a.Log.Warn("application password throttled", "ip", ip)
		return nil, err
	}
	u, err := a.check(ctx, username, password, ip)
	if err == ErrBadAppPassword {
		for _, k := range keys {
			if _, herr := a.Store.HitRate(ctx, k, loginWindow, a.Now()); herr != nil {
				return nil, herr
			}
		}
	}
	return u, err
}

// throttled refuses a request whose address, or user name at that address, failed too often.
func (a *AppPasswords) throttled(ctx context.Context, keys [2]string) error {
	var after time.Duration
	for i, limit := range [2]int{appPasswordPerIP, appPasswordPerUserIP} {
		h, err := a.Store.PeekRate(ctx, keys[i], loginWindow, a.Now())
		if err != nil {
			return err
		}
		if h.Count() >= limit {
			after = max(after, h.RetryAfter(limit))
		}
	}
	if after > 0 {
		return broadside.TooManyRequests(after, msgAppPasswordFlood, waitText(after))
	}
	return nil
}

func (a *AppPasswords) check(ctx context.Context, username, password, ip string) (*broadside.User, error) {
	secret := NormalizeAppPassword(password)
	if len(secret) != appPasswordLen || username == "" {
		return nil, ErrBadAppPassword
	}
	p, err := a.Store.AppPasswordByHash(ctx, HashToken(secret))
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		a.Log.Info("application password refused", "username", username, "ip", ip)
		return nil, ErrBadAppPassword
	} else if err != nil {
		return nil, err
	}
	u, err := a.Store.UserByID(ctx, p.UserID)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND || err == nil && !u.Active() {
		// Deactivation revokes the passwords too; this check covers a request racing it.
		return nil, ErrBadAppPassword
	} else if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(username)
	if !strings.EqualFold(name, u.Email) && name != u.Login {
		a.Log.Info("application password used with another user name", "user_id", u.ID, "username", username, "ip", ip)
		return nil, ErrBadAppPassword
	}
	now := a.Now()
	if now.Sub(p.LastUsedAt) > appPasswordTouch || p.LastIP != ip {
		if err := a.Store.TouchAppPassword(ctx, p.ID, now, ip); err != nil {
			a.Log.Warn("recording application password use failed", "err", err)
		}
	}
	return u, nil
}

// NormalizeAppPassword removes everything but letters and digits, so the grouped form
// ("abcd efgh …") and the plain form are the same secret.
func NormalizeAppPassword(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// FormatAppPassword shows a secret in groups of four characters, as WordPress does.
func FormatAppPassword(secret string) string {
	var parts []string
	for i := 0; i < len(secret); i += 4 {
		parts = append(parts, secret[i:min(i+4, len(secret))])
	}
	return strings.Join(parts, " ")
}

// randomString draws n characters uniformly from alphabet (rejection sampling: no modulo bias).
func randomString(n int, alphabet string) string {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic("auth: crypto/rand failed: " + err.Error())
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("auth: crypto/rand failed: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
