package importer

import (
	"context"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/wxr"
)

// commentStatusOf maps wp:comment_approved to a status.
func commentStatusOf(s string) (broadside.CommentStatus, bool) {
	switch s {
	case "1", "approve", "approved":
		return broadside.CommentApproved, true
	case "0", "hold", "":
		return broadside.CommentPending, true
	case "spam":
		return broadside.CommentSpam, true
	case "trash", "post-trashed":
		return broadside.CommentTrash, true
	}
	return broadside.CommentPending, false
}

// commentRow is what a comment becomes without the database or the run's state: the
// decoding goroutine makes it (prefetch), so the writer only places it and writes it.
type commentRow struct {
	cm      *broadside.Comment // PostID, ParentID and UserID are the writer's to set
	wpID    int64              // the WordPress id, or one made from the comment's text
	odd     bool               // its type is none WordPress has: imported as a comment
	known   bool               // its approval state is one WordPress has
	orphan  bool               // its parent is not among its post's comments
	missing int64              // that parent
}

// commentRow reads only what the stream does not change (the plan, the zone, the clock), so
// it may run beside the writer.
func (r *run) commentRow(c *wxr.Comment) *commentRow {
	row := &commentRow{wpID: c.ID}
	if row.wpID <= 0 {
		row.wpID = syntheticID("comment", c.Author, c.Date, c.Content)
	}
	kind := broadside.KindComment
	switch c.Type {
	case "", "comment":
	case "pingback", "trackback":
		kind = c.Type
	default:
		row.odd = true
	}
	var status broadside.CommentStatus
	status, row.known = commentStatusOf(c.Approved)
	created := pickTime(c.DateGMT, c.Date, "", r.loc)
	if created.IsZero() {
		created = r.now
	}
	row.cm = &broadside.Comment{Kind: kind, AuthorName: c.Author, AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL,
		AuthorIP: c.AuthorIP, RawBody: c.Content, Status: status, CreatedAt: created}
	if c.ID > 0 {
		row.cm.ID = c.ID
	}
	if c.Parent > 0 {
		row.missing, row.orphan = r.plan.orphans[c.ID]
	}
	return row
}

// comment imports one comment of the current item, threaded under its parent. A reply
// whose parent is not among its post's comments is kept at the top level and reported. row
// is what commentRow made of it, or nil to make it here.
func (r *run) comment(ctx context.Context, c *wxr.Comment, row *commentRow) error {
	cur := r.cur
	if cur != nil && cur.held != nil {
		cur.held.comments = append(cur.held.comments, *c)
		return nil
	}
	if cur != nil && cur.skip && cur.attachment != 0 {
		// An attachment whose post is not here (it has none, or it was not imported): its
		// comments go on a page of its own, made at its first comment.
		page, err := r.attachmentPage(ctx, r.plan.attachments[cur.wpID], cur.attachment)
		if err != nil {
			return err
		}
		cur.localID, cur.skip, cur.comments = page, false, map[int64]int64{}
	}
	if cur == nil || cur.skip {
		r.sum.skip("comments on items that were not imported", c.Pos, c.ID)
		return nil
	}
	if row == nil {
		row = r.commentRow(c)
	}
	wpID, cm := row.wpID, row.cm
	if row.odd {
		r.noteOnce("ctype:"+c.Type, c.Pos, "comment", c.ID, "comments of type %q are imported as ordinary comments", c.Type)
	}
	count := r.countFor(cm.Kind)
	if local, ok, err := r.lookup(ctx, broadside.WPComment, wpID); err != nil {
		return err
	} else if ok {
		if _, err := r.tx.CommentByID(ctx, local); err == nil {
			cur.comments[wpID] = local
			count.Existing++
			return nil
		}
	}
	if !row.known {
		r.sum.warn(c.Pos, "comment", c.ID, "unknown approval state %q; imported as pending", c.Approved)
	}
	cm.PostID, cm.UserID = cur.localID, r.userByWPID[c.UserID]
	var later bool
	if c.Parent > 0 {
		if row.orphan {
			r.sum.warn(c.Pos, "comment", c.ID, "it replies to comment %d, which is not among this post's comments; it is shown at the top level", row.missing)
		} else if parent, ok := cur.comments[c.Parent]; ok {
			cm.ParentID = parent
		} else {
			later = true // the parent comes later in this item
		}
	}
	if r.batch.take(c.ID) { // cm keeps c.ID (commentRow set it), written with the next flush (comment_batch.go)
		if err := r.queue(ctx, cm, c.Pos); err != nil {
			return err
		}
	} else {
		if err := r.flushComments(ctx); err != nil {
			return err
		}
		if err := r.tx.ImportComment(ctx, cm); err != nil {
			return err
		}
	}
	if later {
		cur.pending = append(cur.pending, parentFix{pos: c.Pos, wpID: wpID, local: cm.ID, wpParent: c.Parent})
	}
	if c.ID > 0 && cm.ID != c.ID {
		r.sum.IDsChanged++
		r.sum.warn(c.Pos, "comment", c.ID, "id %d is taken here, so it is %d now (its #comment- anchor changes)", c.ID, cm.ID)
	}
	cur.comments[wpID] = cm.ID
	if cur.attachment != 0 {
		if err := r.flushComments(ctx); err != nil {
			return err
		}
		if err := r.tx.SetCommentAttachment(ctx, cm.ID, cur.attachment); err != nil {
			return err
		}
	}
	if err := r.remember(ctx, broadside.WPComment, wpID, cm.ID, ""); err != nil {
		return err
	}
	count.New++
	r.sum.CommentStatuses[string(cm.Status)]++
	return nil
}

func (r *run) countFor(kind string) *Count {
	switch kind {
	case broadside.KindPingback:
		return &r.sum.Pingbacks
	case broadside.KindTrackback:
		return &r.sum.Trackbacks
	}
	return &r.sum.Comments
}

// endItem threads the replies of the item that came before their parents.
func (r *run) endItem(ctx context.Context) error {
	cur := r.cur
	if cur == nil {
		return nil
	}
	if len(cur.pending) > 0 {
		if err := r.flushComments(ctx); err != nil {
			return err
		}
	}
	for _, f := range cur.pending {
		parent, ok := cur.comments[f.wpParent]
		if !ok {
			r.sum.warn(f.pos, "comment", f.wpID, "its parent comment %d was not imported; it is shown at the top level", f.wpParent)
			continue
		}
		if err := r.tx.SetCommentParent(ctx, f.local, parent); err != nil {
			return err
		}
	}
	r.cur = nil
	return nil
}
