package comments

import (
	"context"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
)

// BanStore is what bans need from storage.
type BanStore interface {
	CreateBan(ctx context.Context, b *broadside.Ban) error
	Bans(ctx context.Context) ([]broadside.Ban, error)
	DeleteBan(ctx context.Context, id int64) error
}

// Bans lists every ban, newest first.
func (s *Service) Bans(ctx context.Context, u *broadside.User) ([]broadside.Ban, error) {
	if err := mustModerate(u); err != nil {
		return nil, err
	}
	return s.Store.Bans(ctx)
}

// Ban bans an e-mail address, a name or an IP address or range from commenting.
func (s *Service) Ban(ctx context.Context, kind broadside.BanKind, value, note string, u *broadside.User) (*broadside.Ban, error) {
	if err := mustModerate(u); err != nil {
		return nil, err
	}
	v, err := broadside.NormalizeBan(kind, value)
	if err != nil {
		return nil, err
	}
	b := &broadside.Ban{Kind: kind, Value: v, Note: broadside.TruncateRunes(strings.TrimSpace(note), 500), CreatedBy: u.ID, CreatedAt: s.Now()}
	if err := s.Store.CreateBan(ctx, b); err != nil {
		return nil, err
	}
	s.Log.Info("commenter banned", "ban_id", b.ID, "kind", kind, "user_id", u.ID)
	return b, nil
}

// BanFromComment bans the e-mail address, name or IP address (kind) of comment id; for "ip"
// a range may be given instead (cidr, e.g. "/24"), which is applied to the comment's address.
func (s *Service) BanFromComment(ctx context.Context, id int64, kind broadside.BanKind, bits string, u *broadside.User) (*broadside.Ban, error) {
	if err := mustModerate(u); err != nil {
		return nil, err
	}
	c, err := s.Store.CommentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	var value string
	switch kind {
	case broadside.BanEmail:
		value = c.AuthorEmail
	case broadside.BanName:
		value = c.AuthorName
	case broadside.BanIP:
		value = c.AuthorIP
		if b := strings.TrimPrefix(strings.TrimSpace(bits), "/"); b != "" && value != "" {
			value += "/" + b
		}
	}
	if strings.TrimSpace(value) == "" {
		return nil, broadside.Errorf(broadside.EINVALID, "This comment has no %s to ban.", kind)
	}
	return s.Ban(ctx, kind, value, "from comment "+strconv.FormatInt(id, 10), u)
}

// Unban lifts a ban.
func (s *Service) Unban(ctx context.Context, id int64, u *broadside.User) error {
	if err := mustModerate(u); err != nil {
		return err
	}
	if err := s.Store.DeleteBan(ctx, id); err != nil {
		return err
	}
	s.Log.Info("ban lifted", "ban_id", id, "user_id", u.ID)
	return nil
}

// banned returns the reason to store when a ban applies to c, or "". A failure to load the
// bans holds nothing back: it is logged and the other rules still apply.
func (s *Service) banned(ctx context.Context, c *broadside.Comment) string {
	bans, err := s.Store.Bans(ctx)
	if err != nil {
		s.Log.Error("bans could not be loaded; comment checked without them", "err", err)
		return ""
	}
	if b, ok := broadside.BannedBy(bans, c); ok {
		return b.Reason()
	}
	return ""
}
