package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// postSelect reads a post and its author (without the password hash) in one row.
const postSelect = `SELECT p.id, p.type, p.author_id, COALESCE(p.parent_id, 0), p.title, p.slug, p.raw_body,
	p.body_format, p.raw_excerpt, p.status, p.published_at, p.created_at, p.updated_at,
	p.featured_image_url, p.featured_image_alt, p.comments_open, p.comment_count, p.password, p.sticky,
	p.subscribers_only, p.send_newsletter, p.appeal, p.notice, p.featured_media, p.pings_open,
	p.menu_order, p.guid, p.guid_is_permalink, p.title_markup,
	u.id, u.email, u.login, u.display_name, u.role, u.created_at
FROM posts p JOIN users u ON u.id = p.author_id`

func scanPost(r rowScanner, p *broadside.Post) error {
	var typ, status, role string
	u := &broadside.User{}
	err := r.Scan(&p.ID, &typ, &p.AuthorID, &p.ParentID, &p.Title, &p.Slug, &p.RawBody,
		&p.BodyFormat, &p.RawExcerpt, &status, scanTime(&p.PublishedAt), scanTime(&p.CreatedAt), scanTime(&p.UpdatedAt),
		&p.FeaturedImageURL, &p.FeaturedImageAlt, &p.CommentsOpen, &p.CommentCount, &p.Password, &p.Sticky,
		&p.SubscribersOnly, &p.SendNewsletter, &p.Appeal, &p.Notice, &p.FeaturedMediaID, &p.PingsOpen,
		&p.MenuOrder, &p.GUID, &p.GUIDIsPermaLink, &p.RawTitleMarkup,
		&u.ID, &u.Email, &u.Login, &u.DisplayName, &role, scanTime(&u.CreatedAt))
	if err != nil {
		return err
	}
	p.Type, p.Status, u.Role = broadside.PostType(typ), broadside.PostStatus(status), broadside.Role(role)
	p.Author = u
	return nil
}

// postOrder maps PostFilter.OrderBy to SQL; user input never reaches the query text.
var postOrder = map[string]string{
	"":             "p.published_at",
	"published_at": "p.published_at",
	"updated_at":   "p.updated_at",
	"created_at":   "p.created_at",
	"title":        "lower(p.title)",
	"id":           "p.id",
	"slug":         "p.slug",
	"author":       "p.author_id",
	"parent":       "COALESCE(p.parent_id, 0)",
	"menu_order":   "p.menu_order",
}

// CreatePost inserts p with its category and tag links (by ID) and sets p.ID, and CreatedAt
// and UpdatedAt when zero. A non-zero p.ID is kept (imports keep WordPress ids).
func (s *Store) CreatePost(ctx context.Context, p *broadside.Post) error {
	now := time.Now()
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = p.CreatedAt
	}
	truncPostTimes(p)
	return s.InTx(ctx, func(tx *Store) error {
		a := &args{}
		cols, vals := "", ""
		if p.ID != 0 {
			cols, vals = "id, ", a.add(p.ID)+", "
		}
		q := `INSERT INTO posts (` + cols + `type, author_id, parent_id, title, slug, raw_body, body_format, search_body, raw_excerpt,
	status, published_at, created_at, updated_at, featured_image_url, featured_image_alt, comments_open, password, sticky,
	subscribers_only, send_newsletter, appeal, notice, featured_media, pings_open, menu_order, title_markup)
VALUES (` + vals + strings.Join([]string{a.add(string(p.Type)), a.add(p.AuthorID), a.add(nullID(p.ParentID)),
			a.add(p.Title), a.add(p.Slug), a.add(p.RawBody), a.add(p.BodyFormat), a.add(SearchBody(p.RawBody, p.BodyFormat)), a.add(p.RawExcerpt),
			a.add(string(p.Status)), a.add(tx.ts(p.PublishedAt)), a.add(tx.ts(p.CreatedAt)), a.add(tx.ts(p.UpdatedAt)),
			a.add(p.FeaturedImageURL), a.add(p.FeaturedImageAlt), a.add(p.CommentsOpen), a.add(p.Password), a.add(p.Sticky),
			a.add(p.SubscribersOnly), a.add(p.SendNewsletter), a.add(p.Appeal), a.add(p.Notice), a.add(p.FeaturedMediaID), a.add(p.PingsOpen), a.add(p.MenuOrder), a.add(p.RawTitleMarkup)}, ", ") + `) RETURNING id`
		if err := tx.wr().QueryRowContext(ctx, q, a.v...).Scan(&p.ID); err != nil {
			return postWriteErr("create post", p, err)
		}
		if cols != "" {
			if err := tx.bumpSequence(ctx, "posts"); err != nil {
				return err
			}
		}
		return tx.writePostLinks(ctx, p, false)
	})
}

