package posts

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// Tags returns every tag by name, with counts of published posts.
func (s *Service) Tags(ctx context.Context) ([]broadside.Tag, error) {
	return s.Store.ListTags(ctx)
}

// Tag returns the tag with id.
func (s *Service) Tag(ctx context.Context, id int64) (*broadside.Tag, error) {
	return s.Store.TagByID(ctx, id)
}

// TagBySlug returns the tag whose address is slug.
func (s *Service) TagBySlug(ctx context.Context, slug string) (*broadside.Tag, error) {
	return s.Store.TagBySlug(ctx, slug)
}

// SaveTag creates (t.ID 0) or updates a tag as u, with the rules of categories: editors and
// administrators only; an empty slug is derived from the name and made unique, a typed slug
// must be free.
func (s *Service) SaveTag(ctx context.Context, t *broadside.Tag, u *broadside.User) error {
	if !u.CanModerate() {
		return broadside.Errorf(broadside.EFORBIDDEN, "Only editors and administrators can manage tags.")
	}
	t.Name = strings.TrimSpace(t.Name)
	switch {
	case t.Name == "":
		return fieldErr("name", "A name is required.")
	case utf8.RuneCountInString(t.Name) > 200:
		return fieldErr("name", "The name is too long (200 characters at most).")
	}
	var old *broadside.Tag
	if t.ID != 0 {
		var err error
		if old, err = s.Store.TagByID(ctx, t.ID); err != nil {
			return err
		}
	}
	typed := strings.TrimSpace(t.Slug)
	slug := broadside.Slugify(typed)
	if typed != "" && slug == "" {
		return fieldErr("slug", "The slug must contain at least one letter or digit.")
	}
	taken := func(cand string) (bool, error) {
		o, err := s.Store.TagBySlug(ctx, cand)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return o.ID != t.ID, nil
	}
	switch {
	case slug != "":
		tk, err := taken(slug)
		if err != nil {
			return err
		}
		if tk {
			return fieldErr("slug", "The slug “"+slug+"” is already used by another tag.")
		}
		t.Slug = slug
	case old != nil:
		t.Slug = old.Slug
	default:
		base := broadside.Slugify(t.Name)
		if base == "" {
			base = "tag"
		}
		uniq, err := broadside.UniqueSlug(base, taken)
		if err != nil {
			return err
		}
		t.Slug = uniq
	}
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if t.ID == 0 {
			err = tx.CreateTag(ctx, t)
		} else {
			err = tx.UpdateTag(ctx, t)
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
	s.Log.Info("tag saved", "tag_id", t.ID, "slug", t.Slug, "user_id", u.ID)
	if s.Changed != nil {
		s.Changed()
	}
	return nil
}

// DeleteTag removes a tag from every post and deletes it, as u.
func (s *Service) DeleteTag(ctx context.Context, id int64, u *broadside.User) error {
	if !u.CanModerate() {
		return broadside.Errorf(broadside.EFORBIDDEN, "Only editors and administrators can manage tags.")
	}
	if err := s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteTag(ctx, id); err != nil {
			return err
		}
		return tx.NotifyChanged(ctx)
	}); err != nil {
		return err
	}
	s.Log.Info("tag deleted", "tag_id", id, "user_id", u.ID)
	if s.Changed != nil {
		s.Changed()
	}
	return nil
}
