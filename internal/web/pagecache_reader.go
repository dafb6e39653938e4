package web

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
)

// A returning commenter (the bs_commenter cookie, nothing else personal) sees the anonymous
// page with their name, e-mail and website filled into the comment form and a stamp of their
// own. Rendering the whole page for them cost about 50 times the cached page (issue 11), so
// they get the cached page with those few values written into it: the form still works
// without JavaScript, and the rest of the page is byte for byte what everyone gets.

// formMarks are offsets in a cached page's body where a commenter's details go: inside the
// empty value="" of the author, email and url inputs, after the remember box's value="yes",
// and the span of the shared form stamp. ok is false for a page without exactly one form.
type formMarks struct {
	ok                        bool
	author, email, url, check int
	stampFrom, stampTo        int
	postID                    int64
}

// The markup findFormMarks looks for, as the "commentform" template writes it for an
// anonymous reader.
var (
	markAuthor = []byte(`<input id="author" name="author" type="text" value="`)
	markEmail  = []byte(`<input id="email" name="email" type="email" value="`)
	markURL    = []byte(`<input id="url" name="url" type="url" value="`)
	markCheck  = []byte(`<input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes"`)
	markPost   = []byte(`<input type="hidden" name="comment_post_ID" value="`)
	markStamp  = []byte(`<input type="hidden" name="ts" value="`)
)

// findFormMarks locates the comment form's fields in body.
func findFormMarks(body []byte) formMarks {
	var m formMarks
	at := func(mark []byte, from int) int {
		i := bytes.Index(body[from:], mark)
		if i < 0 || bytes.Contains(body[from+i+len(mark):], mark) {
			return -1 // missing, or more than one form: leave the page alone
		}
		return from + i + len(mark)
	}
	if m.author = at(markAuthor, 0); m.author < 0 {
		return formMarks{}
	}
	if m.email = at(markEmail, m.author); m.email < 0 {
		return formMarks{}
	}
	if m.url = at(markURL, m.email); m.url < 0 {
		return formMarks{}
	}
	if m.check = at(markCheck, m.url); m.check < 0 || bytes.HasPrefix(body[m.check:], []byte(" checked")) {
		return formMarks{}
	}
	for _, i := range []int{m.author, m.email, m.url} {
		if body[i] != '"' { // prefilled: not the anonymous form
			return formMarks{}
		}
	}
	post := at(markPost, m.check)
	if post < 0 {
		return formMarks{}
	}
	end := bytes.IndexByte(body[post:], '"')
	id, err := strconv.ParseInt(string(body[post:post+max(end, 0)]), 10, 64)
	if end < 0 || err != nil {
		return formMarks{}
	}
	m.postID = id
	if m.stampFrom = at(markStamp, post); m.stampFrom < 0 {
		return formMarks{}
	}
	end = bytes.IndexByte(body[m.stampFrom:], '"')
	if end < 0 {
		return formMarks{}
	}
	m.stampTo = m.stampFrom + end
	m.ok = true
	return m
}

// serveCommenter answers r, which would be cacheable but for its commenter cookie, from the
// cached anonymous page with the commenter's details written in. It reports false, having
// written nothing, when that page is not one with a comment form.
func (s *Server) serveCommenter(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) bool {
	e, _, _ := s.cachedPage(withoutCookie(r, cookieCommenter), h)
	if e == nil || !e.form.ok {
		return false
	}
	m := e.form
	ck := s.readCommenter(r)
	var name, email, url string
	remember := ck.Name != "" || ck.Email != "" // as renderPost prefills the form
	if remember {
		name, email, url = template.HTMLEscapeString(ck.Name), template.HTMLEscapeString(ck.Email), template.HTMLEscapeString(ck.URL)
	}
	stamp := template.HTMLEscapeString(s.Comments.Stamp(m.postID, false)) // one-time, as for any uncached form
	checked := ""
	if remember {
		checked = " checked"
	}
	writePieces(w, r, e,
		e.body[:m.author], []byte(name),
		e.body[m.author:m.email], []byte(email),
		e.body[m.email:m.url], []byte(url),
		e.body[m.url:m.check], []byte(checked),
		e.body[m.check:m.stampFrom], []byte(stamp),
		e.body[m.stampTo:])
	return true
}

// writePieces writes a kept page, e's status and headers and the body given as parts (e's
// body with values for this reader written between them), as private to this request. The
// page is written in pieces, never copied whole: on a long discussion it is hundreds of
// kilobytes, and copying it was most of the cost.
func writePieces(w http.ResponseWriter, r *http.Request, e *cachedPage, parts ...[]byte) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	hd := w.Header()
	for k, v := range e.header {
		hd[k] = v
	}
	hd.Set("Cache-Control", "private, no-cache")
	hd.Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(e.status)
	if r.Method == http.MethodHead {
		return
	}
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return
		}
	}
}

// withoutCookie returns a shallow copy of r whose Cookie header lacks the cookie named.
func withoutCookie(r *http.Request, name string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	r2.Header = r.Header.Clone()
	r2.Header.Del("Cookie")
	for _, c := range r.Cookies() {
		if c.Name != name {
			r2.AddCookie(c)
		}
	}
	return r2
}
