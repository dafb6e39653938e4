package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
)

// loginData is the sign-in form.
type loginData struct {
	adminPage
	Email      string
	LinkEmail  string // the "Email me a sign-in link" form
	ResetEmail string // the "Forgot your password?" form
	Next       string
	NeedsSetup bool
}

// GET /admin/login
func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if currentUser(r) != nil {
		redirect(w, r, next)
		return nil
	}
	s.renderLogin(w, r, http.StatusOK, &loginData{Next: next})
	return nil
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
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The form could not be read.")
		return nil
	}
	d := &loginData{Email: strings.TrimSpace(r.PostForm.Get("email")), Next: safeNext(r.PostForm.Get("next"))}
	c := auth.Credentials{Email: d.Email, Password: r.PostForm.Get("password"), IP: ClientIP(r)}
	if ck, err := r.Cookie(cookieDevice); err == nil {
		c.Device = ck.Value
	}
	in, err := s.Auth.SignIn(r.Context(), c)
	if err != nil {
		s.loginFailed(w, r, d, err)
		return nil
	}
	s.finishSignIn(w, r, in, d.Next, "")
	return nil
}

// loginFailed shows the sign-in form again with what went wrong and what to do next.
func (s *Server) loginFailed(w http.ResponseWriter, r *http.Request, d *loginData, err error) {
	status := statusOf(err)
	if status >= 500 {
		s.Log.Error("login failed", "request_id", requestID(r), "err", err)
	}
	if after := broadside.RetryAfter(err); after > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(after.Seconds())))
	}
	d.adminPage.formErr(err)
	if d.LinkEmail == "" {
		d.LinkEmail = d.Email
	}
	s.renderLogin(w, r, status, d)
}

// signedIn sets the session cookie and, for a browser signing in for the first time, its
// known-device cookie.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request, in *auth.SignedIn) {
	s.setCookie(w, r, cookieSession, in.Session, auth.SessionTTL)
	if in.Device != "" {
		s.setCookie(w, r, cookieDevice, in.Device, auth.DeviceTTL)
	}
}

// POST /admin/login/email
func (s *Server) handleLoginLinkRequest(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The form could not be read.")
		return nil
	}
	d := &loginData{LinkEmail: strings.TrimSpace(r.PostForm.Get("link_email"))}
	if err := s.Auth.RequestSignInLink(r.Context(), d.LinkEmail, ClientIP(r)); err != nil {
		d.Email = d.LinkEmail
		s.loginFailed(w, r, d, err)
		return nil
	}
	s.flash(w, r, auth.MsgLinkSent)
	redirect(w, r, "/admin/login")
	return nil
}

// loginLinkData is the page an emailed sign-in link opens: a button, so that mail scanners
// fetching the link do not use it up.
type loginLinkData struct {
	adminPage
	Token string
}

// GET /admin/login/link?t=…
func (s *Server) handleLoginLinkPage(w http.ResponseWriter, r *http.Request) error {
	v, ap := s.adminView(w, r, "login", "Sign in")
	v.Data = &loginLinkData{adminPage: ap, Token: r.URL.Query().Get("t")}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.page(w, r, http.StatusOK, "admin/login_link", v)
	return nil
}

// POST /admin/login/link
func (s *Server) handleLoginLink(w http.ResponseWriter, r *http.Request) error {
	in, err := s.Auth.CompleteSignInLink(r.Context(), r.PostFormValue("t"))
	if err != nil {
		s.loginFailed(w, r, &loginData{}, err)
		return nil
	}
	s.finishSignIn(w, r, in, "/admin/", "You are signed in. This browser can now sign in with your password, even while others are guessing at it.")
	return nil
}

// POST /admin/logout
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if ck, err := r.Cookie(cookieSession); err == nil {
		if err := s.Auth.Logout(r.Context(), ck.Value); err != nil {
			s.Log.Error("logout failed", "request_id", requestID(r), "err", err)
		}
	}
	s.setCookie(w, r, cookieSession, "", -1)
	s.flash(w, r, "You have signed out.")
	redirect(w, r, "/admin/login")
	return nil
}

// setupData is the first-administrator form.
type setupData struct {
	adminPage
	Token, Email, DisplayName, Login string
}

// GET /admin/setup?token=…
func (s *Server) handleSetupForm(w http.ResponseWriter, r *http.Request) error {
	need, err := s.Auth.NeedsSetup(r.Context())
	if err != nil {
		return err
	}
	if !need {
		s.flash(w, r, "This site is already set up. Sign in instead.")
		redirect(w, r, "/admin/login")
		return nil
	}
	s.renderSetup(w, r, http.StatusOK, &setupData{Token: r.URL.Query().Get("token")})
	return nil
}

func (s *Server) renderSetup(w http.ResponseWriter, r *http.Request, status int, d *setupData) {
	v, ap := s.adminView(w, r, "setup", "Set up your site")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	v.Data = d
	s.page(w, r, status, "admin/setup", v)
}

// POST /admin/setup
func (s *Server) handleSetup(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The form could not be read.")
		return nil
	}
	f := r.PostForm
	d := &setupData{Token: f.Get("token"), Email: strings.TrimSpace(f.Get("email")),
		DisplayName: strings.TrimSpace(f.Get("display_name")), Login: strings.TrimSpace(f.Get("login"))}
	need, err := s.Auth.NeedsSetup(r.Context())
	if err != nil {
		return err
	}
	if !need {
		s.flash(w, r, "This site is already set up. Sign in instead.")
		redirect(w, r, "/admin/login")
		return nil
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
		return nil
	}
	s.Log.Info("site set up", "user_id", u.ID, "ip", ClientIP(r))
	s.setCookie(w, r, cookieSession, tok, auth.SessionTTL)
	s.flash(w, r, "Welcome to Broadside! Your administrator account is ready.")
	redirect(w, r, "/admin/")
	return nil
}
