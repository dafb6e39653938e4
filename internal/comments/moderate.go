package comments

import (
	"context"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// Thread returns the visible discussion of a post: approved comments plus the viewer's own
// held comments (viewerIDs come from the commenter's signed cookie).
func (s *Service) Thread(ctx context.Context, post *broadside.Post, viewerIDs []int64, d broadside.Discussion) (*broadside.Thread, error) {
	rows, err := s.Store.ThreadComments(ctx, post.ID, []broadside.CommentStatus{broadside.CommentApproved}, viewerIDs)
	if err != nil {
		return nil, err
	}
	return buildVisible(rows, d), nil
}

// buildVisible builds the thread a viewer sees from the rows loaded for them.
func buildVisible(rows []broadside.Comment, d broadside.Discussion) *broadside.Thread {
	// Only the viewer's own comments that are still pending are shown; one they wrote that
	// was since marked spam or trashed disappears like any other.
	kept := rows[:0]
	for _, c := range rows {
		if c.Status == broadside.CommentApproved || c.Status == broadside.CommentPending {
			kept = append(kept, c)
		}
	}
	return broadside.BuildThread(kept, d.MaxDepth, d.NewestFirst)
}

// Queue lists comments for the moderation screen.
func (s *Service) Queue(ctx context.Context, f broadside.CommentFilter) ([]broadside.CommentRow, int, error) {
	return s.Store.ListComments(ctx, f)
}

// Replied says which of ids have a reply in one of statuses.
func (s *Service) Replied(ctx context.Context, ids []int64, statuses ...broadside.CommentStatus) (map[int64]bool, error) {
	return s.Store.RepliedComments(ctx, ids, statuses...)
}

// Counts returns how many comments are in each state.
func (s *Service) Counts(ctx context.Context) (map[broadside.CommentStatus]int, error) {
	return s.Store.CommentCounts(ctx)
}

// PostCounts returns how many comments of one post are in each state.
func (s *Service) PostCounts(ctx context.Context, postID int64) (map[broadside.CommentStatus]int, error) {
	return s.Store.PostCommentCounts(ctx, postID)
}

// Get returns one comment.
func (s *Service) Get(ctx context.Context, id int64) (*broadside.Comment, error) {
	return s.Store.CommentByID(ctx, id)
}

func mustModerate(u *broadside.User) error {
	if !u.CanModerate() {
		return broadside.Errorf(broadside.EFORBIDDEN, "Only editors and administrators can moderate comments.")
	}
	return nil
}

// SetStatus approves, holds, spams or trashes comments in bulk.
func (s *Service) SetStatus(ctx context.Context, ids []int64, st broadside.CommentStatus, u *broadside.User) (int, error) {
	if err := mustModerate(u); err != nil {
		return 0, err
	}
	if !broadside.ValidCommentStatus(st) {
		return 0, broadside.Errorf(broadside.EINVALID, "Unknown comment status %q.", st)
	}
	if len(ids) == 0 {
		return 0, broadside.Errorf(broadside.EINVALID, "Select at least one comment.")
	}
	var n int
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		var err error
		tags, err := commentsCacheTags(ctx, tx, ids)
		if err != nil {
			return err
		}
		before, err := s.snapshot(ctx, tx, ids)
		if err != nil {
			return err
		}
		if n, err = tx.SetCommentStatus(ctx, ids, st); err != nil {
			return err
		}
		if err := s.federateStatus(ctx, tx, before, st); err != nil {
			return err
		}
		if err := tx.NotifyChanged(ctx, tags...); err != nil {
			return err
		}
		if st == broadside.CommentApproved {
			// A moderator vouched for these: readers' earlier reports no longer count.
			if err := tx.ClearCommentReports(ctx, ids); err != nil {
				return err
			}
			return enqueueApproved(ctx, tx, s.Now(), ids...)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.Log.Info("comments moderated", "ids", ids, "status", st, "user_id", u.ID)
	s.changed()
	if st == broadside.CommentApproved && s.Wake != nil {
		s.Wake()
	}
	return n, nil
}

// Edit is what a moderator may change on a comment.
type Edit struct {
	Author string
	Email  string
	URL    string
	Body   string
	Status broadside.CommentStatus
}

// Update edits a comment as a moderator.
func (s *Service) Update(ctx context.Context, id int64, e Edit, u *broadside.User) (*broadside.Comment, error) {
	if err := mustModerate(u); err != nil {
		return nil, err
	}
	c, err := s.Store.CommentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	before := *c
	c.AuthorName = strings.TrimSpace(e.Author)
	c.AuthorEmail = strings.TrimSpace(e.Email)
	c.AuthorURL = strings.TrimSpace(e.URL)
	c.RawBody = strings.ReplaceAll(e.Body, "\r\n", "\n")
	if !broadside.ValidCommentStatus(e.Status) {
		return nil, &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.", Fields: map[string]string{"status": "Choose a status."}}
	}
	c.Status = e.Status
	if err := c.Validate(false, broadside.MaxCommentLen); err != nil {
		return nil, err
	}
	if err := s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		if err := s.federate(ctx, tx, &before, c); err != nil {
			return err
		}
		return tx.NotifyChanged(ctx, broadside.CacheTagPost(c.PostID))
	}); err != nil {
		return nil, err
	}
	s.Log.Info("comment edited", "comment_id", id, "user_id", u.ID)
	s.changed()
	return c, nil
}

