package activitypub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/httpsig"
	"github.com/broadside/broadside/internal/store"
)

// Errors the inbox answers with; the web layer maps their codes to 401, 400, 404, 429.
var (
	errUnsigned   = broadside.Errorf(broadside.EUNAUTHORIZED, "This inbox accepts signed activities only.")
	errBadSig     = broadside.Errorf(broadside.EUNAUTHORIZED, "The signature could not be verified.")
	errNotSigner  = broadside.Errorf(broadside.EUNAUTHORIZED, "The activity's actor is not the signer.")
	errBadPayload = broadside.Errorf(broadside.EINVALID, "The body is not an ActivityStreams activity.")
)

// Receive handles an activity posted to the shared inbox (name "") or to the inbox of our
// actor name. body is the request's body, already bounded by the caller to MaxDocument.
// The request must be signed by the activity's actor: the key is fetched by its id (and
// cached; fetched again once when the cached key does not verify, as keys rotate).
// Follow and Undo of a Follow are handled, and replies (Create, Update and Delete of a
// Note, replies_in.go); everything else is acknowledged and ignored.
func (s *Service) Receive(ctx context.Context, r *http.Request, body []byte, name string) error {
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	if name != "" {
		if _, ok := s.actorExists(ctx, st, ActorID(st.Base, name)); !ok {
			return broadside.Errorf(broadside.ENOTFOUND, "No such actor.")
		}
	}
	sig, err := httpsig.Parse(r, body, httpsig.Options{Now: s.Now})
	if errors.Is(err, httpsig.ErrUnsigned) {
		return errUnsigned
	}
	if err != nil {
		s.Log.Info("activitypub: inbox: signature refused", "err", err)
		return errBadSig
	}
	if s.Limits != nil {
		if err := s.Limits.MayReceive(ctx, Host(sig.KeyID)); err != nil {
			return err
		}
	}
	signer, err := s.verify(ctx, st, sig)
	if err != nil {
		s.Log.Info("activitypub: inbox: signature did not verify", "key_id", sig.KeyID, "err", err)
		return errBadSig
	}
	if drop, err := s.refuseBlocked(ctx, signer); drop || err != nil {
		return err // blocks.go: a blocked sender's activity is acknowledged and dropped
	}
	s.heardFrom(ctx, Host(signer)) // a dead host that speaks again gets our deliveries again
	var a Activity
	if err := json.Unmarshal(body, &a); err != nil || a.Type == "" {
		return errBadPayload
	}
	if a.Actor == nil || a.Actor.ID != signer {
		return errNotSigner
	}
	switch a.Type {
	case "Follow":
		return s.follow(ctx, st, &a, body)
	case "Undo":
		if a.Object != nil && a.Object.Type == "Follow" {
			return s.unfollow(ctx, st, &a)
		}
		if a.Object != nil && a.Object.ID != "" && (a.Object.Type == "" || reactionKinds[Kind(a.Object.Type)] != "") {
			// An Undo that names its Like or Announce by id alone (no type) is tried as one:
			// removing nothing is harmless.
			return s.unreact(ctx, st, &a, reactionKinds[Kind(a.Object.Type)])
		}
	case "Like", "Announce":
		return s.react(ctx, st, &a, reactionKinds[a.Type])
	case "Create": // a reply to a post or comment (replies_in.go)
		return s.createReply(ctx, st, &a)
	case "Update": // its author's edit of a reply (replies_in.go)
		return s.updateReply(ctx, st, &a)
	case "Delete":
		if a.Object != nil && a.Object.ID == a.Actor.ID {
			return s.forgetActor(ctx, &a) // the actor's account is gone: so are its likes and boosts
		}
		return s.deleteReply(ctx, st, &a) // its author withdrawing a reply (replies_in.go)
	}
	return nil // acknowledged; handled by later work of issue 14 (replies, likes, boosts)
}

// verify checks sig with the signer's key and returns the key's owner (an actor id).
func (s *Service) verify(ctx context.Context, st Site, sig *httpsig.Signature) (string, error) {
	cached, err := s.Store.RemoteKey(ctx, sig.KeyID)
	if err == nil {
		if k, perr := parseKey(cached.PublicPEM); perr == nil && sig.Verify(k) == nil {
			return cached.ActorID, nil
		}
	} else if broadside.ErrorCode(err) != broadside.ENOTFOUND {
		return "", err
	}
	owner, pemText, k, err := s.fetchKey(ctx, st, sig.KeyID)
	if err != nil {
		return "", err
	}
	if err := sig.Verify(k); err != nil {
		return "", err
	}
	// Cached only once it has verified a request, so junk key ids fill nothing.
	if err := s.Store.PutRemoteKey(ctx, &store.RemoteKey{KeyID: sig.KeyID, ActorID: owner, PublicPEM: pemText, FetchedAt: s.Now()}); err != nil {
		return "", err
	}
	return owner, nil
}

