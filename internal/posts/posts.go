// Package posts is the publishing workflow: writing, scheduling and publishing posts and
// pages, with their categories and tags.
package posts

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/render"
	"github.com/broadside/broadside/internal/store"
)

// JobPublishDue is the job that publishes scheduled posts whose time has come.
const JobPublishDue = "publish_due"

// Store is what the posts service needs from storage.
type Store interface {
	InTx(ctx context.Context, fn func(tx *store.Store) error) error
	PostByID(ctx context.Context, id int64) (*broadside.Post, error)
	PostHeadByID(ctx context.Context, id int64) (*broadside.Post, error)
	PostBySlug(ctx context.Context, typ broadside.PostType, slug string) (*broadside.Post, error)
	ListPosts(ctx context.Context, f broadside.PostFilter) ([]broadside.Post, int, error)
	PostAuthors(ctx context.Context, f broadside.PostFilter) (map[int64]bool, error)
	SlugTaken(ctx context.Context, typ, slug string, exceptID int64) (bool, error)
	DeletePost(ctx context.Context, id int64) error
	PublishDuePosts(ctx context.Context, now time.Time) ([]int64, error)
	NextScheduled(ctx context.Context) (time.Time, bool, error)
	ListCategories(ctx context.Context) ([]broadside.Category, error)
	CategoryBySlug(ctx context.Context, slug string) (*broadside.Category, error)
	CreateCategory(ctx context.Context, c *broadside.Category) error
	UpdateCategory(ctx context.Context, c *broadside.Category) error
	DeleteCategory(ctx context.Context, id int64) error
	CategoryByID(ctx context.Context, id int64) (*broadside.Category, error)
	ListTags(ctx context.Context) ([]broadside.Tag, error)
	TagBySlug(ctx context.Context, slug string) (*broadside.Tag, error)
	TagByID(ctx context.Context, id int64) (*broadside.Tag, error)
	CreateTag(ctx context.Context, t *broadside.Tag) error
	UpdateTag(ctx context.Context, t *broadside.Tag) error
	DeleteTag(ctx context.Context, id int64) error
	PostArchiveMonths(ctx context.Context) ([]broadside.YearMonth, error)
	SitemapPosts(ctx context.Context, typ broadside.PostType, now time.Time, limit, offset int) ([]broadside.Post, int, error)
	SitemapSummaries(ctx context.Context, now time.Time) (map[broadside.PostType]broadside.SitemapSummary, error)
	TermsModified(ctx context.Context, now time.Time) (cats, tags map[int64]time.Time, err error)
	Revisions(ctx context.Context, postID int64, kind string) ([]broadside.Revision, error)
	RevisionCount(ctx context.Context, postID int64, kind string) (int, int64, error)
	RevisionByID(ctx context.Context, id int64) (*broadside.Revision, error)
	TrashedPost(ctx context.Context, id int64) (*broadside.Trashed, error)
	TrashedBefore(ctx context.Context, typ broadside.PostType, cutoff time.Time) ([]int64, error)
	PreviewLink(ctx context.Context, postID int64) (*broadside.PreviewLink, error)
}

// Service writes and reads posts.
type Service struct {
	Store Store
	Now   func() time.Time
	Log   *slog.Logger
	// Changed is called after every committed change readers can see (page caches listen).
	Changed func()
	// Wake nudges the job worker after a job was enqueued.
	Wake func()
	// OnPublish runs in the transaction that makes a post public for the first time (saved
	// as published, or a scheduled post going live), so its side effects (the newsletter
	// job) commit or roll back with the publication.
	OnPublish func(ctx context.Context, tx *store.Store, p *broadside.Post) error
	// Media finds the library file a post names as its featured image; nil refuses ids.
	Media MediaFinder
	// Federate runs in every transaction that changes a post (saved, published when due,
	// trashed, deleted), with whether the post could federate before the change
	// (broadside.Federates), so the federation's Create, Update or Delete commits or rolls
	// back with it. Nil: no federation.
	Federate func(ctx context.Context, tx *store.Store, p *broadside.Post, wasPublic bool) error
}

