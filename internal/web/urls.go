package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/i18n"
)

// site is the per-request view of the site's settings with its URL builders.
type site struct {
	broadside.Settings
	Base  string // public base URL, no trailing slash
	perm  *broadside.Permalinks
	loc   *time.Location
	cats  []broadside.Category
	catOK bool
	// catErr is why the categories could not be loaded: an archive must not call a
	// category missing when the database could not say.
	catErr error
}

// Lang is the site's language for <html lang>: the setting, English when unset.
func (st *site) Lang() string { return i18n.Code(st.Language) }

// Dir is the writing direction of the site's language, for <html dir>.
func (st *site) Dir() string { return i18n.Dir(st.Lang()) }

// date and dateTime write a moment in the site's time zone and language.
func (st *site) date(t time.Time) string { return i18n.Date(st.Language, st.Local(t)) }

func (st *site) dateTime(t time.Time) string { return i18n.DateTime(st.Language, st.Local(t)) }

var permCache sync.Map // structure -> *broadside.Permalinks

func compiledPermalinks(structure string) *broadside.Permalinks {
	if p, ok := permCache.Load(structure); ok {
		return p.(*broadside.Permalinks)
	}
	p, err := broadside.NewPermalinks(structure)
	if err != nil {
		p, _ = broadside.NewPermalinks(broadside.DefaultPermalinkStructure)
	}
	permCache.Store(structure, p)
	return p
}

func (s *Server) site(ctx context.Context) (*site, error) {
	set, err := s.Settings.Load(ctx)
	if err != nil {
		return nil, err
	}
	return s.siteOf(set), nil
}

func (s *Server) siteOf(set broadside.Settings) *site {
	return &site{Settings: set, Base: s.publicBase(set), perm: compiledPermalinks(set.PermalinkStructure), loc: set.Location()}
}

// publicBase is the site's public URL: the setting when made, else the configured one.
func (s *Server) publicBase(set broadside.Settings) string {
	return set.PublicURL(s.BaseURL)
}

// categories loads the category tree once per request, for URLs that need parent paths.
func (st *site) categories(ctx context.Context, s *Server) []broadside.Category {
	if !st.catOK {
		st.cats, st.catErr = s.Posts.Categories(ctx)
		st.catOK = true
	}
	return st.cats
}

// Abs turns a site path into an absolute URL.
func (st *site) Abs(path string) string { return st.Base + path }

// PostPath returns the public path of a post or page.
func (st *site) PostPath(p *broadside.Post) string {
	if p.Type == broadside.TypePage {
		return "/" + url.PathEscape(p.Slug) + "/"
	}
	if p.Type == broadside.TypeAttachment { // an attachment's page (attachment_page.go)
		return attachmentPagePath(p.ParentID)
	}
	f := broadside.PermalinkFields{ID: p.ID, Slug: url.PathEscape(p.Slug), Published: p.PublishedAt.In(st.loc)}
	if p.Author != nil {
		f.AuthorLogin = p.Author.Login
	}
	if len(p.Categories) > 0 {
		if st.catOK {
			f.CategoryPath = strings.Join(broadside.CategoryPath(st.cats, p.Categories[0].ID), "/")
		} else {
			f.CategoryPath = p.Categories[0].Slug
		}
	}
	return st.perm.Build(f)
}

// CategoryPath returns /category/parent/child/.
func (st *site) CategoryPath(c broadside.Category) string {
	path := []string{c.Slug}
	if st.catOK {
		path = broadside.CategoryPath(st.cats, c.ID)
	}
	return "/category/" + strings.Join(path, "/") + "/"
}

// TagPath returns /tag/slug/.
func (st *site) TagPath(t broadside.Tag) string { return "/tag/" + url.PathEscape(t.Slug) + "/" }

// AuthorPath returns /author/login/.
func (st *site) AuthorPath(u *broadside.User) string {
	if u == nil {
		return "/"
	}
	return "/author/" + url.PathEscape(u.Login) + "/"
}

// CommentPath returns the link to a comment on its page of the discussion.
func (st *site) CommentPath(postPath string, page, pages int, id int64) string {
	if page > 1 {
		postPath += "comment-page-" + strconv.Itoa(page) + "/"
	}
	return postPath + "#comment-" + strconv.FormatInt(id, 10)
}

// Local converts a time to the site's zone.
func (st *site) Local(t time.Time) time.Time { return t.In(st.loc) }
