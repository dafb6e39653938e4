package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestActorKeyRace: nodes asking for an actor's key at once all get the one pair stored,
// and later calls do not generate again.
func TestActorKeyRace(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		var mu sync.Mutex
		generated := 0
		gen := func() (string, string, error) {
			mu.Lock()
			defer mu.Unlock()
			generated++
			return fmt.Sprintf("pub-%d", generated), fmt.Sprintf("priv-%d", generated), nil
		}
		const n = 6
		type res struct{ pub, priv string }
		out := make(chan res, n)
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, k, err := s.ActorKey(ctx, "site", t0, gen)
				if err != nil {
					errs <- err
					return
				}
				out <- res{p, k}
			}()
		}
		wg.Wait()
		close(out)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var first res
		for r := range out {
			if first.pub == "" {
				first = r
			}
			if r != first || r.pub[4:] != r.priv[5:] {
				t.Fatalf("callers got different or mismatched pairs: %v and %v", first, r)
			}
		}
		before := generated
		p, _, err := s.ActorKey(ctx, "site", t0, gen)
		if err != nil || p != first.pub || generated != before {
			t.Fatalf("second call: %q, %v, generated %d→%d", p, err, before, generated)
		}
		if p, _, _ := s.ActorKey(ctx, "ann", t0, gen); p == first.pub {
			t.Fatal("two actors share a key")
		}

		wantCode(t, func() error { _, err := s.RemoteKey(ctx, "https://r.example/u#k"); return err }(), broadside.ENOTFOUND)
		must(t, s.PutRemoteKey(ctx, &store.RemoteKey{KeyID: "https://r.example/u#k", ActorID: "https://r.example/u", PublicPEM: "A", FetchedAt: t0}))
		must(t, s.PutRemoteKey(ctx, &store.RemoteKey{KeyID: "https://r.example/u#k", ActorID: "https://r.example/u", PublicPEM: "B", FetchedAt: t0}))
		k, err := s.RemoteKey(ctx, "https://r.example/u#k")
		if err != nil || k.PublicPEM != "B" || !k.FetchedAt.Equal(t0) {
			t.Fatalf("RemoteKey = %+v, %v", k, err)
		}
	})
}

// TestFollowers: follows are saved once per (actor, follower), a held follow can be
// approved, an accepted one stays accepted when the Follow repeats, deliveries go once per
// shared inbox, and a 410 from an inbox removes the followers behind it.
func TestFollowers(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		add := func(actor, id, inbox, shared, status string) *broadside.Follower {
			f := &broadside.Follower{Actor: actor, FollowerID: id, Inbox: inbox, SharedInbox: shared, FollowID: id + "#follow", Status: status, CreatedAt: t0}
			must(t, s.SaveFollower(ctx, f))
			return f
		}
		a := add("site", "https://m.example/users/a", "https://m.example/users/a/inbox", "https://m.example/inbox", broadside.FollowAccepted)
		add("site", "https://m.example/users/b", "https://m.example/users/b/inbox", "https://m.example/inbox", broadside.FollowAccepted)
		add("site", "https://solo.example/c", "https://solo.example/c/inbox", "", broadside.FollowAccepted)
		add("ann", "https://m.example/users/a", "https://m.example/users/a/inbox", "https://m.example/inbox", broadside.FollowAccepted)
		p := add("site", "https://held.example/d", "https://held.example/d/inbox", "", broadside.FollowPending)
		if p.Status != broadside.FollowPending {
			t.Fatalf("held follow saved as %q", p.Status)
		}
		again := add("site", "https://m.example/users/a", "https://m.example/users/a/inbox2", "https://m.example/inbox", broadside.FollowPending)
		if again.ID != a.ID || again.Status != broadside.FollowAccepted {
			t.Fatalf("repeated Follow: %+v, want id %d still accepted", again, a.ID)
		}
		if n, _ := s.CountFollowers(ctx, "site", ""); n != 4 {
			t.Fatalf("count = %d, want 4", n)
		}
		if n, _ := s.CountFollowers(ctx, "site", broadside.FollowAccepted); n != 3 {
			t.Fatalf("accepted = %d, want 3", n)
		}
		boxes, err := s.DeliveryInboxes(ctx, "site")
		must(t, err)
		if fmt.Sprint(boxes) != "[https://m.example/inbox https://solo.example/c/inbox]" {
			t.Fatalf("inboxes = %v", boxes)
		}
		must(t, s.SetFollowerStatus(ctx, "site", "https://held.example/d", broadside.FollowAccepted))
		wantCode(t, s.SetFollowerStatus(ctx, "site", "https://nobody.example/x", broadside.FollowAccepted), broadside.ENOTFOUND)
		if boxes, _ := s.DeliveryInboxes(ctx, ""); len(boxes) != 3 {
			t.Fatalf("all inboxes = %v", boxes)
		}
		got, err := s.Follower(ctx, "site", "https://m.example/users/a")
		if err != nil || got.Inbox != "https://m.example/users/a/inbox2" {
			t.Fatalf("Follower = %+v, %v", got, err)
		}
		if n, err := s.RemoveFollowersAt(ctx, "https://m.example/inbox"); err != nil || n != 3 {
			t.Fatalf("RemoveFollowersAt = %d, %v; want 3", n, err)
		}
		if n, err := s.RemoveFollower(ctx, "site", "https://solo.example/c"); err != nil || n != 1 {
			t.Fatalf("RemoveFollower = %d, %v", n, err)
		}
		list, err := s.Followers(ctx, "site", "", 10, 0)
		must(t, err)
		if len(list) != 1 || list[0].FollowerID != "https://held.example/d" {
			t.Fatalf("left = %+v", list)
		}
	})
}
