package broadside

import (
	"strings"
	"unicode/utf8"
)

// DefaultCategorySlug is the category a post gets when its author chose none, as in WordPress.
const DefaultCategorySlug = "uncategorized"

// Category is a hierarchical post category.
type Category struct {
	ID          int64
	ParentID    int64 // 0 for a top-level category
	Name        string
	Slug        string
	Description string
	PostCount   int // published posts; filled by listing queries
}

// Tag is a flat label on posts.
type Tag struct {
	ID        int64
	Name      string
	Slug      string
	PostCount int
}

// Validate checks a category's fields.
func (c *Category) Validate() error {
	fe := FieldErrors{}
	if strings.TrimSpace(c.Name) == "" {
		fe.Add("name", "A name is required.")
	} else if utf8.RuneCountInString(c.Name) > 200 {
		fe.Add("name", "The name is too long (200 characters at most).")
	}
	if c.Slug == "" || Slugify(c.Slug) != c.Slug {
		fe.Add("slug", "The slug may contain only lowercase letters, digits and hyphens.")
	}
	if c.ParentID != 0 && c.ParentID == c.ID {
		fe.Add("parent", "A category cannot be its own parent.")
	}
	return fe.Err()
}

// CategoryPath returns the slugs from the root down to the category with id, using the
// parent links in all; it stops at a cycle or a missing parent rather than looping.
func CategoryPath(all []Category, id int64) []string {
	byID := make(map[int64]*Category, len(all))
	for i := range all {
		byID[all[i].ID] = &all[i]
	}
	var path []string
	seen := map[int64]bool{}
	for c := byID[id]; c != nil && !seen[c.ID]; c = byID[c.ParentID] {
		seen[c.ID] = true
		path = append([]string{c.Slug}, path...)
	}
	return path
}
