package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
)

// adminHeaders keeps admin pages out of caches and search engines.
func adminHeaders(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
}

// adminOpen wraps the pages reachable without signing in (login, setup, logout).
// An error is answered as on the public site (fail): the visitor is not signed in.
func (s *Server) adminOpen(h handler) http.HandlerFunc {
	pub := s.public(h)
	return func(w http.ResponseWriter, r *http.Request) {
		adminHeaders(w)
		pub(w, r)
	}
}

// adminAuth wraps the pages that need a signed-in user; strangers are sent to the login page
// and come back where they were going. An error is answered inside the admin (adminFail).
func (s *Server) adminAuth(h adminHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		adminHeaders(w)
		u := currentUser(r)
		if err := sessionUnavailable(r); u == nil && err != nil {
			s.adminFail(w, r, err)
			return
		}
		if u == nil {
			next := "/admin/"
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				next = r.URL.RequestURI()
			}
			redirect(w, r, "/admin/login?next="+url.QueryEscape(safeNext(next)))
			return
		}
		if s.mustEnrol(r, u) {
			redirect(w, r, twoFactorPath)
			return
		}
		if err := h(w, r, u); err != nil {
			s.adminFail(w, r, err)
		}
	}
}

// safeNext returns next when it is a path on this site, and /admin/ otherwise, so a crafted
// login link cannot send someone to another site after they sign in.
func safeNext(next string) string {
	const def = "/admin/"
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return def
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return def
	}
	return next
}

// safeReturn is safeNext for the "return" field of admin forms: it must stay in the admin.
func safeReturn(ret, def string) string {
	if n := safeNext(ret); n == ret && strings.HasPrefix(n, "/admin/") {
		return n
	}
	return def
}

// adminPage is the part of every admin page's data the layout needs.
type adminPage struct {
	Section       string
	Pending       int
	FlashLink     string
	FlashLinkText string
	// Message is a form-level error; Errors are per-field messages keyed by input name.
	Message string
	Errors  map[string]string
}

// flashSep separates a flash message from an optional link text and URL.
const flashSep = "\x1f"

// flashLink sets a flash message with a link ("Post published. View post").
func (s *Server) flashLink(w http.ResponseWriter, r *http.Request, msg, linkText, href string) {
	s.flash(w, r, msg+flashSep+linkText+flashSep+href)
}

// adminView starts an admin page: the common view, the flash message and its link, and the
// count of comments awaiting moderation for the nav badge.
func (s *Server) adminView(w http.ResponseWriter, r *http.Request, section, title string) (*view, adminPage) {
	v := s.baseView(r, nil)
	v.Title = title
	v.Robots = "noindex, nofollow"
	ap := adminPage{Section: section}
	if f := s.takeFlash(w, r); f != "" {
		parts := strings.SplitN(f, flashSep, 3)
		v.Flash = parts[0]
		if len(parts) == 3 && safeNext(parts[2]) == parts[2] {
			ap.FlashLinkText, ap.FlashLink = parts[1], parts[2]
		}
	}
	if u := currentUser(r); u.CanModerate() {
		if counts, err := s.Comments.Counts(r.Context()); err == nil {
			ap.Pending = counts[broadside.CommentPending]
		}
	}
	return v, ap
}

// formErr fills the page's error fields from err.
func (ap *adminPage) formErr(err error) {
	ap.Message = broadside.ErrorMessage(err)
	ap.Errors = broadside.ErrorFields(err)
}

// adminFail shows an error inside the admin layout for signed-in users.
func (s *Server) adminFail(w http.ResponseWriter, r *http.Request, err error) {
	status := s.failStatus(w, r, err, "admin request failed")
	if currentUser(r) == nil {
		s.renderError(w, r, status, broadside.ErrorMessage(err))
		return
	}
	adminHeaders(w)
	v, ap := s.adminView(w, r, "", http.StatusText(status))
	v.Data = struct {
		adminPage
		Status    int
		Text      string
		RequestID string
	}{ap, status, broadside.ErrorMessage(err), requestID(r)}
	s.page(w, r, status, "admin/error", v)
}

// forbidden is the 403 page for a signed-in user without the needed role.
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, msg string) {
	s.adminFail(w, r, errForbidden(msg))
}

// errForbidden is what an admin handler returns when the user lacks the needed role.
func errForbidden(msg string) error {
	return broadside.Errorf(broadside.EFORBIDDEN, "%s", msg)
}

const (
	msgNeedModerate = "Only editors and administrators can do that."
	msgNeedAdmin    = "Only administrators can change the site's settings and users."
)

// loadForModerator loads the object named by the {id} path segment for an editor or
// administrator.
func loadForModerator[T any](r *http.Request, u *broadside.User, get func(context.Context, int64) (*T, error)) (*T, error) {
	if !u.CanModerate() {
		return nil, errForbidden(msgNeedModerate)
	}
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return get(r.Context(), id)
}

// pathID reads the {id} path value; a malformed id is simply not found.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, broadside.Errorf(broadside.ENOTFOUND, "Not found.")
	}
	return id, nil
}

// pageParam reads ?page=N (1 when missing or malformed).
func pageParam(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 || n > 1_000_000 {
		return 1
	}
	return n
}

// adminPager links the neighbouring pages of a list, keeping the other query parameters.
func adminPager(r *http.Request, page, total, per int) pager {
	pages := max(1, (total+per-1)/per)
	pg := pager{Page: page, Pages: pages}
	at := func(n int) string {
		q := r.URL.Query()
		q.Del("page")
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		if e := q.Encode(); e != "" {
			return r.URL.Path + "?" + e
		}
		return r.URL.Path
	}
	if page > 1 {
		pg.Prev = at(page - 1)
	}
	if page < pages {
		pg.Next = at(page + 1)
	}
	return pg
}

// countPosts returns how many posts of typ match statuses (all when empty).
func (s *Server) countPosts(r *http.Request, f broadside.PostFilter) int {
	f.Limit = 1
	_, n, err := s.Posts.List(r.Context(), f)
	if err != nil {
		s.Log.Warn("count posts failed", "request_id", requestID(r), "err", err)
	}
	return n
}