// follow stores the follower (fetching its actor for the inboxes) and, unless the
// publisher holds follows for approval, accepts it: the Accept is a delivery job enqueued in
// the same transaction as the follower, so a crash cannot keep one without the other.
func (s *Service) follow(ctx context.Context, st Site, a *Activity, body []byte) error {
	if a.Object == nil {
		return errBadPayload
	}
	name, ok := s.actorExists(ctx, st, a.Object.ID)
	if !ok {
		return broadside.Errorf(broadside.ENOTFOUND, "No such actor to follow.")
	}
	var remote Actor
	if err := s.fetch(ctx, st, a.Actor.ID, &remote); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The follower's actor could not be fetched.")
	}
	if remote.ID != a.Actor.ID || remote.Inbox == "" || !sameHost(remote.Inbox, remote.ID) {
		return broadside.Errorf(broadside.EINVALID, "The follower's actor has no inbox of its own.")
	}
	f := &broadside.Follower{Actor: name, FollowerID: remote.ID, Inbox: remote.Inbox, FollowID: a.ID,
		Status: broadside.FollowAccepted, CreatedAt: s.Now()}
	f.Name, f.Acct, f.URL = presentation(&remote)
	if remote.Endpoints != nil && sameHost(remote.Endpoints.SharedInbox, remote.ID) {
		f.SharedInbox = remote.Endpoints.SharedInbox
	}
	if st.Settings.Federation.ApproveFollows {
		f.Status = broadside.FollowPending
	}
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SaveFollower(ctx, f); err != nil {
			return err
		}
		if f.Status != broadside.FollowAccepted {
			return nil
		}
		return s.enqueueAnswer(ctx, tx, st, f, body, "Accept", "")
	})
	if err == nil && f.Status == broadside.FollowAccepted && s.Wake != nil {
		s.Wake()
	}
	return err
}

// Approve accepts a held follow of our actor name by followerID and sends the Accept.
func (s *Service) Approve(ctx context.Context, name, followerID string) error {
	return s.answerFollow(ctx, name, followerID,
		func(tx *store.Store) error {
			return tx.SetFollowerStatus(ctx, name, followerID, broadside.FollowAccepted)
		},
		func(tx *store.Store, st Site, f *broadside.Follower, follow []byte) error {
			return s.enqueueAnswer(ctx, tx, st, f, follow, "Accept", "")
		})
}

// answerFollow is the admin's answer to the follow of our actor name by followerID: in one
// transaction it loads the follower, applies change, and has answer enqueue the reply
// (given the Follow, rebuilt from what was stored); then it wakes the deliverer.
func (s *Service) answerFollow(ctx context.Context, name, followerID string, change func(tx *store.Store) error,
	answer func(tx *store.Store, st Site, f *broadside.Follower, follow []byte) error) error {
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		f, err := tx.Follower(ctx, name, followerID)
		if err != nil {
			return err
		}
		if err := change(tx); err != nil {
			return err
		}
		follow, _ := json.Marshal(Activity{ID: f.FollowID, Type: "Follow", Actor: ID(f.FollowerID), Object: ID(ActorID(st.Base, name))})
		return answer(tx, st, f, follow)
	})
	if err == nil && s.Wake != nil {
		s.Wake()
	}
	return err
}

// enqueueAnswer enqueues our actor's answer (kind "Accept" or "Reject") to f's Follow, follow
// its JSON, for the follower's inbox. The answer's id is derived from the follow, so an
// Accept enqueued twice is one delivery; salt tells apart answers that may be sent more than
// once (a Reject each time a follower is removed).
func (s *Service) enqueueAnswer(ctx context.Context, tx *store.Store, st Site, f *broadside.Follower, follow []byte, kind Kind, salt string) error {
	id := ActorID(st.Base, f.Actor)
	sum := sha256.Sum256([]byte(f.FollowerID + "\x00" + f.FollowID + salt))
	answer := Activity{Context: ContextAS, ID: id + "#" + strings.ToLower(string(kind)) + "-" + hex.EncodeToString(sum[:12]), Type: kind,
		Actor: ID(id), Object: &Ref{ID: f.FollowID, Raw: json.RawMessage(follow)}, To: Strings{f.FollowerID}}
	return s.enqueue(ctx, tx, f.Actor, answer, []string{f.Inbox})
}

// unfollow ends the follow the undone Follow made. Only the follower itself can undo it:
// the Undo's actor (the signer) must be the Follow's actor.
func (s *Service) unfollow(ctx context.Context, st Site, a *Activity) error {
	var f Activity
	if len(a.Object.Raw) > 0 {
		if err := json.Unmarshal(a.Object.Raw, &f); err != nil {
			return errBadPayload
		}
	}
	if f.Actor != nil && f.Actor.ID != a.Actor.ID {
		return errNotSigner
	}
	name := ""
	if f.Object != nil {
		n, ok := s.LocalActor(st, f.Object.ID)
		if !ok {
			return nil
		}
		name = n
	}
	_, err := s.Store.RemoveFollower(ctx, name, a.Actor.ID)
	return err
}
