package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
	"github.com/broadside/broadside/internal/wpapi"
)

// Application Passwords on the profile page: the signed-in user creates one per API client
// (the secret is shown once, in the answer to the POST, never stored or sent again) and
// revokes them. Every user manages only their own.

// appPasswordRow is one application password in the profile's table.
type appPasswordRow struct {
	UUID, Name, Created, LastUsed, LastIP string
}

// appPasswordsData is the application-passwords part of the profile page.
type appPasswordsData struct {
	APIRoot            string
	AppPasswords       []appPasswordRow
	AppPasswordName    string // the name field of the form
	NewAppPassword     string // the secret just created, shown once
	NewAppPasswordName string
}

// loadAppPasswords fills d with the signed-in user's application passwords. A GET may name
// the client to create one for (?app_name=, as WordPress's authorization links do).
func (s *Server) loadAppPasswords(r *http.Request, st *site, d *appPasswordsData) {
	u := currentUser(r)
	d.APIRoot = st.Base + wpapi.Prefix + "/"
	if r.Method == http.MethodGet && d.AppPasswordName == "" {
		if n := strings.TrimSpace(r.URL.Query().Get("app_name")); utf8.RuneCountInString(n) <= auth.MaxAppPasswordName {
			d.AppPasswordName = n
		}
	}
	if s.AppPasswords == nil || u == nil {
		return
	}
	list, err := s.AppPasswords.List(r.Context(), u)
	if err != nil {
		s.Log.Error("listing application passwords failed", "request_id", requestID(r), "err", err)
		return
	}
	for _, p := range list {
		row := appPasswordRow{UUID: p.UUID, Name: p.Name, Created: formatDateTime(st.Local(p.CreatedAt)), LastIP: p.LastIP}
		if !p.LastUsedAt.IsZero() {
			row.LastUsed = formatDateTime(st.Local(p.LastUsedAt))
		}
		d.AppPasswords = append(d.AppPasswords, row)
	}
}

// POST /admin/profile/app-passwords
func (s *Server) handleAppPasswordCreate(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	if s.AppPasswords == nil {
		return broadside.Errorf(broadside.EFORBIDDEN, "Application passwords are not available on this site.")
	}
	d := &profileData{DisplayName: u.DisplayName}
	name := strings.TrimSpace(r.PostForm.Get("app_password_name"))
	secret, p, err := s.AppPasswords.Create(r.Context(), u, name)
	if err != nil {
		if statusOf(err) >= 500 {
			return err
		}
		d.AppPasswordName = name
		d.formErr(err)
		s.renderProfile(w, r, statusOf(err), d)
		return nil
	}
	// Answered directly rather than redirected: the secret must not travel through a
	// cookie or a URL, and reloading this page must not show it again.
	d.NewAppPassword, d.NewAppPasswordName = secret, p.Name
	s.renderProfile(w, r, http.StatusOK, d)
	return nil
}

// POST /admin/profile/app-passwords/{uuid}/revoke
func (s *Server) handleAppPasswordRevoke(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if s.AppPasswords == nil {
		return broadside.Errorf(broadside.ENOTFOUND, "Application password not found.")
	}
	uuid := r.PathValue("uuid")
	name := ""
	if list, err := s.AppPasswords.List(r.Context(), u); err == nil {
		for _, p := range list {
			if p.UUID == uuid {
				name = p.Name
			}
		}
	}
	if err := s.AppPasswords.Revoke(r.Context(), u, uuid); err != nil {
		return err
	}
	s.flash(w, r, "Application password “"+name+"” revoked. Programs using it can no longer sign in.")
	redirect(w, r, "/admin/profile#app-passwords")
	return nil
}
