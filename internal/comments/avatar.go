package comments

import (
	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/avatar"
)

// Avatar returns the picture shown next to comment c at size pixels, for every channel that
// shows comments (the discussion, the moderation queue, the REST API): a path on this site
// for generated avatars, or an absolute URL (Gravatar when the site opted in, a remote
// commenter's own). internal/avatar decides which.
func (s *Service) Avatar(c *broadside.Comment, d broadside.Discussion, size int) string {
	m := s.Avatars
	if m == nil {
		m = &avatar.Maker{Secret: s.Secret}
	}
	return m.URL(c, d, size)
}