func truncPostTimes(p *broadside.Post) {
	p.CreatedAt = p.CreatedAt.UTC().Truncate(time.Microsecond)
	p.UpdatedAt = p.UpdatedAt.UTC().Truncate(time.Microsecond)
	if !p.PublishedAt.IsZero() {
		p.PublishedAt = p.PublishedAt.UTC().Truncate(time.Microsecond)
	}
}

func postWriteErr(op string, p *broadside.Post, err error) error {
	if what, ok := uniqueViolation(err); ok {
		if strings.Contains(what, "slug") {
			return conflict("A " + string(p.Type) + " with this slug already exists.")
		}
		return conflict("A post with this ID already exists.")
	}
	if foreignKeyViolation(err) {
		return &broadside.Error{Code: broadside.EINVALID, Message: "The post's author does not exist."}
	}
	return fmt.Errorf("store: %s %q: %w", op, p.Slug, err)
}

// writePostLinks writes p's category and tag links, replacing existing ones when replace.
func (s *Store) writePostLinks(ctx context.Context, p *broadside.Post, replace bool) error {
	var links postLinks
	if err := links.add(p); err != nil {
		return err
	}
	if err := s.holdSearchTerms(ctx, p.ID); err != nil { // one search index update for all links
		return err
	}
	if replace {
		if _, err := s.wr().ExecContext(ctx, "DELETE FROM post_categories WHERE post_id = $1", p.ID); err != nil {
			return fmt.Errorf("store: replace categories of post %d: %w", p.ID, err)
		}
		if _, err := s.wr().ExecContext(ctx, "DELETE FROM post_tags WHERE post_id = $1", p.ID); err != nil {
			return fmt.Errorf("store: replace tags of post %d: %w", p.ID, err)
		}
	}
	if err := s.insertPostLinks(ctx, postIDs([]int64{p.ID}), links); err != nil {
		return err
	}
	return s.releaseSearchTerms(ctx, p.ID)
}

// UpdatePost saves p's fields and replaces its category and tag links. CreatedAt and
// CommentCount are not written (the store maintains the count). UpdatedAt is written as given,
// or the current time when zero.
func (s *Store) UpdatePost(ctx context.Context, p *broadside.Post) error {
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = time.Now()
	}
	truncPostTimes(p)
	return s.InTx(ctx, func(tx *Store) error {
		n, err := rowsAffected(tx.wr().ExecContext(ctx, `UPDATE posts SET type = $1, author_id = $2, parent_id = $3,
	title = $4, slug = $5, raw_body = $6, body_format = $7, raw_excerpt = $8, status = $9, published_at = $10,
	updated_at = $11, featured_image_url = $12, featured_image_alt = $13, comments_open = $14,
	password = $15, sticky = $16, subscribers_only = $17, send_newsletter = $18, search_body = $20,
	appeal = $21, notice = $22, featured_media = $23, pings_open = $24, menu_order = $25, title_markup = $26
WHERE id = $19`,
			string(p.Type), p.AuthorID, nullID(p.ParentID), p.Title, p.Slug, p.RawBody, p.BodyFormat, p.RawExcerpt,
			string(p.Status), tx.ts(p.PublishedAt), tx.ts(p.UpdatedAt), p.FeaturedImageURL, p.FeaturedImageAlt,
			p.CommentsOpen, p.Password, p.Sticky, p.SubscribersOnly, p.SendNewsletter, p.ID, SearchBody(p.RawBody, p.BodyFormat),
			p.Appeal, p.Notice, p.FeaturedMediaID, p.PingsOpen, p.MenuOrder, p.RawTitleMarkup))
		if err != nil {
			return postWriteErr("update post", p, err)
		}
		if n == 0 {
			return notFound("Post not found.")
		}
		return tx.writePostLinks(ctx, p, true)
	})
}

