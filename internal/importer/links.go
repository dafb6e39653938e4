package importer

import (
	"context"

	"github.com/broadside/broadside"
)

// What the web layer asks about old WordPress addresses.

// Redirect returns what lives now at an old address (a post's, an attachment page's, a
// category's …), or ENOTFOUND.
func (s *Service) Redirect(ctx context.Context, path string) (*broadside.Redirect, error) {
	return s.Store.RedirectByPath(ctx, path)
}

// LocalID returns the id here of the object of kind (broadside.WPPost, broadside.WPAttachment,
// broadside.WPCategory, broadside.WPAuthor …) that had wpID on the WordPress site, or ENOTFOUND.
func (s *Service) LocalID(ctx context.Context, kind string, wpID int64) (int64, error) {
	return s.Store.ResolveWPID(ctx, kind, wpID)
}

// Attachment returns the attachment with id.
func (s *Service) Attachment(ctx context.Context, id int64) (*broadside.Attachment, error) {
	return s.Store.AttachmentByID(ctx, id)
}
