package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestReactions: likes and boosts count once per actor and kind on a post (a repeated Like,
// or the same activity delivered twice, adds nothing); an Undo removes by the activity's id
// or, for a repeat that was not recorded, by post and kind, and only the actor's own; an
// actor's deletion removes all of its reactions; deleting the post removes its reactions.
func TestReactions(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "liked", broadside.StatusPublished, t0)
		q := mkPost(t, s, u, "other", broadside.StatusPublished, t0)
		add := func(post int64, kind, actor, id string) bool {
			t.Helper()
			ok, err := s.AddReaction(ctx, &broadside.Reaction{PostID: post, Kind: kind, ActorID: actor, ActivityID: id, ActorName: "Bob", CreatedAt: t0})
			must(t, err)
			return ok
		}
		counts := func(post int64) broadside.ReactionCounts {
			t.Helper()
			c, err := s.ReactionCounts(ctx, post)
			must(t, err)
			return c
		}
		bob, cat := "https://r.example/users/bob", "https://r.example/users/cat"
		if !add(p.ID, broadside.ReactionLike, bob, bob+"#like-1") || add(p.ID, broadside.ReactionLike, bob, bob+"#like-1") ||
			add(p.ID, broadside.ReactionLike, bob, bob+"#like-2") {
			t.Fatal("a repeated like or a redelivered activity was recorded twice")
		}
		add(p.ID, broadside.ReactionAnnounce, bob, bob+"#boost-1")
		add(p.ID, broadside.ReactionLike, cat, cat+"#like-1")
		add(q.ID, broadside.ReactionLike, cat, cat+"#like-2")
		if c := counts(p.ID); c != (broadside.ReactionCounts{Likes: 2, Boosts: 1}) {
			t.Fatalf("counts = %+v", c)
		}
		list, err := s.Reactions(ctx, p.ID, 10)
		must(t, err)
		if len(list) != 3 || list[0].ActorID != cat || list[0].ActorName != "Bob" || !list[0].CreatedAt.Equal(t0) {
			t.Fatalf("reactions = %+v", list)
		}

		// Cat cannot undo Bob's like; Bob's Undo of the unrecorded repeat finds the like.
		if got, err := s.RemoveReactions(ctx, cat, bob+"#like-1", 0, ""); err != nil || len(got) != 0 {
			t.Fatalf("another actor's undo removed %v, %v", got, err)
		}
		if got, err := s.RemoveReactions(ctx, bob, bob+"#like-2", p.ID, broadside.ReactionLike); err != nil || !slices.Equal(got, []int64{p.ID}) {
			t.Fatalf("undo of a repeat: %v, %v", got, err)
		}
		if c := counts(p.ID); c != (broadside.ReactionCounts{Likes: 1, Boosts: 1}) {
			t.Fatalf("counts after undo = %+v", c)
		}
		if got, err := s.RemoveActorReactions(ctx, cat); err != nil || len(got) != 2 {
			t.Fatalf("actor deleted: %v, %v", got, err)
		}
		if c := counts(q.ID); !c.Zero() {
			t.Fatalf("counts of the other post = %+v", c)
		}
		must(t, s.DeletePost(ctx, p.ID))
		if c := counts(p.ID); !c.Zero() {
			t.Fatalf("counts of a deleted post = %+v", c)
		}
	})
}

// TestReactionCountsOf: one query counts a page of posts; posts without reactions are absent.
func TestReactionCountsOf(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "liked", broadside.StatusPublished, t0)
		q := mkPost(t, s, u, "boosted", broadside.StatusPublished, t0)
		r := mkPost(t, s, u, "quiet", broadside.StatusPublished, t0)
		for i, x := range []struct {
			post int64
			kind string
		}{{p.ID, broadside.ReactionLike}, {p.ID, broadside.ReactionLike}, {q.ID, broadside.ReactionAnnounce}} {
			actor := "https://social.example/users/u" + string(rune('a'+i))
			_, err := s.AddReaction(ctx, &broadside.Reaction{PostID: x.post, Kind: x.kind, ActorID: actor, ActivityID: actor + "#r", CreatedAt: t0})
			must(t, err)
		}
		m, err := s.ReactionCountsOf(ctx, []int64{p.ID, q.ID, r.ID})
		must(t, err)
		if len(m) != 2 || m[p.ID] != (broadside.ReactionCounts{Likes: 2}) || m[q.ID] != (broadside.ReactionCounts{Boosts: 1}) {
			t.Fatalf("counts %v", m)
		}
	})
}
