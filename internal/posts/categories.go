package posts

import (
	"context"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// Categories returns every category by name, with counts of published posts.
func (s *Service) Categories(ctx context.Context) ([]broadside.Category, error) {
	return s.Store.ListCategories(ctx)
}

// Category returns the category with id.
func (s *Service) Category(ctx context.Context, id int64) (*broadside.Category, error) {
	return s.Store.CategoryByID(ctx, id)
}

func mustModerate(u *broadside.User) error {
	if !u.CanModerate() {
		return broadside.Errorf(broadside.EFORBIDDEN, "Only editors and administrators can manage categories.")
	}
	return nil
}

func fieldErr(field, msg string) error {
	return &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
		Fields: map[string]string{field: msg}}
}

// SaveCategory creates (c.ID 0) or updates a category as u. An empty slug is derived from
// the name and made unique; a slug the user typed must be free. The parent must exist and
// must not be the category itself or one of its subcategories.
func (s *Service) SaveCategory(ctx context.Context, c *broadside.Category, u *broadside.User) error {
	if err := mustModerate(u); err != nil {
		return err
	}
	c.Name = strings.TrimSpace(c.Name)
	c.Description = strings.TrimSpace(strings.ReplaceAll(c.Description, "\r\n", "\n"))
	var old *broadside.Category
	if c.ID != 0 {
		var err error
		if old, err = s.Store.CategoryByID(ctx, c.ID); err != nil {
			return err
		}
	}
	typed := strings.TrimSpace(c.Slug)
	slug := broadside.Slugify(typed)
	if typed != "" && slug == "" {
		return fieldErr("slug", "The slug must contain at least one letter or digit.")
	}
	if old != nil && old.Slug == broadside.DefaultCategorySlug && slug != "" && slug != old.Slug {
		return fieldErr("slug", "The default category keeps its slug “"+broadside.DefaultCategorySlug+"”.")
	}
	taken := func(cand string) (bool, error) {
		o, err := s.Store.CategoryBySlug(ctx, cand)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return o.ID != c.ID, nil
	}
	switch {
	case slug != "":
		t, err := taken(slug)
		if err != nil {
			return err
		}
		if t {
			return fieldErr("slug", "The slug “"+slug+"” is already used by another category.")
		}
		c.Slug = slug
	case old != nil:
		c.Slug = old.Slug // an emptied slug field keeps the link readers already have
	default:
		base := broadside.Slugify(c.Name)
		if base == "" {
			base = "category"
		}
		uniq, err := broadside.UniqueSlug(base, taken)
		if err != nil {
			return err
		}
		c.Slug = uniq
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if c.ParentID != 0 {
		if err := s.checkParent(ctx, c); err != nil {
			return err
		}
	}
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if c.ID == 0 {
			err = tx.CreateCategory(ctx, c)
		} else {
			err = tx.UpdateCategory(ctx, c)
		}
		if err != nil {
			return err
		}
		return tx.NotifyChanged(ctx)
	})
	if broadside.ErrorCode(err) == broadside.ECONFLICT {
		return fieldErr("slug", broadside.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	s.Log.Info("category saved", "category_id", c.ID, "slug", c.Slug, "user_id", u.ID)
	if s.Changed != nil {
		s.Changed()
	}
	return nil
}

// checkParent walks up from c's parent; meeting c on the way means the change would make
// a loop. The walk is bounded by the number of categories, so corrupt data cannot hang it.
func (s *Service) checkParent(ctx context.Context, c *broadside.Category) error {
	all, err := s.Store.ListCategories(ctx)
	if err != nil {
		return err
	}
	byID := make(map[int64]*broadside.Category, len(all))
	for i := range all {
		byID[all[i].ID] = &all[i]
	}
	p := byID[c.ParentID]
	if p == nil {
		return fieldErr("parent", "The chosen parent category does not exist.")
	}
	for hops := 0; p != nil && hops <= len(all); hops++ {
		if p.ID == c.ID {
			return fieldErr("parent", "A category cannot be placed under itself or one of its subcategories.")
		}
		p = byID[p.ParentID]
	}
	return nil
}

// DeleteCategory removes a category as u: its subcategories move up to its parent and posts
// left without a category go to the default one, which cannot be deleted.
func (s *Service) DeleteCategory(ctx context.Context, id int64, u *broadside.User) error {
	if err := mustModerate(u); err != nil {
		return err
	}
	if err := s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteCategory(ctx, id); err != nil {
			return err
		}
		return tx.NotifyChanged(ctx)
	}); err != nil {
		return err
	}
	s.Log.Info("category deleted", "category_id", id, "user_id", u.ID)
	if s.Changed != nil {
		s.Changed()
	}
	return nil
}
