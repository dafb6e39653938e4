package posts

import (
	"context"
	"crypto/rand"
	"encoding/base64"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// SharePreview issues a new shared preview link for the unpublished post id (ending any
// older one); the web layer signs it into an address.
func (s *Service) SharePreview(ctx context.Context, id int64, user *broadside.User) (*broadside.PreviewLink, error) {
	p, err := s.editable(ctx, id, user)
	if err != nil {
		return nil, err
	}
	if !p.Previewable() {
		return nil, broadside.Errorf(broadside.EINVALID, "Only drafts, pending and scheduled %ss can be shared for preview.", p.Type)
	}
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	l := &broadside.PreviewLink{PostID: id, Nonce: base64.RawURLEncoding.EncodeToString(b),
		ExpiresAt: s.Now().Add(broadside.PreviewLinkTTL), CreatedBy: user.ID}
	if err := s.Store.InTx(ctx, func(tx *store.Store) error { return tx.SetPreviewLink(ctx, l) }); err != nil {
		return nil, err
	}
	s.Log.Info("preview link shared", "post_id", id, "user_id", user.ID)
	return s.Store.PreviewLink(ctx, id)
}

// RevokePreview ends post id's shared preview link.
func (s *Service) RevokePreview(ctx context.Context, id int64, user *broadside.User) error {
	if _, err := s.editable(ctx, id, user); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Store) error { return tx.DeletePreviewLink(ctx, id) })
}

// PreviewLink returns post id's live shared preview link (ENOTFOUND when none).
func (s *Service) PreviewLink(ctx context.Context, id int64) (*broadside.PreviewLink, error) {
	return s.Store.PreviewLink(ctx, id)
}
