package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
)

// Two-factor sign-in in the admin: the code step after the password (or an emailed link),
// and enrolment in the profile. The pending sign-in rides in its own short-lived cookie;
// it is not a session and opens nothing but the code form.

const (
	cookieTwoFactor = "bs_2fa"
	twoFactorPath   = "/admin/profile/two-factor"
)

// mustEnrol reports whether u must set up two-factor sign-in before using any admin page
// other than the enrolment page itself and signing out.
func (s *Server) mustEnrol(r *http.Request, u *broadside.User) bool {
	if strings.HasPrefix(r.URL.Path, twoFactorPath) || r.URL.Path == "/admin/logout" {
		return false
	}
	set, err := s.Settings.Load(r.Context())
	return err == nil && set.MustEnrolTwoFactor(u)
}

// finishSignIn completes a first factor: a session (with its cookies) and a redirect to
// next, or the code form when the user has two-factor sign-in.
func (s *Server) finishSignIn(w http.ResponseWriter, r *http.Request, in *auth.SignedIn, next, flash string) {
	if in.Pending != "" {
		s.setCookie(w, r, cookieTwoFactor, in.Pending, auth.TwoFactorTTL)
		redirect(w, r, "/admin/login/code?next="+url.QueryEscape(safeNext(next)))
		return
	}
	s.signedIn(w, r, in)
	if flash != "" {
		s.flash(w, r, flash)
	}
	redirect(w, r, safeNext(next))
}

// codeData is the two-factor code form.
type codeData struct {
	adminPage
	Next string
}

// GET /admin/login/code
func (s *Server) handleLoginCodeForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := r.Cookie(cookieTwoFactor); err != nil {
		redirect(w, r, "/admin/login")
		return nil
	}
	s.renderLoginCode(w, r, http.StatusOK, &codeData{Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

func (s *Server) renderLoginCode(w http.ResponseWriter, r *http.Request, status int, d *codeData) {
	v, ap := s.adminView(w, r, "login", "Two-factor sign-in")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	v.Data = d
	w.Header().Set("Cache-Control", "no-store")
	s.page(w, r, status, "admin/login_code", v)
}

// POST /admin/login/code
func (s *Server) handleLoginCode(w http.ResponseWriter, r *http.Request) error {
	d := &codeData{Next: safeNext(r.PostFormValue("next"))}
	pending := ""
	if ck, err := r.Cookie(cookieTwoFactor); err == nil {
		pending = ck.Value
	}
	device := ""
	if ck, err := r.Cookie(cookieDevice); err == nil {
		device = ck.Value
	}
	in, err := s.Auth.CompleteTwoFactor(r.Context(), pending, r.PostFormValue("code"), device, ClientIP(r))
	if err != nil {
		if statusOf(err) >= 500 {
			return err
		}
		if broadside.ErrorCode(err) == broadside.EUNAUTHORIZED {
			s.setCookie(w, r, cookieTwoFactor, "", -1)
			s.flash(w, r, broadside.ErrorMessage(err))
			redirect(w, r, "/admin/login")
			return nil
		}
		setRetryAfter(w, err)
		d.formErr(err)
		s.renderLoginCode(w, r, statusOf(err), d)
		return nil
	}
	s.setCookie(w, r, cookieTwoFactor, "", -1)
	s.signedIn(w, r, in)
	redirect(w, r, d.Next)
	return nil
}

// twoFactorData is the profile's two-factor page.
type twoFactorData struct {
	adminPage
	Enabled   bool
	CodesLeft int
	Enrol     *auth.Enrolment
	QR        template.URL // the enrolment's QR code as a data: URL, made by this server
	Recovery  []string     // shown once, right after confirming
	Required  bool
}

func (s *Server) renderTwoFactor(w http.ResponseWriter, r *http.Request, u *broadside.User, status int, d *twoFactorData) error {
	v, ap := s.adminView(w, r, "profile", "Two-factor sign-in")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	d.Enabled = u.TwoFactor
	d.Required = v.Site.MustEnrolTwoFactor(u)
	if u.TwoFactor {
		n, err := s.Auth.RecoveryCodesLeft(r.Context(), u)
		if err != nil {
			return err
		}
		d.CodesLeft = n
	} else if d.Enrol == nil {
		e, err := s.Auth.BeginTOTP(r.Context(), u, v.Site.Title)
		if err != nil {
			return err
		}
		d.Enrol = e
	}
	if d.Enrol != nil && strings.HasPrefix(d.Enrol.QRCode, "data:image/png;base64,") {
		d.QR = template.URL(d.Enrol.QRCode)
	}
	v.Data = d
	// The page shows a key or recovery codes: no cache may keep it.
	w.Header().Set("Cache-Control", "no-store")
	s.page(w, r, status, "admin/twofactor", v)
	return nil
}

// GET /admin/profile/two-factor
func (s *Server) handleTwoFactorForm(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	return s.renderTwoFactor(w, r, u, http.StatusOK, &twoFactorData{})
}

// POST /admin/profile/two-factor
func (s *Server) handleTwoFactorConfirm(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	me := *u
	codes, err := s.Auth.ConfirmTOTP(r.Context(), &me, r.PostFormValue("code"))
	if err != nil {
		if statusOf(err) >= 500 {
			return err
		}
		setRetryAfter(w, err)
		d := &twoFactorData{}
		d.formErr(err)
		return s.renderTwoFactor(w, r, &me, statusOf(err), d)
	}
	return s.renderTwoFactor(w, r, &me, http.StatusOK, &twoFactorData{Recovery: codes})
}

// POST /admin/profile/two-factor/disable
func (s *Server) handleTwoFactorDisable(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	me := *u
	if err := s.Auth.DisableTOTP(r.Context(), &me, r.PostFormValue("password"), r.PostFormValue("code")); err != nil {
		if statusOf(err) >= 500 {
			return err
		}
		setRetryAfter(w, err)
		d := &twoFactorData{}
		d.formErr(err)
		return s.renderTwoFactor(w, r, &me, statusOf(err), d)
	}
	s.flash(w, r, "Two-factor sign-in is off.")
	redirect(w, r, "/admin/profile")
	return nil
}
