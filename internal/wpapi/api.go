// Package wpapi serves the subset of WordPress's REST API (namespace wp/v2) that publishing
// clients use: posts, pages, categories, tags, users, comments and search, read by anyone
// and written by users authenticated with Application Passwords. Shapes, parameters, headers
// and errors follow WordPress, so existing WordPress clients work unchanged.
//
// The package talks to the services (posts, comments, auth), never to the store, and gets
// the site's URLs from the web layer through the small Site interface.
package wpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/render"
)

// Namespace is the one namespace served.
const Namespace = "wp/v2"

// Site is what the API needs to know about the site for one request: its public base URL
// (no trailing slash), its settings and the public URLs of its objects.
type Site interface {
	Base() string
	Settings() broadside.Settings
	PostURL(p *broadside.Post) string
	CategoryURL(c broadside.Category) string
	TagURL(t broadside.Tag) string
	AuthorURL(u *broadside.User) string
}

// Users reads users.
type Users interface {
	List(ctx context.Context) ([]broadside.User, error)
	ByID(ctx context.Context, id int64) (*broadside.User, error)
}

// Authenticator checks Application Password credentials (HTTP Basic).
type Authenticator interface {
	Authenticate(ctx context.Context, username, password, ip string) (*broadside.User, error)
}

// SearchQuery is a reader's search over public posts and pages.
type SearchQuery struct {
	Text          string
	Type          broadside.PostType // "" for both
	Page, PerPage int                // 1-based; PerPage at most 100
}

// Searcher runs ranked full-text searches over what anyone may read (the search service);
// nil falls back to the posts service's substring match.
type Searcher interface {
	SearchPosts(ctx context.Context, q SearchQuery) ([]broadside.Post, int, error)
}

// Deps is what the API is built from.
type Deps struct {
	Posts    *posts.Service
	Comments *comments.Service
	Users    Users
	// People changes users (users_write.go); nil answers writes to users as not allowed.
	People People
	Auth   Authenticator
	Render *render.Renderer
	Search Searcher
	Now    func() time.Time
	Log    *slog.Logger
	// Site describes the site for a request.
	Site func(r *http.Request) (Site, error)
	// SessionUser is the user signed in with the admin's session cookie, or nil. Cookie
	// requests that change anything are same-origin: the web layer's cross-origin check
	// guarantees it.
	SessionUser func(r *http.Request) *broadside.User
	ClientIP    func(r *http.Request) string
	RequestID   func(r *http.Request) string
	// PostPasswordGuess counts a guess at the password of post postID from ip and refuses it
	// (ETOOMANYREQUEST) past the site's limit; nil does not throttle.
	PostPasswordGuess func(ctx context.Context, ip string, postID int64) error
	// Limit counts one request of user (nil when anonymous) from ip against the site-wide
	// API limits and refuses it (ETOOMANYREQUEST) past them; nil does not limit.
	Limit func(ctx context.Context, user *broadside.User, ip string) error
	// Media is the media library (wp/v2/media); nil leaves the route out.
	Media *media.Service
	// Reactions counts the fediverse likes and boosts of posts (meta.broadside_likes and
	// broadside_boosts); nil shows none.
	Reactions func(ctx context.Context, ids []int64) (map[int64]broadside.ReactionCounts, error)
}

// API is the REST API handler.
type API struct {
	Deps
	routes []*route
}

// New builds the API.
func New(d Deps) *API {
	a := &API{Deps: d}
	a.routes = a.routeTable()
	return a
}

// Prefix is where the API lives on the site.
const Prefix = "/wp-json"

// ServeHTTP serves requests under /wp-json/.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.Serve(w, r, strings.TrimPrefix(r.URL.Path, Prefix))
}

