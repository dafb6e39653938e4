package web

import (
	"context"
	"html"
	"net/http"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
)

// outboxPage is how many activities a page of an outbox holds.
const outboxPage = 20

// wantsActivity reports whether the request asks for ActivityStreams JSON (what fediverse
// servers send) rather than a page.
func wantsActivity(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/activity+json") || strings.Contains(a, "application/ld+json")
}

// serveNegotiated answers a canonical URL asked for as ActivityStreams: the home page as
// the site actor, an author's page as their actor, a post's permalink as its object. It
// returns false, having written nothing, when the URL has no such representation (or
// federation is off), so the page is served as usual.
func (s *Server) serveNegotiated(w http.ResponseWriter, r *http.Request) (bool, error) {
	ctx := r.Context()
	st, as, err := s.fedSite(ctx)
	if err != nil {
		return false, nil
	}
	p := r.URL.Path
	switch {
	case p == "/":
		return true, s.answerActor(w, ctx, st, as, activitypub.SiteActor, nil)
	case strings.HasPrefix(p, "/author/"):
		login := strings.Trim(strings.TrimPrefix(p, "/author/"), "/")
		name, u, err := s.actorFor(ctx, st, login)
		if err != nil || u == nil {
			return false, nil
		}
		return true, s.answerActor(w, ctx, st, as, name, u)
	}
	if m, ok := st.perm.Match(p); ok {
		if post, err := s.postFromMatch(ctx, m); err == nil {
			st.categories(ctx, s)
			return true, s.answerObject(w, ctx, st, post)
		}
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	if post, err := s.Posts.BySlug(ctx, broadside.TypePage, segs[len(segs)-1]); err == nil && st.PostPath(post) == p {
		return true, s.answerObject(w, ctx, st, post)
	}
	return false, nil
}

// profile is how our actor name presents itself.
func (s *Server) profile(st *site, name string, u *broadside.User) activitypub.Profile {
	pr := activitypub.Profile{Username: st.Federation.SiteUsername(siteHost(st)), Name: st.Title, URL: st.Abs("/")}
	if st.Tagline != "" {
		pr.Summary = "<p>" + html.EscapeString(st.Tagline) + "</p>"
	}
	if u != nil {
		pr = activitypub.Profile{Username: u.Login, Name: u.Name(), URL: st.Abs(st.AuthorPath(u)), Published: u.CreatedAt}
	}
	if ic := st.Identity.Icon; ic.URL != "" {
		pr.IconURL, pr.IconType = absoluteURL(st, ic.URL), ic.MimeType
	}
	return pr
}

// answerActor writes actor name (u for an author's), st and as being what fedSite gave the
// caller.
func (s *Server) answerActor(w http.ResponseWriter, ctx context.Context, st *site, as activitypub.Site, name string, u *broadside.User) error {
	a, err := s.Federation.Actor(ctx, as, name, s.profile(st, name, u))
	if err != nil {
		return err
	}
	writeAS(w, http.StatusOK, a)
	return nil
}

// GET /activitypub/{rest...}: our actors (site, users/ID) and their outbox, followers,
// following and featured collections. Replies collections and comments have routes of their
// own (activitypub_comments.go).
func (s *Server) handleActivityPubGet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, as, err := s.fedSite(ctx)
	if err != nil {
		return err
	}
	rest := r.PathValue("rest")
	if id, ok := strings.CutPrefix(rest, "posts/"); ok && (strings.HasSuffix(id, "/likes") || strings.HasSuffix(id, "/shares")) {
		return s.answerReactions(w, ctx, st, id) // activitypub_reactions.go
	}
	name, coll := rest, ""
	if i := strings.LastIndexByte(rest, '/'); i > 0 && rest != activitypub.SiteActor && !isDigits(rest[i+1:]) {
		name, coll = rest[:i], rest[i+1:]
	}
	var u *broadside.User
	switch {
	case name == activitypub.SiteActor:
	case activitypub.AuthorOf(name) != 0 && st.Federation.AuthorActors:
		if !s.AuthorActive(ctx, activitypub.AuthorOf(name)) {
			return errNotFound
		}
		if u, err = s.Users.ByID(ctx, activitypub.AuthorOf(name)); err != nil {
			return err
		}
	default:
		return errNotFound
	}
	id := activitypub.ActorID(st.Base, name)
	switch coll {
	case "":
		return s.answerActor(w, ctx, st, as, name, u)
	case "outbox":
		return s.answerOutbox(w, r, st, id, u)
	case "followers":
		n, err := s.Federation.Followers(ctx, name)
		if err != nil {
			return err
		}
		// As Mastodon: the count is public, the list is not.
		writeAS(w, http.StatusOK, activitypub.Collection{Context: activitypub.ContextAS, ID: id + "/followers", Type: "OrderedCollection", TotalItems: activitypub.Count(n)})
	case "following":
		writeAS(w, http.StatusOK, activitypub.Collection{Context: activitypub.ContextAS, ID: id + "/following", Type: "OrderedCollection", TotalItems: activitypub.Count(0)})
	case "featured":
		sticky := true
		f := broadside.PostFilter{Type: broadside.TypePost, Sticky: &sticky, Limit: outboxPage}
		if u != nil {
			f.AuthorID = u.ID
		}
		items, _, err := s.publicObjects(ctx, st, f, false)
		if err != nil {
			return err
		}
		writeAS(w, http.StatusOK, activitypub.Collection{Context: activitypub.Context, ID: id + "/featured", Type: "OrderedCollection",
			TotalItems: activitypub.Count(len(items)), OrderedItems: items})
	default:
		return errNotFound
	}
	return nil
}