// DeletePost deletes the post with id, its comments and links; child pages become top level.
func (s *Store) DeletePost(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.wr().ExecContext(ctx, "UPDATE posts SET parent_id = NULL WHERE parent_id = $1", id); err != nil {
			return fmt.Errorf("store: delete post %d: detach children: %w", id, err)
		}
		n, err := rowsAffected(tx.wr().ExecContext(ctx, "DELETE FROM posts WHERE id = $1", id))
		if err != nil {
			return fmt.Errorf("store: delete post %d: %w", id, err)
		}
		if n == 0 {
			return notFound("Post not found.")
		}
		return nil
	})
}

// PostByID returns the post with id, with its categories, tags and author.
func (s *Store) PostByID(ctx context.Context, id int64) (*broadside.Post, error) {
	return s.onePost(ctx, " WHERE p.id = $1", id)
}

// PostHeadByID is PostByID without the post's body (RawBody is ""), for a caller that
// decides something about the post and never shows it: a comment POST read a 60 KB body per
// comment for nothing.
func (s *Store) PostHeadByID(ctx context.Context, id int64) (*broadside.Post, error) {
	return s.postWith(ctx, postHeadSelect, " WHERE p.id = $1", id)
}

// postHeadSelect is postSelect with an empty body.
var postHeadSelect = strings.Replace(postSelect, "p.raw_body,", "'',", 1)

// PostBySlug returns the post of type typ with slug, with its categories, tags and author.
func (s *Store) PostBySlug(ctx context.Context, typ broadside.PostType, slug string) (*broadside.Post, error) {
	return s.onePost(ctx, " WHERE p.type = $1 AND p.slug = $2", string(typ), slug)
}

func (s *Store) onePost(ctx context.Context, where string, a ...any) (*broadside.Post, error) {
	return s.postWith(ctx, postSelect, where, a...)
}

func (s *Store) postWith(ctx context.Context, sel, where string, a ...any) (*broadside.Post, error) {
	var p broadside.Post
	err := scanPost(s.kept().QueryRowContext(ctx, sel+where, a...), &p)
	if isNoRows(err) {
		return nil, notFound("Post not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load post %v: %w", a, err)
	}
	posts := []broadside.Post{p}
	if err := s.loadPostTerms(ctx, posts); err != nil {
		return nil, err
	}
	return &posts[0], nil
}

