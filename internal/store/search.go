package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// SearchFilter selects posts for SearchPosts.
type SearchFilter struct {
	// Query is the parsed search; a query without positive clauses matches nothing.
	Query broadside.SearchQuery
	// Type keeps posts of one type; "" searches posts and pages.
	Type broadside.PostType
	// Statuses and PublishedBefore restrict results as in PostFilter (readers: published,
	// and published_at <= now).
	Statuses        []broadside.PostStatus
	PublishedBefore time.Time
	// Public applies broadside.PublicBody's rule inside the search, for readers who are not
	// signed in: password-protected posts are left out (as WordPress leaves them out for
	// visitors), and a subscriber-only post matches only on what it shows everyone besides
	// its teaser: title, categories, tags and excerpt.
	Public        bool
	Limit, Offset int
}

// SearchHit is a post matching a search, with its relevance.
type SearchHit struct {
	Post broadside.Post
	// Rank orders results, higher first: 1 plus something below 1 when every searched term
	// occurs in the title, and below 1 otherwise (bm25 on SQLite, ts_rank on PostgreSQL,
	// squashed into [0, 1)). It is comparable only within one search.
	Rank float64
}

// Weights of the indexed fields: a match in the title counts most, then category and tag
// names, then the excerpt, then the body. PostgreSQL's default ts_rank weights express the
// same order (A 1.0 title, B 0.4 terms, C 0.2 excerpt, D 0.1 body).
const sqliteBM25 = "bm25(posts_fts, 10.0, 5.0, 2.0, 1.0)"