// Serve answers r for route (e.g. "/wp/v2/posts"), which comes from the path under /wp-json
// or from ?rest_route= on the home page (WordPress's fallback for sites without pretty
// permalinks).
func (a *API) Serve(w http.ResponseWriter, r *http.Request, route string) {
	method := r.Method
	if method == http.MethodPost {
		// WordPress's method override, for clients behind proxies that drop PUT and DELETE.
		if m := r.URL.Query().Get("_method"); m != "" {
			method = strings.ToUpper(m)
		} else if m := r.Header.Get("X-HTTP-Method-Override"); m != "" {
			method = strings.ToUpper(m)
		}
	}
	q := &req{a: a, w: w, r: r, ctx: r.Context(), method: method, route: cleanRoute(route), st: &state{}}
	a.cors(w, r)
	h := w.Header()
	h.Set("X-Robots-Tag", "noindex")
	h.Set("X-Content-Type-Options", "nosniff")
	site, err := a.Site(r)
	if err != nil {
		a.write(q, nil, err)
		return
	}
	q.site = site
	if err := q.authenticate(); err != nil {
		a.write(q, nil, err)
		return
	}
	if a.Limit != nil {
		ip := ""
		if a.ClientIP != nil {
			ip = a.ClientIP(r)
		}
		if err := a.Limit(q.ctx, q.user, ip); err != nil {
			a.write(q, nil, err)
			return
		}
	}
	if q.user != nil {
		// WordPress's nocache_headers() for signed-in users: their answers are personal.
		h.Set("Cache-Control", "no-cache, must-revalidate, max-age=0, no-store, private")
	}
	if method == http.MethodOptions {
		a.write(q, a.describeRoute(q), nil)
		return
	}
	if err := q.parseParams(); err != nil {
		a.write(q, nil, err)
		return
	}
	res, err := a.dispatch(q)
	a.write(q, res, err)
}

// cleanRoute makes "", "/" and "/wp/v2/posts/" canonical ("/" and "/wp/v2/posts").
func cleanRoute(route string) string {
	if route == "" || route == "/" {
		return "/"
	}
	if route[0] != '/' {
		route = "/" + route
	}
	return strings.TrimRight(route, "/")
}

// dispatch finds the handler of q's route and method.
func (a *API) dispatch(q *req) (*result, error) {
	rt, vars := a.match(q.route)
	if rt == nil {
		return nil, errNoRoute()
	}
	method := q.method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	h := rt.handlers[method]
	if h == nil {
		return nil, errNoRoute()
	}
	q.vars = vars
	q.rt = rt
	q.header().Set("Allow", strings.Join(rt.methods(), ", "))
	return h(q)
}

// req is one API request being served (or one embedded sub-request).
type req struct {
	a      *API
	w      http.ResponseWriter
	r      *http.Request
	ctx    context.Context
	site   Site
	user   *broadside.User
	method string
	route  string
	rt     *route
	vars   map[string]string
	p      params
	st     *state
	// embedded is set on internal sub-requests made for _embed: they write no headers.
	embedded bool
}

// state is shared by a request and its embedded sub-requests, so an author or a post is
// loaded once per response however many items link to it.
type state struct {
	posts     map[int64]*broadside.Post
	users     map[int64]*broadside.User
	cats      []broadside.Category
	catsOK    bool
	tags      []broadside.Tag
	tagsOK    bool
	embeds    map[string]any
	published map[int64]bool // users with published posts
	threads   map[int64]*broadside.Thread
	replied   map[int64]bool                     // comments known to have replies the requester may see
	unlocked  map[int64]bool                     // password-protected posts whose password this request gave
	reactions map[int64]broadside.ReactionCounts // counted for a listing's page at once
	avatars   map[avatarWho][]string             // avatar URLs per commenter (commentAvatars)
}

// header returns the response headers, or a throwaway set for embedded sub-requests.
func (q *req) header() http.Header {
	if q.embedded {
		return http.Header{}
	}
	return q.w.Header()
}

// id returns the numeric path variable {id}.
func (q *req) id() int64 {
	n, _ := strconv.ParseInt(q.vars["id"], 10, 64)
	return n
}

// rest returns the absolute URL of an API route ("wp/v2/posts/1").
func (q *req) rest(route string) string {
	return q.site.Base() + Prefix + "/" + strings.TrimPrefix(route, "/")
}

// restQuery is rest with query parameters.
func (q *req) restQuery(route string, v url.Values) string {
	u := q.rest(route)
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	return u
}

// authCode is WordPress's rest_authorization_required_code(): 401 for strangers, 403 for
// signed-in users who lack the capability.
func (q *req) authCode() int {
	if q.user == nil {
		return http.StatusUnauthorized
	}
	return http.StatusForbidden
}

func (a *API) now() time.Time { return a.Now() }

// loc is the site's time zone.
func (q *req) loc() *time.Location {
	set := q.site.Settings()
	return set.Location()
}