// ListPosts returns one page of the posts matching f, with their categories, tags and
// authors, and the total number of matches.
func (s *Store) ListPosts(ctx context.Context, f broadside.PostFilter) ([]broadside.Post, int, error) {
	col, ok := postOrder[f.OrderBy]
	if !ok {
		return nil, 0, &broadside.Error{Code: broadside.EINVALID, Message: "Unknown sort order."}
	}
	a := &args{}
	where := s.postWhere(f, a)
	var total int
	if err := s.rd().QueryRowContext(ctx, "SELECT count(*) FROM posts p"+where, a.v...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count posts: %w", err)
	}
	dir := " DESC"
	if f.Asc {
		dir = " ASC"
	}
	if col == "p.menu_order" {
		col += dir + ", lower(p.title)" // WordPress's page lists: menu_order, then title
	}
	order := " ORDER BY " + col + dir
	if f.StickyFirst {
		order = " ORDER BY p.sticky DESC, " + col + dir
	}
	if col == "p.published_at" {
		order += " NULLS LAST" // drafts have no date; both dialects put them last this way
	}
	order += ", p.id" + dir
	q := postSelect + where + order
	if f.Limit > 0 {
		q += " LIMIT " + a.add(f.Limit)
	} else if f.Offset > 0 {
		q += " LIMIT " + s.noLimit()
	}
	if f.Offset > 0 {
		q += " OFFSET " + a.add(f.Offset)
	}
	rows, err := s.rd().QueryContext(ctx, q, a.v...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list posts: %w", err)
	}
	defer rows.Close()
	var posts []broadside.Post
	for rows.Next() {
		var p broadside.Post
		if err := scanPost(rows, &p); err != nil {
			return nil, 0, fmt.Errorf("store: list posts: %w", err)
		}
		posts = append(posts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list posts: %w", err)
	}
	rows.Close()
	if err := s.loadPostTerms(ctx, posts); err != nil {
		return nil, 0, err
	}
	return posts, total, nil
}

func (s *Store) postWhere(f broadside.PostFilter, a *args) string {
	var c []string
	if f.Type != "" {
		c = append(c, "p.type = "+a.add(string(f.Type)))
	} else {
		// An attachment's page is reached from its attachment only, never listed.
		c = append(c, "p.type <> "+a.add(string(broadside.TypeAttachment)))
	}
	if len(f.Statuses) > 0 {
		c = append(c, "p.status IN "+in(a, strs(f.Statuses)))
	}
	if !f.PublishedBefore.IsZero() {
		c = append(c, "p.published_at <= "+a.add(s.ts(f.PublishedBefore)))
	}
	if len(f.CategoryIDs) > 0 {
		c = append(c, "p.id IN (SELECT pc.post_id FROM post_categories pc WHERE pc.category_id IN "+in(a, f.CategoryIDs)+")")
	}
	if f.TagID != 0 {
		c = append(c, "p.id IN (SELECT pt.post_id FROM post_tags pt WHERE pt.tag_id = "+a.add(f.TagID)+")")
	}
	if f.AuthorID != 0 {
		c = append(c, "p.author_id = "+a.add(f.AuthorID))
	}
	if !f.From.IsZero() {
		c = append(c, "p.published_at >= "+a.add(s.ts(f.From)))
	}
	if !f.To.IsZero() {
		c = append(c, "p.published_at < "+a.add(s.ts(f.To)))
	}
	if f.Search != "" {
		pat := a.add(likePattern(f.Search))
		c = append(c, "(lower(p.title) LIKE "+pat+" ESCAPE '\\' OR lower(p.raw_body) LIKE "+pat+" ESCAPE '\\')")
	}
	c = s.apiPostWhere(f, a, c)
	if len(c) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c, " AND ")
}

// apiPostWhere adds the conditions of the REST API's filters. An empty (non-nil) list
// matches nothing, as WordPress's include=[] would if it were allowed.
func (s *Store) apiPostWhere(f broadside.PostFilter, a *args, c []string) []string {
	const none = "1 = 0"
	list := func(col string, ids []int64) {
		if ids == nil {
			return
		}
		if len(ids) == 0 {
			c = append(c, none)
			return
		}
		c = append(c, col+" IN "+in(a, ids))
	}
	list("p.id", f.IDs)
	list("p.author_id", f.AuthorIDs)
	list("COALESCE(p.parent_id, 0)", f.ParentIDs)
	if f.Slugs != nil {
		if len(f.Slugs) == 0 {
			c = append(c, none)
		} else {
			c = append(c, "p.slug IN "+in(a, f.Slugs))
		}
	}
	if f.TagIDs != nil {
		if len(f.TagIDs) == 0 {
			c = append(c, none)
		} else {
			c = append(c, "p.id IN (SELECT pt.post_id FROM post_tags pt WHERE pt.tag_id IN "+in(a, f.TagIDs)+")")
		}
	}
	if len(f.ExcludeIDs) > 0 {
		c = append(c, "p.id NOT IN "+in(a, f.ExcludeIDs))
	}
	if len(f.ExcludeAuthorIDs) > 0 {
		c = append(c, "p.author_id NOT IN "+in(a, f.ExcludeAuthorIDs))
	}
	if len(f.ExcludeCategoryIDs) > 0 {
		c = append(c, "p.id NOT IN (SELECT pc.post_id FROM post_categories pc WHERE pc.category_id IN "+in(a, f.ExcludeCategoryIDs)+")")
	}
	if f.Sticky != nil {
		c = append(c, "p.sticky = "+a.add(*f.Sticky))
	}
	if len(f.ExcludeTagIDs) > 0 {
		c = append(c, "p.id NOT IN (SELECT pt.post_id FROM post_tags pt WHERE pt.tag_id IN "+in(a, f.ExcludeTagIDs)+")")
	}
	return c
}

