package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/i18n"
	"github.com/broadside/broadside/internal/search"
)

// searchResult is one hit ready for the template; Title and Snippet are built by the search
// service from escaped text.
type searchResult struct {
	Title, Snippet  template.HTML
	Path, ISO, Date string
	Author          string
	IsPage          bool
	Categories      []catLink
	CommentCount    int
	SubscribersOnly bool
}

// GET /search?q=TERMS[&page=N]
// GET /?s=TERMS[&paged=N] (WordPress's search URL)
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	text := q.Get("q")
	if r.URL.Path == "/" {
		text = q.Get("s")
	}
	text = strings.TrimSpace(text)
	page := 1
	if p := q.Get("page") + q.Get("paged"); p != "" {
		if page, err = strconv.Atoi(p); err != nil || page < 1 {
			return errNotFound
		}
	}
	per := st.PostsPerPage
	status := http.StatusOK
	data := map[string]any{"Query": text}
	res, err := s.Search.Search(ctx, search.Query{Text: text, Page: page, PerPage: per})
	switch {
	case broadside.ErrorCode(err) == broadside.EINVALID:
		status = http.StatusBadRequest
		data["Error"] = i18n.T(st.Language, "That search could not be run: %s", i18n.Message(st.Language, firstFieldMessage(err)))
	case err != nil:
		return err
	}
	pages := res.Pages(per)
	if page > 1 && page > pages {
		return errNotFound
	}
	st.categories(ctx, s)
	results := make([]searchResult, len(res.Hits))
	for i, h := range res.Hits {
		p := h.Post
		sr := searchResult{Title: h.Title, Snippet: h.Snippet, Path: st.PostPath(p), ISO: p.PublishedAt.UTC().Format(time.RFC3339),
			Date: st.date(p.PublishedAt), IsPage: p.Type == broadside.TypePage, CommentCount: p.CommentCount,
			SubscribersOnly: p.SubscribersOnly}
		if sr.Title == "" {
			sr.Title = "(no title)"
		}
		if p.Author != nil {
			sr.Author = p.Author.Name()
		}
		for _, c := range p.Categories {
			sr.Categories = append(sr.Categories, catLink{Name: c.Name, Path: st.CategoryPath(c)})
		}
		results[i] = sr
	}
	data["Results"], data["Total"], data["First"] = results, res.Total, (page-1)*per+1
	pg := pager{Page: page, Pages: max(pages, 1)}
	if page > 1 {
		pg.Prev = searchPath(text, page-1)
	}
	if page < pages {
		pg.Next = searchPath(text, page+1)
	}
	data["Pager"] = pg
	if text != "" && len(results) == 0 {
		recent, cats := s.suggestions(ctx, st)
		data["Recent"], data["Categories"] = recent, cats
	}
	v := s.baseView(r, st)
	v.Title = "Search"
	if text != "" {
		v.Title = i18n.T(st.Language, "Search results for: “%s”", text)
		if page > 1 {
			v.Title += " – " + i18n.T(st.Language, "Page %d", page)
		}
	}
	v.Robots = "noindex, follow" // as WordPress: result pages are not indexed
	v.Canonical = st.Abs(searchPath(text, page))
	v.Data = data
	s.page(w, r, status, "public/search", v)
	return nil
}

// GET /search/{terms...}
// WordPress's pretty search URL (/search/town+hall/) redirects to the canonical one.
func (s *Server) handleSearchPath(w http.ResponseWriter, r *http.Request) error {
	terms := strings.TrimSuffix(r.PathValue("terms"), "/")
	terms = strings.ReplaceAll(terms, "+", " ")
	http.Redirect(w, r, searchPath(terms, 1), http.StatusMovedPermanently)
	return nil
}

// searchPath is the URL of a page of results.
func searchPath(text string, page int) string {
	p := "/search?q=" + url.QueryEscape(text)
	if page > 1 {
		p += "&page=" + strconv.Itoa(page)
	}
	return p
}

// suggestions are the recent posts and the categories offered when nothing matched.
func (s *Server) suggestions(ctx context.Context, st *site) ([]link, []catLink) {
	var recent []link
	if posts, _, err := s.Posts.List(ctx, s.Posts.Public(broadside.PostFilter{Type: broadside.TypePost, Limit: 5})); err == nil {
		for i := range posts {
			recent = append(recent, link{Title: posts[i].Title, Path: st.PostPath(&posts[i])})
		}
	}
	var cats []catLink
	for _, c := range st.categories(ctx, s) {
		if c.PostCount > 0 {
			cats = append(cats, catLink{Name: c.Name, Path: st.CategoryPath(c)})
		}
	}
	return recent, cats
}

// firstFieldMessage returns a field message of err (the search service names the problem
// per field), or its message.
func firstFieldMessage(err error) string {
	for _, k := range []string{"search", "page", "per_page", "type"} {
		if m := broadside.ErrorFields(err)[k]; m != "" {
			return m
		}
	}
	return broadside.ErrorMessage(err)
}
