package store

import (
	"context"
	"fmt"
	"time"

	"github.com/broadside/broadside"
)

// Feeds and sitemaps list what anyone may see: published by now and not password-protected
// (WordPress leaves protected posts out of its sitemaps and comment feeds too).
const publicPostSQL = "p.status = 'published' AND p.published_at <= $1 AND p.password = ''"

// SitemapPosts returns one page of the public posts or pages of type typ, oldest id first (so
// pages of a sitemap stay stable as posts are added), with only what their URLs and lastmod
// need: id, type, slug, parent, dates, the author's login and the first category (as
// PostByID orders them), and the total.
func (s *Store) SitemapPosts(ctx context.Context, typ broadside.PostType, now time.Time, limit, offset int) ([]broadside.Post, int, error) {
	var total int
	if err := s.rd().QueryRowContext(ctx, "SELECT count(*) FROM posts p WHERE "+publicPostSQL+" AND p.type = $2",
		s.ts(now), string(typ)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count sitemap posts: %w", err)
	}
	firstCat := func(col string) string {
		return `(SELECT c.` + col + ` FROM post_categories pc JOIN categories c ON c.id = pc.category_id
		WHERE pc.post_id = p.id ORDER BY lower(c.name), c.id LIMIT 1)`
	}
	rows, err := s.rd().QueryContext(ctx, `SELECT p.id, p.slug, COALESCE(p.parent_id, 0), p.published_at, p.updated_at, u.login,
	COALESCE(`+firstCat("id")+`, 0), COALESCE(`+firstCat("slug")+`, '')
FROM posts p JOIN users u ON u.id = p.author_id
WHERE `+publicPostSQL+` AND p.type = $2 ORDER BY p.id LIMIT $3 OFFSET $4`, s.ts(now), string(typ), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store: sitemap posts: %w", err)
	}
	defer rows.Close()
	var out []broadside.Post
	for rows.Next() {
		p := broadside.Post{Type: typ, Author: &broadside.User{}}
		var c broadside.Category
		if err := rows.Scan(&p.ID, &p.Slug, &p.ParentID, scanTime(&p.PublishedAt), scanTime(&p.UpdatedAt), &p.Author.Login,
			&c.ID, &c.Slug); err != nil {
			return nil, 0, fmt.Errorf("store: sitemap posts: %w", err)
		}
		if c.ID != 0 {
			p.Categories = []broadside.Category{c}
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: sitemap posts: %w", err)
	}
	return out, total, nil
}

// SitemapSummaries returns the summary of public posts and of public pages.
func (s *Store) SitemapSummaries(ctx context.Context, now time.Time) (map[broadside.PostType]broadside.SitemapSummary, error) {
	rows, err := s.rd().QueryContext(ctx, "SELECT p.type, count(*), max(p.updated_at) FROM posts p WHERE "+publicPostSQL+
		" GROUP BY p.type", s.ts(now))
	if err != nil {
		return nil, fmt.Errorf("store: sitemap summary: %w", err)
	}
	defer rows.Close()
	out := map[broadside.PostType]broadside.SitemapSummary{}
	for rows.Next() {
		var typ string
		var sum broadside.SitemapSummary
		if err := rows.Scan(&typ, &sum.Count, scanTime(&sum.Modified)); err != nil {
			return nil, fmt.Errorf("store: sitemap summary: %w", err)
		}
		out[broadside.PostType(typ)] = sum
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sitemap summary: %w", err)
	}
	return out, nil
}

// TermsModified returns, for each category and each tag that has public posts, the newest
// change among those posts: the lastmod of its archive page.
func (s *Store) TermsModified(ctx context.Context, now time.Time) (cats, tags map[int64]time.Time, err error) {
	read := func(q string) (map[int64]time.Time, error) {
		rows, err := s.rd().QueryContext(ctx, q, s.ts(now))
		if err != nil {
			return nil, fmt.Errorf("store: terms modified: %w", err)
		}
		defer rows.Close()
		out := map[int64]time.Time{}
		for rows.Next() {
			var id int64
			var t time.Time
			if err := rows.Scan(&id, scanTime(&t)); err != nil {
				return nil, fmt.Errorf("store: terms modified: %w", err)
			}
			out[id] = t
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: terms modified: %w", err)
		}
		return out, nil
	}
	if cats, err = read("SELECT pc.category_id, max(p.updated_at) FROM post_categories pc JOIN posts p ON p.id = pc.post_id WHERE " +
		publicPostSQL + " GROUP BY pc.category_id"); err != nil {
		return nil, nil, err
	}
	if tags, err = read("SELECT pt.tag_id, max(p.updated_at) FROM post_tags pt JOIN posts p ON p.id = pt.post_id WHERE " +
		publicPostSQL + " GROUP BY pt.tag_id"); err != nil {
		return nil, nil, err
	}
	return cats, tags, nil
}

// FeedComments returns up to limit approved comments, newest first, on post postID or (0) on
// every post, leaving out posts readers cannot see or whose discussion is not public: not
// published by now, password-protected, or for subscribers only.
func (s *Store) FeedComments(ctx context.Context, postID int64, now time.Time, limit int) ([]broadside.Comment, error) {
	a := &args{}
	a.add(s.ts(now))
	q := "SELECT " + commentCols + " FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.status = 'approved' AND " +
		publicPostSQL + " AND p.subscribers_only = " + a.add(false)
	if postID != 0 {
		q += " AND c.post_id = " + a.add(postID)
	}
	q += " ORDER BY c.created_at DESC, c.id DESC LIMIT " + a.add(limit)
	rows, err := s.rd().QueryContext(ctx, q, a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: feed comments: %w", err)
	}
	defer rows.Close()
	var out []broadside.Comment
	for rows.Next() {
		var c broadside.Comment
		if err := scanComment(rows, &c); err != nil {
			return nil, fmt.Errorf("store: feed comments: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: feed comments: %w", err)
	}
	return out, nil
}
