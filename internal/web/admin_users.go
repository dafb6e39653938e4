package web

import (
	"net/http"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
)

// userRow is one user in the users table.
type userRow struct {
	broadside.User
	Joined string
	IsMe   bool
	Posts  int
}

// usersData is the users screen: the list and the add-user form.
type usersData struct {
	adminPage
	Users []userRow
	Roles []broadside.Role
	Form  struct{ Email, DisplayName, Login, Role string }
	// Invite is the invitation form (admin_people.go).
	Invite struct{ Email, DisplayName, Role string }
}

// GET /admin/users
func (s *Server) handleUserList(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	d := &usersData{}
	d.Form.Role = string(broadside.RoleAuthor)
	d.Invite.Role = string(broadside.RoleAuthor)
	return s.renderUsers(w, r, u, http.StatusOK, d)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, me *broadside.User, status int, d *usersData) error {
	users, err := s.Users.List(r.Context())
	if err != nil {
		return err
	}
	counts, err := s.Users.PostCounts(r.Context())
	if err != nil {
		return err
	}
	v, ap := s.adminView(w, r, "users", "Users")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	for _, x := range users {
		d.Users = append(d.Users, userRow{User: x, Joined: formatDate(v.Site.Local(x.CreatedAt)), IsMe: x.ID == me.ID, Posts: counts[x.ID]})
	}
	d.Roles = broadside.Roles
	v.Data = d
	s.page(w, r, status, "admin/users", v)
	return nil
}

// POST /admin/users
func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	f := r.PostForm
	d := &usersData{}
	d.Form.Email = strings.TrimSpace(f.Get("email"))
	d.Form.DisplayName = strings.TrimSpace(f.Get("display_name"))
	d.Form.Login = strings.TrimSpace(f.Get("login"))
	d.Form.Role = f.Get("role")
	nu := &broadside.User{Email: d.Form.Email, DisplayName: d.Form.DisplayName, Login: d.Form.Login,
		Role: broadside.Role(d.Form.Role)}
	if err := s.Auth.AddUser(r.Context(), u, nu, f.Get("password")); err != nil {
		err = conflictField(err, "email", map[string]string{"login": "login"})
		if statusOf(err) >= 500 {
			return err
		}
		d.formErr(err)
		return s.renderUsers(w, r, u, http.StatusUnprocessableEntity, d)
	}
	s.flash(w, r, "User "+nu.Name()+" added.")
	redirect(w, r, "/admin/users")
	return nil
}

// conflictField turns a store conflict (a unique field already taken) into a field error of
// a form: the field named by the first key found in the message, or def.
func conflictField(err error, def string, byWord map[string]string) error {
	if broadside.ErrorCode(err) != broadside.ECONFLICT {
		return err
	}
	msg := broadside.ErrorMessage(err)
	field := def
	for word, f := range byWord {
		if strings.Contains(strings.ToLower(msg), word) {
			field = f
		}
	}
	return &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
		Fields: map[string]string{field: msg}}
}

// profileData is the signed-in user's own profile form, with their Application Passwords
// (admin_apppasswords.go).
type profileData struct {
	adminPage
	DisplayName string
	appPasswordsData
}

// GET /admin/profile
func (s *Server) handleProfileForm(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	s.renderProfile(w, r, http.StatusOK, &profileData{DisplayName: u.DisplayName})
	return nil
}

func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, status int, d *profileData) {
	v, ap := s.adminView(w, r, "profile", "Your profile")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	s.loadAppPasswords(r, v.Site, &d.appPasswordsData)
	v.Data = d
	s.page(w, r, status, "admin/profile", v)
}

// POST /admin/profile
func (s *Server) handleProfileSave(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	f := r.PostForm
	d := &profileData{DisplayName: strings.TrimSpace(f.Get("display_name"))}
	newPw := f.Get("new_password")
	if newPw != "" && newPw != f.Get("confirm_password") {
		d.Errors = map[string]string{"confirm_password": "The two new passwords do not match."}
		d.Message = "Please correct the highlighted fields."
		s.renderProfile(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	me := *u
	tok, err := s.Auth.UpdateProfile(r.Context(), &me, d.DisplayName, f.Get("current_password"), newPw)
	if err != nil {
		if statusOf(err) >= 500 {
			return err
		}
		d.formErr(err)
		s.renderProfile(w, r, statusOf(err), d)
		return nil
	}
	msg := "Profile updated."
	if tok != "" {
		// The password change ended every session, this one included; carry on in a new one.
		s.setCookie(w, r, cookieSession, tok, auth.SessionTTL)
		msg = "Password changed. You have been signed out everywhere else."
	}
	s.flash(w, r, msg)
	redirect(w, r, "/admin/profile")
	return nil
}
