package importer

import (
	"context"
	"net/url"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/wxr"
)

// importAuthors makes each WordPress author a Broadside user without a password (they can
// be invited later), or finds the user they already are: same login, then same email.
func (r *run) importAuthors(ctx context.Context) error {
	for _, a := range r.plan.authors {
		wpID := a.ID
		if wpID <= 0 {
			wpID = syntheticID("author", a.Login)
		}
		if local, ok, err := r.lookup(ctx, broadside.WPAuthor, wpID); err != nil {
			return err
		} else if ok {
			if _, err := r.tx.UserByID(ctx, local); err == nil {
				r.useAuthor(a, local)
				r.sum.Authors.Existing++
				continue
			}
		}
		login := broadside.Slugify(a.Login)
		if login == "" {
			login = "author"
		}
		u, err := r.tx.UserByLogin(ctx, login)
		email := strings.ToLower(strings.TrimSpace(a.Email))
		if !broadside.ValidEmail(email) {
			email = ""
		}
		if broadside.ErrorCode(err) == broadside.ENOTFOUND && email != "" {
			u, err = r.tx.UserByEmail(ctx, email)
		}
		switch {
		case err == nil:
			r.sum.Authors.Existing++
		case broadside.ErrorCode(err) == broadside.ENOTFOUND:
			u = &broadside.User{Login: login, Email: email, DisplayName: authorName(a), Role: broadside.RoleAuthor, CreatedAt: r.now}
			if u.Email == "" {
				// Users need an address; a placeholder that can never receive mail marks
				// the ones to ask for theirs before inviting them.
				u.Email = login + "@users.invalid"
				r.sum.warn(a.Pos, "author", a.ID, "%q has no valid email address; set one before inviting them", a.Login)
			}
			if err := u.Validate(); err != nil {
				return itemError(a.Pos, "author", a.ID, err)
			}
			if err := r.tx.CreateUser(ctx, u); err != nil {
				return itemError(a.Pos, "author", a.ID, err)
			}
			r.sum.Authors.New++
		default:
			return err
		}
		r.useAuthor(a, u.ID)
		if err := r.remember(ctx, broadside.WPAuthor, wpID, u.ID, ""); err != nil {
			return err
		}
		// WordPress's author archive is /author/NICENAME/; keep it working when our login
		// differs (john_doe -> john-doe).
		if nice := wpNicename(a.Login); nice != "" && nice != u.Login {
			if err := r.setRedirect(ctx, broadside.Redirect{Path: "/author/" + nice + "/", Kind: broadside.WPAuthor, TargetID: u.ID}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *run) useAuthor(a *wxr.Author, id int64) {
	r.users[broadside.Slugify(a.Login)] = id
	if a.ID > 0 {
		r.userByWPID[a.ID] = id
	}
}

func authorName(a *wxr.Author) string {
	name := strings.TrimSpace(plainText(a.DisplayName))
	if name == "" {
		name = strings.TrimSpace(plainText(a.FirstName + " " + a.LastName))
	}
	if name == "" {
		name = a.Login
	}
	return broadside.TruncateRunes(name, 200)
}

// authorFor returns the user for an item's dc:creator: the imported author, else the
// site's first administrator, else a "wordpress" author made for the purpose.
func (r *run) authorFor(ctx context.Context, login string) (int64, error) {
	if id, ok := r.users[broadside.Slugify(login)]; ok {
		return id, nil
	}
	if r.fallbackUser != 0 {
		return r.fallbackUser, nil
	}
	users, err := r.tx.ListUsers(ctx)
	if err != nil {
		return 0, err
	}
	for _, u := range users {
		if u.Role == broadside.RoleAdmin {
			r.fallbackUser = u.ID
			return u.ID, nil
		}
	}
	if len(users) > 0 {
		r.fallbackUser = users[0].ID
		return r.fallbackUser, nil
	}
	u := &broadside.User{Login: "wordpress", Email: "wordpress@users.invalid", DisplayName: "WordPress", Role: broadside.RoleAuthor, CreatedAt: r.now}
	if err := r.tx.CreateUser(ctx, u); err != nil {
		return 0, err
	}
	r.fallbackUser = u.ID
	return u.ID, nil
}

// importCategories creates the categories, parents before children, or finds them: same
// WordPress term imported before, or a category with the same slug (so "Uncategorized"
// merges with ours).
func (r *run) importCategories(ctx context.Context) error {
	bySlug := map[string]*wxr.Term{}
	for _, t := range r.plan.cats {
		bySlug[strings.ToLower(t.Slug)] = t
	}
	visiting := map[string]bool{}
	var visit func(t *wxr.Term) error
	visit = func(t *wxr.Term) error {
		key := strings.ToLower(t.Slug)
		if _, done := r.cats[key]; done || visiting[key] {
			return nil
		}
		visiting[key] = true
		var parentID int64
		if ps := strings.ToLower(t.Parent); ps != "" && ps != key {
			if pt := bySlug[ps]; pt != nil {
				if err := visit(pt); err != nil {
					return err
				}
			}
			var ok bool
			if parentID, ok = r.cats[ps]; !ok {
				r.sum.warn(t.Pos, "category", t.ID, "its parent %q is not in the export (or they are each other's parents); it is a top-level category now", t.Parent)
			}
		}
		return r.importCategory(ctx, t, parentID)
	}
	for _, t := range r.plan.cats {
		if err := visit(t); err != nil {
			return err
		}
	}
	def, err := r.tx.CategoryBySlug(ctx, broadside.DefaultCategorySlug)
	if err != nil {
		return err
	}
	r.defaultCat = def.ID
	return nil
}

func (r *run) importCategory(ctx context.Context, t *wxr.Term, parentID int64) error {
	key := strings.ToLower(t.Slug)
	wpID := t.ID
	if wpID <= 0 {
		wpID = syntheticID("category", t.Slug)
	}
	if local, ok, err := r.lookup(ctx, broadside.WPCategory, wpID); err != nil {
		return err
	} else if ok {
		if _, err := r.tx.CategoryByID(ctx, local); err == nil {
			r.cats[key] = local
			r.sum.Categories.Existing++
			return nil
		}
	}
	name := broadside.TruncateRunes(plainText(t.Name), 200)
	slug := slugFrom(t.Slug, name)
	if slug == "" {
		slug = "category"
	}
	if name == "" {
		name = slug
	}
	c, err := r.tx.CategoryBySlug(ctx, slug)
	switch broadside.ErrorCode(err) {
	case "":
		r.sum.Categories.Existing++
	case broadside.ENOTFOUND:
		c = &broadside.Category{Name: name, Slug: slug, ParentID: parentID, Description: plainText(t.Description)}
		if err := c.Validate(); err != nil {
			return itemError(t.Pos, "category", t.ID, err)
		}
		if err := r.tx.CreateCategory(ctx, c); err != nil {
			return itemError(t.Pos, "category", t.ID, err)
		}
		r.sum.Categories.New++
	default:
		return err
	}
	r.cats[key] = c.ID
	if err := r.remember(ctx, broadside.WPCategory, wpID, c.ID, ""); err != nil {
		return err
	}
	if dec := unescape(key); slug != dec && dec != "" {
		// The old archive address used the WordPress slug.
		old := "/category/" + strings.Join(r.wpCategoryPath(t), "/") + "/"
		return r.setRedirect(ctx, broadside.Redirect{Path: old, Kind: broadside.WPCategory, TargetID: c.ID})
	}
	return nil
}

// wpCategoryPath is the slugs from the root to t as WordPress had them.
func (r *run) wpCategoryPath(t *wxr.Term) []string {
	bySlug := map[string]*wxr.Term{}
	for _, c := range r.plan.cats {
		bySlug[strings.ToLower(c.Slug)] = c
	}
	var path []string
	seen := map[string]bool{}
	for c := t; c != nil && !seen[strings.ToLower(c.Slug)]; c = bySlug[strings.ToLower(c.Parent)] {
		seen[strings.ToLower(c.Slug)] = true
		path = append([]string{unescape(strings.ToLower(c.Slug))}, path...)
	}
	return path
}

func (r *run) importTags(ctx context.Context) error {
	for _, t := range r.plan.tags {
		if _, err := r.tagID(ctx, t.Pos, t.ID, t.Slug, t.Name); err != nil {
			return err
		}
	}
	return nil
}

// tagID returns the tag for a WordPress tag, creating it when needed.
func (r *run) tagID(ctx context.Context, pos wxr.Pos, wpID int64, wpSlug, wpName string) (int64, error) {
	key := strings.ToLower(wpSlug)
	if key == "" {
		key = strings.ToLower(wpName)
	}
	if id, ok := r.tags[key]; ok {
		return id, nil
	}
	if wpID <= 0 {
		wpID = syntheticID("tag", key)
	}
	if local, ok, err := r.lookup(ctx, broadside.WPTag, wpID); err != nil {
		return 0, err
	} else if ok {
		if _, err := r.tx.TagByID(ctx, local); err == nil {
			r.tags[key] = local
			r.sum.Tags.Existing++
			return local, nil
		}
	}
	name := broadside.TruncateRunes(plainText(wpName), 200)
	slug := slugFrom(wpSlug, name)
	if slug == "" {
		r.sum.warn(pos, "tag", wpID, "the tag %q has no letters or digits to make an address from; skipped", wpName)
		return 0, nil
	}
	if name == "" {
		name = slug
	}
	t, err := r.tx.TagBySlug(ctx, slug)
	switch broadside.ErrorCode(err) {
	case "":
		r.sum.Tags.Existing++
	case broadside.ENOTFOUND:
		t = &broadside.Tag{Name: name, Slug: slug}
		if err := r.tx.CreateTag(ctx, t); err != nil {
			return 0, itemError(pos, "tag", wpID, err)
		}
		r.sum.Tags.New++
	default:
		return 0, err
	}
	r.tags[key] = t.ID
	if err := r.remember(ctx, broadside.WPTag, wpID, t.ID, ""); err != nil {
		return 0, err
	}
	if dec := unescape(key); slug != dec && dec != "" && !strings.Contains(dec, "/") {
		if err := r.setRedirect(ctx, broadside.Redirect{Path: "/tag/" + dec + "/", Kind: broadside.WPTag, TargetID: t.ID}); err != nil {
			return 0, err
		}
	}
	return t.ID, nil
}

// categoryID returns the category an item's <category> names, creating it (top level)
// when the channel did not declare it.
func (r *run) categoryID(ctx context.Context, pos wxr.Pos, t wxr.ItemTerm) (int64, error) {
	key := strings.ToLower(t.Slug)
	if id, ok := r.cats[key]; ok {
		return id, nil
	}
	term := &wxr.Term{Pos: pos, Taxonomy: wxr.TaxCategory, Slug: t.Slug, Name: t.Name}
	if err := r.importCategory(ctx, term, 0); err != nil {
		return 0, err
	}
	return r.cats[key], nil
}

// unescape decodes a percent-encoded WordPress slug (a bad escape is kept as it is).
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
