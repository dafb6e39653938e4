package subscriptions

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/sitemail"
	"github.com/broadside/broadside/internal/store"
)

// CommentRequest is what a commenter ticked under the comment form.
type CommentRequest struct {
	Post    *broadside.Post
	Comment *broadside.Comment // the comment just stored
	// AllComments is "Notify me of new comments on this post"; Replies is "Notify me of
	// replies to my comment".
	AllComments, Replies bool
	// Reader is the signed-in subscriber, if any: their own address needs no confirmation.
	Reader *broadside.Subscriber
	IP     string
}

// RequestCommentNotices records the commenter's wishes in a transaction of its own (a comment
// that is already stored). Comments submitted through the comments service record theirs with
// the comment instead (RecordCommentNotices, its Noticed hook).
func (s *Service) RequestCommentNotices(ctx context.Context, r CommentRequest) error {
	err := s.Store.InTx(ctx, func(tx *store.Store) error { return s.RecordCommentNotices(ctx, tx, r) })
	if err != nil {
		return err
	}
	s.wake()
	return nil
}

// RecordCommentNotices records the commenter's wishes in tx, the transaction that stores their
// comment, so the request is kept exactly when the comment is. Anyone can type any address
// into a comment form, so the address must confirm (one email covers both boxes, queued in tx)
// unless the commenter is signed in as that address.
func (s *Service) RecordCommentNotices(ctx context.Context, tx *store.Store, r CommentRequest) error {
	if !s.Enabled() || (!r.AllComments && !r.Replies) {
		return nil
	}
	email := broadside.NormalizeEmail(r.Comment.AuthorEmail)
	if !broadside.ValidEmail(email) {
		return nil
	}
	now := s.Now()
	verified := r.Reader.Receives() && r.Reader.Email == email
	pending := false
	add := func(commentID int64) error {
		cs := &broadside.CommentSubscription{PostID: r.Post.ID, CommentID: commentID, Email: email, Confirmed: verified, CreatedAt: now}
		if verified {
			cs.ConfirmedAt = now
		}
		ok, err := tx.AddCommentSubscription(ctx, cs)
		pending = pending || !ok
		return err
	}
	if r.AllComments {
		if err := add(0); err != nil {
			return err
		}
	}
	if r.Replies {
		if err := add(r.Comment.ID); err != nil {
			return err
		}
	}
	if !pending {
		return nil
	}
	n, err := tx.HitRate(ctx, "comments-email:"+email, rateWindow, now)
	if err != nil {
		return err
	}
	if n > perEmailPerHour {
		s.Log.Warn("comment notification confirmations rate limited; no email sent", "ip", r.IP, "post_id", r.Post.ID)
		return nil
	}
	return s.enqueueMail(ctx, tx, mailJob{Kind: mailComments, Email: email, PostID: r.Post.ID})
}

func (s *Service) sendCommentsConfirm(ctx context.Context, site *sitemail.Site, j mailJob) error {
	p, err := s.Store.PostByID(ctx, j.PostID)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	link, err := s.tokenLink(ctx, site, "/subscribe/comments/confirm", linkComments, PurposeComments, j.Email, ConfirmTTL, strconv.FormatInt(p.ID, 10))
	if err != nil {
		return err
	}
	title := postTitleIn(site, p)
	c := site.Content(site.T("Confirm comment notifications on \"%s\"", title))
	c.Heading = site.T("Confirm comment notifications")
	c.Paragraphs = []string{site.T("Someone (we hope you) commented on \"%s\" on %s as %s and asked to be told by email about new comments there, or about replies to their comment. Please confirm that it was you.", title, site.Name, j.Email)}
	c.Button = &mail.Link{Label: site.T("Yes, notify me"), URL: link}
	c.After = []string{site.T("The link works once and expires in 48 hours. If you did not ask, ignore this email: you will not hear from us again.")}
	c.PostLink = &mail.Link{Label: site.T("Read \"%s\"", title), URL: site.PostURL(p)}
	err = s.Mail.Send(ctx, site, j.Email, c, nil)
	return s.Mail.Settle(err, "comment notification confirmation", "post_id", p.ID)
}

