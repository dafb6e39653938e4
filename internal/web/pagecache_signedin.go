package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Signed-in readers (an editor's session, a subscriber's sign-in) see pages that differ from
// the anonymous one only in what belongs to them: their name, the full text of a
// subscriber-only post, the dashboard link. Rendering the whole page for each of their
// requests cost 10-50 times the cached page (issue 11, goal 1), while the parts that cost
// most (the discussion, the post's Markdown, the menu) are already shared
// (post_discussion.go). So the page a signed-in reader got is kept for that same reader,
// under a key made of everything that identifies them to the page, and purged with the
// anonymous pages (the same cache tags and version, which every change on every node bumps).
// The one value that must differ per request, the comment form's one-time stamp, is written
// fresh into the kept page each time.
//
// Keeping per reader, not per access level, makes "no reader sees another's page" true by
// construction: two readers never share a key. It costs memory per reader, bounded by
// readerShare of the cache.

// readerShare is the part of the page cache's bytes that signed-in readers' pages may use;
// past it they are all dropped (the anonymous pages are not touched).
const readerShare = 4

// signedInKey returns the key of r's page in the signed-in readers' cache, or "" when r may
// not be answered from it: not a plain GET, a query string that changes the page, any
// personal cookie besides the session's and the subscriber's (held comments, a flash message,
// a remembered commenter, an unlocked password), or a sign-in that did not resolve.
func signedInKey(r *http.Request) string {
	if !cacheableBut(r, cookieSession, cookieReader) || sessionUnavailable(r) != nil {
		return ""
	}
	u, sub := currentUser(r), currentReader(r)
	// A cookie that did not prove anyone (expired, revoked) renders the page as for nobody;
	// that reader is not kept here (the anonymous cache does not take them either).
	if _, err := r.Cookie(cookieSession); (err == nil) != (u != nil) {
		return ""
	}
	if _, err := r.Cookie(cookieReader); (err == nil) != (sub != nil) {
		return ""
	}
	if u == nil && sub == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(r.Host)
	b.WriteString(r.URL.Path)
	if u != nil {
		// Everything of the user a page may show or decide by; a change to any of them is
		// a new key.
		b.WriteString("\x00u\x00" + strconv.FormatInt(u.ID, 10) + "\x00" + string(u.Role) + "\x00" + u.Name() +
			"\x00" + u.Email + "\x00" + u.Login + "\x00" + strconv.FormatBool(u.Active()))
	}
	if sub != nil {
		b.WriteString("\x00s\x00" + strconv.FormatInt(sub.ID, 10) + "\x00" + sub.Email + "\x00" + sub.Name +
			"\x00" + string(sub.Status) + "\x00" + strconv.FormatBool(sub.Supporter) + "\x00" +
			sub.UpdatedAt.UTC().Format(time.RFC3339Nano))
	}
	return b.String()
}

// serveSignedIn answers r from the page kept for its signed-in reader, or renders it with h
// and keeps it. It reports false, having written nothing, when r is not a signed-in reader's
// plain GET (signedInKey).
func (s *Server) serveSignedIn(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) bool {
	key := signedInKey(r)
	if key == "" {
		return false
	}
	c := s.Cache
	if e := c.getReader(key); e != nil {
		c.count(cacheHit)
		w.Header().Set("X-Cache", cacheHit)
		s.writeReaderPage(w, r, e)
		return true
	}
	gen, seq := c.version() // read before the render: a purge after it makes this render stale
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	tags := &pageTags{}
	h(rec, r.WithContext(context.WithValue(r.Context(), pageTagsKey{}, tags)))
	c.count(cacheMiss)
	body := rec.body.Bytes()
	// Kept only when nothing in the answer is for this request alone: a cookie set, a page
	// the handler marked private to this request (an unlocked password-protected post), or a
	// comment form whose stamp cannot be found to be replaced.
	if rec.status == http.StatusOK && r.Method == http.MethodGet && len(rec.header.Values("Set-Cookie")) == 0 &&
		!strings.Contains(rec.header.Get("Cache-Control"), "no-store") {
		if m, keep := findStamp(body); keep {
			c.putReader(key, &cachedPage{status: rec.status, header: rec.header, body: kept(body),
				expires: c.Now().Add(c.TTL), gen: gen, seq: seq, tags: tags.list(), form: m})
		}
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.Header().Set("X-Cache", cacheMiss)
	w.WriteHeader(rec.status)
	_, _ = w.Write(body)
	return true
}

// findStamp returns the comment form's post id and the span of its stamp (the ts value after
// the form's comment_post_ID) in body, m.ok false when the page has no comment form. keep is
// false when the page has more than one, or its post id or stamp is not where the form
// template writes it.
func findStamp(body []byte) (m formMarks, keep bool) {
	i := bytes.Index(body, markPost)
	if i < 0 {
		return formMarks{}, true
	}
	post := i + len(markPost)
	if bytes.Contains(body[post:], markPost) {
		return formMarks{}, false
	}
	end := bytes.IndexByte(body[post:], '"')
	if end < 0 {
		return formMarks{}, false
	}
	id, err := strconv.ParseInt(string(body[post:post+end]), 10, 64)
	if err != nil {
		return formMarks{}, false
	}
	j := bytes.Index(body[i:], markStamp)
	if j < 0 {
		return formMarks{}, false
	}
	from := i + j + len(markStamp)
	if end = bytes.IndexByte(body[from:], '"'); end < 0 {
		return formMarks{}, false
	}
	return formMarks{ok: true, postID: id, stampFrom: from, stampTo: from + end}, true
}

// writeReaderPage writes a kept signed-in page with a fresh one-time stamp in its form.
func (s *Server) writeReaderPage(w http.ResponseWriter, r *http.Request, e *cachedPage) {
	if !e.form.ok {
		writePieces(w, r, e, e.body)
		return
	}
	stamp := template.HTMLEscapeString(s.Comments.Stamp(e.form.postID, false)) // one-time, as rendered
	writePieces(w, r, e, e.body[:e.form.stampFrom], []byte(stamp), e.body[e.form.stampTo:])
}

// getReader returns the fresh signed-in page under key, or nil.
func (c *PageCache) getReader(key string) *cachedPage {
	c.mu.RLock()
	e, gen := c.readers[key], c.gen
	c.mu.RUnlock()
	return c.fresh(e, gen) // a purge deletes readers' pages rather than marking them
}

// putReader keeps a signed-in reader's page unless a purge since its render names it.
func (c *PageCache) putReader(key string, e *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.purgedSince(e.gen, e.seq, e.tags) {
		return
	}
	if c.readers == nil || c.readerBytes+e.size() > c.MaxBytes/readerShare {
		c.readers, c.readerBytes = map[string]*cachedPage{}, 0
	}
	if old := c.readers[key]; old != nil {
		c.readerBytes -= old.size()
	}
	c.readers[key] = e
	c.readerBytes += e.size()
}