func isDigits(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// answerOutbox is the actor's outbox: the count and a link to the first page, or with
// ?page=N that page of Create activities of the public posts, newest first.
func (s *Server) answerOutbox(w http.ResponseWriter, r *http.Request, st *site, id string, u *broadside.User) error {
	ctx := r.Context()
	f := broadside.PostFilter{Type: broadside.TypePost}
	if u != nil {
		f.AuthorID = u.ID
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		_, total, err := s.Posts.List(ctx, s.Posts.Public(broadside.PostFilter{Type: f.Type, AuthorID: f.AuthorID, Limit: 1}))
		if err != nil {
			return err
		}
		writeAS(w, http.StatusOK, activitypub.Collection{Context: activitypub.ContextAS, ID: id + "/outbox", Type: "OrderedCollection",
			TotalItems: activitypub.Count(total), First: id + "/outbox?page=1"})
		return nil
	}
	if page > 10000 {
		return errNotFound
	}
	f.Limit, f.Offset = outboxPage, (page-1)*outboxPage
	items, total, err := s.publicObjects(ctx, st, f, true)
	if err != nil {
		return err
	}
	c := activitypub.Collection{Context: activitypub.Context, ID: id + "/outbox?page=" + strconv.Itoa(page), Type: "OrderedCollectionPage",
		PartOf: id + "/outbox", OrderedItems: items}
	if page*outboxPage < total {
		c.Next = id + "/outbox?page=" + strconv.Itoa(page+1)
	}
	if page > 1 {
		c.Prev = id + "/outbox?page=" + strconv.Itoa(page-1)
	}
	writeAS(w, http.StatusOK, c)
	return nil
}

// publicObjects lists the posts f chooses among those readers may see, as objects (or as
// their Create activities), each as the access rule lets it leave the site.
func (s *Server) publicObjects(ctx context.Context, st *site, f broadside.PostFilter, create bool) ([]any, int, error) {
	posts, total, err := s.Posts.List(ctx, s.Posts.Public(f))
	if err != nil {
		return nil, 0, err
	}
	st.categories(ctx, s)
	items := []any{}
	for i := range posts {
		o, err := s.postObject(ctx, st, &posts[i])
		if err != nil {
			continue // password protected: never federated
		}
		o.Context = nil
		if !create {
			items = append(items, o)
			continue
		}
		obj, err := activitypub.Embed(o.ID, o)
		if err != nil {
			return nil, 0, err
		}
		items = append(items, activitypub.Activity{ID: o.ID + "#create", Type: "Create", Actor: o.AttributedTo,
			Object: obj, To: o.To, Cc: o.Cc, Published: o.Published})
	}
	return items, total, nil
}