// ConfirmComments confirms the comment notifications of the address the link was sent to and
// returns the post they are about.
func (s *Service) ConfirmComments(ctx context.Context, sealed string) (*broadside.Post, error) {
	tok, idStr, ok := s.Links.openPair(linkComments, sealed)
	if !ok {
		return nil, ErrBadLink
	}
	postID, err := strconv.ParseInt(idStr, 10, 64)
	if err != nil {
		return nil, ErrBadLink
	}
	now := s.Now()
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		t, err := tx.ConsumeToken(ctx, auth.HashToken(tok), PurposeComments, now)
		if err != nil {
			return badLink(err)
		}
		_, err = tx.ConfirmCommentSubscriptions(ctx, postID, t.Email, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Store.PostByID(ctx, postID)
}

// CommentNotice is the payload of JobCommentNotice (enqueued by the comments service when a
// comment becomes visible).
type CommentNotice struct {
	CommentID int64 `json:"comment_id"`
}

// CommentNoticeHandler returns the handler that tells the post's comment subscribers, and
// those who asked for replies to the parent comment, about an approved comment. Each address
// hears about a comment at most once (comment_notices), the commenter never about their own.
func (s *Service) CommentNoticeHandler() func(ctx context.Context, payload []byte) error {
	return func(ctx context.Context, payload []byte) error {
		var n CommentNotice
		if err := json.Unmarshal(payload, &n); err != nil {
			return fmt.Errorf("subscriptions: bad comment notice payload: %w", err)
		}
		if !s.Enabled() {
			return nil
		}
		c, err := s.Store.CommentByID(ctx, n.CommentID)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if c.Status != broadside.CommentApproved {
			return nil
		}
		p, err := s.Store.PostByID(ctx, c.PostID)
		if err != nil {
			return err
		}
		if !p.IsPublic(s.Now()) {
			return nil
		}
		to, err := s.Store.CommentRecipients(ctx, p.ID, c.ParentID)
		if err != nil || len(to) == 0 {
			return err
		}
		var parent *broadside.Comment
		if c.ParentID != 0 {
			parent, _ = s.Store.CommentByID(ctx, c.ParentID)
		}
		site, err := s.Mail.Site(ctx)
		if err != nil {
			return err
		}
		self := broadside.NormalizeEmail(c.AuthorEmail)
		for _, email := range to {
			if email == self {
				continue
			}
			first, err := s.Store.MarkCommentNotice(ctx, c.ID, email, s.Now())
			if err != nil {
				return err
			}
			if !first {
				continue
			}
			toParent := parent != nil && broadside.NormalizeEmail(parent.AuthorEmail) == email
			if err := s.sendCommentNotice(ctx, site, p, c, email, toParent, s.noticeShowsText(ctx, p, email)); err != nil {
				// Temporary: forget this one so the retried job sends it (and skips the rest
				// that went out).
				if uerr := s.Store.UnmarkCommentNotice(ctx, c.ID, email); uerr != nil {
					s.Log.Error("could not unmark a failed comment notice; it will not be retried", "err", uerr)
				}
				return err
			}
		}
		return nil
	}
}

// noticeShowsText reports whether a comment notice to email may carry the comment: only when
// that address may read the post's discussion now (broadside.Access for the subscriber at
// that address, if any). Notices of a password-protected post's comments, and of a
// subscriber-only post's to an address no longer subscribed, only link to the comment: the
// password or the subscription is asked for on the site, where it is checked.
func (s *Service) noticeShowsText(ctx context.Context, p *broadside.Post, email string) bool {
	r := broadside.Reader{}
	if sub, err := s.Store.SubscriberByEmail(ctx, email); err == nil {
		r.Subscriber = sub
	}
	return broadside.CanReadFull(p, r, s.Now())
}

func (s *Service) sendCommentNotice(ctx context.Context, site *sitemail.Site, p *broadside.Post, c *broadside.Comment, email string, toParent, withText bool) error {
	title := postTitleIn(site, p)
	name := strings.TrimSpace(c.AuthorName)
	if name == "" {
		name = site.T("Someone")
	}
	subject := site.T("[%s] New comment on \"%s\"", site.Name, title)
	heading := site.T("New comment on \"%s\"", title)
	why := site.T("You are receiving this because you asked to be told about new comments on \"%s\".", title)
	if toParent {
		subject = site.T("[%s] %s replied to your comment on \"%s\"", site.Name, name, title)
		heading = site.T("%s replied to your comment", name)
		why = site.T("You are receiving this because you asked to be told about replies to your comment on \"%s\".", title)
	}
	postURL := site.PostURL(p)
	ct := site.Content(subject)
	ct.Heading = heading
	ct.Preheader = site.T("%s wrote on \"%s\"", name, title)
	if withText {
		ct.Paragraphs = append([]string{site.T("%s wrote:", name)}, strings.Split(mail.TextFromHTML(string(s.Mail.Render.Comment(c.RawBody))), "\n\n")...)
	} else {
		ct.Preheader = site.T("%s commented on \"%s\"", name, title)
		ct.Paragraphs = []string{site.T("%s commented. The discussion of \"%s\" is not public, so the comment is not in this email: read it on the site.", name, title)}
	}
	ct.Button = &mail.Link{Label: site.T("View the comment"), URL: postURL + "#comment-" + strconv.FormatInt(c.ID, 10)}
	ct.PostLink = &mail.Link{Label: site.T("Reply"), URL: postURL + "?replytocom=" + strconv.FormatInt(c.ID, 10) + "#respond"}
	ct.Footer = []string{why}
	stop := site.Abs("/subscribe/comments/stop?t=" + url.QueryEscape(s.Links.CommentsOffToken(p.ID, email)))
	ct.Unsubscribe = &mail.Link{Label: site.T("Stop notifications for this post"), URL: stop}
	err := s.Mail.Send(ctx, site, email, ct, func(m *mail.Message) {
		ListHeaders(m, site, stop, "stop comments "+strconv.FormatInt(p.ID, 10))
		m.Headers["List-Id"] = fmt.Sprintf("%q <comments-%d.%s>", title, p.ID, hostOf(site.URL))
	})
	if err != nil && mail.IsPermanent(err) {
		s.Log.Warn("comment notice refused by the mail server", "post_id", p.ID, "comment_id", c.ID, "err", err)
		return nil
	}
	return err
}

func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "localhost"
}

// postTitleIn is postTitle in the site's language.
func postTitleIn(site *sitemail.Site, p *broadside.Post) string {
	if strings.TrimSpace(p.Title) == "" {
		return site.T("(no title)")
	}
	return p.Title
}

func postTitle(p *broadside.Post) string {
	if strings.TrimSpace(p.Title) == "" {
		return "(no title)"
	}
	return p.Title
}
