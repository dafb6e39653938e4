package web

import (
	"context"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/i18n"
	"github.com/broadside/broadside/internal/render"
)

// view is what every page template receives.
type view struct {
	Site        *site
	Title       string
	Description string
	Canonical   string
	OGType      string
	OGImage     string
	OGImageAlt  string
	// OGImageWidth and OGImageHeight are the card image's pixels, when it is a library file.
	OGImageWidth, OGImageHeight int
	Meta                        []metaTag
	Feeds                       []feedLink // feed auto-discovery links (meta.go)
	JSONLD                      any        // structured data, written as <script type="application/ld+json">
	Robots                      string
	User                        *broadside.User
	Flash                       string
	Nav                         []navLink
	Year                        int
	// Subs is the subscription state of the page (subscribe forms, the signed-in reader).
	Subs subscribeView
	Data any
}

type metaTag struct{ Property, Content string }

type link struct{ Title, Path string }

// navLink is a header menu link with its sub-menu.
type navLink struct {
	Title, Path string
	Children    []navLink
}

// baseView starts a view for r; st may be nil when settings could not be loaded (error pages).
func (s *Server) baseView(r *http.Request, st *site) *view {
	if st == nil {
		var err error
		st, err = s.site(r.Context())
		if err != nil {
			d := broadside.DefaultSettings()
			st = &site{Settings: d, Base: s.BaseURL, perm: compiledPermalinks(d.PermalinkStructure), loc: time.UTC}
		}
	}
	return &view{Site: st, User: currentUser(r), Year: s.Now().In(st.loc).Year(), Nav: s.nav(r.Context(), st),
		Feeds: siteFeedLinks(st), Subs: s.subscribeView(r)}
}

// nav lists the published top-level pages for the header. Every page has it, signed-in or
// not, so it is kept with the page cache's version (and expiry, for a scheduled page).
func (s *Server) nav(ctx context.Context, st *site) []navLink {
	c := s.Cache
	if c == nil {
		return s.loadNav(ctx, st)
	}
	c.mu.RLock()
	kept, gen := c.navKept, c.gen
	c.mu.RUnlock()
	if kept != nil && kept.gen == gen && s.Now().Before(kept.expires) {
		return kept.links
	}
	links := s.loadNav(ctx, st)
	c.mu.Lock()
	if c.gen == gen && links != nil { // nil: the database did not answer
		c.navKept = &navEntry{links: links, gen: gen, expires: s.Now().Add(c.TTL)}
	}
	c.mu.Unlock()
	return links
}

// navEntry is the kept navigation.
type navEntry struct {
	links   []navLink
	gen     uint64
	expires time.Time
}

// loadNav is the header's menu: the one the publisher made (admin_identity.go), or else the
// published top-level pages.
func (s *Server) loadNav(ctx context.Context, st *site) []navLink {
	if len(st.Identity.Menu) > 0 {
		return s.menuLinks(ctx, st, st.Identity.Menu)
	}
	pages, _, err := s.Posts.List(ctx, s.Posts.Public(broadside.PostFilter{Type: broadside.TypePage, OrderBy: "menu_order", Asc: true, Limit: 10}))
	if err != nil {
		return nil
	}
	out := []navLink{} // not nil: an empty list is kept too
	for i := range pages {
		if pages[i].ParentID == 0 {
			out = append(out, navLink{Title: pages[i].Title, Path: st.PostPath(&pages[i])})
		}
	}
	return out
}

// summary is a post as listed on the home page and in archives.
type summary struct {
	Title, Path, ISO, Date, Author, AuthorPath, Image, ImageAlt string
	// ImageHTML is the featured image's markup when it is a library file (small sizes).
	ImageHTML template.HTML
	// TitleHTML is the title for the heading, with its sanitized inline markup.
	TitleHTML    template.HTML
	Excerpt      string
	More         bool
	CommentCount int
	Categories   []catLink
}

type catLink struct{ Name, Path string }

func (s *Server) summaries(ctx context.Context, st *site, ps []broadside.Post) []summary {
	out := make([]summary, len(ps))
	urls := make([]string, len(ps))
	for i := range ps {
		urls[i] = ps[i].FeaturedImageURL
	}
	imgs := s.libraryImages(ctx, st, urls)
	for i := range ps {
		p := &ps[i]
		sm := summary{Title: p.Title, Path: st.PostPath(p), ISO: p.PublishedAt.UTC().Format(time.RFC3339),
			Date: st.date(p.PublishedAt), CommentCount: p.CommentCount,
			Image: p.FeaturedImageURL, ImageAlt: p.FeaturedImageAlt}
		if m := imgs.file(p.FeaturedImageURL); m != nil {
			// Listings show the image small: the medium size, 300 pixels wide.
			sm.ImageHTML = render.Image(m, render.ImageOptions{Alt: p.FeaturedImageAlt, Class: "summary-image", MaxWidth: 300})
		}
		if p.Author != nil {
			sm.Author, sm.AuthorPath = p.Author.Name(), st.AuthorPath(p.Author)
		}
		if sm.Title == "" {
			sm.Title = i18n.T(st.Language, "(no title)")
		}
		sm.TitleHTML = s.Render.Title(sm.Title, p.RawTitleMarkup)
		for _, c := range p.Categories {
			sm.Categories = append(sm.Categories, catLink{Name: c.Name, Path: st.CategoryPath(c)})
		}
		if p.Protected() {
			// WordPress's words; neither the body nor the excerpt of a protected post is shown.
			sm.Excerpt = i18n.T(st.Language, "There is no excerpt because this is a protected post.")
			sm.More = true
		} else if p.RawExcerpt != "" {
			sm.Excerpt = p.RawExcerpt
			sm.More = true
		} else {
			// Listings are shared by every reader (and cached), so they show what the post
			// exposes publicly: a subscriber-only post's teaser, never its rest.
			e := broadside.PublicBody(p)
			_, more := broadside.SplitMore(p.RawBody)
			sm.Excerpt = s.Render.Excerpt(p.BodyFormat, e.Body, 55)
			sm.More = more || !e.Full || strings.HasSuffix(sm.Excerpt, "…")
		}
		out[i] = sm
	}
	return out
}

func formatDate(t time.Time) string { return t.Format("January 2, 2006") }

func formatDateTime(t time.Time) string { return t.Format("January 2, 2006 at 3:04 pm") }

// paragraphs splits plain text on blank lines for templates that print it escaped.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
