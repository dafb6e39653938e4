package auth

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// The rules about people live here, and every channel (the admin's Users screen, the REST
// API's wp/v2/users, the command line) asks this service:
//
//   - only administrators edit, invite, deactivate or delete other users;
//   - the site always keeps an active administrator: the last one cannot be demoted,
//     deactivated or deleted (checked inside the write's transaction);
//   - changing one's own email address needs the current password (a borrowed session must
//     not be able to move the account, and with it the emailed links, to another mailbox);
//   - deactivating signs the user out everywhere and revokes their application passwords;
//     deleting gives their posts and media to another user in the same transaction.

const (
	msgNeedAdmin  = "Only administrators can manage users."
	msgLastAdmin  = "This is the site's only active administrator. Make someone else an administrator first."
	msgDeleteSelf = "You cannot delete or deactivate your own account. Ask another administrator."
)

// AddUser creates a user on behalf of actor, an administrator.
func (s *Service) AddUser(ctx context.Context, actor, u *broadside.User, password string) error {
	if !actor.CanManageSite() {
		return broadside.Errorf(broadside.EFORBIDDEN, msgNeedAdmin)
	}
	if err := s.CreateUser(ctx, u, password); err != nil {
		return err
	}
	s.Log.Info("user created", "user_id", u.ID, "role", u.Role, "by", actor.ID)
	return nil
}

// UserEdit is a change to a user. Nil fields are left as they are.
type UserEdit struct {
	DisplayName *string
	Email       *string
	Role        *broadside.Role
	// Password, when not empty, sets a new password (administrators for other users; users
	// change their own in their profile, with the current one).
	Password string
	// CurrentPassword is the acting user's password, needed to change their own email.
	CurrentPassword string
}

