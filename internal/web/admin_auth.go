package web

import (
	"net/http"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
)

// loginData is the sign-in form.
type loginData struct {
	adminPage
	Email      string
	Next       string
	NeedsSetup bool
}

// GET /admin/login
func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if currentUser(r) != nil {
		redirect(w, r, next)
		return
	}
	s.renderLogin(w, r, http.StatusOK, &loginData{Next: next})
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, d *loginData) {
	v, ap := s.adminView(w, r, "login", "Sign in")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	if need, err := s.Auth.NeedsSetup(r.Context()); err == nil {
		d.NeedsSetup = need
	}
	v.Data = d
	s.page(w, r, status, "admin/login", v)
}

// POST /admin/login
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The form could not be read.")
		return
	}
	d := &loginData{Email: strings.TrimSpace(r.PostForm.Get("email")), Next: safeNext(r.PostForm.Get("next"))}
	tok, _, err := s.Auth.Login(r.Context(), d.Email, r.PostForm.Get("password"), ClientIP(r))
	if err != nil {
		status := statusOf(err)
		if status >= 500 {
			s.Log.Error("login failed", "request_id", requestID(r), "err", err)
		}
		d.adminPage.formErr(err)
		s.renderLogin(w, r, status, d)
		return
	}
	s.setCookie(w, r, cookieSession, tok, auth.SessionTTL)
	redirect(w, r, d.Next)
}

// POST /admin/logout
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(cookieSession); err == nil {
		if err := s.Auth.Logout(r.Context(), ck.Value); err != nil {
			s.Log.Error("logout failed", "request_id", requestID(r), "err", err)
		}
	}
	s.setCookie(w, r, cookieSession, "", -1)
	s.flash(w, r, "You have signed out.")
	redirect(w, r, "/admin/login")
}

// setupData is the first-administrator form.
type setupData struct {
	adminPage
	Token, Email, DisplayName, Login string
}

// GET /admin/setup?token=…
func (s *Server) handleSetupForm(w http.ResponseWriter, r *http.Request) {
	need, err := s.Auth.NeedsSetup(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !need {
		s.flash(w, r, "This site is already set up. Sign in instead.")
		redirect(w, r, "/admin/login")
		return
	}
	s.renderSetup(w, r, http.StatusOK, &setupData{Token: r.URL.Query().Get("token")})
}

func (s *Server) renderSetup(w http.ResponseWriter, r *http.Request, status int, d *setupData) {
	v, ap := s.adminView(w, r, "setup", "Set up your site")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	v.Data = d
	s.page(w, r, status, "admin/setup", v)
}

// POST /admin/setup
func (s *Server) handleSetup(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The form could not be read.")
		return
	}
	f := r.PostForm
	d := &setupData{Token: f.Get("token"), Email: strings.TrimSpace(f.Get("email")),
		DisplayName: strings.TrimSpace(f.Get("display_name")), Login: strings.TrimSpace(f.Get("login"))}
	need, err := s.Auth.NeedsSetup(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !need {
		s.flash(w, r, "This site is already set up. Sign in instead.")
		redirect(w, r, "/admin/login")
		return
	}
	u := &broadside.User{Email: d.Email, DisplayName: d.DisplayName, Login: d.Login}
	tok, err := s.Auth.CompleteSetup(r.Context(), d.Token, u, f.Get("password"))
	if err != nil {
		status := statusOf(err)
		if status >= 500 {
			s.Log.Error("setup failed", "request_id", requestID(r), "err", err)
		}
		d.adminPage.formErr(err)
		s.renderSetup(w, r, status, d)
		return
	}
	s.Log.Info("site set up", "user_id", u.ID, "ip", ClientIP(r))
	s.setCookie(w, r, cookieSession, tok, auth.SessionTTL)
	s.flash(w, r, "Welcome to Broadside! Your administrator account is ready.")
	redirect(w, r, "/admin/")
}
