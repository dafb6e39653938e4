package importer

import (
	"context"
	"html"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/wxr"
)

// Comments on attachments. WordPress shows them on the attachment's own page; Broadside
// redirects an attachment's old page to its file (as WordPress 6.4 does), so they are shown on
// the page of the post the attachment belongs to, as a thread of their own, and remember the
// attachment (comments.attachment_id) so the export writes them back under it.
//
// An attachment that belongs to no post (or to one the import did not bring) has no such
// page. Its comments are not dropped: the import makes the attachment a page of its own (a
// post of type attachment, never listed, closed for new comments) showing the file with its
// caption and the discussion; the attachment's old addresses lead there instead of to the
// file, and the export writes the comments back under the attachment's item.

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
		return // its first comment gives it a page of its own (comment in comments.go)
	}
	if post, ok := r.postLocal[a.Parent]; ok {
		r.cur.localID, r.cur.skip, r.cur.comments = post, false, map[int64]int64{}
		return
	}
	r.cur.held = &attachmentComments{pos: it.Pos, wpID: it.ID, attachment: local, wpParent: a.Parent}
	r.attComments = append(r.attComments, r.cur.held)
}

// attachmentPage returns the id of the page showing the attachment with local id and its
// comments, making it on first use (a re-import finds it by its slug).
func (r *run) attachmentPage(ctx context.Context, a *attInfo, local int64) (int64, error) {
	slug := broadside.AttachmentPageSlug(local)
	if p, err := r.tx.PostBySlug(ctx, broadside.TypeAttachment, slug); err == nil {
		return p.ID, nil
	} else if broadside.ErrorCode(err) != broadside.ENOTFOUND {
		return 0, err
	}
	att, err := r.tx.AttachmentByID(ctx, local)
	if err != nil {
		return 0, err
	}
	author, err := r.authorFor(ctx, a.Creator)
	if err != nil {
		return 0, err
	}
	published := pickTime(a.DateGMT, a.Date, "", r.loc)
	if published.IsZero() {
		published = att.CreatedAt
	}
	title := att.Title
	if strings.TrimSpace(title) == "" {
		title = att.Slug
	}
	p := &broadside.Post{Type: broadside.TypeAttachment, AuthorID: author, ParentID: local, Title: title, Slug: slug,
		RawBody: attachmentBody(att), BodyFormat: broadside.FormatHTML, Status: broadside.StatusPublished,
		PublishedAt: published, CreatedAt: published, UpdatedAt: published, CommentsOpen: false}
	if err := r.tx.ImportPost(ctx, p); err != nil {
		return 0, err
	}
	return p.ID, nil
}

// attachmentBody shows the file: an image with its alt text and caption, another file as a link.
func attachmentBody(a *broadside.Attachment) string {
	src, ok := a.RedirectTarget()
	if !ok {
		return "<p>" + html.EscapeString(a.Title) + "</p>"
	}
	var b strings.Builder
	b.WriteString("<figure>")
	if a.IsImage() {
		b.WriteString(`<img src="` + html.EscapeString(src) + `" alt="` + html.EscapeString(a.Alt) + `">`)
	} else {
		name := a.Title
		if strings.TrimSpace(name) == "" {
			name = src
		}
		b.WriteString(`<a href="` + html.EscapeString(src) + `">` + html.EscapeString(name) + `</a>`)
	}
	if a.Caption != "" {
		b.WriteString("<figcaption>" + html.EscapeString(a.Caption) + "</figcaption>")
	}
	b.WriteString("</figure>")
	return b.String()
}

// importHeldComments imports the comments of attachments whose post came after them.
func (r *run) importHeldComments(ctx context.Context) error {
	for _, h := range r.attComments {
		if len(h.comments) == 0 {
			continue
		}
		// When its post was not imported, the first comment gives the attachment a page of
		// its own (comment), as for an attachment that belongs to no post.
		post, ok := r.postLocal[h.wpParent]
		r.cur = &curItem{pos: h.pos, wpID: h.wpID, localID: post, skip: !ok, attachment: h.attachment, comments: map[int64]int64{}}
		for j := range h.comments {
			c := &h.comments[j]
			if err := r.comment(ctx, c, nil); err != nil {
				return itemError(c.Pos, "comment", c.ID, err)
			}
		}
		if err := r.endItem(ctx); err != nil {
			return err
		}
	}
	return nil
}
