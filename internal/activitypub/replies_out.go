package activitypub

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// JobReply is the job kind that sends one change of a web comment to the remote author it
// answers: enqueued in the transaction of the change (CommentChanged), it fetches the
// author's actor for their inbox (a fetch may fail and is retried, which a transaction must
// never wait for) and enqueues the signed delivery.
const JobReply = "activitypub.reply"

type replyChange struct {
	CommentID int64  `json:"comment_id"`
	Kind      string `json:"kind"` // Create, Update or Delete
	ObjectID  string `json:"object_id"`
	To        string `json:"to"` // the remote author's actor id
	At        int64  `json:"at"` // unix microseconds of the change: part of the activity id
}

// CommentChanged is the comments service's Federate hook. Replies go back: a comment
// written on this site whose parent came from the fediverse is sent, from the site actor,
// to that parent's author, so the conversation continues on their server —
//   - Create when it becomes visible (approved at once, by a moderator, or a moderator's
//     own reply), by broadside.CommentFederates;
//   - Update when a visible one's text or author changes;
//   - Delete when it stops being visible (held, spammed, trashed, deleted, or its post no
//     longer lets its discussion federate at the time of the change).
//
// Held comments send nothing; each change is one job whose key names the comment, the kind
// and the change's time, so a retried transaction or job sends it once, and a comment
// approved, withdrawn and approved again is created, deleted and created again.
func (s *Service) CommentChanged(ctx context.Context, tx *store.Store, before, after *broadside.Comment) error {
	c := after
	if c == nil {
		c = before
	}
	if c == nil || c.Remote() || c.ParentID == 0 {
		return nil // only our comments answer, and only those with a parent can answer someone
	}
	st, err := s.Site(ctx, tx)
	if err != nil || st.Settings.Federation.Off {
		return err
	}
	now := s.Now()
	p, err := tx.PostByID(ctx, c.PostID)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	was := before != nil && broadside.CommentFederates(p, before, now)
	is := after != nil && broadside.CommentFederates(p, after, now)
	kind := ""
	switch {
	case is && !was:
		kind = "Create"
	case is && (before.RawBody != after.RawBody || before.AuthorName != after.AuthorName):
		kind = "Update"
	case was && !is:
		kind = "Delete"
	default:
		return nil
	}
	parent, err := tx.CommentByID(ctx, c.ParentID)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if err := s.enqueueReply(ctx, tx, st, c, parent, kind, now); err != nil {
		return err
	}
	if s.Wake != nil {
		s.Wake()
	}
	return nil
}

// enqueueReply enqueues the JobReply that sends change kind of our comment c to the author
// of parent, when parent came from the fediverse: a reply to one of our own comments stays
// on the site.
func (s *Service) enqueueReply(ctx context.Context, tx *store.Store, st Site, c, parent *broadside.Comment, kind string, now time.Time) error {
	if !parent.Remote() || parent.RemoteActor == "" {
		return nil
	}
	ch := replyChange{CommentID: c.ID, Kind: kind, ObjectID: CommentID(st.Base, c.ID), To: parent.RemoteActor, At: now.UnixMicro()}
	payload, err := json.Marshal(ch)
	if err != nil {
		return err
	}
	key := "ap-reply:" + strconv.FormatInt(c.ID, 10) + ":" + kind + ":" + strconv.FormatInt(ch.At, 10)
	if err := tx.EnqueueJob(ctx, &store.Job{Kind: JobReply, UniqueKey: key, RunAt: now, Payload: payload, MaxAttempts: 10}); err != nil {
		return fmt.Errorf("activitypub: enqueue %s of comment %d: %w", kind, c.ID, err)
	}
	return nil
}