// strs converts a slice of string-kinded values for query parameters.
func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// SlugTaken reports whether a post of type typ other than exceptID already uses slug.
func (s *Store) SlugTaken(ctx context.Context, typ, slug string, exceptID int64) (bool, error) {
	var n int
	err := s.rd().QueryRowContext(ctx, "SELECT count(*) FROM posts WHERE type = $1 AND slug = $2 AND id <> $3",
		typ, slug, exceptID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: check slug %q: %w", slug, err)
	}
	return n > 0, nil
}

// PublishDuePosts publishes the scheduled posts whose date has come and returns their ids.
func (s *Store) PublishDuePosts(ctx context.Context, now time.Time) ([]int64, error) {
	var ids []int64
	err := s.InTx(ctx, func(tx *Store) error {
		rows, err := tx.wr().QueryContext(ctx, `UPDATE posts SET status = 'published', updated_at = $1
WHERE status = 'scheduled' AND published_at <= $1 RETURNING id`, tx.ts(now))
		if err != nil {
			return fmt.Errorf("store: publish due posts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return fmt.Errorf("store: publish due posts: %w", err)
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// NextScheduled returns the earliest publish date of a scheduled post; false when none.
func (s *Store) NextScheduled(ctx context.Context) (time.Time, bool, error) {
	var t time.Time
	if err := s.rd().QueryRowContext(ctx, "SELECT min(published_at) FROM posts WHERE status = 'scheduled'").Scan(scanTime(&t)); err != nil {
		return time.Time{}, false, fmt.Errorf("store: next scheduled post: %w", err)
	}
	return t, !t.IsZero(), nil
}

// PostArchiveMonths counts published posts (type post) per month of their publish date in
// UTC, newest month first.
func (s *Store) PostArchiveMonths(ctx context.Context) ([]broadside.YearMonth, error) {
	y, m := "CAST(substr(published_at, 1, 4) AS INTEGER)", "CAST(substr(published_at, 6, 2) AS INTEGER)"
	if s.isPG() {
		y, m = "CAST(EXTRACT(YEAR FROM published_at AT TIME ZONE 'UTC') AS INTEGER)",
			"CAST(EXTRACT(MONTH FROM published_at AT TIME ZONE 'UTC') AS INTEGER)"
	}
	rows, err := s.rd().QueryContext(ctx, "SELECT "+y+", "+m+", count(*) FROM posts"+
		" WHERE type = 'post' AND status = 'published' AND published_at IS NOT NULL GROUP BY 1, 2 ORDER BY 1 DESC, 2 DESC")
	if err != nil {
		return nil, fmt.Errorf("store: archive months: %w", err)
	}
	defer rows.Close()
	var out []broadside.YearMonth
	for rows.Next() {
		var ym broadside.YearMonth
		if err := rows.Scan(&ym.Year, &ym.Month, &ym.Count); err != nil {
			return nil, fmt.Errorf("store: archive months: %w", err)
		}
		out = append(out, ym)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: archive months: %w", err)
	}
	return out, nil
}
