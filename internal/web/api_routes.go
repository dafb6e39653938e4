package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/search"
	"github.com/broadside/broadside/internal/wpapi"
)

// newAPI builds the WordPress-compatible REST API (internal/wpapi), mounted under /wp-json/ and
// on WordPress's fallback, /?rest_route=/wp/v2/… (routes.go). The API answers with JSON and is
// never page-cached (WordPress sends no cache headers for anonymous API requests either).
func (s *Server) newAPI() *wpapi.API {
	d := wpapi.Deps{
		Posts: s.Posts, Comments: s.Comments, Users: s.Users, People: s.Auth, Render: s.Render, Now: s.Now, Log: s.Log,
		Site:        s.apiSite,
		SessionUser: currentUser,
		ClientIP:    ClientIP,
		RequestID:   requestID,
		// ?password= on a protected post shares the post page's budget of guesses.
		PostPasswordGuess: func(ctx context.Context, ip string, postID int64) error {
			return s.Auth.Throttle(ctx, "postpass:"+ip+":"+strconv.FormatInt(postID, 10), postPassGuesses, 15*time.Minute,
				"Too many password attempts for this post. Wait 15 minutes and try again.")
		},
	}
	if s.AppPasswords != nil {
		d.Auth = s.AppPasswords
	}
	if s.Limits != nil {
		d.Limit = s.Limits.APIRequest
	}
	if s.Search != nil {
		d.Search = apiSearcher{s.Search}
	}
	if s.Media != nil {
		d.Media = s.Media
	}
	if s.Federation != nil {
		d.Reactions = s.Federation.ReactionsOf
	}
	return wpapi.New(d)
}

// GET /?rest_route=/wp/v2/… and POST|PUT|PATCH|DELETE|OPTIONS /?rest_route=…
// The API on WordPress's fallback address, on the home page.
func (s *Server) handleRestRoute(w http.ResponseWriter, r *http.Request) error {
	if !r.URL.Query().Has("rest_route") {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return nil
	}
	s.api.Serve(w, r, r.URL.Query().Get("rest_route"))
	return nil
}

// apiLink is the discovery header WordPress sends with every page and API answer, so that
// clients given a site's address find its API.
func (s *Server) apiLink(r *http.Request) string {
	set, err := s.Settings.Load(r.Context())
	if err != nil {
		return ""
	}
	return "<" + s.publicBase(set) + wpapi.Prefix + `/>; rel="https://api.w.org/"`
}

// wantsAPILink reports whether a response gets the discovery header: public pages and the
// API, not the admin or static files.
func wantsAPILink(r *http.Request) bool {
	p := r.URL.Path
	return !strings.HasPrefix(p, "/static/") && p != "/admin" && !strings.HasPrefix(p, "/admin/")
}

// csrfExempt reports whether a request skips the cross-origin check: API requests that carry
// no ambient credential. Basic-authenticated API requests are judged by their Application
// Password alone (wpapi never looks at the cookie when an Authorization header is present),
// and API requests without the session cookie are anonymous. A cookie-authenticated API
// write still has to be same-origin.
func csrfExempt(r *http.Request) bool {
	if !wpapi.IsAPIRequest(r) {
		return false
	}
	if wpapi.HasBasicAuth(r) {
		return true
	}
	_, err := r.Cookie(cookieSession)
	return err != nil
}

// apiSite is the site as the API sees it, over the web layer's URL builders.
type apiSite struct {
	s   *Server
	st  *site
	ctx context.Context
}

func (s *Server) apiSite(r *http.Request) (wpapi.Site, error) {
	st, err := s.site(r.Context())
	if err != nil {
		return nil, err
	}
	return &apiSite{s: s, st: st, ctx: r.Context()}, nil
}

func (a *apiSite) Base() string                 { return a.st.Base }
func (a *apiSite) Settings() broadside.Settings { return a.st.Settings }

func (a *apiSite) PostURL(p *broadside.Post) string {
	if strings.Contains(a.st.PermalinkStructure, "%category%") {
		a.st.categories(a.ctx, a.s) // parent categories are part of the link
	}
	return a.st.Abs(a.st.PostPath(p))
}

func (a *apiSite) CategoryURL(c broadside.Category) string {
	a.st.categories(a.ctx, a.s)
	return a.st.Abs(a.st.CategoryPath(c))
}

func (a *apiSite) TagURL(t broadside.Tag) string      { return a.st.Abs(a.st.TagPath(t)) }
func (a *apiSite) AuthorURL(u *broadside.User) string { return a.st.Abs(a.st.AuthorPath(u)) }

// apiSearcher answers the API's searches with the search service.
type apiSearcher struct{ s *search.Service }

func (a apiSearcher) SearchPosts(ctx context.Context, q wpapi.SearchQuery) ([]broadside.Post, int, error) {
	res, err := a.s.Search(ctx, search.Query{Text: q.Text, Type: q.Type, Page: q.Page, PerPage: q.PerPage})
	if err != nil {
		return nil, 0, err
	}
	out := make([]broadside.Post, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = *h.Post
	}
	return out, res.Total, nil
}
