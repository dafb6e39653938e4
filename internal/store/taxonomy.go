package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/broadside/broadside"
)

// categorySelect reads a category with its count of published posts.
const categorySelect = `SELECT c.id, COALESCE(c.parent_id, 0), c.name, c.slug, c.description,
	(SELECT count(*) FROM post_categories pc JOIN posts p ON p.id = pc.post_id
	 WHERE pc.category_id = c.id AND p.status = 'published')
FROM categories c`

// tagSelect reads a tag with its count of published posts.
const tagSelect = `SELECT t.id, t.name, t.slug,
	(SELECT count(*) FROM post_tags pt JOIN posts p ON p.id = pt.post_id
	 WHERE pt.tag_id = t.id AND p.status = 'published')
FROM tags t`

func scanCategory(r rowScanner, c *broadside.Category) error {
	return r.Scan(&c.ID, &c.ParentID, &c.Name, &c.Slug, &c.Description, &c.PostCount)
}

func scanTag(r rowScanner, t *broadside.Tag) error {
	return r.Scan(&t.ID, &t.Name, &t.Slug, &t.PostCount)
}

func categoryConflict(err error) error {
	if _, ok := uniqueViolation(err); ok {
		return conflict("A category with this slug already exists.")
	}
	return nil
}

// CreateCategory inserts c and sets c.ID (a non-zero c.ID is kept).
func (s *Store) CreateCategory(ctx context.Context, c *broadside.Category) error {
	return s.InTx(ctx, func(tx *Store) error {
		a := &args{}
		cols, vals := "", ""
		if c.ID != 0 {
			cols, vals = "id, ", a.add(c.ID)+", "
		}
		q := "INSERT INTO categories (" + cols + "parent_id, name, slug, description) VALUES (" + vals +
			a.add(nullID(c.ParentID)) + ", " + a.add(c.Name) + ", " + a.add(c.Slug) + ", " + a.add(c.Description) + ") RETURNING id"
		if err := tx.wr().QueryRowContext(ctx, q, a.v...).Scan(&c.ID); err != nil {
			if cerr := categoryConflict(err); cerr != nil {
				return cerr
			}
			return fmt.Errorf("store: create category %q: %w", c.Slug, err)
		}
		if cols != "" {
			return tx.bumpSequence(ctx, "categories")
		}
		return nil
	})
}

// UpdateCategory saves c's parent, name, slug and description.
func (s *Store) UpdateCategory(ctx context.Context, c *broadside.Category) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx,
		"UPDATE categories SET parent_id = $1, name = $2, slug = $3, description = $4 WHERE id = $5",
		nullID(c.ParentID), c.Name, c.Slug, c.Description, c.ID))
	if err != nil {
		if cerr := categoryConflict(err); cerr != nil {
			return cerr
		}
		return fmt.Errorf("store: update category %d: %w", c.ID, err)
	}
	if n == 0 {
		return notFound("Category not found.")
	}
	return nil
}

// DeleteCategory deletes the category with id. Its subcategories move up to its parent, and
// posts left without any category are put in the default "uncategorized" category, which
// itself cannot be deleted.
func (s *Store) DeleteCategory(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(tx *Store) error {
		c, err := tx.CategoryByID(ctx, id)
		if err != nil {
			return err
		}
		if c.Slug == broadside.DefaultCategorySlug {
			return &broadside.Error{Code: broadside.EINVALID, Message: "The default category cannot be deleted."}
		}
		def, err := tx.CategoryBySlug(ctx, broadside.DefaultCategorySlug)
		if err != nil {
			return fmt.Errorf("store: delete category %d: default category: %w", id, err)
		}
		if _, err := tx.wr().ExecContext(ctx, "UPDATE categories SET parent_id = $1 WHERE parent_id = $2",
			nullID(c.ParentID), id); err != nil {
			return fmt.Errorf("store: delete category %d: move subcategories: %w", id, err)
		}
		if _, err := tx.wr().ExecContext(ctx, `INSERT INTO post_categories (post_id, category_id)
SELECT pc.post_id, CAST($2 AS BIGINT) FROM post_categories pc
WHERE pc.category_id = $1
  AND NOT EXISTS (SELECT 1 FROM post_categories o WHERE o.post_id = pc.post_id AND o.category_id <> $1)`,
			id, def.ID); err != nil {
			return fmt.Errorf("store: delete category %d: recategorize posts: %w", id, err)
		}
		if _, err := tx.wr().ExecContext(ctx, "DELETE FROM categories WHERE id = $1", id); err != nil {
			return fmt.Errorf("store: delete category %d: %w", id, err)
		}
		return nil
	})
}

