package comments

import (
	"context"

	"github.com/broadside/broadside"
)

// The moderation queue at scale: bulk changes that can be undone, and emptying the spam and
// the trash.

// SetStatusUndoable is SetStatus that also returns each comment's status before the change,
// so the moderator can undo it (Revert).
func (s *Service) SetStatusUndoable(ctx context.Context, ids []int64, st broadside.CommentStatus, u *broadside.User) (int, map[int64]broadside.CommentStatus, error) {
	if err := mustModerate(u); err != nil {
		return 0, nil, err
	}
	prev := make(map[int64]broadside.CommentStatus, len(ids))
	for _, id := range ids {
		c, err := s.Store.CommentByID(ctx, id)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			continue
		} else if err != nil {
			return 0, nil, err
		}
		if c.Status != st {
			prev[id] = c.Status
		}
	}
	n, err := s.SetStatus(ctx, ids, st, u)
	return n, prev, err
}

// Revert undoes a bulk change to status from: each comment in prev that is still in from goes
// back to its earlier status (a comment someone changed since is left alone). It returns how
// many comments it moved.
func (s *Service) Revert(ctx context.Context, prev map[int64]broadside.CommentStatus, from broadside.CommentStatus, u *broadside.User) (int, error) {
	if err := mustModerate(u); err != nil {
		return 0, err
	}
	groups := map[broadside.CommentStatus][]int64{}
	for id, st := range prev {
		c, err := s.Store.CommentByID(ctx, id)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			continue
		} else if err != nil {
			return 0, err
		}
		if c.Status == from && broadside.ValidCommentStatus(st) {
			groups[st] = append(groups[st], id)
		}
	}
	total := 0
	for st, ids := range groups {
		n, err := s.SetStatus(ctx, ids, st, u)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// Empty deletes every comment in the spam or the trash for good and returns how many.
func (s *Service) Empty(ctx context.Context, st broadside.CommentStatus, u *broadside.User) (int, error) {
	if err := mustModerate(u); err != nil {
		return 0, err
	}
	if st != broadside.CommentSpam && st != broadside.CommentTrash {
		return 0, broadside.Errorf(broadside.EINVALID, "Only the spam and the trash can be emptied.")
	}
	n := 0
	for {
		rows, _, err := s.Store.ListComments(ctx, broadside.CommentFilter{Status: st, Limit: 200})
		if err != nil {
			return n, err
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			if err := s.Store.DeleteComment(ctx, r.ID); err != nil && broadside.ErrorCode(err) != broadside.ENOTFOUND {
				return n, err
			}
			n++
		}
	}
	s.Log.Info("comments emptied", "status", st, "count", n, "user_id", u.ID)
	if n > 0 {
		s.changed()
	}
	return n, nil
}