// Input is what an author submits from the editor.
type Input struct {
	Type             broadside.PostType
	Title            string
	Slug             string // empty: derived from the title
	Body             string
	BodyFormat       string
	Excerpt          string
	Status           broadside.PostStatus
	PublishedAt      time.Time // zero: now when publishing
	CategoryIDs      []int64
	Tags             []string
	FeaturedImageURL string
	FeaturedImageAlt string
	// FeaturedMediaID is the library file chosen as featured image (see setFeatured).
	FeaturedMediaID int64
	CommentsOpen    bool
	// PingsOpen is WordPress's ping_status; nil keeps the stored value (closed for a new post).
	PingsOpen *bool
	ParentID  int64
	// AuthorID, when set, assigns the post to that user; only editors and administrators may
	// assign a post to someone else (0: the user saving a new post, or the post's author).
	AuthorID int64
	// SubscribersOnly shows visitors only the part before <!--more-->; SendNewsletter mails
	// the post to subscribers when it is first published. Nil keeps the stored value (false
	// for a new post), so a client that does not know these switches (the REST API) cannot
	// turn them off by accident.
	SubscribersOnly *bool
	SendNewsletter  *bool
	// Password protects the post (WordPress's password-protected posts; "" removes it) and
	// Sticky puts a post first on the home page. Nil keeps the stored value.
	Password *string
	Sticky   *bool
	// MenuOrder orders a page among its siblings in page lists (WordPress's menu_order).
	// Nil keeps the stored value.
	MenuOrder *int
	// Appeal and Notice are the post's own support appeal and reuse notice (Markdown; ""
	// uses the site's). Nil keeps the stored value.
	Appeal *string
	Notice *string
}

