package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
)

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
// WordPress's plain links to a post or page: 301 to its address here, or with cpage=N to
// the comment page's, in one hop. An attachment id (WordPress keeps attachments among
// posts) goes to the file.
func (s *Server) handleOldPostID(w http.ResponseWriter, r *http.Request) error {
	param := "p"
	if !r.URL.Query().Has("p") {
		param = "page_id"
	}
	ctx := r.Context()
	wpID, ok := queryID(r, param)
	if !ok {
		return errNotFound
	}
	p, err := s.Posts.Get(ctx, s.resolve(ctx, broadside.WPPost, wpID))
	if err != nil {
		if _, err := s.WordPress.LocalID(ctx, broadside.WPAttachment, wpID); err == nil {
			s.handleOldAttachmentID(w, r, wpID, param)
			return nil
		}
		return errNotFound
	}
	if !p.CanRead(currentUser(r), s.Now()) {
		return errNotFound
	}
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	st.categories(ctx, s)
	to := st.PostPath(p)
	if page, given, err := cpageQuery(r, to); err != nil {
		return err
	} else if given {
		to = page
	}
	permanent(w, r, to, param, "preview", "cpage")
	return nil
}

// GET /?attachment_id=ID
// Decision: an attachment's page is its file. WordPress 6.4 stopped making attachment pages
// for the same reason (they are thin pages search engines dislike), and redirects them to
// the file; so do we, to the copy on this site when the import brought one in.
func (s *Server) handleOldAttachment(w http.ResponseWriter, r *http.Request) error {
	wpID, ok := queryID(r, "attachment_id")
	if !ok {
		return errNotFound
	}
	s.handleOldAttachmentID(w, r, wpID, "attachment_id")
	return nil
}

func (s *Server) handleOldAttachmentID(w http.ResponseWriter, r *http.Request, wpID int64, param string) {
	ctx := r.Context()
	a, err := s.WordPress.Attachment(ctx, s.resolve(ctx, broadside.WPAttachment, wpID))
	if err != nil {
		s.notFound(w, r)
		return
	}
	to, ok := s.attachmentTarget(ctx, a)
	if !ok {
		s.notFound(w, r)
		return
	}
	permanent(w, r, to, param)
}

// GET /?cat=ID
func (s *Server) handleOldCategory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	wpID, ok := queryID(r, "cat")
	if !ok {
		return errNotFound
	}
	c, err := s.Posts.Category(ctx, s.resolve(ctx, broadside.WPCategory, wpID))
	if err != nil {
		return errNotFound
	}
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	st.categories(ctx, s)
	permanent(w, r, st.CategoryPath(*c), "cat")
	return nil
}

// GET /?tag=SLUG
func (s *Server) handleOldTag(w http.ResponseWriter, r *http.Request) error {
	slug := strings.TrimSpace(r.URL.Query().Get("tag"))
	if slug == "" || strings.ContainsAny(slug, "/,+") {
		return errNotFound
	}
	t, err := s.Posts.TagBySlug(r.Context(), slug)
	if err != nil {
		return errNotFound
	}
	permanent(w, r, "/tag/"+url.PathEscape(t.Slug)+"/", "tag")
	return nil
}

// GET /?author=ID
func (s *Server) handleOldAuthor(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	wpID, ok := queryID(r, "author")
	if !ok {
		return errNotFound
	}
	u, err := s.Users.ByID(ctx, s.resolve(ctx, broadside.WPAuthor, wpID))
	if err != nil {
		return errNotFound
	}
	permanent(w, r, "/author/"+url.PathEscape(u.Login)+"/", "author")
	return nil
}

