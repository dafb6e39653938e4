// Package search answers readers' and API clients' searches over published posts and pages:
// full-text matching and ranking in the database (SQLite FTS5 or PostgreSQL text search, kept
// in sync by triggers), and safe highlighted snippets built here.
package search

import (
	"context"
	"html/template"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/render"
	"github.com/broadside/broadside/internal/store"
)

// Paging limits of Query.
const (
	DefaultPerPage = 10
	MaxPerPage     = 100
	maxPage        = 100_000
)

// Query is one search.
type Query struct {
	// Text is what the reader typed: words that must all occur, "quoted phrases", or, and
	// -excluded words (see broadside.ParseSearch). At most broadside.MaxSearchLen characters.
	Text string
	// Type is broadside.TypePost or broadside.TypePage; "" searches both.
	Type broadside.PostType
	// Page is 1-based (0 means 1); PerPage is at most MaxPerPage (0 means DefaultPerPage).
	Page, PerPage int
}

// Hit is one result.
type Hit struct {
	Post *broadside.Post
	// Title is the post's title, escaped, with the searched words in <mark>.
	Title template.HTML
	// Snippet is a short passage of the post's public text around the first match, escaped,
	// with the searched words in <mark>. It never contains markup from the post.
	Snippet template.HTML
	// Rank orders the hits, higher first; comparable only within one search.
	Rank float64
}

// Results is one page of hits and the number of matches over all pages.
type Results struct {
	Hits  []Hit
	Total int
	// Words are the searched words (lowercase), as highlighted.
	Words []string
}

// Pages returns the number of pages of perPage hits.
func (r Results) Pages(perPage int) int {
	if perPage <= 0 {
		perPage = DefaultPerPage
	}
	return (r.Total + perPage - 1) / perPage
}

// Store is what search needs from storage.
type Store interface {
	SearchPosts(ctx context.Context, f store.SearchFilter) ([]store.SearchHit, int, error)
	RebuildSearchIndex(ctx context.Context) (int, error)
	ReindexSearch(ctx context.Context, lang, config string) (int, error)
}

// Service searches what readers may see.
type Service struct {
	Store  Store
	Render *render.Renderer
	Now    func() time.Time
	// Language returns the site's language setting as saved (not a cached copy: the reindex
	// job must see the value whose change queued it).
	Language func(ctx context.Context) (string, error)
}

// snippetWords is the length of a snippet.
const snippetWords = 36

// Search returns one page of the public posts and pages (published, dated now or earlier,
// not password-protected; subscriber-only posts match on what broadside.PublicBody shows)
// matching q, most relevant first: posts whose title holds every searched word, then the
// others by the database's ranking, newer first among equals. Empty text, or text of only
// exclusions, matches nothing; invalid paging or type is an EINVALID error.
func (s *Service) Search(ctx context.Context, q Query) (Results, error) {
	if err := normalize(&q); err != nil {
		return Results{}, err
	}
	parsed := broadside.ParseSearch(q.Text)
	res := Results{Words: parsed.Words()}
	if len(res.Words) == 0 {
		return res, nil
	}
	hits, total, err := s.Store.SearchPosts(ctx, store.SearchFilter{
		Query: parsed, Type: q.Type,
		Statuses: []broadside.PostStatus{broadside.StatusPublished}, PublishedBefore: s.Now(), Public: true,
		Limit: q.PerPage, Offset: (q.Page - 1) * q.PerPage,
	})
	if err != nil {
		return Results{}, err
	}
	res.Total = total
	res.Hits = make([]Hit, len(hits))
	for i := range hits {
		p := &hits[i].Post
		res.Hits[i] = Hit{Post: p, Rank: hits[i].Rank, Title: Highlight(p.Title, res.Words),
			Snippet: s.snippet(p, res.Words)}
	}
	return res, nil
}

func normalize(q *Query) error {
	fe := broadside.FieldErrors{}
	q.Text = strings.TrimSpace(q.Text)
	if utf8.RuneCountInString(q.Text) > broadside.MaxSearchLen {
		fe.Add("search", "The search is too long (200 characters at most).")
	}
	switch q.Type {
	case "", broadside.TypePost, broadside.TypePage:
	default:
		fe.Add("type", "Search posts or pages.")
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Page < 1 || q.Page > maxPage {
		fe.Add("page", "The page must be a positive number.")
	}
	if q.PerPage == 0 {
		q.PerPage = DefaultPerPage
	}
	if q.PerPage < 1 || q.PerPage > MaxPerPage {
		fe.Add("per_page", "Results per page must be between 1 and 100.")
	}
	return fe.Err()
}

// snippet finds the first match in what the post may expose (broadside.PublicBody decides),
// first in its body, then its excerpt, and shows the words around it; without a match there
// (the title or a tag matched) it shows the beginning.
func (s *Service) snippet(p *broadside.Post, words []string) template.HTML {
	e := broadside.PublicBody(p)
	if e.Withheld != "" {
		return template.HTML(template.HTMLEscapeString(e.Withheld))
	}
	body := ""
	if e.Body != "" {
		body = s.Render.Text(p.BodyFormat, e.Body)
	}
	excerpt := strings.Join(strings.Fields(e.Excerpt), " ")
	for _, text := range []string{body, excerpt} {
		if h, ok := Snippet(text, words, snippetWords); ok {
			return h
		}
	}
	if excerpt != "" {
		h, _ := Snippet(excerpt, nil, snippetWords)
		return h
	}
	h, _ := Snippet(body, nil, snippetWords)
	return h
}

// Rebuild indexes every post again (`broadside search rebuild`) and returns how many: in the
// site's language when the service knows it (a repair also catches up with a language change
// whose job has not run yet).
func (s *Service) Rebuild(ctx context.Context) (int, error) {
	if s.Language != nil {
		return s.Reindex(ctx)
	}
	return s.Store.RebuildSearchIndex(ctx)
}
