package comments

import (
	"context"

	"github.com/broadside/broadside"
)

// Recent returns up to limit approved comments that anyone may read, newest first: on post
// postID, or on every post when postID is 0. Comments on posts that are not public, are
// password-protected or are for subscribers only are left out (their discussion is not
// public). Feeds use it.
func (s *Service) Recent(ctx context.Context, postID int64, limit int) ([]broadside.Comment, error) {
	return s.Store.FeedComments(ctx, postID, s.Now(), limit)
}
