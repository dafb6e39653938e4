package comments

import (
	"context"
	"time"

	"github.com/broadside/broadside"
)

// roots counts top-level threads; the store answers with one indexed count.
type roots interface {
	CountRootsBefore(ctx context.Context, postID int64, created time.Time, id int64, newestFirst bool, alsoIDs []int64) (int, error)
}

// PageOf returns the comment page (1-based) on which the thread rooted at root is shown to a
// viewer who also sees their own held comments viewerIDs, without loading the discussion.
func (s *Service) PageOf(ctx context.Context, root *broadside.Comment, d broadside.Discussion, viewerIDs []int64) (int, error) {
	if d.PerPage <= 0 {
		return 1, nil
	}
	r, ok := s.Store.(roots)
	if !ok {
		return 1, nil
	}
	n, err := r.CountRootsBefore(ctx, root.PostID, root.CreatedAt, root.ID, d.NewestFirst, viewerIDs)
	if err != nil {
		return 1, err
	}
	return n/d.PerPage + 1, nil
}