// Save creates (id 0) or updates a post as user, returning the stored post.
func (s *Service) Save(ctx context.Context, id int64, in Input, user *broadside.User) (*broadside.Post, error) {
	now := s.Now()
	if in.Type == "" {
		in.Type = broadside.TypePost
	}
	p := &broadside.Post{Type: in.Type, AuthorID: user.ID, CreatedAt: now,
		// The editor's default, for every channel: a new post goes to subscribers when it is
		// first published unless its author says otherwise.
		SendNewsletter: in.Type == broadside.TypePost}
	if id != 0 {
		old, err := s.Store.PostByID(ctx, id)
		if err != nil {
			return nil, err
		}
		p = old
	}
	if err := s.mayWrite(user, p); err != nil {
		return nil, err
	}
	wasPublished := id != 0 && p.Status == broadside.StatusPublished
	// Saving a trashed post with another status restores it, as WordPress's REST API and
	// block editor do ("status": "draft" on a trashed post); the restore and the edit are one
	// transaction. Editing it while it stays in the trash is refused.
	restoring := false
	if p.Status == broadside.StatusTrash {
		if in.Status == broadside.StatusTrash || in.Status == "" {
			return nil, broadside.Errorf(broadside.EINVALID, "This %s is in the trash. Restore it before editing it.", p.Type)
		}
		tr, err := s.Store.TrashedPost(ctx, id)
		if err != nil {
			return nil, err
		}
		restoring, wasPublished = true, tr.PreviousStatus == broadside.StatusPublished
	}
	wasPublic := id != 0 && broadside.Federates(p, now)
	before := broadside.Revision{Title: p.Title, TitleMarkup: p.RawTitleMarkup, RawBody: p.RawBody, RawExcerpt: p.RawExcerpt}
	if in.SubscribersOnly != nil {
		p.SubscribersOnly = *in.SubscribersOnly
	}
	if in.SendNewsletter != nil {
		p.SendNewsletter = *in.SendNewsletter
	}
	// The title keeps its inline markup as written (WordPress's titles may have <em> …);
	// Title is its text form, which everything but headings shows.
	p.Title, p.RawTitleMarkup = render.SplitTitle(in.Title)
	p.RawBody = strings.ReplaceAll(in.Body, "\r\n", "\n")
	p.BodyFormat = in.BodyFormat
	if p.BodyFormat == "" {
		p.BodyFormat = broadside.FormatMarkdown
	}
	p.RawExcerpt = strings.TrimSpace(strings.ReplaceAll(in.Excerpt, "\r\n", "\n"))
	in.FeaturedImageURL, in.FeaturedImageAlt = strings.TrimSpace(in.FeaturedImageURL), strings.TrimSpace(in.FeaturedImageAlt)
	if err := s.setFeatured(ctx, p, in); err != nil {
		return nil, err
	}
	p.CommentsOpen = in.CommentsOpen
	if in.PingsOpen != nil {
		p.PingsOpen = *in.PingsOpen
	}
	if in.ParentID != p.ParentID {
		if err := s.checkPageParent(ctx, p, in.ParentID); err != nil {
			return nil, err
		}
	}
	p.ParentID = in.ParentID
	if in.Password != nil {
		p.Password = strings.TrimSpace(*in.Password)
	}
	if in.Sticky != nil {
		p.Sticky = *in.Sticky && p.Type == broadside.TypePost
	}
	if in.MenuOrder != nil {
		p.MenuOrder = *in.MenuOrder
	}
	if in.Appeal != nil {
		p.Appeal = strings.TrimSpace(strings.ReplaceAll(*in.Appeal, "\r\n", "\n"))
	}
	if in.Notice != nil {
		p.Notice = strings.TrimSpace(strings.ReplaceAll(*in.Notice, "\r\n", "\n"))
	}
	if in.AuthorID != 0 && in.AuthorID != p.AuthorID {
		if in.AuthorID != user.ID && !user.CanAssignAuthor() {
			return nil, broadside.Errorf(broadside.EFORBIDDEN, "Only editors and administrators can assign a post to another author.")
		}
		p.AuthorID = in.AuthorID
	}
	p.UpdatedAt = now
	p.Status = in.Status
	p.PublishedAt = in.PublishedAt
	switch {
	case p.Status == broadside.StatusPublished && p.PublishedAt.After(now):
		p.Status = broadside.StatusScheduled // a future date means "schedule", as in WordPress
	case p.Status == broadside.StatusScheduled && !p.PublishedAt.IsZero() && !p.PublishedAt.After(now):
		p.Status = broadside.StatusPublished
	case p.Status == broadside.StatusPublished && p.PublishedAt.IsZero():
		p.PublishedAt = now
	case p.Status == broadside.StatusDraft && p.PublishedAt.IsZero():
		p.PublishedAt = now
	case (p.Status == broadside.StatusPending || p.Status == broadside.StatusPrivate) && p.PublishedAt.IsZero():
		p.PublishedAt = now
	}
	p.PublishedAt = p.PublishedAt.UTC().Truncate(time.Second)

	slug := broadside.Slugify(in.Slug)
	if strings.TrimSpace(in.Slug) != "" && slug == "" {
		return nil, &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"slug": "The slug must contain at least one letter or digit."}}
	}
	if slug == "" {
		slug = broadside.Slugify(p.Title)
	}
	if slug == "" {
		slug = "untitled"
	}
	if in.Slug != "" {
		// An explicit slug must be free: silently renaming what the author typed would break
		// the link they meant to publish.
		taken, err := s.Store.SlugTaken(ctx, string(p.Type), slug, p.ID)
		if err != nil {
			return nil, err
		}
		if taken {
			return nil, &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
				Fields: map[string]string{"slug": fmt.Sprintf("The slug %q is already used by another %s.", slug, p.Type)}}
		}
		p.Slug = slug
	} else if p.Slug == "" || id == 0 {
		u, err := broadside.UniqueSlug(slug, func(c string) (bool, error) { return s.Store.SlugTaken(ctx, string(p.Type), c, p.ID) })
		if err != nil {
			return nil, err
		}
		p.Slug = u
	}

	cats, err := s.resolveCategories(ctx, p.Type, in.CategoryIDs)
	if err != nil {
		return nil, err
	}
	p.Categories = cats
	if err := p.Validate(); err != nil {
		return nil, err
	}
	tags := cleanTags(in.Tags)
	if len(tags) > 100 {
		return nil, &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"tags": "Use at most 100 tags."}}
	}
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		old, err := stored(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if p.Type == broadside.TypePost {
			t, err := tx.EnsureTags(ctx, tags)
			if err != nil {
				return err
			}
			p.Tags = t
		}
		if restoring {
			if _, err := tx.RestorePost(ctx, p.ID); err != nil {
				return err
			}
		}
		if p.ID == 0 {
			if err := tx.CreatePost(ctx, p); err != nil {
				return err
			}
		} else if err := tx.UpdatePost(ctx, p); err != nil {
			return err
		}
		if err := s.keepRevision(ctx, tx, p, user, id == 0 || !before.SameContent(p)); err != nil {
			return err
		}
		if !p.Previewable() && id != 0 { // published or private: shared preview links end
			if err := tx.DeletePreviewLink(ctx, p.ID); err != nil {
				return err
			}
		}
		if p.Status == broadside.StatusPublished && !wasPublished && !p.PublishedAt.After(now) && s.OnPublish != nil {
			if err := s.OnPublish(ctx, tx, p); err != nil {
				return err
			}
		}
		if s.Federate != nil {
			if err := s.Federate(ctx, tx, p, wasPublic); err != nil {
				return err
			}
		}
		if err := announce(ctx, tx, old, p.ID); err != nil {
			return err
		}
		if p.Status == broadside.StatusScheduled {
			key := "publish:" + strconv.FormatInt(p.ID, 10) + ":" + strconv.FormatInt(p.PublishedAt.Unix(), 10)
			return jobs.Enqueue(ctx, tx, JobPublishDue, key, p.PublishedAt, map[string]int64{"post_id": p.ID})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Log.Info("post saved", "post_id", p.ID, "status", p.Status, "user_id", user.ID)
	s.changed()
	return s.Store.PostByID(ctx, p.ID)
}

func (s *Service) changed() {
	if s.Changed != nil {
		s.Changed()
	}
	if s.Wake != nil {
		s.Wake()
	}
}

func (s *Service) resolveCategories(ctx context.Context, typ broadside.PostType, ids []int64) ([]broadside.Category, error) {
	if typ == broadside.TypePage {
		return nil, nil
	}
	var out []broadside.Category
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		c, err := s.Store.CategoryByID(ctx, id)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return nil, &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
				Fields: map[string]string{"categories": "One of the chosen categories no longer exists."}}
		} else if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	if len(out) == 0 {
		c, err := s.Store.CategoryBySlug(ctx, broadside.DefaultCategorySlug)
		if err != nil {
			return nil, fmt.Errorf("posts: default category: %w", err)
		}
		out = append(out, *c)
	}
	return out, nil
}

