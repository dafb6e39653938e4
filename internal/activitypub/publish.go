package activitypub

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// JobPost is the job kind that turns a change of a post into deliveries: one job per
// change, enqueued in the transaction of the change (PostChanged); it enqueues one
// delivery per inbox (DeliveryInboxes: one per server with a shared inbox). Fanning out in
// a job of its own keeps publishing fast however many followers there are, and the
// deliveries' unique keys (activity id + inbox) make a rerun of it harmless.
const JobPost = "activitypub.post"

type postChange struct {
	PostID   int64  `json:"post_id"`
	Kind     string `json:"kind"` // Create, Update or Delete
	ObjectID string `json:"object_id"`
	Actor    string `json:"actor"`
	At       int64  `json:"at"` // unix time of the change: part of the activity id
}

// PostChanged is the posts service's Federate hook: in the transaction that changed p, it
// decides what the fediverse must hear, by the one access rule (broadside.Federates): a post
// that becomes public is Created, a public post edited is Updated, a public post that stops
// being public (unpublished, made private or password protected, trashed, deleted) is
// Deleted. Nothing is sent while federation is off.
func (s *Service) PostChanged(ctx context.Context, tx *store.Store, p *broadside.Post, wasPublic bool) error {
	st, err := s.Site(ctx, tx)
	if err != nil || st.Settings.Federation.Off || p.Type != broadside.TypePost {
		return err
	}
	now := s.Now()
	isPublic := broadside.Federates(p, now)
	kind := ""
	switch {
	case isPublic && !wasPublic:
		kind = "Create"
	case isPublic && wasPublic:
		kind = "Update"
	case wasPublic:
		kind = "Delete"
	default:
		return nil
	}
	if wasPublic && !broadside.DiscussionFederates(p, now) {
		// Replies that went back to remote authors leave with the discussion (replies_out.go).
		if err := s.postRepliesGone(ctx, tx, st, p, now); err != nil {
			return err
		}
	}
	id, err := s.PostURL(ctx, tx, st, p)
	if err != nil {
		return err
	}
	c := postChange{PostID: p.ID, Kind: kind, ObjectID: id, Actor: broadside.PostActor(st.Settings.Federation, p), At: now.UnixMicro()}
	payload, err := json.Marshal(c)
	if err != nil {
		return err
	}
	key := "ap-post:" + strconv.FormatInt(p.ID, 10) + ":" + kind + ":" + strconv.FormatInt(c.At, 10)
	if err := tx.EnqueueJob(ctx, &store.Job{Kind: JobPost, UniqueKey: key, RunAt: now, Payload: payload, MaxAttempts: 10}); err != nil {
		return fmt.Errorf("activitypub: enqueue %s of post %d: %w", kind, p.ID, err)
	}
	if s.Wake != nil {
		s.Wake()
	}
	return nil
}

// FanOut is the JobPost handler.
func (s *Service) FanOut(ctx context.Context, payload []byte) error {
	var c postChange
	if err := json.Unmarshal(payload, &c); err != nil {
		return fmt.Errorf("activitypub: post change payload: %w", err)
	}
	st, err := s.Site(ctx, nil)
	if err != nil || st.Settings.Federation.Off {
		return err
	}
	actor := ActorID(st.Base, c.Actor)
	act := Activity{Context: Context, ID: c.ObjectID + "#" + c.Kind + "-" + strconv.FormatInt(c.At, 36), Type: Kind(c.Kind),
		Actor: ID(actor), To: Strings{Public}, Cc: Strings{actor + "/followers"}}
	if c.Kind == "Delete" {
		act.Object, _ = Embed(c.ObjectID, Object{ID: c.ObjectID, Type: "Tombstone", FormerType: string(PostKind(st.Settings.Federation))})
	} else {
		p, err := s.Store.PostByID(ctx, c.PostID)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return nil // deleted since; its Delete follows
		}
		if err != nil {
			return err
		}
		if !broadside.Federates(p, s.Now()) {
			return nil // no longer public; a Delete was enqueued by that change
		}
		o, err := s.PostObject(ctx, p)
		if err != nil {
			return err
		}
		o.Context = nil
		if act.Object, err = Embed(o.ID, o); err != nil {
			return err
		}
		act.Published = o.Published
		if c.Kind == "Update" {
			act.Published = o.Updated
		}
	}
	inboxes, err := s.Store.DeliveryInboxes(ctx, c.Actor)
	if err != nil {
		return err
	}
	var siteBoxes []string
	if c.Actor != SiteActor {
		// The site actor announces every public post: its followers hear of an author's post
		// through an Announce, which servers show for an actor they follow.
		if siteBoxes, err = s.Store.DeliveryInboxes(ctx, SiteActor); err != nil {
			return err
		}
	}
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		if c.Kind != "Create" {
			// Updates and deletes reach everyone who may hold a copy, from the post's own
			// actor; an inbox in both lists gets one job (the unique key).
			return s.enqueueFor(ctx, tx, c.PostID, c.Actor, act, append(inboxes, siteBoxes...))
		}
		if err := s.enqueueFor(ctx, tx, c.PostID, c.Actor, act, inboxes); err != nil || len(siteBoxes) == 0 {
			return err
		}
		site := ActorID(st.Base, SiteActor)
		ann := Activity{Context: ContextAS, ID: act.ID + "-announce", Type: "Announce", Actor: ID(site), Object: ID(c.ObjectID),
			To: Strings{Public}, Cc: Strings{site + "/followers"}, Published: act.Published}
		return s.enqueueFor(ctx, tx, c.PostID, SiteActor, ann, siteBoxes)
	})
	if err == nil && s.Wake != nil && len(inboxes)+len(siteBoxes) > 0 {
		s.Wake()
	}
	return err
}

// PostKind is the type our posts federate as: Article, or Note when the site chose Notes
// (for servers that show an Article as a bare link). A post's Tombstone names it as its
// formerType.
func PostKind(f broadside.Federation) Kind {
	if f.Notes {
		return "Note"
	}
	return "Article"
}
