package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/broadside/broadside"
)

// ImportedPost is a post for ImportNewPosts and ImportPostWithSearch. SearchBody is SearchBody(Post.RawBody,
// Post.BodyFormat) when the caller computed it ahead, on a core the writer does not use
// (the import's decoding goroutine); "" computes it here.
type ImportedPost struct {
	Post       *broadside.Post
	SearchBody string
}

// importPostCols are the columns ImportPost and ImportNewPosts write, id last.
const importPostCols = `type, author_id, parent_id, title, slug, raw_body, body_format, search_body,
	raw_excerpt, status, published_at, created_at, updated_at, featured_image_url, featured_image_alt, comments_open,
	password, sticky, appeal, notice, pings_open, menu_order, guid, guid_is_permalink, title_markup`

// importPostWidth is how many values a row of ImportNewPosts has: importPostValues' and the id.
var importPostWidth = columns(importPostCols) + 1

// columns counts the columns of a list such as importPostCols.
func columns(cols string) int { return strings.Count(cols, ",") + 1 }

// importPostValues adds p's values for importPostCols but the id to a (search as
// ImportedPost.SearchBody).
func (s *Store) importPostValues(p *broadside.Post, search string, a *args) string {
	truncPostTimes(p)
	if search == "" {
		search = SearchBody(p.RawBody, p.BodyFormat)
	}
	return strings.Join([]string{a.add(string(p.Type)), a.add(p.AuthorID), a.add(nullID(p.ParentID)),
		a.add(p.Title), a.add(p.Slug), a.add(p.RawBody), a.add(p.BodyFormat), a.add(search), a.add(p.RawExcerpt),
		a.add(string(p.Status)), a.add(s.ts(p.PublishedAt)), a.add(s.ts(p.CreatedAt)), a.add(s.ts(p.UpdatedAt)),
		a.add(p.FeaturedImageURL), a.add(p.FeaturedImageAlt), a.add(p.CommentsOpen), a.add(p.Password), a.add(p.Sticky),
		a.add(p.Appeal), a.add(p.Notice), a.add(p.PingsOpen),
		a.add(p.MenuOrder), a.add(p.GUID), a.add(p.GUIDIsPermaLink), a.add(p.RawTitleMarkup)}, ", ")
}

// ImportNewPosts inserts posts whose ids are set and known to be free, with their category
// and tag links, as ImportPost would one by one but in fewer statements (links many to a
// statement, posts as postBatch says): an import into a
// site without posts knows its WordPress ids are free (ReserveIDs keeps everyone else
// below them), and one post cost about seven statements (docs/benchmarks.md, issue 11
// session 8). A taken id fails the statement rather than moving the post: the caller
// promised it was free.
func (s *Store) ImportNewPosts(ctx context.Context, ps []ImportedPost) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]int64, len(ps))
	var links postLinks
	for i, ip := range ps {
		p := ip.Post
		if p.ID <= 0 {
			return fmt.Errorf("store: import post %q: no id", p.Slug)
		}
		ids[i] = p.ID
		if err := links.add(p); err != nil {
			return err
		}
	}
	what := postIDs(ids)
	return s.InTx(ctx, func(tx *Store) error {
		if err := tx.holdSearchTermsOf(ctx, ids); err != nil { // one search index update for all links
			return err
		}
		_, _, err := tx.insertRows(ctx, "INSERT INTO posts ("+importPostCols+", id) VALUES ", "", len(ps), importPostWidth, tx.postBatch(),
			func(i int, a *args) string {
				return "(" + tx.importPostValues(ps[i].Post, ps[i].SearchBody, a) + ", " + a.add(ps[i].Post.ID) + ")"
			})
		if err != nil {
			if foreignKeyViolation(err) {
				return &broadside.Error{Code: broadside.EINVALID, Message: "The post's author does not exist."}
			}
			return fmt.Errorf("store: import %s: %w", what, err)
		}
		if err := tx.insertPostLinks(ctx, what, links); err != nil {
			return err
		}
		return tx.releaseSearchTermsOf(ctx, ids)
	})
}

// postBatch is how many posts ImportNewPosts writes to a statement. On SQLite, one: a
// statement that writes many rows and may fail halfway (a slug taken, an author missing)
// first copies each page it changes that existed before it into a statement journal, and
// posts' slugs land all over their unique index, so that a statement of 8 posts or more
// passed the 64 KiB after which SQLite moves the journal into a temporary file, where it
// stays for the rest of the transaction: from then on every page any statement of the
// import journals costs two pwrite (27,073 against 19,119 at 40,000 comments; issue 11
// session 10). A statement of one row has no journal. PostgreSQL has none of this, and a
// statement per post would be a round trip per post.
func (s *Store) postBatch() int {
	if s.isPG() {
		return postBatch
	}
	return 1
}

// postLinks are posts' category and tag links as (post id, term id) pairs, each link once.
type postLinks struct{ cats, tags []int64 }

