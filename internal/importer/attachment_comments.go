package importer

import (
	"context"

	"github.com/broadside/broadside/internal/wxr"
)

// Comments on attachments. WordPress shows them on the attachment's own page; Broadside has
// none (an attachment's old page redirects to its file), so they are shown on the page of the
// post the attachment belongs to, as a thread of their own, and remember the attachment
// (comments.attachment_id) so the export writes them back under it. An attachment that
// belongs to no post has no page here to show them: its comments are counted as skipped.

// attachmentComments are the comments of one attachment whose post comes later in the file.
type attachmentComments struct {
	pos        wxr.Pos
	wpID       int64 // the attachment's WordPress id
	attachment int64 // its id here
	wpParent   int64 // its post's WordPress id
	comments   []wxr.Comment
}

// attachmentItem makes the attachment it the item whose comments arrive next.
func (r *run) attachmentItem(it *wxr.Item) {
	a := r.plan.attachments[it.ID]
	local, ok := r.attLocal[it.ID]
	if a == nil || !ok {
		return // not imported: its comments are skipped as such
	}
	r.cur.attachment = local
	if a.Parent <= 0 {
		return // no post to show them on: skipped with that reason
	}
	if post, ok := r.postLocal[a.Parent]; ok {
		r.cur.localID, r.cur.skip, r.cur.comments = post, false, map[int64]int64{}
		return
	}
	r.cur.held = &attachmentComments{pos: it.Pos, wpID: it.ID, attachment: local, wpParent: a.Parent}
	r.attComments = append(r.attComments, r.cur.held)
}

// importHeldComments imports the comments of attachments whose post came after them.
func (r *run) importHeldComments(ctx context.Context) error {
	for _, h := range r.attComments {
		if len(h.comments) == 0 {
			continue
		}
		post, ok := r.postLocal[h.wpParent]
		r.cur = &curItem{pos: h.pos, wpID: h.wpID, localID: post, attachment: h.attachment, skip: !ok, comments: map[int64]int64{}}
		for j := range h.comments {
			c := &h.comments[j]
			if !ok {
				r.sum.skip("comments on attachments that belong to no post (Broadside shows an attachment on its post's page only)", c.Pos, c.ID)
				continue
			}
			if err := r.comment(ctx, c); err != nil {
				return itemError(c.Pos, "comment", c.ID, err)
			}
		}
		if err := r.endItem(ctx); err != nil {
			return err
		}
	}
	return nil
}
