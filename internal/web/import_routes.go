package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
)

// importRoutes registers the WordPress import and export in the admin, and everything that
// keeps a WordPress site's old addresses working: its query-string links (/?p=ID …) and, for
// any other address the site no longer serves, the redirects the import recorded (consulted
// just before a 404). Its uploads (/wp-content/uploads/…) are served by mediaRoutes.
func (s *Server) importRoutes(mux *http.ServeMux) {
	// Password-protected posts come from WordPress but are a feature of their own.
	mux.HandleFunc("POST /post-password", s.handlePostPassword)
	if s.WordPress == nil {
		return
	}
	mux.HandleFunc("GET /admin/import", s.adminAuth(s.handleWPImportForm))
	mux.HandleFunc("POST "+importUploadPath, s.adminAuth(s.handleWPImportUpload))
	mux.HandleFunc("GET /admin/export", s.adminAuth(s.handleWPExport))

	s.handleQuery("p", s.handleOldPostID)
	s.handleQuery("page_id", s.handleOldPostID)
	s.handleQuery("attachment_id", s.handleOldAttachment)
	s.handleQuery("cat", s.handleOldCategory)
	s.handleQuery("tag", s.handleOldTag)
	s.handleQuery("author", s.handleOldAuthor)
	s.handleQuery("m", s.handleOldMonth)
	s.handleNotFound(s.oldAddress)
}

// queryID reads a positive id from the query parameter param.
func queryID(r *http.Request, param string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimSpace(r.URL.Query().Get(param)), 10, 64)
	return id, err == nil && id > 0
}

// permanent answers 301 to path, keeping the query parameters other than drop.
func permanent(w http.ResponseWriter, r *http.Request, to string, drop ...string) {
	q := r.URL.Query()
	for _, d := range drop {
		q.Del(d)
	}
	if e := q.Encode(); e != "" && !strings.Contains(to, "?") {
		to += "?" + e
	}
	http.Redirect(w, r, to, http.StatusMovedPermanently)
}

// resolve returns the local id of what had wpID on the WordPress site: what an import
// recorded, else the same id here (a site that never imported answers /?p=ID for its own).
func (s *Server) resolve(ctx context.Context, kind string, wpID int64) int64 {
	if id, err := s.WordPress.LocalID(ctx, kind, wpID); err == nil {
		return id
	}
	return wpID
}

