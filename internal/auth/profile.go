package auth

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
)

const msgProfileFlood = "Too many attempts at your current password. Wait %s and try again."

// UpdateProfile changes the signed-in user's display name and, when newPassword is not empty,
// their password, which needs the current one. A password change signs out every session of
// the user (a stolen session must not survive it); the returned token, non-empty only then,
// is a fresh session for the person who made the change.
func (s *Service) UpdateProfile(ctx context.Context, u *broadside.User, displayName, currentPassword, newPassword string) (string, error) {
	now := s.Now()
	nu := *u
	nu.DisplayName = strings.TrimSpace(displayName)
	fe := broadside.FieldErrors{}
	if err := nu.Validate(); err != nil {
		if m, ok := broadside.ErrorFields(err)["display_name"]; ok {
			fe.Add("display_name", m)
		}
	}
	if newPassword != "" {
		if err := broadside.ValidatePassword(newPassword); err != nil {
			fe.Add("new_password", broadside.ErrorFields(err)["password"])
		}
		// Guessing the current password from a borrowed session is throttled like sign-in.
		if err := s.hitLimit(ctx, "profile-password:"+strconv.FormatInt(u.ID, 10), loginPerEmail, msgProfileFlood, now); err != nil {
			return "", err
		}
		switch {
		case currentPassword == "":
			fe.Add("current_password", "Enter your current password to set a new one.")
		case u.PasswordHash != "":
			ok, err := CheckPassword(u.PasswordHash, currentPassword)
			if err != nil {
				return "", fmt.Errorf("auth: check password of user %d: %w", u.ID, err)
			}
			if !ok {
				fe.Add("current_password", "Your current password is not correct.")
			}
		}
	}
	if err := fe.Err(); err != nil {
		return "", err
	}
	if newPassword == "" {
		if err := s.saveUser(ctx, &nu); err != nil {
			return "", err
		}
		*u = nu
		return "", nil
	}
	if err := s.SetPassword(ctx, &nu, newPassword); err != nil {
		return "", err
	}
	*u = nu
	s.Log.Info("password changed", "user_id", u.ID)
	return s.startSession(ctx, u.ID, now)
}
