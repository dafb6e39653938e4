package comments

import (
	"context"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// Federator hears of every change to a comment's visibility or text, inside the transaction
// that made it: before is the comment as it was (nil for a new one), after as it is now.
// Deleting for good is not reported: a moderator deletes only from the trash or spam, where
// the comment already stopped being visible (and that change was reported), and a remote
// author withdrawing their own reply changes nothing of ours. The federation service (activitypub.Service.CommentChanged, wired by
// the app) decides from the pair whether a remote author must hear of it, so that rule lives
// in one place and commits or rolls back with the change.
type Federator func(ctx context.Context, tx *store.Store, before, after *broadside.Comment) error

// federate calls the Federate hook, when one is set.
func (s *Service) federate(ctx context.Context, tx *store.Store, before, after *broadside.Comment) error {
	if s.Federate == nil {
		return nil
	}
	return s.Federate(ctx, tx, before, after)
}

// snapshot loads comments ids as they are in tx before a bulk change, for the Federate
// hook; nil when there is no hook, so moderation without federation reads nothing more.
func (s *Service) snapshot(ctx context.Context, tx *store.Store, ids []int64) ([]*broadside.Comment, error) {
	if s.Federate == nil {
		return nil, nil
	}
	out := make([]*broadside.Comment, 0, len(ids))
	for _, id := range ids {
		c, err := tx.CommentByID(ctx, id)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// federateStatus tells the hook that each of before now has status st.
func (s *Service) federateStatus(ctx context.Context, tx *store.Store, before []*broadside.Comment, st broadside.CommentStatus) error {
	for _, b := range before {
		if b.Status == st {
			continue
		}
		after := *b
		after.Status = st
		if err := s.federate(ctx, tx, b, &after); err != nil {
			return err
		}
	}
	return nil
}
