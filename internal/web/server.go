// Package web is all of Broadside's HTTP: public pages, the comment form, the admin, and
// the middleware around them. Handlers talk to services, never to the store.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/audience"
	"github.com/broadside/broadside/internal/auth"
	"github.com/broadside/broadside/internal/comments"
	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/limits"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/newsletter"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/render"
	"github.com/broadside/broadside/internal/search"
	"github.com/broadside/broadside/internal/subscriptions"
	"github.com/broadside/broadside/internal/wpapi"
)

// SettingsService loads and saves site settings.
type SettingsService interface {
	Load(ctx context.Context) (broadside.Settings, error)
	Save(ctx context.Context, s broadside.Settings, u *broadside.User) error
}

// UserService lists and manages users (the admin's Users screen).
type UserService interface {
	List(ctx context.Context) ([]broadside.User, error)
	ByID(ctx context.Context, id int64) (*broadside.User, error)
	ByLogin(ctx context.Context, login string) (*broadside.User, error)
	// PostCounts returns how many posts and pages each user wrote.
	PostCounts(ctx context.Context) (map[int64]int, error)
}

// Deps is everything the web layer needs, built by internal/app.
type Deps struct {
	Log      *slog.Logger
	Now      func() time.Time
	Posts    *posts.Service
	Comments *comments.Service
	Search   *search.Service
	// Subscriptions and Newsletter are the reader relationship (subscribe_*.go); with mail
	// off they report themselves disabled.
	Subscriptions *subscriptions.Service
	Newsletter    *newsletter.Service
	Auth          *auth.Service
	// AppPasswords checks the Application Passwords of REST API clients; nil refuses them.
	AppPasswords *auth.AppPasswords
	Settings     SettingsService
	Users        UserService
	Render       *render.Renderer
	// BaseURL is the configured public URL (no trailing slash); the site setting overrides it
	// when set.
	BaseURL string
	// Secret signs commenter cookies and form timestamps. It is shared by all nodes.
	Secret []byte
	// PassKey signs the unlock cookies of password-protected posts; the comments service
	// checks them with the same key (password.go).
	PassKey broadside.PassKey
	// TrustedProxies may set X-Forwarded-For.
	TrustedProxies []netip.Prefix
	// MaxImportUpload caps the WordPress export uploaded in the admin, in bytes; 0 means
	// defaultImportUpload (import_admin.go).
	MaxImportUpload int64
	// Ready answers /readyz: nil when this node should get traffic, else an error whose
	// message says why (app.Ready). Nil Ready means always ready.
	Ready func(ctx context.Context) error
	// Cache stores rendered public pages for anonymous readers; nil disables caching.
	Cache *PageCache
	// WordPress imports and exports sites and answers for their old addresses
	// (import_routes.go); nil leaves those routes out.
	WordPress *importer.Service
	// Media is the media library (media_routes.go); nil leaves the admin's Media screens out
	// but still serves the uploads directory through WordPress's importer, if any.
	Media *media.Service
	// Limits holds the site-wide REST API request limits; nil means none.
	Limits *limits.Service
	// Audience counts readers' page views for the dashboard (audience.go); nil counts nothing.
	Audience *audience.Counter
	// Federation is the site's ActivityPub presence (activitypub_*.go); nil leaves its
	// routes out.
	Federation *activitypub.Service
	// Metrics times every route and answers GET /metrics (metrics.go); nil leaves both out.
	Metrics Metrics
	// MetricsToken is the bearer token /metrics asks for; empty turns the endpoint off.
	MetricsToken string
}

// Server is the HTTP handler of a Broadside site.
type Server struct {
	Deps
	tmpl    *templates
	handler http.Handler
	static  *staticFiles
	queries []queryRoute
	// fallbacks answer what would be a 404 (fallbackTable in routes.go).
	fallbacks []func(w http.ResponseWriter, r *http.Request) bool
	api       *wpapi.API
}

// parsed holds the static files and templates, which come only from embedded files and are
// read-only once parsed: servers in one process share them (the tests start hundreds of
// servers, and parsing every template per server was a tenth of their CPU).
var parsed struct {
	once   sync.Once
	static *staticFiles
	tmpl   *templates
	err    error
}

// New parses the templates and builds the routes. A template error fails here, at startup,
// never halfway through a page.
func New(d Deps) (*Server, error) {
	parsed.once.Do(func() {
		if parsed.static, parsed.err = loadStatic(); parsed.err == nil {
			parsed.tmpl, parsed.err = parseTemplates(parsed.static)
		}
	})
	if parsed.err != nil {
		return nil, parsed.err
	}
	s := &Server{Deps: d, tmpl: parsed.tmpl, static: parsed.static}
	s.handler = s.middleware(s.routes())
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