// GET /?p=ID and /?page_id=ID
// WordPress's plain links to a post or page: 301 to its address here. An attachment id
// (WordPress keeps attachments among posts) goes to the file.
func (s *Server) handleOldPostID(w http.ResponseWriter, r *http.Request) {
	param := "p"
	if !r.URL.Query().Has("p") {
		param = "page_id"
	}
	ctx := r.Context()
	wpID, ok := queryID(r, param)
	if !ok {
		s.notFound(w, r)
		return
	}
	p, err := s.Posts.Get(ctx, s.resolve(ctx, broadside.WPPost, wpID))
	if err != nil {
		if _, err := s.WordPress.LocalID(ctx, broadside.WPAttachment, wpID); err == nil {
			s.handleOldAttachmentID(w, r, wpID, param)
			return
		}
		s.notFound(w, r)
		return
	}
	if !p.CanRead(currentUser(r), s.Now()) {
		s.notFound(w, r)
		return
	}
	st, err := s.site(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st.categories(ctx, s)
	permanent(w, r, st.PostPath(p), param, "preview")
}

// GET /?attachment_id=ID
// Decision: an attachment's page is its file. WordPress 6.4 stopped making attachment pages
// for the same reason (they are thin pages search engines dislike), and redirects them to
// the file; so do we, to the copy on this site when the import brought one in.
func (s *Server) handleOldAttachment(w http.ResponseWriter, r *http.Request) {
	wpID, ok := queryID(r, "attachment_id")
	if !ok {
		s.notFound(w, r)
		return
	}
	s.handleOldAttachmentID(w, r, wpID, "attachment_id")
}

func (s *Server) handleOldAttachmentID(w http.ResponseWriter, r *http.Request, wpID int64, param string) {
	ctx := r.Context()
	a, err := s.WordPress.Attachment(ctx, s.resolve(ctx, broadside.WPAttachment, wpID))
	if err != nil {
		s.notFound(w, r)
		return
	}
	to, ok := a.RedirectTarget()
	if !ok {
		s.notFound(w, r)
		return
	}
	permanent(w, r, to, param)
}

// GET /?cat=ID
func (s *Server) handleOldCategory(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	wpID, ok := queryID(r, "cat")
	if !ok {
		s.notFound(w, r)
		return
	}
	c, err := s.Posts.Category(ctx, s.resolve(ctx, broadside.WPCategory, wpID))
	if err != nil {
		s.notFound(w, r)
		return
	}
	st, err := s.site(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st.categories(ctx, s)
	permanent(w, r, st.CategoryPath(*c), "cat")
}

// GET /?tag=SLUG
func (s *Server) handleOldTag(w http.ResponseWriter, r *http.Request) {
	slug := strings.TrimSpace(r.URL.Query().Get("tag"))
	if slug == "" || strings.ContainsAny(slug, "/,+") {
		s.notFound(w, r)
		return
	}
	t, err := s.Posts.TagBySlug(r.Context(), slug)
	if err != nil {
		s.notFound(w, r)
		return
	}
	permanent(w, r, "/tag/"+url.PathEscape(t.Slug)+"/", "tag")
}

// GET /?author=ID
func (s *Server) handleOldAuthor(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	wpID, ok := queryID(r, "author")
	if !ok {
		s.notFound(w, r)
		return
	}
	u, err := s.Users.ByID(ctx, s.resolve(ctx, broadside.WPAuthor, wpID))
	if err != nil {
		s.notFound(w, r)
		return
	}
	permanent(w, r, "/author/"+url.PathEscape(u.Login)+"/", "author")
}

// GET /?m=YYYYMM or /?m=YYYYMMDD (WordPress's plain date archive links)
func (s *Server) handleOldMonth(w http.ResponseWriter, r *http.Request) {
	m := strings.TrimSpace(r.URL.Query().Get("m"))
	if _, err := strconv.Atoi(m); err != nil || (len(m) != 4 && len(m) != 6 && len(m) != 8) {
		s.notFound(w, r)
		return
	}
	to := "/" + m[:4] + "/"
	if len(m) >= 6 {
		to += m[4:6] + "/"
	}
	if len(m) == 8 {
		to += m[6:8] + "/"
	}
	permanent(w, r, to, "m")
}

// oldSuffixes are the pages WordPress serves below a post's address; an old address with
// one of them goes to the same page below the new address.
var oldSuffixes = []string{"feed/", "feed/rss2/", "feed/atom/", "feed/rss/", "feed/rdf/", "amp/", "trackback/", "embed/"}

// oldAddress answers an address that would be a 404 with a 301 to where its content lives
// now, when an import recorded it: a post under an older permalink structure, a renamed
// slug, an attachment page (to its file), a category or tag archive whose slug changed, an
// author archive under WordPress's nicename.
func (s *Server) oldAddress(w http.ResponseWriter, r *http.Request) bool {
	ctx := r.Context()
	path := r.URL.Path
	rd, suffix := s.findRedirect(ctx, path)
	if rd == nil {
		return false
	}
	st, err := s.site(ctx)
	if err != nil {
		return false
	}
	st.categories(ctx, s)
	var to string
	var ok bool
	switch rd.Kind {
	case broadside.WPPost:
		p, err := s.Posts.Get(ctx, rd.TargetID)
		if err != nil || !p.CanRead(currentUser(r), s.Now()) {
			return false
		}
		to = st.PostPath(p) + suffix
	case broadside.WPAttachment:
		a, err := s.WordPress.Attachment(ctx, rd.TargetID)
		if err != nil {
			return false
		}
		if to, ok = a.RedirectTarget(); !ok {
			return false
		}
	case broadside.WPCategory:
		c, err := s.Posts.Category(ctx, rd.TargetID)
		if err != nil {
			return false
		}
		to = st.CategoryPath(*c) + suffix
	case broadside.WPTag:
		t, err := s.Posts.Tag(ctx, rd.TargetID)
		if err != nil {
			return false
		}
		to = st.TagPath(*t) + suffix
	case broadside.WPAuthor:
		u, err := s.Users.ByID(ctx, rd.TargetID)
		if err != nil {
			return false
		}
		to = st.AuthorPath(u) + suffix
	default:
		return false
	}
	if to == "" || to == path {
		return false // already where it should be: a real 404, not a redirect loop
	}
	permanent(w, r, to)
	return true
}

// findRedirect looks path up as it is, with or without its final slash, and without a
// WordPress sub-page suffix (feed/, amp/ …) or a comment page, which it returns to append.
func (s *Server) findRedirect(ctx context.Context, path string) (*broadside.Redirect, string) {
	try := func(p string) *broadside.Redirect {
		for _, c := range []string{p, strings.TrimSuffix(p, "/"), p + "/"} {
			if c == "" || c == "/" || (c == p+"/" && strings.HasSuffix(p, "/")) {
				continue
			}
			if rd, err := s.WordPress.Redirect(ctx, c); err == nil {
				return rd
			}
		}
		return nil
	}
	if rd := try(path); rd != nil {
		return rd, ""
	}
	withSlash := strings.TrimSuffix(path, "/") + "/"
	for _, suf := range oldSuffixes {
		if base, ok := strings.CutSuffix(withSlash, "/"+suf); ok && base != "" {
			if rd := try(base + "/"); rd != nil {
				return rd, suf
			}
		}
	}
	if i := strings.LastIndex(withSlash, "/comment-page-"); i > 0 {
		if rd := try(withSlash[:i+1]); rd != nil {
			return rd, withSlash[i+1:]
		}
	}
	return nil, ""
}
