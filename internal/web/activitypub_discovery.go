package web

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
)

// fedSite is the site with federation on, or ENOTFOUND when it is off.
func (s *Server) fedSite(ctx context.Context) (*site, activitypub.Site, error) {
	as, err := s.Federation.Enabled(ctx)
	if err != nil {
		return nil, as, err
	}
	st, err := s.site(ctx)
	if err != nil {
		return nil, as, err
	}
	as.Base = st.Base
	return st, as, nil
}

// siteHost is the host readers use in the site's address: what acct: names end with.
func siteHost(st *site) string {
	u, err := url.Parse(st.Base)
	if err != nil {
		return ""
	}
	return u.Host
}

// writeAS answers an ActivityStreams document.
func writeAS(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", activitypub.ContentType+"; charset=utf-8")
	w.Header().Set("Vary", "Accept")
	w.Header().Set("Cache-Control", "max-age=60")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// actorFor resolves a username (the site's, or an author's login when author actors are
// on and the author has published) to our actor's name.
func (s *Server) actorFor(ctx context.Context, st *site, username string) (string, *broadside.User, error) {
	if strings.EqualFold(username, st.Federation.SiteUsername(siteHost(st))) {
		return activitypub.SiteActor, nil, nil
	}
	if !st.Federation.AuthorActors {
		return "", nil, errNotFound
	}
	u, err := s.Users.ByLogin(ctx, username)
	if err != nil || !u.Active() || !s.hasPublished(ctx, u.ID) {
		return "", nil, errNotFound
	}
	return activitypub.AuthorActor(u.ID), u, nil
}

// AuthorActive reports whether user id has an actor: active, and has published (the
// federation service's AuthorActive; author actors being on is the service's check).
func (s *Server) AuthorActive(ctx context.Context, id int64) bool {
	u, err := s.Users.ByID(ctx, id)
	return err == nil && u.Active() && s.hasPublished(ctx, id)
}

func (s *Server) hasPublished(ctx context.Context, userID int64) bool {
	federating, err := s.Posts.Federating(ctx, []int64{userID})
	return err == nil && federating[userID]
}

type jrd struct {
	Subject string    `json:"subject"`
	Aliases []string  `json:"aliases,omitempty"`
	Links   []jrdLink `json:"links"`
}

type jrdLink struct {
	Rel      string `json:"rel"`
	Type     string `json:"type,omitempty"`
	Href     string `json:"href,omitempty"`
	Template string `json:"template,omitempty"`
}

// GET /.well-known/webfinger?resource=acct:NAME@host (or the actor's URL)
func (s *Server) handleWebFinger(w http.ResponseWriter, r *http.Request) error {
	st, _, err := s.fedSite(r.Context())
	if err != nil {
		return err
	}
	res := r.URL.Query().Get("resource")
	if res == "" {
		return broadside.Errorf(broadside.EINVALID, "The resource parameter is missing.")
	}
	var name string
	var u *broadside.User
	if acct, ok := strings.CutPrefix(res, "acct:"); ok {
		user, host, ok := strings.Cut(strings.TrimPrefix(acct, "@"), "@")
		if !ok || !strings.EqualFold(host, siteHost(st)) {
			return errNotFound
		}
		if name, u, err = s.actorFor(r.Context(), st, user); err != nil {
			return err
		}
	} else {
		// An actor's id or profile URL.
		switch {
		case res == activitypub.ActorID(st.Base, activitypub.SiteActor) || res == st.Abs("/"):
			name = activitypub.SiteActor
		default:
			return errNotFound
		}
	}
	username := st.Federation.SiteUsername(siteHost(st))
	profile := st.Abs("/")
	if u != nil {
		username, profile = u.Login, st.Abs(st.AuthorPath(u))
	}
	id := activitypub.ActorID(st.Base, name)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Content-Type", "application/jrd+json; charset=utf-8")
	return json.NewEncoder(w).Encode(jrd{Subject: "acct:" + username + "@" + siteHost(st), Aliases: []string{id, profile},
		Links: []jrdLink{{Rel: "self", Type: activitypub.ContentType, Href: id},
			{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: profile}}})
}

// GET /.well-known/host-meta: where WebFinger lives, for servers that look it up first.
func (s *Server) handleHostMeta(w http.ResponseWriter, r *http.Request) error {
	st, _, err := s.fedSite(r.Context())
	if err != nil {
		return err
	}
	type xlink struct {
		Rel      string `xml:"rel,attr"`
		Type     string `xml:"type,attr,omitempty"`
		Template string `xml:"template,attr"`
	}
	type xrd struct {
		XMLName xml.Name `xml:"http://docs.oasis-open.org/ns/xri/xrd-1.0 XRD"`
		Link    xlink
	}
	w.Header().Set("Content-Type", "application/xrd+xml; charset=utf-8")
	_, _ = w.Write([]byte(xml.Header))
	return xml.NewEncoder(w).Encode(xrd{Link: xlink{Rel: "lrdd", Type: "application/jrd+json",
		Template: st.Abs("/.well-known/webfinger?resource={uri}")}})
}

// GET /.well-known/nodeinfo: the link to the NodeInfo 2.1 document.
func (s *Server) handleNodeInfoLinks(w http.ResponseWriter, r *http.Request) error {
	st, _, err := s.fedSite(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"links": []jrdLink{
		{Rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", Href: st.Abs("/nodeinfo/2.1")}}})
	return nil
}

// GET /nodeinfo/2.1: software, protocols and usage. Users are the authors who have published
// (with the site actor, the accounts one can follow); posts are the published posts.
func (s *Server) handleNodeInfo(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, _, err := s.fedSite(ctx)
	if err != nil {
		return err
	}
	_, posts, err := s.Posts.List(ctx, s.Posts.Public(broadside.PostFilter{Type: broadside.TypePost, Limit: 1}))
	if err != nil {
		return err
	}
	users, err := s.Users.List(ctx)
	if err != nil {
		return err
	}
	federating, err := s.Posts.Federating(ctx, nil) // one query for every user
	if err != nil {
		return err
	}
	authors := 0
	for i := range users {
		if users[i].Active() && federating[users[i].ID] {
			authors++
		}
	}
	w.Header().Set("Content-Type", `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"`)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	return json.NewEncoder(w).Encode(map[string]any{
		"version":           "2.1",
		"software":          map[string]string{"name": "broadside", "version": "1.0.0", "homepage": "https://github.com/broadside/broadside"},
		"protocols":         []string{"activitypub"},
		"services":          map[string][]string{"inbound": {}, "outbound": {"atom1.0", "rss2.0"}},
		"openRegistrations": false,
		"usage":             map[string]any{"users": map[string]int{"total": authors, "activeMonth": authors, "activeHalfyear": authors}, "localPosts": posts},
		"metadata":          map[string]string{"nodeName": st.Title, "nodeDescription": st.Tagline},
	})
}
