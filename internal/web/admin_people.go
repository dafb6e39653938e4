package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
)

// The admin's side of managing people: edit, invite, deactivate, delete. Every rule (who
// may, the last administrator, the password for one's own email) is auth.Service's; these
// handlers only read forms and show answers.

// userEditData is the form editing one user.
type userEditData struct {
	adminPage
	Edit                     broadside.User
	IsMe                     bool
	Roles                    []broadside.Role
	Posts                    int
	Others                   []broadside.User // heirs offered when deleting
	DisplayName, Email, Role string
}

func (s *Server) loadUserEdit(r *http.Request, id int64, d *userEditData) error {
	u, err := s.Users.ByID(r.Context(), id)
	if err != nil {
		return err
	}
	d.Edit = *u
	if d.Email == "" && d.DisplayName == "" && d.Role == "" {
		d.DisplayName, d.Email, d.Role = u.DisplayName, u.Email, string(u.Role)
	}
	d.Roles = broadside.Roles
	counts, err := s.Users.PostCounts(r.Context())
	if err != nil {
		return err
	}
	d.Posts = counts[id]
	all, err := s.Users.List(r.Context())
	if err != nil {
		return err
	}
	for _, x := range all {
		if x.ID != id {
			d.Others = append(d.Others, x)
		}
	}
	return nil
}

func (s *Server) renderUserEdit(w http.ResponseWriter, r *http.Request, me *broadside.User, status int, tmpl string, id int64, d *userEditData) error {
	if err := s.loadUserEdit(r, id, d); err != nil {
		return err
	}
	d.IsMe = me.ID == id
	v, ap := s.adminView(w, r, "users", "Edit user")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	v.Data = d
	s.page(w, r, status, tmpl, v)
	return nil
}

// GET /admin/users/{id}
func (s *Server) handleUserEdit(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderUserEdit(w, r, u, http.StatusOK, "admin/user_edit", id, &userEditData{})
}

// POST /admin/users/{id}
func (s *Server) handleUserUpdate(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	f := r.PostForm
	d := &userEditData{DisplayName: f.Get("display_name"), Email: strings.TrimSpace(f.Get("email")), Role: f.Get("role")}
	role := broadside.Role(d.Role)
	e := auth.UserEdit{DisplayName: &d.DisplayName, Email: &d.Email, Role: &role,
		Password: f.Get("password"), CurrentPassword: f.Get("current_password")}
	saved, err := s.Auth.UpdateUser(r.Context(), u, id, e)
	if err != nil {
		err = conflictField(err, "email", map[string]string{"login": "login"})
		if statusOf(err) >= 500 || broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return err
		}
		d.formErr(err)
		return s.renderUserEdit(w, r, u, statusOf(err), "admin/user_edit", id, d)
	}
	s.flash(w, r, "User "+saved.Name()+" updated.")
	redirect(w, r, "/admin/users")
	return nil
}

// POST /admin/users/{id}/deactivate
func (s *Server) handleUserDeactivate(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	return s.setUserActive(w, r, u, false)
}

// POST /admin/users/{id}/activate
func (s *Server) handleUserActivate(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	return s.setUserActive(w, r, u, true)
}

func (s *Server) setUserActive(w http.ResponseWriter, r *http.Request, u *broadside.User, active bool) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Auth.SetActive(r.Context(), u, id, active); err != nil {
		if broadside.ErrorCode(err) == broadside.EFORBIDDEN && u.CanManageSite() {
			s.flash(w, r, broadside.ErrorMessage(err))
			redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10))
			return nil
		}
		return err
	}
	msg := "User reactivated: they can sign in again."
	if !active {
		msg = "User deactivated: they are signed out everywhere, their application passwords are revoked, and their posts stay."
	}
	s.flash(w, r, msg)
	redirect(w, r, "/admin/users")
	return nil
}

// GET /admin/users/{id}/delete
func (s *Server) handleUserDeleteConfirm(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderUserEdit(w, r, u, http.StatusOK, "admin/user_delete", id, &userEditData{})
}

// POST /admin/users/{id}/delete
func (s *Server) handleUserDelete(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	heir, _ := strconv.ParseInt(r.PostFormValue("reassign"), 10, 64)
	if err := s.Auth.DeleteUser(r.Context(), u, id, heir); err != nil {
		if c := broadside.ErrorCode(err); (c == broadside.EINVALID || c == broadside.EFORBIDDEN) && u.CanManageSite() {
			d := &userEditData{}
			d.formErr(err)
			return s.renderUserEdit(w, r, u, statusOf(err), "admin/user_delete", id, d)
		}
		return err
	}
	s.flash(w, r, "User deleted; their posts now belong to the user you chose.")
	redirect(w, r, "/admin/users")
	return nil
}

// POST /admin/users/invite
func (s *Server) handleUserInvite(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	f := r.PostForm
	d := &usersData{}
	d.Form.Role = string(broadside.RoleAuthor)
	d.Invite.Email = strings.TrimSpace(f.Get("invite_email"))
	d.Invite.DisplayName = strings.TrimSpace(f.Get("invite_display_name"))
	d.Invite.Role = f.Get("invite_role")
	nu := &broadside.User{Email: d.Invite.Email, DisplayName: d.Invite.DisplayName, Role: broadside.Role(d.Invite.Role)}
	if err := s.Auth.InviteUser(r.Context(), u, nu); err != nil {
		err = conflictField(err, "email", map[string]string{"login": "login"})
		if statusOf(err) >= 500 {
			return err
		}
		d.formErr(err)
		d.Errors = prefixFields(d.Errors, "invite_")
		return s.renderUsers(w, r, u, statusOf(err), d)
	}
	s.flash(w, r, "Invitation sent to "+nu.Email+". The link works once, within 7 days.")
	redirect(w, r, "/admin/users")
	return nil
}

func prefixFields(m map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[prefix+k] = v
	}
	return out
}
