package comments

import (
	"context"

	"github.com/broadside/broadside"
)

// PageOf returns the comment page (1-based) on which comment id is shown to a viewer who also
// sees their own held comments viewerIDs. It asks the thread as the page renders it
// (broadside.Thread.PageOf), the one answer to "which page": a count kept beside it in SQL
// disagreed as soon as a reply's parent was marked spam (the reply is then shown as a
// top-level orphan, which such a count does not see).
func (s *Service) PageOf(ctx context.Context, post *broadside.Post, id int64, d broadside.Discussion, viewerIDs []int64) (int, error) {
	// Every visible comment fits on the first page: no thread to read. (A post's count is of
	// approved comments; the viewer's own held ones and the one just written may add to it.)
	if d.PerPage <= 0 || post.CommentCount+len(viewerIDs)+1 <= d.PerPage {
		return 1, nil
	}
	// The same thread Thread builds, from its shape only (no bodies to read).
	rows, err := s.Store.ThreadShape(ctx, post.ID, viewerIDs)
	if err != nil {
		return 1, err
	}
	return max(1, buildVisible(rows, d).PageOf(id, d.PerPage)), nil
}
