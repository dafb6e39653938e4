package comments

import (
	"context"
	"strings"
	"unicode"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// Fediverse replies (ActivityPub) are comments like any other: the inbox proves who wrote
// them (the HTTP signature of their actor) and hands them here, and they go through Submit —
// the same access rule, validation, bans, spam and moderation rules, rate limit, duplicate
// check, held-comment notice and approval announcements as the comment form. What the form
// proves with its stamp and the commenter key in a cookie, a remote reply proves with the
// signature: the remote account (its actor id) is the author's identity, so a fediverse
// account a moderator approved once is published at once afterwards, like a known browser.

const msgRemoteAgain = "This fediverse reply is already a comment."

// RemoteAuthor is the fediverse account a reply came from and the Note it is.
type RemoteAuthor struct {
	Actor     string // the actor id, proven by the inbox's signature check
	Handle    string // @user@host
	NoteID    string // the remote Note's id
	AvatarURL string // the account's icon, http(s) only
}

// RemoteReply is a reply from the fediverse to a post (ParentID 0) or one of its comments.
type RemoteReply struct {
	PostID, ParentID int64
	Author           RemoteAuthor
	// Name is the account's display name, URL its profile page, Body the Note's text in the
	// comment markup (the inbox converts the Note's HTML; render sanitizes it like any
	// comment).
	Name, URL, Body string
}

// SubmitRemote stores a fediverse reply through Submit. A Note delivered again is refused
// with ECONFLICT and stores nothing.
func (s *Service) SubmitRemote(ctx context.Context, r RemoteReply) (*Result, error) {
	a := r.Author
	if a.Actor == "" || a.NoteID == "" {
		return nil, broadside.Errorf(broadside.EINVALID, "A fediverse reply needs its actor and its Note's id.")
	}
	a.AvatarURL = httpURL(a.AvatarURL, 2000)
	name := oneLine(r.Name, broadside.MaxCommentNameLen)
	if name == "" {
		name = oneLine(strings.TrimPrefix(a.Handle, "@"), broadside.MaxCommentNameLen)
	}
	return s.Submit(ctx, Submission{PostID: r.PostID, ParentID: r.ParentID, Author: name,
		URL: httpURL(r.URL, broadside.MaxCommentURLLen), Body: r.Body, Via: ViaFediverse, Remote: &a})
}

// EditRemote replaces the body of the comment that came from Note noteID, for the account
// actor that wrote it, under the same rules as an author's own edit (reedit). Only the Note's
// author may: another actor gets EFORBIDDEN. A Note we never stored is ENOTFOUND; a comment a
// moderator marked spam or trashed stays as it is.
func (s *Service) EditRemote(ctx context.Context, actor, noteID, body string) (*broadside.Comment, error) {
	c, err := s.remoteComment(ctx, actor, noteID)
	if err != nil {
		return nil, err
	}
	if c.Status != broadside.CommentApproved && c.Status != broadside.CommentPending {
		return c, nil
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	return s.reedit(ctx, set.Discussion, c, body, Submission{Via: ViaFediverse, Remote: &RemoteAuthor{Actor: c.RemoteActor}})
}

// DeleteRemote removes the comment that came from Note noteID, for the account actor that
// wrote it: the author withdrew it, so it is deleted, not kept in the trash; its replies move
// up to its parent (store.DeleteComment). A Note we never stored is ENOTFOUND.
func (s *Service) DeleteRemote(ctx context.Context, actor, noteID string) error {
	c, err := s.remoteComment(ctx, actor, noteID)
	if err != nil {
		return err
	}
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteComment(ctx, c.ID); err != nil {
			return err
		}
		return tx.NotifyChanged(ctx, broadside.CacheTagPost(c.PostID))
	})
	if err != nil {
		return err
	}
	s.Log.Info("comment deleted by its fediverse author", "comment_id", c.ID, "post_id", c.PostID)
	s.changed()
	return nil
}

// CommentFromNote returns the comment that came from Note noteID (ENOTFOUND when none did).
func (s *Service) CommentFromNote(ctx context.Context, noteID string) (*broadside.Comment, error) {
	return s.Store.CommentByRemoteID(ctx, noteID)
}

func (s *Service) remoteComment(ctx context.Context, actor, noteID string) (*broadside.Comment, error) {
	c, err := s.Store.CommentByRemoteID(ctx, noteID)
	if err != nil {
		return nil, err
	}
	if actor == "" || c.RemoteActor != actor {
		return nil, broadside.Errorf(broadside.EFORBIDDEN, "Only the author of a fediverse reply may change it.")
	}
	return c, nil
}

// oneLine makes a remote display name fit a comment's name: control characters become
// spaces, runs of space collapse, and it is cut to max runes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	return strings.TrimSpace(broadside.TruncateRunes(s, max))
}

// httpURL returns u when it is an http(s) address of at most max bytes, else "".
func httpURL(u string, max int) string {
	u = strings.TrimSpace(u)
	if len(u) > max || !broadside.IsHTTPURL(u) {
		return ""
	}
	return u
}