// SearchPosts returns one page of the posts matching f, most relevant first (posts whose
// title holds every searched term before the others; newer first among equals), and the
// total number of matches.
func (s *Store) SearchPosts(ctx context.Context, f SearchFilter) ([]SearchHit, int, error) {
	pos := f.Query.Positive()
	if len(pos) == 0 {
		return nil, 0, nil
	}
	a := &args{}
	var q string
	if s.isPG() {
		full, title := a.add(f.Query.String()), a.add(pos.String())
		// doc is what a post may be found by: for a subscriber-only post in a public search,
		// everything but the body (weights A title, B terms, C excerpt).
		doc := "(f.content || f.terms)"
		if f.Public {
			doc = "(CASE WHEN p.subscribers_only THEN ts_filter(f.content || f.terms, '{a,b,c}') ELSE f.content || f.terms END)"
		}
		// The positive query tq selects candidates through the GIN index on content || terms.
		q = `SELECT p.id, ts_rank(` + doc + `, q), ts_filter(f.content, '{a}') @@ tq, count(*) OVER ()
FROM posts_fts f JOIN posts p ON p.id = f.post_id
	CROSS JOIN websearch_to_tsquery(broadside_search_config(), ` + full + `) q
	CROSS JOIN websearch_to_tsquery(broadside_search_config(), ` + title + `) tq
WHERE (f.content || f.terms) @@ tq AND ` + doc + ` @@ q`
		if f.Public {
			q += " AND p.password = ''"
		}
	} else {
		full, title := ftsQuery(f.Query), a.add("title : ("+ftsQuery(pos)+")")
		m := `SELECT rowid AS id, ` + sqliteBM25 + ` AS score FROM posts_fts WHERE posts_fts MATCH ` + a.add(full)
		if f.Public {
			// A subscriber-only post is matched (and scored) on every column but the body.
			m = `SELECT rowid AS id, ` + sqliteBM25 + ` AS score, 0 AS hidden FROM posts_fts WHERE posts_fts MATCH ` + a.add(full) + `
	UNION ALL
	SELECT rowid, ` + sqliteBM25 + `, 1 FROM posts_fts WHERE posts_fts MATCH ` + a.add("{title terms excerpt} : ("+full+")")
		}
		q = `SELECT p.id, -m.score, p.id IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ` + title + `), count(*) OVER ()
FROM (` + m + `) m
	JOIN posts p ON p.id = m.id
WHERE 1 = 1`
		if f.Public {
			q += " AND p.password = '' AND p.subscribers_only = m.hidden"
		}
	}
	if f.Type != "" {
		q += " AND p.type = " + a.add(string(f.Type))
	} else {
		q += " AND p.type <> " + a.add(string(broadside.TypeAttachment)) // reached from its attachment only
	}
	if len(f.Statuses) > 0 {
		q += " AND p.status IN " + in(a, strs(f.Statuses))
	}
	if !f.PublishedBefore.IsZero() {
		q += " AND p.published_at <= " + a.add(s.ts(f.PublishedBefore))
	}
	q += " ORDER BY 3 DESC, 2 DESC, p.published_at DESC, p.id DESC"
	if f.Limit > 0 {
		q += " LIMIT " + a.add(f.Limit)
	}
	if f.Offset > 0 {
		if f.Limit <= 0 {
			q += " LIMIT " + s.noLimit()
		}
		q += " OFFSET " + a.add(f.Offset)
	}
	rows, err := s.rd().QueryContext(ctx, q, a.v...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: search posts: %w", err)
	}
	defer rows.Close()
	var ids []int64
	rank := map[int64]float64{}
	total := 0
	for rows.Next() {
		var id int64
		var score float64
		var inTitle bool
		if err := rows.Scan(&id, &score, &inTitle, &total); err != nil {
			return nil, 0, fmt.Errorf("store: search posts: %w", err)
		}
		r := max(score, 0) / (1 + max(score, 0))
		if inTitle {
			r++
		}
		ids = append(ids, id)
		rank[id] = r
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: search posts: %w", err)
	}
	rows.Close()
	if len(ids) == 0 {
		if f.Offset > 0 { // past the last page: count separately
			n, err := s.countSearch(ctx, f)
			return nil, n, err
		}
		return nil, 0, nil
	}
	posts, err := s.postsByIDs(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	hits := make([]SearchHit, 0, len(ids))
	for _, id := range ids {
		if p, ok := posts[id]; ok {
			hits = append(hits, SearchHit{Post: *p, Rank: rank[id]})
		}
	}
	return hits, total, nil
}

func (s *Store) countSearch(ctx context.Context, f SearchFilter) (int, error) {
	f.Limit, f.Offset = 1, 0
	_, n, err := s.SearchPosts(ctx, f)
	return n, err
}

// ftsQuery writes q in FTS5's query language. Words are letters and digits only (ParseSearch
// guarantees it), and each phrase is quoted, so nothing a reader types is read as syntax.
func ftsQuery(q broadside.SearchQuery) string {
	phrase := func(c broadside.SearchClause) string {
		parts := make([]string, len(c.Phrases))
		for i, p := range c.Phrases {
			parts[i] = `"` + strings.Join(p, " ") + `"`
		}
		if len(parts) == 1 {
			return parts[0]
		}
		return "(" + strings.Join(parts, " OR ") + ")"
	}
	var pos, neg []string
	for _, c := range q {
		if c.Negated {
			neg = append(neg, phrase(c))
		} else {
			pos = append(pos, phrase(c))
		}
	}
	out := "(" + strings.Join(pos, " AND ") + ")"
	for _, n := range neg {
		out += " NOT " + n
	}
	return out
}

// postsByIDs loads posts with their authors, categories and tags.
func (s *Store) postsByIDs(ctx context.Context, ids []int64) (map[int64]*broadside.Post, error) {
	a := &args{}
	rows, err := s.rd().QueryContext(ctx, postSelect+" WHERE p.id IN "+in(a, ids), a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: load posts: %w", err)
	}
	defer rows.Close()
	var list []broadside.Post
	for rows.Next() {
		var p broadside.Post
		if err := scanPost(rows, &p); err != nil {
			return nil, fmt.Errorf("store: load posts: %w", err)
		}
		list = append(list, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: load posts: %w", err)
	}
	rows.Close()
	if err := s.loadPostTerms(ctx, list); err != nil {
		return nil, err
	}
	out := make(map[int64]*broadside.Post, len(list))
	for i := range list {
		out[list[i].ID] = &list[i]
	}
	return out, nil
}

// postTermsSQLite is the terms column of post $1 in the SQLite search index: its category and
// tag names as search text. The triggers of sqlite/0027_search_language.sql write the same
// expression eight times with the post's id in place of $1 (a trigger cannot call a statement
// of ours); TestSearchTermsTriggers holds them to this one.
const postTermsSQLite = `broadside_search_text(COALESCE((SELECT group_concat(name, ' ') FROM (
	SELECT c.name FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = $1
	UNION ALL
	SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = $1)), ''))`

// postTermsOfRow is postTermsSQLite for each row an UPDATE of posts_fts visits, which leaves
// the statement's parameters to its list of ids.
var postTermsOfRow = strings.ReplaceAll(postTermsSQLite, "$1", "posts_fts.rowid")

// holdSearchTerms and releaseSearchTerms bracket writing a post's category and tag links. On
// SQLite every link change would rewrite the post's whole FTS5 row (re-tokenizing its body), so
// the link triggers skip a held post and release updates its terms once. PostgreSQL keeps the
// names in their own small vector, so its triggers are cheap and nothing is held.
func (s *Store) holdSearchTerms(ctx context.Context, postID int64) error {
	return s.holdSearchTermsOf(ctx, []int64{postID})
}

func (s *Store) releaseSearchTerms(ctx context.Context, postID int64) error {
	return s.releaseSearchTermsOf(ctx, []int64{postID})
}

// holdSearchTermsOf and releaseSearchTermsOf bracket the links of many posts written at once
// (ImportNewPosts) in three statements.
func (s *Store) holdSearchTermsOf(ctx context.Context, ids []int64) error {
	if s.isPG() {
		return nil
	}
	_, _, err := s.insertRows(ctx, "INSERT INTO posts_fts_hold (post_id) VALUES ", " ON CONFLICT DO NOTHING", len(ids), 1, linkBatch,
		func(i int, a *args) string { return "(" + a.add(ids[i]) + ")" })
	if err != nil {
		return fmt.Errorf("store: index %s: %w", postIDs(ids), err)
	}
	return nil
}

func (s *Store) releaseSearchTermsOf(ctx context.Context, ids []int64) error {
	if s.isPG() {
		return nil
	}
	for len(ids) > 0 {
		n := min(len(ids), linkBatch)
		a := &args{}
		list := in(a, ids[:n])
		if _, err := s.wr().ExecContext(ctx, "DELETE FROM posts_fts_hold WHERE post_id IN "+list, a.v...); err != nil {
			return fmt.Errorf("store: index %s: %w", postIDs(ids[:n]), err)
		}
		// Only when the names changed: saving a post with the same links rewrites nothing.
		// FTS5 looks each rowid of the list up (EXPLAIN QUERY PLAN: INDEX 0:=).
		if _, err := s.wr().ExecContext(ctx, "UPDATE posts_fts SET terms = "+postTermsOfRow+" WHERE rowid IN "+list+" AND terms <> "+postTermsOfRow, a.v...); err != nil {
			return fmt.Errorf("store: index %s: %w", postIDs(ids[:n]), err)
		}
		ids = ids[n:]
	}
	return nil
}

// postIDs names posts in an error: "post 7", or "posts 7 to 12".
func postIDs(ids []int64) string {
	if len(ids) == 1 {
		return fmt.Sprintf("post %d", ids[0])
	}
	return fmt.Sprintf("%d posts (ids %d to %d)", len(ids), ids[0], ids[len(ids)-1])
}

// indexAllPostsSQLite writes every post's row of the SQLite search index in one statement:
// what the insert trigger would write for each post, with its terms as releaseSearchTerms
// leaves them once the links are written. RebuildSearchIndex and DeferSearchIndex's build
// both run it.
const indexAllPostsSQLite = `INSERT INTO posts_fts (rowid, title, terms, excerpt, body)
SELECT p.id, broadside_search_text(p.title), broadside_search_text(COALESCE(t.terms, '')),
	broadside_search_text(p.raw_excerpt), COALESCE(p.search_body, '')
FROM posts p LEFT JOIN post_search_terms t ON t.post_id = p.id`

// RebuildSearchIndex indexes every post again from scratch, in one transaction, and returns
// how many posts were indexed. The triggers keep the index in sync; this is for repairs (a
// tool that wrote to the database without them) and after changing how text is indexed.
func (s *Store) RebuildSearchIndex(ctx context.Context) (int, error) {
	stmts := []string{"DELETE FROM posts_fts", indexAllPostsSQLite,
		"INSERT INTO posts_fts (posts_fts) VALUES ('optimize')"}
	if s.isPG() {
		stmts = []string{"DELETE FROM posts_fts",
			`INSERT INTO posts_fts (post_id, content, terms)
SELECT p.id, broadside_post_content(p.title, p.raw_excerpt, p.search_body), broadside_post_terms(p.id)
FROM posts p`}
	}
	var n int64
	err := s.InTx(ctx, func(tx *Store) error {
		// The search text first, in Go: how it is computed may have changed since it was stored.
		if err := tx.fillSearchText(ctx, true); err != nil {
			return err
		}
		for i, q := range stmts {
			res, err := tx.wr().ExecContext(ctx, q)
			if err != nil {
				return fmt.Errorf("store: rebuild search index: %w", err)
			}
			if i == 1 {
				if n, err = res.RowsAffected(); err != nil {
					return fmt.Errorf("store: rebuild search index: %w", err)
				}
			}
		}
		return nil
	})
	return int(n), err
}
