package web

import (
	"net/http"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
)

// "Forgot your password?" and the page an invitation or reset link opens. The rules (limits,
// never saying whether an address has an account, single use, expiry) are auth.Service's.

// POST /admin/login/reset
func (s *Server) handlePasswordResetRequest(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The form could not be read.")
		return nil
	}
	d := &loginData{ResetEmail: strings.TrimSpace(r.PostForm.Get("reset_email"))}
	if err := s.Auth.RequestPasswordReset(r.Context(), d.ResetEmail, ClientIP(r)); err != nil {
		s.loginFailed(w, r, d, err)
		return nil
	}
	s.flash(w, r, auth.MsgResetSent)
	redirect(w, r, "/admin/login")
	return nil
}

// passwordData is the form that sets a password from an emailed link.
type passwordData struct {
	adminPage
	Token string
	Valid bool
}

func (s *Server) renderPassword(w http.ResponseWriter, r *http.Request, status int, d *passwordData) {
	v, ap := s.adminView(w, r, "login", "Choose a password")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	v.Data = d
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.page(w, r, status, "admin/password", v)
}

// GET /admin/password?t=…
func (s *Server) handlePasswordForm(w http.ResponseWriter, r *http.Request) error {
	d := &passwordData{Token: r.URL.Query().Get("t"), Valid: true}
	status := http.StatusOK
	if err := s.Auth.CheckPasswordLink(r.Context(), d.Token); err != nil {
		if statusOf(err) >= 500 {
			return err
		}
		d.Valid = false
		d.formErr(err)
		status = statusOf(err)
	}
	s.renderPassword(w, r, status, d)
	return nil
}

// POST /admin/password
func (s *Server) handlePasswordSet(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The form could not be read.")
		return nil
	}
	f := r.PostForm
	d := &passwordData{Token: f.Get("t"), Valid: true}
	if f.Get("password") != f.Get("confirm_password") {
		d.Message = "Please correct the highlighted fields."
		d.Errors = map[string]string{"confirm_password": "The two passwords do not match."}
		s.renderPassword(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	in, err := s.Auth.CompletePasswordLink(r.Context(), d.Token, f.Get("password"))
	if err != nil {
		if statusOf(err) >= 500 {
			return err
		}
		d.Valid = broadside.ErrorCode(err) == broadside.EINVALID
		d.formErr(err)
		s.renderPassword(w, r, statusOf(err), d)
		return nil
	}
	s.finishSignIn(w, r, in, "/admin/", "Your password is set. Welcome!")
	return nil
}
