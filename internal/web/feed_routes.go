package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/feeds"
)

// feedFormat is one of the three formats every feed comes in.
type feedFormat int

const (
	formatRSS feedFormat = iota
	formatAtom
	formatJSON
	formatRDF
)

// suffix is the path after a page's URL that serves its feed in this format.
func (f feedFormat) suffix() string {
	switch f {
	case formatAtom:
		return "feed/atom/"
	case formatJSON:
		return "feed/json/"
	case formatRDF:
		return "feed/rdf/"
	}
	return "feed/"
}

// feedKinds maps what follows /feed/ to a format. As in WordPress, rss2 and rss serve RSS 2.0
// and rdf serves RSS 1.0.
var feedKinds = map[string]feedFormat{"": formatRSS, "rss2": formatRSS, "rss": formatRSS, "rdf": formatRDF,
	"atom": formatAtom, "json": formatJSON}

// feedKind reads the {kind...} of a /feed/ route ("", "atom/", "json", …).
func feedKind(kind string) (feedFormat, bool) {
	f, ok := feedKinds[strings.TrimSuffix(kind, "/")]
	return f, ok
}

// splitFeed recognises a feed URL under a page: "/category/news/feed/atom/" is the Atom feed
// of "/category/news/". The trailing slash is optional, as in WordPress.
func splitFeed(path string) (page string, f feedFormat, ok bool) {
	p := strings.TrimSuffix(path, "/")
	i := strings.LastIndex(p, "/feed")
	if i < 0 {
		return path, 0, false
	}
	switch rest := p[i+len("/feed"):]; {
	case rest == "":
		return p[:i+1], formatRSS, true
	case rest[0] == '/' && rest != "/":
		if f, ok := feedKinds[rest[1:]]; ok {
			return p[:i+1], f, true
		}
	}
	return path, 0, false
}

// GET /feed/{kind...}
// The site's posts: /feed/ (RSS 2.0; also /feed/rss2/, /feed/rss/), /feed/rdf/ (RSS 1.0),
// /feed/atom/, /feed/json/.
func (s *Server) handleSiteFeed(w http.ResponseWriter, r *http.Request) error {
	f, ok := feedKind(r.PathValue("kind"))
	if !ok {
		return errNotFound
	}
	st, err := s.site(r.Context())
	if err != nil {
		return err
	}
	return s.archiveFeed(w, r, st, f, listSpec{base: "/"})
}

// GET /comments/feed/{kind...}
// The newest approved comments on every public post.
func (s *Server) handleCommentsFeed(w http.ResponseWriter, r *http.Request) error {
	f, ok := feedKind(r.PathValue("kind"))
	if !ok {
		return errNotFound
	}
	st, err := s.site(r.Context())
	if err != nil {
		return err
	}
	return s.commentsFeed(w, r, st, f, nil)
}

// GET /?feed=rss2 (WordPress's query form: rss2, rss, rdf, atom, json, comments-rss2,
// comments-atom, comments-json)
func (s *Server) handleFeedQuery(w http.ResponseWriter, r *http.Request) error {
	kind := r.URL.Query().Get("feed")
	comments := false
	if k, ok := strings.CutPrefix(kind, "comments-"); ok {
		kind, comments = k, true
	}
	f, ok := feedKinds[kind]
	if !ok || kind == "" {
		return errNotFound
	}
	st, err := s.site(r.Context())
	if err != nil {
		return err
	}
	if comments {
		return s.commentsFeed(w, r, st, f, nil)
	}
	return s.archiveFeed(w, r, st, f, listSpec{base: "/"})
}

// archiveFeed serves the feed of a list of posts: the home page (base "/") or an archive.
func (s *Server) archiveFeed(w http.ResponseWriter, r *http.Request, st *site, f feedFormat, spec listSpec) error {
	fd, err := s.postsFeed(r.Context(), st, spec, f)
	if err != nil {
		return err
	}
	return s.writeFeed(w, r, st, fd, f)
}

// writeFeed encodes fd and answers with its content type, a validator pair (an ETag of the
// body, and Last-Modified from the newest item) and conditional GET: If-None-Match and
// If-Modified-Since get 304 Not Modified. Responses through the page cache keep the same ETag
// (cache.go computes it the same way) and Last-Modified.
func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, st *site, fd *feeds.Feed, f feedFormat) error {
	var buf bytes.Buffer
	var err error
	fd.RequestURL = requestedFeedURL(st, r, fd.SelfURL, f)
	ctype := feeds.ContentTypeRSS
	switch f {
	case formatRDF:
		ctype, err = feeds.ContentTypeRDF, feeds.RDF(&buf, fd)
	case formatAtom:
		ctype, err = feeds.ContentTypeAtom, feeds.Atom(&buf, fd)
	case formatJSON:
		ctype, err = feeds.ContentTypeJSON, feeds.JSON(&buf, fd)
	default:
		err = feeds.RSS(&buf, fd)
	}
	if err != nil {
		return err
	}
	s.serveDocument(w, r, ctype, buf.Bytes(), fd.Updated)
	return nil
}

// requestedFeedURL is the address a feed was asked for, which WordPress writes as the feed's
// self link: /feed/rss2/ and /?feed=rss2 name themselves, not /feed/. Only the feed's own
// spelling is taken from the request (the path's last segment or the feed parameter, both
// already matched against feedKinds); other query parameters are not echoed into a document
// that the page cache shares between readers. canonical is feedURL's answer for the page.
func requestedFeedURL(st *site, r *http.Request, canonical string, f feedFormat) string {
	if _, _, isPath := splitFeed(r.URL.Path); !isPath {
		if kind := r.URL.Query().Get("feed"); kind != "" {
			return st.Abs("/?feed=" + url.QueryEscape(kind))
		}
		return canonical
	}
	page, ok := strings.CutSuffix(canonical, f.suffix())
	if !ok {
		return canonical
	}
	p := strings.TrimSuffix(r.URL.Path, "/")
	name := strings.TrimPrefix(p[strings.LastIndex(p, "/feed")+len("/feed"):], "/")
	if name == "" {
		return page + "feed/"
	}
	if g, ok := feedKinds[name]; !ok || g != f {
		return canonical
	}
	return page + "feed/" + name + "/"
}

// serveDocument answers a GET for a generated document (feed, sitemap) with validators and
// conditional GET handled by http.ServeContent.
func (s *Server) serveDocument(w http.ResponseWriter, r *http.Request, ctype string, body []byte, modified time.Time) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("ETag", bodyETag(body))
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", modified, bytes.NewReader(body))
}

// feedFilter narrows a list filter to what feeds show: the newest posts readers may see.
func (s *Server) feedFilter(f broadside.PostFilter, st *site) broadside.PostFilter {
	f.Limit, f.Offset = st.FeedItems, 0
	if f.Limit < 1 {
		f.Limit = 10
	}
	return s.Posts.Public(f)
}