func cleanTags(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range in {
		t = strings.TrimSpace(t)
		k := broadside.Slugify(t)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out
}

// ParseTags splits the editor's comma-separated tag field.
func ParseTags(s string) []string { return cleanTags(strings.Split(s, ",")) }

// Delete removes a post and its comments.
func (s *Service) Delete(ctx context.Context, id int64, user *broadside.User) error {
	p, err := s.Store.PostByID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.mayWrite(user, p); err != nil {
		return err
	}
	wasPublic := broadside.Federates(p, s.Now())
	if err := s.Store.InTx(ctx, func(tx *store.Store) error {
		if s.Federate != nil {
			gone := *p
			gone.Status = broadside.StatusTrash
			if err := s.Federate(ctx, tx, &gone, wasPublic); err != nil {
				return err
			}
		}
		if err := tx.DeletePost(ctx, id); err != nil {
			return err
		}
		return tx.NotifyChanged(ctx, broadside.CacheTags(p)...)
	}); err != nil {
		return err
	}
	s.Log.Info("post deleted", "post_id", id, "user_id", user.ID)
	s.changed()
	return nil
}

// PublishDue publishes every scheduled post whose time has come. It is the handler of the
// JobPublishDue job and also runs at startup, so posts due while the site was down go live.
func (s *Service) PublishDue(ctx context.Context) error {
	var ids []int64
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if ids, err = tx.PublishDuePosts(ctx, s.Now()); err != nil || len(ids) == 0 {
			return err
		}
		published := make([]*broadside.Post, 0, len(ids))
		for _, id := range ids {
			p, err := tx.PostByID(ctx, id)
			if err != nil {
				return err
			}
			published = append(published, p)
		}
		if err := tx.NotifyChanged(ctx, broadside.CacheTags(published...)...); err != nil {
			return err
		}
		for _, p := range published {
			if s.OnPublish != nil {
				if err := s.OnPublish(ctx, tx, p); err != nil {
					return err
				}
			}
			if s.Federate != nil {
				if err := s.Federate(ctx, tx, p, false); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(ids) > 0 {
		s.Log.Info("scheduled posts published", "post_ids", ids)
		s.changed()
	}
	return nil
}

// Get returns a post by id.
func (s *Service) Get(ctx context.Context, id int64) (*broadside.Post, error) {
	return s.Store.PostByID(ctx, id)
}

// Head returns a post by id without its body (RawBody is ""), for deciding about the post
// (may this reader comment on it?) without showing it.
func (s *Service) Head(ctx context.Context, id int64) (*broadside.Post, error) {
	return s.Store.PostHeadByID(ctx, id)
}

// BySlug returns a post or page by slug.
func (s *Service) BySlug(ctx context.Context, typ broadside.PostType, slug string) (*broadside.Post, error) {
	return s.Store.PostBySlug(ctx, typ, slug)
}

// List returns a page of posts and the total.
func (s *Service) List(ctx context.Context, f broadside.PostFilter) ([]broadside.Post, int, error) {
	return s.Store.ListPosts(ctx, f)
}

// PublicAuthors reports which of the users ids (nil: all) have a post or page that readers
// may see now.
func (s *Service) PublicAuthors(ctx context.Context, ids []int64) (map[int64]bool, error) {
	return s.Store.PostAuthors(ctx, s.Public(broadside.PostFilter{AuthorIDs: ids}))
}

// Federating reports which of the users ids (nil: all) have a post (not a page) that readers
// may see: the authors with an ActivityPub actor of their own, as the WordPress ActivityPub
// plugin gives actors to those who publish posts.
func (s *Service) Federating(ctx context.Context, ids []int64) (map[int64]bool, error) {
	return s.Store.PostAuthors(ctx, s.Public(broadside.PostFilter{Type: broadside.TypePost, AuthorIDs: ids}))
}

// Public narrows a filter to what readers may see now.
func (s *Service) Public(f broadside.PostFilter) broadside.PostFilter {
	f.Statuses = []broadside.PostStatus{broadside.StatusPublished}
	f.PublishedBefore = s.Now()
	return f
}
