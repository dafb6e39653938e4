package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// Previews: the editor's unsaved version shown as the real public page, and shared preview
// links that let a colleague without an account read an unpublished post.

// previewKey marks a request rendering a preview; renderPost then keeps search engines and
// caches away from it.
type previewKey struct{}

// previewReaderKey carries the reader a verified shared preview link made (readerOf).
type previewReaderKey struct{}

func isPreview(r *http.Request) bool { return r.Context().Value(previewKey{}) != nil }

// asPreview marks r as a preview and sets the headers every preview answer carries: no
// shared cache, no copy kept, no indexing.
func asPreview(w http.ResponseWriter, r *http.Request) *http.Request {
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	return r.WithContext(context.WithValue(r.Context(), previewKey{}, true))
}

// renderPreview shows the editor's unsaved version of the post (old is the stored post,
// nil for a new one) through the public post page: the theme, featured image, categories,
// appeal and notice as readers will see them.
func (s *Server) renderPreview(w http.ResponseWriter, r *http.Request, old *broadside.Post, in *posts.Input, u *broadside.User) error {
	ctx := r.Context()
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	p := &broadside.Post{Type: in.Type, AuthorID: u.ID, Author: u, Status: broadside.StatusDraft, CreatedAt: s.Now(),
		UpdatedAt: s.Now(), PublishedAt: s.Now(), Slug: "preview", BodyFormat: in.BodyFormat}
	if old != nil {
		cp := *old
		p = &cp
	}
	p.Title, p.RawBody, p.RawExcerpt = strings.TrimSpace(in.Title), in.Body, in.Excerpt
	p.FeaturedImageURL, p.FeaturedImageAlt = in.FeaturedImageURL, in.FeaturedImageAlt
	if !in.PublishedAt.IsZero() {
		p.PublishedAt = in.PublishedAt
	}
	if in.Appeal != nil {
		p.Appeal = *in.Appeal
	}
	if in.Notice != nil {
		p.Notice = *in.Notice
	}
	if in.Password != nil {
		p.Password = *in.Password
	}
	if in.SubscribersOnly != nil {
		p.SubscribersOnly = *in.SubscribersOnly
	}
	p.CommentsOpen = in.CommentsOpen
	if p.Type == broadside.TypePost {
		p.Categories = nil
		if all, err := s.Posts.Categories(ctx); err == nil {
			for _, id := range in.CategoryIDs {
				for _, c := range all {
					if c.ID == id {
						p.Categories = append(p.Categories, c)
					}
				}
			}
		}
		p.Tags = nil
		for _, t := range in.Tags {
			p.Tags = append(p.Tags, broadside.Tag{Name: t, Slug: broadside.Slugify(t)})
		}
	}
	st.categories(ctx, s)
	r = asPreview(w, r)
	s.renderPost(w, r, st, p, 1, nil, http.StatusOK)
	return nil
}

// previewPath is the address of a shared preview link: the post id and the link's nonce,
// signed with the site's secret (Server.sign) so neither can be altered.
func (s *Server) previewPath(l *broadside.PreviewLink) string {
	return "/preview/" + s.sign("preview", strconv.FormatInt(l.PostID, 10)+"-"+l.Nonce)
}

// GET /preview/{token}
// A shared preview link: anyone holding it sees the unpublished post's latest saved version
// (or a newer autosave) as its public page, until it expires, is revoked or the post is
// published. Every other answer is the 404 page: a dead link reveals nothing.
func (s *Server) handleSharedPreview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	w.Header().Set("Cache-Control", "private, no-store")
	value, ok := s.verify("preview", r.PathValue("token"))
	if !ok {
		return errNotFound
	}
	idText, nonce, _ := strings.Cut(value, "-")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return errNotFound
	}
	p, err := s.Posts.Get(ctx, id)
	if err != nil || !p.Previewable() { // published (or trashed): the link has done its job
		return errNotFound
	}
	l, err := s.Posts.PreviewLink(ctx, id)
	if err != nil {
		return errNotFound
	}
	rd := readerOf(r).WithPreview(p, l, nonce, s.Now())
	if broadside.Access(p, rd, s.Now()) != broadside.LevelFull {
		return errNotFound
	}
	latest, err := s.Posts.LatestVersion(ctx, p)
	if err != nil {
		return err
	}
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	st.categories(ctx, s)
	r = asPreview(w, r)
	r = r.WithContext(context.WithValue(r.Context(), previewReaderKey{}, rd))
	s.renderPost(w, r, st, latest, 1, nil, http.StatusOK)
	return nil
}

// POST /admin/posts/{id}/preview-link
func (s *Server) handlePreviewShare(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	l, err := s.Posts.SharePreview(ctx, id, u)
	if err != nil {
		return err
	}
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	s.flash(w, r, "Preview link ready: anyone with it can read this draft until "+formatDateTime(st.Local(l.ExpiresAt))+
		" ("+st.Timezone+"), unless you revoke it or publish.")
	redirect(w, r, "/admin/posts/"+strconv.FormatInt(id, 10)+"#share-preview")
	return nil
}

// POST /admin/posts/{id}/preview-link/revoke
func (s *Server) handlePreviewRevoke(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Posts.RevokePreview(r.Context(), id, u); err != nil {
		return err
	}
	s.flash(w, r, "Preview link revoked: it no longer works.")
	redirect(w, r, "/admin/posts/"+strconv.FormatInt(id, 10)+"#share-preview")
	return nil
}
