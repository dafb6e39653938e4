package comments

import (
	"context"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// The edit window: a commenter may correct their own comment for Discussion.EditMinutes after
// posting it, without an account. Who wrote it is proven, not asserted: the comment stores the
// hash of the commenter key the server set in the author's cookie (commenterKeyHash), and an
// edit must present that key. The edited comment is moderated again, so an approved comment
// edited to carry links or blocked words is held like a new one.

// EditTimeLeft returns how long the holder of commenter key key may still edit c, and false
// when they may not (not their comment, the window has passed, editing is off, or the
// comment is not published or pending).
func EditTimeLeft(c *broadside.Comment, key string, d broadside.Discussion, now time.Time) (time.Duration, bool) {
	if c == nil || d.EditMinutes <= 0 || c.CommenterKeyHash == "" {
		return 0, false
	}
	if c.Status != broadside.CommentApproved && c.Status != broadside.CommentPending {
		return 0, false
	}
	h := commenterKeyHash(key)
	if h == "" || h != c.CommenterKeyHash {
		return 0, false
	}
	left := c.CreatedAt.Add(time.Duration(d.EditMinutes) * time.Minute).Sub(now)
	if left <= 0 {
		return 0, false
	}
	return left, true
}

const msgEditClosed = "This comment can no longer be edited: the time to correct it has passed, or it was not written in this browser."

// EditableComment returns comment id and the time its author has left, for the edit form.
func (s *Service) EditableComment(ctx context.Context, id int64, key string) (*broadside.Comment, time.Duration, error) {
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, 0, err
	}
	c, err := s.Store.CommentByID(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	left, ok := EditTimeLeft(c, key, set.Discussion, s.Now())
	if !ok {
		return nil, 0, broadside.Errorf(broadside.EFORBIDDEN, msgEditClosed)
	}
	return c, left, nil
}

// AuthorEdit replaces the body of comment id for its author, who proves authorship with the
// commenter key from their cookie, within the edit window. The new text goes through the same
// rules as a new comment (bans, disallowed and moderation words, links); a comment that would
// now be held is held, with the reason prefixed "edited by its author". Editing never
// publishes a held comment.
func (s *Service) AuthorEdit(ctx context.Context, id int64, key, body string) (*broadside.Comment, error) {
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	d := set.Discussion
	c, _, err := s.EditableComment(ctx, id, key)
	if err != nil {
		return nil, err
	}
	return s.reedit(ctx, d, c, body, Submission{Via: ViaForm, CommenterKey: key})
}

// reedit replaces c's body with body for its author, whose proof of identity in carries (the
// commenter key, or the fediverse account), under the rules of a new comment: the one path of
// every author's edit, whatever channel brought it.
func (s *Service) reedit(ctx context.Context, d broadside.Discussion, c *broadside.Comment, body string, in Submission) (*broadside.Comment, error) {
	edited := *c
	edited.RawBody = strings.ReplaceAll(body, "\r\n", "\n")
	if err := edited.Validate(false, d.MaxLength); err != nil {
		return nil, err
	}
	if edited.RawBody == c.RawBody {
		return c, nil
	}
	var v broadside.Verdict
	if why := s.banned(ctx, &edited); why != "" {
		v = broadside.Verdict{Status: broadside.CommentSpam, Reason: why, Codes: []string{broadside.ReasonBanned}}
	} else {
		prior, unproven := false, ""
		if d.ModerationMode == broadside.ModerateHoldUnlessPrior {
			prior, unproven = s.priorApproval(ctx, in, &edited, false)
		}
		v = broadside.Moderate(broadside.ModerationInput{Comment: &edited, Discussion: d, AuthorHasApproved: prior, UnprovenReason: unproven})
		// The comment was approved once: only what the edit added can hold it again. The
		// author's proof of prior approval was this very comment, so it still counts.
		if c.Status == broadside.CommentApproved && v.Status == broadside.CommentPending && strings.HasPrefix(v.Reason, "identity not proven") {
			v = broadside.Verdict{Status: broadside.CommentApproved}
		}
	}
	switch {
	case c.Status == broadside.CommentPending && v.Status == broadside.CommentApproved:
		edited.Status = broadside.CommentPending // a moderator has not seen it yet
	case v.Status == broadside.CommentApproved:
		edited.Status = c.Status
	default:
		edited.Status = v.Status
		edited.ModerationReason = "edited by its author: " + v.Reason
		edited.ModerationCodes = append([]string{broadside.ReasonEdited}, v.Codes...)
	}
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateComment(ctx, &edited); err != nil {
			return err
		}
		if err := s.federate(ctx, tx, c, &edited); err != nil {
			return err
		}
		if edited.ModerationReason != c.ModerationReason {
			if err := tx.SetCommentModeration(ctx, edited.ID, edited.Status, edited.ModerationReason, edited.ModerationCodes); err != nil {
				return err
			}
		}
		return tx.NotifyChanged(ctx, broadside.CacheTagPost(edited.PostID))
	})
	if err != nil {
		return nil, err
	}
	s.Log.Info("comment edited by its author", "comment_id", c.ID, "via", in.Via, "status", edited.Status, "reason", edited.ModerationReason)
	s.changed()
	return &edited, nil
}
