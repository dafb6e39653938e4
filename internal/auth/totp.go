package auth

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/broadside/broadside"
)

// Two-factor sign-in with time-based one-time passwords (RFC 6238: 6 digits, 30-second
// steps, SHA-1, as every authenticator app expects). github.com/pquerna/otp makes the key,
// its otpauth:// URL and the QR code image (through boombuler/barcode) on the server, so the
// secret never travels to a third-party QR service; computing and checking codes is its
// GenerateCodeCustom, with the step bookkeeping (one use per step) ours.
//
// Keys are stored sealed (AES-256-GCM under the site secret "totp"), so a copy of the users
// table alone does not yield them; they are never logged. Recovery codes are stored hashed
// and deleted when used.
const (
	totpPeriod       = 30
	totpSkew         = 1 // steps accepted either side of now, for clocks a little off
	recoveryCodes    = 10
	totpPerUser      = 10 // code attempts per account in the sign-in window
	msgTOTPFlood     = "Too many codes tried. Wait %s and try again."
	msgBadCode       = "That code is not right. Enter the 6-digit code your app shows now, or one of your recovery codes."
	msgNoPendingTOTP = "Start again: set up two-factor sign-in to get a new key."
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Enrolment is a key offered to a user: scan the QR code or type the secret, then confirm
// with a code.
type Enrolment struct {
	Secret string // base32, for typing into an app
	URL    string // otpauth://totp/…
	// QRCode is a PNG data: URL of URL, made on the server.
	QRCode string
}

// BeginTOTP offers u a key, kept pending until ConfirmTOTP: the pending one if there is
// one (so showing the page again, or a mistyped code, does not make them scan again), else
// a new one.
func (s *Service) BeginTOTP(ctx context.Context, u *broadside.User, issuer string) (*Enrolment, error) {
	st, err := s.Store.UserTOTP(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	opts := totp.GenerateOpts{Issuer: issuer, AccountName: u.Email, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	if st.Pending != "" {
		secret, err := s.unseal(ctx, st.Pending)
		if err != nil {
			return nil, err
		}
		if opts.Secret, err = base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret); err != nil {
			return nil, fmt.Errorf("auth: pending TOTP key is corrupt")
		}
	}
	key, err := totp.Generate(opts)
	if err != nil {
		return nil, fmt.Errorf("auth: make a TOTP key: %w", err)
	}
	if st.Pending == "" {
		sealed, err := s.seal(ctx, key.Secret())
		if err != nil {
			return nil, err
		}
		if err := s.Store.SetTOTPPending(ctx, u.ID, sealed); err != nil {
			return nil, err
		}
	}
	e := &Enrolment{Secret: key.Secret(), URL: key.URL()}
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, fmt.Errorf("auth: draw the TOTP QR code: %w", err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("auth: encode the TOTP QR code: %w", err)
	}
	e.QRCode = "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
	return e, nil
}

// ConfirmTOTP puts the pending key in force when code is right for it, and returns the new
// recovery codes (shown once; only their hashes are kept).
func (s *Service) ConfirmTOTP(ctx context.Context, u *broadside.User, code string) ([]string, error) {
	st, err := s.Store.UserTOTP(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if st.Pending == "" {
		return nil, broadside.Errorf(broadside.EINVALID, msgNoPendingTOTP)
	}
	if err := s.hitLimit(ctx, "totp:"+strconv.FormatInt(u.ID, 10), totpPerUser, msgTOTPFlood, s.Now()); err != nil {
		return nil, err
	}
	secret, err := s.unseal(ctx, st.Pending)
	if err != nil {
		return nil, err
	}
	step, ok := matchTOTP(secret, code, s.Now())
	if !ok {
		return nil, codeField(msgBadCode)
	}
	codes, hashes := newRecoveryCodes()
	if err := s.Store.EnableTOTP(ctx, u.ID, st.Pending, step, hashes); err != nil {
		return nil, err
	}
	u.TwoFactor = true
	s.Log.Info("two-factor sign-in enabled", "user_id", u.ID)
	return codes, nil
}

// DisableTOTP turns two-factor sign-in off for u, which needs their password or a current
// code (a borrowed session alone must not remove the second factor).
func (s *Service) DisableTOTP(ctx context.Context, u *broadside.User, password, code string) error {
	if err := s.hitLimit(ctx, "totp:"+strconv.FormatInt(u.ID, 10), totpPerUser, msgTOTPFlood, s.Now()); err != nil {
		return err
	}
	ok := false
	if password != "" && u.PasswordHash != "" {
		var err error
		if ok, err = CheckPassword(u.PasswordHash, password); err != nil {
			return fmt.Errorf("auth: check password of user %d: %w", u.ID, err)
		}
	}
	if !ok && code != "" {
		if err := s.checkSecondFactor(ctx, u, code); err == nil {
			ok = true
		} else if broadside.ErrorCode(err) != broadside.EINVALID {
			return err
		}
	}
	if !ok {
		return &broadside.Error{Code: broadside.EINVALID, Message: "Enter your password or a current code to turn two-factor sign-in off.",
			Fields: map[string]string{"password": "Your password, or a code from your app below."}}
	}
	if err := s.Store.DisableTOTP(ctx, u.ID); err != nil {
		return err
	}
	u.TwoFactor = false
	s.Log.Info("two-factor sign-in disabled", "user_id", u.ID)
	return nil
}

// RecoveryCodesLeft returns how many unused recovery codes u has.
func (s *Service) RecoveryCodesLeft(ctx context.Context, u *broadside.User) (int, error) {
	return s.Store.CountRecoveryCodes(ctx, u.ID)
}

// checkSecondFactor accepts a current TOTP code (once per step) or an unused recovery code.
// The caller counts the attempt.
func (s *Service) checkSecondFactor(ctx context.Context, u *broadside.User, code string) error {
	st, err := s.Store.UserTOTP(ctx, u.ID)
	if err != nil {
		return err
	}
	if st.Secret == "" {
		return codeField(msgBadCode)
	}
	digits := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, code)
	if len(digits) == 6 {
		secret, err := s.unseal(ctx, st.Secret)
		if err != nil {
			return err
		}
		step, ok := matchTOTP(secret, digits, s.Now())
		if !ok || step <= st.LastStep {
			return codeField(msgBadCode)
		}
		if ok, err := s.Store.AcceptTOTPStep(ctx, u.ID, step); err != nil {
			return err
		} else if !ok {
			return codeField(msgBadCode) // a racing request used this code first
		}
		return nil
	}
	ok, err := s.Store.UseRecoveryCode(ctx, u.ID, HashToken(strings.ToLower(digits)))
	if err != nil {
		return err
	}
	if !ok {
		return codeField(msgBadCode)
	}
	s.Log.Info("recovery code used", "user_id", u.ID)
	return nil
}

func codeField(msg string) error {
	return &broadside.Error{Code: broadside.EINVALID, Message: msg, Fields: map[string]string{"code": msg}}
}

// matchTOTP returns the step whose code equals code, within totpSkew steps of now.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	base := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		step := base + d
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// newRecoveryCodes returns recovery codes as shown (xxxxx-xxxxx) and their stored hashes
// (of the code without the dash).
func newRecoveryCodes() (codes, hashes []string) {
	enc := base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)
	for range recoveryCodes {
		b := make([]byte, 7)
		if _, err := rand.Read(b); err != nil {
			panic("auth: crypto/rand failed: " + err.Error())
		}
		c := enc.EncodeToString(b)[:10]
		codes = append(codes, c[:5]+"-"+c[5:])
		hashes = append(hashes, HashToken(c))
	}
	return codes, hashes
}

func (s *Service) aead(ctx context.Context) (cipher.AEAD, error) {
	key, err := s.Store.Secret(ctx, "totp")
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key[:32])
	if err != nil {
		return nil, fmt.Errorf("auth: totp cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

func (s *Service) seal(ctx context.Context, secret string) (string, error) {
	a, err := s.aead(ctx)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, a.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("auth: nonce: %w", err)
	}
	return hex.EncodeToString(a.Seal(nonce, nonce, []byte(secret), nil)), nil
}

func (s *Service) unseal(ctx context.Context, sealed string) (string, error) {
	a, err := s.aead(ctx)
	if err != nil {
		return "", err
	}
	b, err := hex.DecodeString(sealed)
	if err != nil || len(b) < a.NonceSize() {
		return "", fmt.Errorf("auth: sealed TOTP key is corrupt")
	}
	out, err := a.Open(nil, b[:a.NonceSize()], b[a.NonceSize():], nil)
	if err != nil {
		return "", fmt.Errorf("auth: open TOTP key: %w", err)
	}
	return string(out), nil
}
