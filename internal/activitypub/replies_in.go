package activitypub

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
)

// Replies from the fediverse. A Create of a Note (Article, Page) whose inReplyTo names one of
// our posts or comments becomes a comment through the comments service's one moderation path
// (SubmitRemote); an Update of that Note edits it, a Delete removes it. Who wrote the Note is
// proven, never asserted: the Note's attributedTo must be the actor who signed the request,
// and an embedded Note is taken as sent only when it lives on the signer's server (it is
// fetched from its own server otherwise).

// Replies is what the inbox needs from the comments service (comments.Service).
type Replies interface {
	SubmitRemote(ctx context.Context, r comments.RemoteReply) (*comments.Result, error)
	EditRemote(ctx context.Context, actor, noteID, body string) (*broadside.Comment, error)
	DeleteRemote(ctx context.Context, actor, noteID string) error
}

// noteTypes are the object types taken as replies.
var noteTypes = map[Kind]bool{"Note": true, "Article": true, "Page": true}

// createReply handles a Create: a reply to one of our posts or comments becomes a comment;
// anything else (a post of theirs, a reply elsewhere, a non-public note) is acknowledged and
// ignored.
func (s *Service) createReply(ctx context.Context, st Site, a *Activity) error {
	if s.Replies == nil || a.Object == nil {
		return nil
	}
	o, err := s.signedObject(ctx, st, a)
	if err != nil || o == nil {
		if err == nil {
			s.Log.Info("activitypub: Create ignored: not a note", "object", a.Object.ID, "type", a.Object.Type)
		}
		return err
	}
	// "Replies that never show up" is what publishers complain of most: say why one was left.
	if o.InReplyTo == nil {
		return nil // a post of theirs, not a reply
	}
	if !publicNote(o) {
		s.Log.Info("activitypub: reply ignored: not public", "note", o.ID, "in_reply_to", o.InReplyTo.ID)
		return nil
	}
	postID, parentID, ok := s.replyTarget(ctx, st, o.InReplyTo.ID)
	if !ok {
		s.Log.Info("activitypub: reply ignored: not to one of our posts or comments", "note", o.ID, "in_reply_to", o.InReplyTo.ID)
		return nil
	}
	var remote Actor
	if err := s.fetch(ctx, st, a.Actor.ID, &remote); err != nil || remote.ID != a.Actor.ID {
		return broadside.Errorf(broadside.EINVALID, "The reply's actor could not be fetched.")
	}
	r := comments.RemoteReply{PostID: postID, ParentID: parentID, Name: remote.Name,
		Body:   NoteText(o.Content, st.Base),
		Author: comments.RemoteAuthor{Actor: remote.ID, NoteID: o.ID, Handle: handle(&remote)}}
	if r.Name == "" {
		r.Name = remote.PreferredUsername
	}
	if remote.URL != nil {
		r.URL = remote.URL.ID
	}
	if len(remote.Icon) > 0 {
		r.Author.AvatarURL = remote.Icon[0].URL
	}
	res, err := s.Replies.SubmitRemote(ctx, r)
	if broadside.ErrorCode(err) == broadside.ECONFLICT {
		return nil // delivered again, or the same words again: one comment is enough
	}
	if err != nil {
		s.Log.Info("activitypub: reply refused", "note", o.ID, "actor", a.Actor.ID, "err", err)
		return err
	}
	s.Log.Info("activitypub: reply received", "note", o.ID, "comment_id", res.Comment.ID, "status", res.Comment.Status)
	return nil
}

// updateReply handles an Update of a Note we keep as a comment: its author's edit. Updates
// of anything else (profiles, notes we do not keep) are acknowledged and ignored.
func (s *Service) updateReply(ctx context.Context, st Site, a *Activity) error {
	if s.Replies == nil || a.Object == nil || (a.Object.Type != "" && !noteTypes[Kind(a.Object.Type)]) {
		return nil
	}
	o, err := s.signedObject(ctx, st, a)
	if err != nil || o == nil {
		return err
	}
	_, err = s.Replies.EditRemote(ctx, a.Actor.ID, o.ID, NoteText(o.Content, st.Base))
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil
	}
	return err
}

// deleteReply handles a Delete of a Note (by id or as a Tombstone) we keep as a comment. Only
// the comment's own author may delete it (EditRemote and DeleteRemote check the actor): the
// object is not fetched, since a deleted Note is gone from its server.
func (s *Service) deleteReply(ctx context.Context, st Site, a *Activity) error {
	if s.Replies == nil || a.Object == nil || a.Object.ID == "" || a.Object.ID == a.Actor.ID {
		return nil
	}
	err := s.Replies.DeleteRemote(ctx, a.Actor.ID, a.Object.ID)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil
	}
	return err
}

// signedObject returns the note a Create or Update carries, proven to be the signer's: an
// embedded object is used as sent when its id is on the signer's server (that server signed
// the request), else it is fetched from its id; either way its attributedTo must be the
// signer. It returns nil, nil for objects that are not notes.
func (s *Service) signedObject(ctx context.Context, st Site, a *Activity) (*Object, error) {
	var o Object
	if len(a.Object.Raw) > 0 && sameHost(a.Object.ID, a.Actor.ID) {
		if err := json.Unmarshal(a.Object.Raw, &o); err != nil {
			return nil, errBadPayload
		}
	} else {
		if a.Object.Type != "" && !noteTypes[Kind(a.Object.Type)] {
			return nil, nil
		}
		if err := s.fetch(ctx, st, a.Object.ID, &o); err != nil || o.ID != a.Object.ID {
			return nil, broadside.Errorf(broadside.EINVALID, "The object could not be fetched from its server.")
		}
	}
	if !noteTypes[o.Type] {
		return nil, nil
	}
	if o.ID == "" || o.AttributedTo == nil || o.AttributedTo.ID != a.Actor.ID {
		return nil, errNotSigner
	}
	return &o, nil
}

// publicNote reports whether o is addressed to everyone: followers-only and direct messages
// stay private, so they never become comments on a public page.
func publicNote(o *Object) bool {
	for _, to := range append(append(Strings{}, o.To...), o.Cc...) {
		if to == Public || to == "as:Public" || to == "Public" {
			return true
		}
	}
	return false
}

// replyTarget finds what ref (a Note's inReplyTo) names here: one of our comments (its
// object id or page address), a comment that came from the fediverse (its Note id), or a
// post (PostAt). It returns the post and the parent comment (0 for the post itself).
func (s *Service) replyTarget(ctx context.Context, st Site, ref string) (postID, parentID int64, ok bool) {
	if ref == "" {
		return 0, 0, false
	}
	if id := LocalComment(st.Base, ref); id != 0 {
		c, err := s.Store.CommentByID(ctx, id)
		if err != nil {
			return 0, 0, false
		}
		return c.PostID, c.ID, true
	}
	if c, err := s.Store.CommentByRemoteID(ctx, ref); err == nil {
		return c.PostID, c.ID, true
	}
	if s.PostAt == nil || !strings.HasPrefix(ref, st.Base+"/") && ref != st.Base {
		return 0, 0, false
	}
	p, err := s.PostAt(ctx, ref)
	if err != nil || p == nil {
		return 0, 0, false
	}
	return p.ID, 0, true
}

// handle is the actor's @user@host.
func handle(a *Actor) string {
	h := Host(a.ID)
	if a.PreferredUsername == "" || h == "" {
		return ""
	}
	return "@" + a.PreferredUsername + "@" + h
}