// postRepliesGone runs in the transaction in which public post p stopped letting its
// discussion federate (unpublished, made private, password protected or subscriber-only,
// trashed): each of its visible comments that went back to a remote author is deleted on
// their server too, as it would be had it been withdrawn itself. (Should the post come back,
// the replies are not sent again: the remote copy of the post is gone, and with it the
// thread they belonged to.)
func (s *Service) postRepliesGone(ctx context.Context, tx *store.Store, st Site, p *broadside.Post, now time.Time) error {
	cs, err := tx.ThreadComments(ctx, p.ID, []broadside.CommentStatus{broadside.CommentApproved}, nil)
	if err != nil {
		return err
	}
	byID := make(map[int64]*broadside.Comment, len(cs))
	for i := range cs {
		byID[cs[i].ID] = &cs[i]
	}
	for i := range cs {
		c := &cs[i]
		if c.Remote() || c.ParentID == 0 {
			continue
		}
		parent := byID[c.ParentID]
		if parent == nil {
			if parent, err = tx.CommentByID(ctx, c.ParentID); broadside.ErrorCode(err) == broadside.ENOTFOUND {
				continue
			} else if err != nil {
				return err
			}
		}
		if err := s.enqueueReply(ctx, tx, st, c, parent, "Delete", now); err != nil {
			return err
		}
	}
	return nil
}

// SendReply is the JobReply handler: it builds the activity from the comment as the web
// serves it at its id (CommentObject: one rendering, one access rule), finds the remote
// author's inbox (their server's shared inbox when it has one on the same host) and
// enqueues the signed delivery. A Create or Update of a comment that is no longer visible
// sends nothing: the change that hid it enqueued its Delete.
func (s *Service) SendReply(ctx context.Context, payload []byte) error {
	var ch replyChange
	if err := json.Unmarshal(payload, &ch); err != nil {
		return fmt.Errorf("activitypub: reply payload: %w", err)
	}
	st, err := s.Site(ctx, nil)
	if err != nil || st.Settings.Federation.Off {
		return err
	}
	site := ActorID(st.Base, SiteActor)
	at := time.UnixMicro(ch.At)
	act := Activity{Context: Context, ID: ch.ObjectID + "#" + ch.Kind + "-" + strconv.FormatInt(ch.At, 36), Type: Kind(ch.Kind),
		Actor: ID(site), To: Strings{Public}, Cc: Strings{site + "/followers", ch.To}, Published: At(at)}
	if ch.Kind == "Delete" {
		act.Object, _ = Embed(ch.ObjectID, Object{ID: ch.ObjectID, Type: "Tombstone", FormerType: "Note", Deleted: At(at)})
	} else {
		c, err := s.Store.CommentByID(ctx, ch.CommentID)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if s.CommentObject == nil {
			return fmt.Errorf("activitypub: no comment objects wired")
		}
		o, err := s.CommentObject(ctx, c)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		o.Context = nil
		if ch.Kind == "Update" {
			// Mastodon applies an edit only when the object says when it was edited.
			o.Updated = At(at)
		}
		act.To, act.Cc = o.To, o.Cc
		if act.Object, err = Embed(o.ID, o); err != nil {
			return err
		}
	}
	inbox, err := s.inboxOf(ctx, st, ch.To)
	if err != nil {
		return err
	}
	if inbox == "" {
		s.Log.Warn("activitypub: reply not sent: the remote author has no inbox of their own", "actor", ch.To, "comment_id", ch.CommentID)
		return nil
	}
	if err := s.Store.InTx(ctx, func(tx *store.Store) error {
		return s.enqueue(ctx, tx, SiteActor, act, []string{inbox})
	}); err != nil {
		return err
	}
	if s.Wake != nil {
		s.Wake()
	}
	return nil
}

// inboxOf fetches remote actor id (through the guarded client) and returns where to deliver
// to it: its server's shared inbox when the actor names one on its own host, else its own
// inbox; "" when the document names no inbox of its own (permanent: retrying cannot help).
// A failed fetch is an error, so the job retries it.
func (s *Service) inboxOf(ctx context.Context, st Site, id string) (string, error) {
	var a Actor
	if err := s.fetch(ctx, st, id, &a); err != nil {
		return "", err
	}
	if a.ID != id || a.Inbox == "" || !sameHost(a.Inbox, a.ID) {
		return "", nil
	}
	if a.Endpoints != nil && a.Endpoints.SharedInbox != "" && sameHost(a.Endpoints.SharedInbox, a.ID) {
		return a.Endpoints.SharedInbox, nil
	}
	return a.Inbox, nil
}