// add appends p's links, each category and tag once, in order; one without an id is an error.
func (l *postLinks) add(p *broadside.Post) error {
	var err error
	if l.cats, err = linkPairs(l.cats, p.ID, p.Categories, func(c broadside.Category) (int64, error) {
		if c.ID == 0 {
			return 0, fmt.Errorf("store: post %d: category %q has no id (resolve categories before saving)", p.ID, c.Slug)
		}
		return c.ID, nil
	}); err != nil {
		return err
	}
	l.tags, err = linkPairs(l.tags, p.ID, p.Tags, func(t broadside.Tag) (int64, error) {
		if t.ID == 0 {
			return 0, fmt.Errorf("store: post %d: tag %q has no id (use EnsureTags before saving)", p.ID, t.Name)
		}
		return t.ID, nil
	})
	return err
}

// insertPostLinks writes links, many to a statement (what names their posts in an error);
// a category or tag that does not exist is EINVALID.
func (s *Store) insertPostLinks(ctx context.Context, what string, links postLinks) error {
	for _, l := range []struct {
		table, col, missing string
		pairs               []int64
	}{{"post_categories", "category_id", "The chosen category does not exist.", links.cats}, {"post_tags", "tag_id", "The chosen tag does not exist.", links.tags}} {
		_, _, err := s.insertRows(ctx, "INSERT INTO "+l.table+" (post_id, "+l.col+") VALUES ", "", len(l.pairs)/2, 2, linkBatch,
			func(i int, a *args) string { return "(" + a.add(l.pairs[2*i]) + ", " + a.add(l.pairs[2*i+1]) + ")" })
		if err != nil {
			if foreignKeyViolation(err) {
				return &broadside.Error{Code: broadside.EINVALID, Message: l.missing}
			}
			return fmt.Errorf("store: link %s to their %s: %w", what, strings.TrimPrefix(l.table, "post_"), err)
		}
	}
	return nil
}

// linkPairs appends (postID, id) for each term's id to pairs, each id once, in order.
func linkPairs[T any](pairs []int64, postID int64, terms []T, id func(T) (int64, error)) ([]int64, error) {
	start := len(pairs)
next:
	for _, t := range terms {
		tid, err := id(t)
		if err != nil {
			return nil, err
		}
		for j := start + 1; j < len(pairs); j += 2 {
			if pairs[j] == tid {
				continue next
			}
		}
		pairs = append(pairs, postID, tid)
	}
	return pairs, nil
}

// postBatch rows (importPostWidth values each, on PostgreSQL) and linkBatch links (2 each)
// stay far below both databases' limits on a statement's parameters.
const (
	postBatch = 64
	linkBatch = 256
)

// insertRows runs head + "(…), (…)" + tail over n rows, at most batch rows to a statement;
// row adds row i's width values to a and returns their parenthesised list (rows are checked
// before: the caller's error for a row that cannot be written needs no statement). On failure,
// rows from up to to are those of the statement that failed. Every multi-row write of the
// import goes through it or insertValues (comments, posts and their links, wp_imports,
// redirects): one statement per row was most of the writer's time.
func (s *Store) insertRows(ctx context.Context, head, tail string, n, width, batch int, row func(i int, a *args) string) (from, to int, err error) {
	return s.execRows(ctx, n, width, batch, func(b *strings.Builder, from, to int, a *args) {
		b.WriteString(head)
		for i := from; i < to; i++ {
			if i > from {
				b.WriteString(", ")
			}
			b.WriteString(row(i, a))
		}
		b.WriteString(tail)
	})
}

// insertValues is insertRows for rows whose values each have a placeholder of their own, in
// order: row only adds them, and the statement's text is written once for all its rows, not
// joined row by row (a sixth of the CPU of a comment insert, issue 11 session 10).
func (s *Store) insertValues(ctx context.Context, head, tail string, n, width, batch int, row func(i int, a *args)) (from, to int, err error) {
	return s.execRows(ctx, n, width, batch, func(b *strings.Builder, from, to int, a *args) {
		b.WriteString(head)
		for i := from; i < to; i++ {
			if i > from {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range width {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(a.placeholder((i-from)*width + j + 1))
			}
			b.WriteByte(')')
			row(i, a)
		}
		b.WriteString(tail)
	})
}

// execRows runs the statements of insertRows and insertValues: write writes the text of rows
// from up to to into b and adds their values to a.
func (s *Store) execRows(ctx context.Context, n, width, batch int, write func(b *strings.Builder, from, to int, a *args)) (from, to int, err error) {
	var b strings.Builder
	for from = 0; from < n; from += batch {
		to = min(n, from+batch)
		a := s.seqArgs(width * (to - from))
		b.Reset()
		write(&b, from, to, a)
		if _, err := s.wr().ExecContext(ctx, b.String(), a.v...); err != nil {
			return from, to, err
		}
	}
	return n, n, nil
}
