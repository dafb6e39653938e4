package activitypub

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// reactionKinds maps the activities counted on a post to their kind.
var reactionKinds = map[Kind]string{"Like": broadside.ReactionLike, "Announce": broadside.ReactionAnnounce}

// react records a Like or Announce of one of our posts by the activity's actor (the
// signer). An activity about anything else — a remote object, a post readers may not see —
// is acknowledged and ignored, as a server would for an object it does not know. A post
// whose counts change has its cached pages purged (on every node).
func (s *Service) react(ctx context.Context, st Site, a *Activity, kind string) error {
	if a.Object == nil || a.Object.ID == "" {
		return errBadPayload
	}
	// The id is what a later Undo names, and is unique here: only the actor's own server
	// may name it, or one server could take another's likes back or block them.
	if a.ID == "" || !sameHost(a.ID, a.Actor.ID) {
		return broadside.Errorf(broadside.EINVALID, "The activity's id is not on its actor's server.")
	}
	p, ok := s.localPost(ctx, st, a.Object.ID)
	if !ok {
		return nil
	}
	r := &broadside.Reaction{PostID: p.ID, Kind: kind, ActorID: a.Actor.ID, ActivityID: a.ID, CreatedAt: s.Now()}
	describeActor(r, a.Actor)
	return s.Store.InTx(ctx, func(tx *store.Store) error {
		added, err := tx.AddReaction(ctx, r)
		if err != nil || !added {
			return err
		}
		return tx.NotifyChanged(ctx, broadside.CacheTagPost(p.ID))
	})
}

// unreact takes back the Like or Announce the Undo names (embedded or by id), if the Undo's
// actor, the signer, made it: the store deletes only that actor's reactions.
func (s *Service) unreact(ctx context.Context, st Site, a *Activity, kind string) error {
	var done Activity
	if len(a.Object.Raw) > 0 {
		if err := json.Unmarshal(a.Object.Raw, &done); err != nil {
			return errBadPayload
		}
	}
	if done.Actor != nil && done.Actor.ID != a.Actor.ID {
		return errNotSigner
	}
	var postID int64
	if done.Object != nil {
		if p, ok := s.localPost(ctx, st, done.Object.ID); ok {
			postID = p.ID
		}
	}
	return s.Store.InTx(ctx, func(tx *store.Store) error {
		posts, err := tx.RemoveReactions(ctx, a.Actor.ID, a.Object.ID, postID, kind)
		if err != nil || len(posts) == 0 {
			return err
		}
		return tx.NotifyChanged(ctx, postTags(posts)...)
	})
}

// forgetActor removes the reactions of an actor whose account was deleted (a Delete whose
// object is the actor itself, sent by that actor).
func (s *Service) forgetActor(ctx context.Context, a *Activity) error {
	return s.Store.InTx(ctx, func(tx *store.Store) error {
		posts, err := tx.RemoveActorReactions(ctx, a.Actor.ID)
		if err != nil || len(posts) == 0 {
			return err
		}
		return tx.NotifyChanged(ctx, postTags(posts)...)
	})
}

func postTags(posts []int64) []string {
	tags := make([]string, 0, len(posts))
	for _, id := range posts {
		tags = append(tags, broadside.CacheTagPost(id))
	}
	return tags
}

// localPost returns the post whose object id (its permalink) is id, when it federates:
// readers may see it and it is a published blog post.
func (s *Service) localPost(ctx context.Context, st Site, id string) (*broadside.Post, bool) {
	if s.PostAt == nil || !strings.HasPrefix(id, st.Base+"/") {
		return nil, false
	}
	p, err := s.PostAt(ctx, id)
	if err != nil || !broadside.Federates(p, s.Now()) {
		return nil, false
	}
	return p, true
}

// describeActor keeps what an embedded actor says of itself (name, @user@host, icon), when
// it is the signer's own document; a bare id tells nothing, and fetching every liker's
// actor is not worth a request per like.
func describeActor(r *broadside.Reaction, ref *Ref) {
	if len(ref.Raw) == 0 {
		return
	}
	var a Actor
	if json.Unmarshal(ref.Raw, &a) != nil || a.ID != r.ActorID {
		return
	}
	r.ActorName = a.Name
	if a.PreferredUsername != "" {
		r.ActorHandle = "@" + a.PreferredUsername + "@" + Host(a.ID)
	}
	if len(a.Icon) > 0 && strings.HasPrefix(a.Icon[0].URL, "https://") {
		r.ActorIcon = a.Icon[0].URL
	}
}

// Reactions counts post id's likes and boosts.
func (s *Service) Reactions(ctx context.Context, postID int64) (broadside.ReactionCounts, error) {
	return s.Store.ReactionCounts(ctx, postID)
}

// ReactionsOf counts the likes and boosts of each of posts ids at once (a page of a
// listing); posts without any are absent.
func (s *Service) ReactionsOf(ctx context.Context, ids []int64) (map[int64]broadside.ReactionCounts, error) {
	return s.Store.ReactionCountsOf(ctx, ids)
}

// ReactionList lists post id's likes and boosts, newest first, at most limit.
func (s *Service) ReactionList(ctx context.Context, postID int64, limit int) ([]*broadside.Reaction, error) {
	return s.Store.Reactions(ctx, postID, limit)
}