// UpdateUser applies e to the user with id on behalf of actor and returns the saved user.
func (s *Service) UpdateUser(ctx context.Context, actor *broadside.User, id int64, e UserEdit) (*broadside.User, error) {
	self := actor != nil && actor.ID == id
	if !actor.CanManageSite() && !(self && e.Role == nil) {
		return nil, broadside.Errorf(broadside.EFORBIDDEN, msgNeedAdmin)
	}
	if self && e.Password != "" {
		// One's own password changes in the profile, with the current one (UpdateProfile).
		return nil, broadside.Errorf(broadside.EFORBIDDEN, "Change your own password in your profile, where your current one is asked for.")
	}
	old, err := s.Store.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	u := *old
	if e.DisplayName != nil {
		u.DisplayName = strings.TrimSpace(*e.DisplayName)
	}
	if e.Email != nil {
		u.Email = broadside.NormalizeEmail(*e.Email)
	}
	if e.Role != nil {
		u.Role = *e.Role
	}
	fe := broadside.FieldErrors{}
	if err := u.Validate(); err != nil {
		for k, v := range broadside.ErrorFields(err) {
			fe.Add(k, v)
		}
	}
	if e.Password != "" {
		if err := broadside.ValidatePassword(e.Password); err != nil {
			fe.Add("password", broadside.ErrorFields(err)["password"])
		}
	}
	emailChanged := u.Email != old.Email
	if self && emailChanged && fe["email"] == "" {
		if err := s.hitLimit(ctx, "profile-password:"+strconv.FormatInt(id, 10), loginPerEmail, msgProfileFlood, s.Now()); err != nil {
			return nil, err
		}
		ok := false
		if e.CurrentPassword != "" && old.PasswordHash != "" {
			if ok, err = CheckPassword(old.PasswordHash, e.CurrentPassword); err != nil {
				return nil, fmt.Errorf("auth: check password of user %d: %w", id, err)
			}
		}
		if !ok {
			fe.Add("current_password", "Enter your current password to change your email address.")
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if e.Password != "" {
		h, err := HashPassword(e.Password)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = h
	}
	err = s.announced(ctx, func(tx *store.Store) error {
		if old.Role == broadside.RoleAdmin && u.Role != broadside.RoleAdmin && old.Active() {
			if err := lastAdminGuard(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		if e.Password != "" || emailChanged {
			// A new password or a new mailbox: browsers and links that proved the old one
			// prove nothing now.
			if err := tx.DeleteUserDevices(ctx, id); err != nil {
				return err
			}
		}
		if e.Password != "" {
			return tx.DeleteUserSessions(ctx, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Log.Info("user updated", "user_id", id, "by", actor.ID, "role", u.Role, "email_changed", emailChanged, "password_set", e.Password != "")
	return &u, nil
}

// lastAdminGuard refuses a change that would leave the site without an active administrator.
func lastAdminGuard(ctx context.Context, tx *store.Store, id int64) error {
	n, err := tx.OtherActiveAdmins(ctx, id)
	if err != nil {
		return err
	}
	if n == 0 {
		return broadside.Errorf(broadside.EFORBIDDEN, msgLastAdmin)
	}
	return nil
}

// SetActive deactivates (active false) or reactivates the user with id. A deactivated user
// cannot sign in by any channel, their sessions, known browsers and application passwords are
// revoked, and their posts stay published under their name.
func (s *Service) SetActive(ctx context.Context, actor *broadside.User, id int64, active bool) error {
	if !actor.CanManageSite() {
		return broadside.Errorf(broadside.EFORBIDDEN, msgNeedAdmin)
	}
	if actor.ID == id && !active {
		return broadside.Errorf(broadside.EFORBIDDEN, msgDeleteSelf)
	}
	u, err := s.Store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	if u.Active() == active {
		return nil
	}
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		if !active {
			if u.Role == broadside.RoleAdmin {
				if err := lastAdminGuard(ctx, tx, id); err != nil {
					return err
				}
			}
			if err := tx.SetUserDeactivated(ctx, id, s.Now()); err != nil {
				return err
			}
			if err := tx.DeleteUserSessions(ctx, id); err != nil {
				return err
			}
			if err := tx.DeleteUserDevices(ctx, id); err != nil {
				return err
			}
			return tx.DeleteUserAppPasswords(ctx, id)
		}
		return tx.SetUserDeactivated(ctx, id, time.Time{})
	})
	if err != nil {
		return err
	}
	s.Log.Info("user active changed", "user_id", id, "active", active, "by", actor.ID)
	return nil
}

// DeleteUserTrashingPosts deletes the user with id without an heir, as WordPress's
// wp_delete_user with no reassign does: their posts and pages go to the trash (restorable for
// broadside.TrashDays, then purged), given to actor since a post needs an author; their media
// go to actor too. One transaction.
func (s *Service) DeleteUserTrashingPosts(ctx context.Context, actor *broadside.User, id int64) error {
	return s.deleteUser(ctx, actor, id, actor.ID, true)
}

// DeleteUser deletes the user with id and gives their posts, pages and media to the user
// reassignTo, in one transaction.
func (s *Service) DeleteUser(ctx context.Context, actor *broadside.User, id, reassignTo int64) error {
	return s.deleteUser(ctx, actor, id, reassignTo, false)
}

func (s *Service) deleteUser(ctx context.Context, actor *broadside.User, id, reassignTo int64, trashPosts bool) error {
	if !actor.CanManageSite() {
		return broadside.Errorf(broadside.EFORBIDDEN, msgNeedAdmin)
	}
	if actor.ID == id {
		return broadside.Errorf(broadside.EFORBIDDEN, msgDeleteSelf)
	}
	if reassignTo == 0 || reassignTo == id {
		return &broadside.Error{Code: broadside.EINVALID, Message: "Choose who gets this user's posts.",
			Fields: map[string]string{"reassign": "Choose another user to give the posts to."}}
	}
	u, err := s.Store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	heir, err := s.Store.UserByID(ctx, reassignTo)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return &broadside.Error{Code: broadside.EINVALID, Message: "Choose who gets this user's posts.",
			Fields: map[string]string{"reassign": "That user does not exist."}}
	} else if err != nil {
		return err
	}
	err = s.announced(ctx, func(tx *store.Store) error {
		if u.Role == broadside.RoleAdmin && u.Active() {
			if err := lastAdminGuard(ctx, tx, id); err != nil {
				return err
			}
		}
		if trashPosts {
			if err := tx.TrashPostsOf(ctx, id, s.Now()); err != nil {
				return err
			}
		}
		return tx.DeleteUserReassign(ctx, id, heir.ID)
	})
	if err != nil {
		return err
	}
	s.Log.Info("user deleted", "user_id", id, "reassigned_to", heir.ID, "posts_trashed", trashPosts, "by", actor.ID)
	return nil
}