// ListCategories returns every category by name, each with its count of published posts.
func (s *Store) ListCategories(ctx context.Context) ([]broadside.Category, error) {
	rows, err := s.kept().QueryContext(ctx, categorySelect+" ORDER BY lower(c.name), c.id")
	if err != nil {
		return nil, fmt.Errorf("store: list categories: %w", err)
	}
	defer rows.Close()
	var out []broadside.Category
	for rows.Next() {
		var c broadside.Category
		if err := scanCategory(rows, &c); err != nil {
			return nil, fmt.Errorf("store: list categories: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list categories: %w", err)
	}
	return out, nil
}

// CategoryBySlug returns the category with slug.
func (s *Store) CategoryBySlug(ctx context.Context, slug string) (*broadside.Category, error) {
	return s.oneCategory(ctx, " WHERE c.slug = $1", slug)
}

// CategoryByID returns the category with id.
func (s *Store) CategoryByID(ctx context.Context, id int64) (*broadside.Category, error) {
	return s.oneCategory(ctx, " WHERE c.id = $1", id)
}

func (s *Store) oneCategory(ctx context.Context, where string, arg any) (*broadside.Category, error) {
	var c broadside.Category
	err := scanCategory(s.rd().QueryRowContext(ctx, categorySelect+where, arg), &c)
	if isNoRows(err) {
		return nil, notFound("Category not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load category %v: %w", arg, err)
	}
	return &c, nil
}

// EnsureTags finds or creates a tag for each name (matched by broadside.Slugify(name)) and
// returns them in the order given, without duplicates or empty names.
func (s *Store) EnsureTags(ctx context.Context, names []string) ([]broadside.Tag, error) {
	var out []broadside.Tag
	err := s.InTx(ctx, func(tx *Store) error {
		out = out[:0]
		seen := map[string]bool{}
		for _, name := range names {
			name = strings.TrimSpace(name)
			slug := broadside.Slugify(name)
			if name == "" || slug == "" || seen[slug] {
				continue
			}
			seen[slug] = true
			if _, err := tx.wr().ExecContext(ctx,
				"INSERT INTO tags (name, slug) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING", name, slug); err != nil {
				return fmt.Errorf("store: ensure tag %q: %w", name, err)
			}
			t, err := tx.TagBySlug(ctx, slug)
			if err != nil {
				return fmt.Errorf("store: ensure tag %q: %w", name, err)
			}
			out = append(out, *t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListTags returns every tag by name, each with its count of published posts.
func (s *Store) ListTags(ctx context.Context) ([]broadside.Tag, error) {
	rows, err := s.rd().QueryContext(ctx, tagSelect+" ORDER BY lower(t.name), t.id")
	if err != nil {
		return nil, fmt.Errorf("store: list tags: %w", err)
	}
	defer rows.Close()
	var out []broadside.Tag
	for rows.Next() {
		var t broadside.Tag
		if err := scanTag(rows, &t); err != nil {
			return nil, fmt.Errorf("store: list tags: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list tags: %w", err)
	}
	return out, nil
}

// TagBySlug returns the tag with slug.
func (s *Store) TagBySlug(ctx context.Context, slug string) (*broadside.Tag, error) {
	var t broadside.Tag
	err := scanTag(s.rd().QueryRowContext(ctx, tagSelect+" WHERE t.slug = $1", slug), &t)
	if isNoRows(err) {
		return nil, notFound("Tag not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load tag %q: %w", slug, err)
	}
	return &t, nil
}

// loadPostTerms fills Categories and Tags of posts with one query per relation.
func (s *Store) loadPostTerms(ctx context.Context, posts []broadside.Post) error {
	if len(posts) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(posts))
	ids := make([]int64, len(posts))
	for i := range posts {
		idx[posts[i].ID] = i
		ids[i] = posts[i].ID
		posts[i].Categories, posts[i].Tags = nil, nil
	}
	// One post's terms (a post page, a comment) are read with the same text every time.
	q := s.rd()
	if len(ids) == 1 {
		q = s.kept()
	}
	a := &args{}
	rows, err := q.QueryContext(ctx, `SELECT pc.post_id, c.id, COALESCE(c.parent_id, 0), c.name, c.slug, c.description
FROM post_categories pc JOIN categories c ON c.id = pc.category_id
WHERE pc.post_id IN `+in(a, ids)+` ORDER BY lower(c.name), c.id`, a.v...)
	if err != nil {
		return fmt.Errorf("store: load post categories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var c broadside.Category
		if err := rows.Scan(&pid, &c.ID, &c.ParentID, &c.Name, &c.Slug, &c.Description); err != nil {
			return fmt.Errorf("store: load post categories: %w", err)
		}
		p := &posts[idx[pid]]
		p.Categories = append(p.Categories, c)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: load post categories: %w", err)
	}
	rows.Close()

	a = &args{}
	rows, err = q.QueryContext(ctx, `SELECT pt.post_id, t.id, t.name, t.slug
FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
WHERE pt.post_id IN `+in(a, ids)+` ORDER BY lower(t.name), t.id`, a.v...)
	if err != nil {
		return fmt.Errorf("store: load post tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var t broadside.Tag
		if err := rows.Scan(&pid, &t.ID, &t.Name, &t.Slug); err != nil {
			return fmt.Errorf("store: load post tags: %w", err)
		}
		p := &posts[idx[pid]]
		p.Tags = append(p.Tags, t)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: load post tags: %w", err)
	}
	return nil
}