// Reply publishes a moderator's reply to a comment. Replying to a held comment approves it
// first, as WordPress does: a public answer to an invisible question makes no sense.
func (s *Service) Reply(ctx context.Context, parentID int64, body string, u *broadside.User, ip string) (*broadside.Comment, error) {
	if err := mustModerate(u); err != nil {
		return nil, err
	}
	parent, err := s.Store.CommentByID(ctx, parentID)
	if err != nil {
		return nil, err
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	c := &broadside.Comment{PostID: parent.PostID, ParentID: parent.ID, UserID: u.ID, Kind: broadside.KindComment,
		AuthorName: u.Name(), AuthorEmail: u.Email, AuthorIP: ip, RawBody: strings.ReplaceAll(body, "\r\n", "\n"),
		Status: broadside.CommentApproved, CreatedAt: s.Now()}
	if err := c.Validate(false, broadside.MaxCommentLen); err != nil {
		return nil, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		if parent.Status != broadside.CommentApproved {
			if _, err := tx.SetCommentStatus(ctx, []int64{parent.ID}, broadside.CommentApproved); err != nil {
				return err
			}
			if err := s.federateStatus(ctx, tx, []*broadside.Comment{parent}, broadside.CommentApproved); err != nil {
				return err
			}
		}
		// Past the depth limit the reply goes beside its parent rather than under it.
		parentDepth := 1
		for id := parent.ParentID; id != 0 && parentDepth <= maxAncestors; parentDepth++ {
			a, err := tx.CommentByID(ctx, id)
			if err != nil {
				break
			}
			id = a.ParentID
		}
		if parentDepth >= set.Discussion.MaxDepth {
			c.ParentID = parent.ParentID
		}
		if err := tx.CreateComment(ctx, c); err != nil {
			return err
		}
		if err := s.federate(ctx, tx, nil, c); err != nil {
			return err
		}
		if err := tx.NotifyChanged(ctx, broadside.CacheTagPost(c.PostID)); err != nil {
			return err
		}
		ids := []int64{c.ID}
		if parent.Status != broadside.CommentApproved {
			ids = append(ids, parent.ID)
		}
		return enqueueApproved(ctx, tx, c.CreatedAt, ids...)
	})
	if err != nil {
		return nil, err
	}
	s.Log.Info("moderator replied", "comment_id", c.ID, "parent_id", parent.ID, "user_id", u.ID)
	s.changed()
	if s.Wake != nil {
		s.Wake()
	}
	return c, nil
}

// Delete removes a comment for good. Only spam and trash can be deleted, so a slip of the
// mouse on a published comment is always recoverable.
func (s *Service) Delete(ctx context.Context, id int64, u *broadside.User) error {
	if err := mustModerate(u); err != nil {
		return err
	}
	c, err := s.Store.CommentByID(ctx, id)
	if err != nil {
		return err
	}
	if c.Status != broadside.CommentSpam && c.Status != broadside.CommentTrash {
		return broadside.Errorf(broadside.EINVALID, "Move the comment to the trash before deleting it permanently.")
	}
	if err := s.Store.DeleteComment(ctx, id); err != nil {
		return err
	}
	s.Log.Info("comment deleted", "comment_id", id, "user_id", u.ID)
	return nil
}

// Notifier tells people about comments. The mail package provides the real one; until mail is
// configured, a notifier that logs the notice is used so nothing fails silently.
type Notifier interface {
	HeldComment(ctx context.Context, post *broadside.Post, c *broadside.Comment) error
}

// maxTaggedComments bounds the comments whose posts a bulk moderation looks up to purge only
// those posts' pages; past it, it purges every page.
const maxTaggedComments = 200

// commentsCacheTags names the cached pages that a change to the comments ids may change:
// their posts' (broadside.CacheTags); nil (everything) for a very large batch.
func commentsCacheTags(ctx context.Context, tx *store.Store, ids []int64) ([]string, error) {
	if len(ids) > maxTaggedComments {
		return nil, nil
	}
	seen := map[int64]bool{}
	var tags []string
	for _, id := range ids {
		c, err := tx.CommentByID(ctx, id)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		if !seen[c.PostID] {
			seen[c.PostID] = true
			tags = append(tags, broadside.CacheTagPost(c.PostID))
		}
	}
	if len(tags) == 0 {
		// Nothing found to name; purging everything is always correct.
		return nil, nil
	}
	return tags, nil
}
