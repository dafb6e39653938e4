package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/broadside/broadside"
)

// Attachment pages. An attachment's old page redirects to its file (WordPress 6.4 does the
// same), except for an imported attachment that belongs to no post and carried comments:
// WordPress showed those on the attachment's page, and there is no post page to show them
// on, so the import made it a page of its own (broadside.TypeAttachment) and its old
// addresses lead here: the file with its caption, and the discussion.

func attachmentPagePath(attachmentID int64) string {
	return "/attachment/" + strconv.FormatInt(attachmentID, 10) + "/"
}

// attachmentPage returns the page of the attachment with id, if it has one.
func (s *Server) attachmentPage(ctx context.Context, id int64) (*broadside.Post, bool) {
	p, err := s.Posts.BySlug(ctx, broadside.TypeAttachment, broadside.AttachmentPageSlug(id))
	if err != nil || p.ParentID != id {
		return nil, false
	}
	return p, true
}

// attachmentTarget is where an attachment's old address leads: its page when it has one,
// else its file.
func (s *Server) attachmentTarget(ctx context.Context, a *broadside.Attachment) (string, bool) {
	if _, ok := s.attachmentPage(ctx, a.ID); ok {
		return attachmentPagePath(a.ID), true
	}
	return a.RedirectTarget()
}

// GET /attachment/{id}/ and /attachment/{id}/comment-page-N/
func (s *Server) handleAttachmentPage(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFound
	}
	cpage := 0
	if seg := r.PathValue("cpage"); seg != "" {
		rest, n, ok := splitPaged("/"+seg+"/", "/comment-page-")
		if !ok || n == 0 || rest != "/" {
			return errNotFound
		}
		cpage = n
	}
	p, ok := s.attachmentPage(r.Context(), id)
	if !ok {
		return errNotFound
	}
	st, err := s.site(r.Context())
	if err != nil {
		return err
	}
	return s.servePost(w, r, st, p, cpage)
}

// attachmentEditURL is where the admin edits the attachment whose page is p: the file's
// screen in the media library, as WordPress edits an attachment on its own screen and never
// in the post editor (which cannot save it: the posts service refuses). An attachment whose
// file the import did not copy has no such screen; its page is where it is seen.
func (s *Server) attachmentEditURL(ctx context.Context, p *broadside.Post) string {
	if s.WordPress != nil && s.Media != nil {
		if a, err := s.WordPress.Attachment(ctx, p.ParentID); err == nil && a.File != "" {
			if files, err := s.Media.ByKeys(ctx, []string{a.File}); err == nil && files[a.File] != nil {
				return mediaURL(files[a.File])
			}
		}
	}
	return attachmentPagePath(p.ParentID)
}
