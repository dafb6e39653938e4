package comments

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/store"
)

// heldWindow groups held-comment notices: one job per post per window covers every comment
// held in it, so a flood of comments costs the worker two commits a minute, not two per
// comment.
const heldWindow = time.Minute

// HeldNotice is the payload of JobNotifyHeld: the post and the window of comments it covers.
// CommentID is set by jobs queued before windows existed.
type HeldNotice struct {
	PostID    int64     `json:"post_id"`
	Since     time.Time `json:"since,omitzero"`
	Until     time.Time `json:"until,omitzero"`
	CommentID int64     `json:"comment_id,omitempty"`
}

// enqueueHeldNotice queues the notice for the window containing now. The job runs when the
// window has closed, so every comment it covers is already committed: none can slip between
// the job's query and the next window's job.
func enqueueHeldNotice(ctx context.Context, tx *store.Store, postID int64, now time.Time) error {
	since := now.UTC().Truncate(heldWindow)
	until := since.Add(heldWindow)
	key := heldNoticeKey(postID, now)
	return jobs.Enqueue(ctx, tx, JobNotifyHeld, key, until.Add(5*time.Second), HeldNotice{PostID: postID, Since: since, Until: until})
}

// heldNoticeKey is the key of the notice job covering comments held on postID at now.
func heldNoticeKey(postID int64, now time.Time) string {
	return fmt.Sprintf("held:%d:%d", postID, now.UTC().Truncate(heldWindow).Unix())
}

// maxHeldPerNotice bounds one notice job; beyond it the author is told of the newest ones.
const maxHeldPerNotice = 200

// HeldNoticeHandler returns the job handler that tells a post's author about the comments
// held on it in one window. It re-reads them, so comments moderated in the meantime are
// skipped.
func (s *Service) HeldNoticeHandler(n Notifier) func(ctx context.Context, payload []byte) error {
	return func(ctx context.Context, payload []byte) error {
		var h HeldNotice
		if err := json.Unmarshal(payload, &h); err != nil {
			return fmt.Errorf("comments: bad held-notice payload: %w", err)
		}
		var held []broadside.Comment
		if h.CommentID != 0 {
			c, err := s.Store.CommentByID(ctx, h.CommentID)
			if broadside.ErrorCode(err) == broadside.ENOTFOUND {
				return nil
			} else if err != nil {
				return err
			}
			held = append(held, *c)
		} else {
			rows, _, err := s.Store.ListComments(ctx, broadside.CommentFilter{Status: broadside.CommentPending, PostID: h.PostID, Limit: maxHeldPerNotice})
			if err != nil {
				return err
			}
			for _, r := range rows {
				if !r.CreatedAt.Before(h.Since) && r.CreatedAt.Before(h.Until) {
					held = append(held, r.Comment)
				}
			}
		}
		var post *broadside.Post
		// Oldest first, as the author would read them.
		for i := len(held) - 1; i >= 0; i-- {
			c := held[i]
			if c.Status != broadside.CommentPending {
				continue
			}
			if post == nil {
				p, err := s.Store.PostByID(ctx, c.PostID)
				if broadside.ErrorCode(err) == broadside.ENOTFOUND {
					return nil
				} else if err != nil {
					return err
				}
				post = p
			}
			if err := n.HeldComment(ctx, post, &c); err != nil {
				return err
			}
		}
		return nil
	}
}
