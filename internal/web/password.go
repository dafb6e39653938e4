package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// Password-protected posts, as in WordPress: the page shows the title and a form; the body
// and the discussion appear only to a browser holding a cookie that proves it typed the
// post's password. The cookie is per post and signed over the current password, so changing
// the password locks everyone out again.

// cookiePostPassPrefix starts the name of each post's unlock cookie (bs_postpass_42).
const cookiePostPassPrefix = "bs_postpass_"

// postPassTTL is how long an unlocked post stays unlocked (WordPress: ten days).
const postPassTTL = 10 * 24 * time.Hour

func postPassCookie(id int64) string { return cookiePostPassPrefix + strconv.FormatInt(id, 10) }

// readerFor is the reader of r for broadside.Access on p: the signed-in user and subscriber,
// and p unlocked when the request carries a valid unlock cookie for it (checked by PassKey,
// the same check the comments service makes).
func (s *Server) readerFor(r *http.Request, p *broadside.Post) broadside.Reader {
	rd := readerOf(r)
	if ck, err := r.Cookie(postPassCookie(p.ID)); err == nil && p.Protected() {
		rd = s.PassKey.Unlock(rd, p, ck.Value, s.Now())
	}
	return rd
}

// postPassProof is the unlock cookie's value the request carries for p ("" for none), which
// a comment submission passes on for the comments service to check.
func postPassProof(r *http.Request, p *broadside.Post) string {
	if ck, err := r.Cookie(postPassCookie(p.ID)); err == nil {
		return ck.Value
	}
	return ""
}

// passwordForm is the state of a protected post's form.
type passwordForm struct {
	PostID int64
	Wrong  bool
}

// postPassGuesses is how many passwords one address may try on one post per 15 minutes.
const postPassGuesses = 10

// POST /post-password
// The form on a protected post: the right password sets the post's unlock cookie, and
// either way the reader goes back to the post (POST-redirect-GET).
func (s *Server) handlePostPassword(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The password form could not be read. Go back to the post and try again.")
		return nil
	}
	id, err := strconv.ParseInt(r.PostForm.Get("post_id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, http.StatusBadRequest, "The password form is missing the post it belongs to. Go back to the post and try again.")
		return nil
	}
	ctx := r.Context()
	p, err := s.Posts.Get(ctx, id)
	if err != nil || !p.CanRead(currentUser(r), s.Now()) || !p.Protected() {
		return errNotFound
	}
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	st.categories(ctx, s)
	to := st.PostPath(p)
	typed := r.PostForm.Get("post_password")
	// Post passwords are often short words: bound the guesses per reader and per post.
	if err := s.Auth.Throttle(ctx, "postpass:"+ClientIP(r)+":"+strconv.FormatInt(p.ID, 10), postPassGuesses, 15*time.Minute,
		"Too many password attempts for this post. Wait 15 minutes and try again."); err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(typed), []byte(p.Password)) != 1 {
		s.Log.Info("wrong post password", "request_id", requestID(r), "post_id", p.ID, "ip", ClientIP(r))
		redirect(w, r, to+"?"+url.Values{"postpass": {"wrong"}}.Encode())
		return nil
	}
	s.setCookie(w, r, postPassCookie(p.ID), s.PassKey.Proof(p, s.Now().Add(postPassTTL)), postPassTTL)
	redirect(w, r, to)
	return nil
}

// hasPostPassCookie reports whether r carries any unlock cookie: such requests are not
// answered from, nor stored in, the shared page cache.
func hasPostPassCookie(r *http.Request) bool {
	for _, c := range r.Cookies() {
		if strings.HasPrefix(c.Name, cookiePostPassPrefix) {
			return true
		}
	}
	return false
}