// GET /?m=YYYYMM or /?m=YYYYMMDD (WordPress's plain date archive links)
func (s *Server) handleOldMonth(w http.ResponseWriter, r *http.Request) error {
	m := strings.TrimSpace(r.URL.Query().Get("m"))
	if _, err := strconv.Atoi(m); err != nil || (len(m) != 4 && len(m) != 6 && len(m) != 8) {
		return errNotFound
	}
	to := "/" + m[:4] + "/"
	if len(m) >= 6 {
		to += m[4:6] + "/"
	}
	if len(m) == 8 {
		to += m[6:8] + "/"
	}
	permanent(w, r, to, "m")
	return nil
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
	if rd == nil || rd.Kind == broadside.WPHome {
		return s.oldHomeAddress(w, r)
	}
	to, ok := s.redirectTarget(r, rd, suffix)
	if !ok || to == path {
		return false // already where it should be: a real 404, not a redirect loop
	}
	permanent(w, r, to)
	return true
}

// redirectTarget returns where what an import recorded at an old address lives now, with
// the sub-page suffix (feed/ …) the old address asked for.
func (s *Server) redirectTarget(r *http.Request, rd *broadside.Redirect, suffix string) (string, bool) {
	ctx := r.Context()
	st, err := s.site(ctx)
	if err != nil {
		return "", false
	}
	st.categories(ctx, s)
	var to string
	switch rd.Kind {
	case broadside.WPPost:
		p, err := s.Posts.Get(ctx, rd.TargetID)
		if err != nil || !p.CanRead(currentUser(r), s.Now()) {
			return "", false
		}
		to = st.PostPath(p) + suffix
	case broadside.WPAttachment:
		a, err := s.WordPress.Attachment(ctx, rd.TargetID)
		if err != nil {
			return "", false
		}
		return s.attachmentTarget(ctx, a)
	case broadside.WPCategory:
		c, err := s.Posts.Category(ctx, rd.TargetID)
		if err != nil {
			return "", false
		}
		to = st.CategoryPath(*c) + suffix
	case broadside.WPTag:
		t, err := s.Posts.Tag(ctx, rd.TargetID)
		if err != nil {
			return "", false
		}
		to = st.TagPath(*t) + suffix
	case broadside.WPAuthor:
		u, err := s.Users.ByID(ctx, rd.TargetID)
		if err != nil {
			return "", false
		}
		to = st.AuthorPath(u) + suffix
	default:
		return "", false
	}
	return to, to != ""
}

// oldQueryParams are WordPress's query-string links that name one thing by its old id; below
// the old site's directory they are answered in place, in one hop to the thing (the
// others, ?feed= and ?s=, go to the same query on the home page).
var oldQueryParams = []string{"p", "page_id", "attachment_id", "cat", "tag", "author", "m"}

// oldHomeAddress answers an address below the directory an imported site lived in
// (http://example.org/blog: the import recorded /blog/ as a WPHome redirect). Everything
// WordPress served there lives at the same place below / now: /blog/?p=42 is /?p=42,
// /blog/category/news/ is /category/news/, /blog/feed/ is /feed/.
func (s *Server) oldHomeAddress(w http.ResponseWriter, r *http.Request) bool {
	ctx := r.Context()
	path := r.URL.Path
	withSlash := strings.TrimSuffix(path, "/") + "/"
	var home string
	// The old home is a few segments deep at most; look at no more, whatever the path.
	for i, n := 1, 0; i < len(withSlash) && n < 4 && home == ""; i++ {
		if withSlash[i] != '/' {
			continue
		}
		n++
		if rd, err := s.WordPress.Redirect(ctx, withSlash[:i+1]); err == nil && rd.Kind == broadside.WPHome {
			home = withSlash[:i+1]
		}
	}
	if home == "" {
		return false
	}
	rest := "/" + strings.TrimPrefix(path, home)
	if len(path) < len(home) {
		rest = "/"
	}
	if rest == "/" && r.URL.RawQuery != "" {
		q := r.URL.Query()
		for _, param := range oldQueryParams {
			if q.Has(param) {
				if h := s.queryHandler(r); h != nil {
					r2 := r.Clone(ctx)
					r2.URL.Path, r2.URL.RawPath = "/", ""
					h(w, r2)
					return true
				}
			}
		}
	}
	if rd, suffix := s.findRedirect(ctx, rest); rd != nil && rd.Kind != broadside.WPHome {
		if to, ok := s.redirectTarget(r, rd, suffix); ok {
			permanent(w, r, to)
			return true
		}
	}
	permanent(w, r, rest)
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
