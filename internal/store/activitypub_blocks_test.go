package store_test

import (
	"context"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestFederationBlocks: blocks are stored once per (kind, value), matched by actor id or by
// any of a host's domains, listed newest first and lifted.
func TestFederationBlocks(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		d := &broadside.FederationBlock{Kind: broadside.BlockDomain, Value: "blocked.example", Note: "spam", CreatedAt: t0}
		must(t, s.CreateFederationBlock(ctx, d))
		a := &broadside.FederationBlock{Kind: broadside.BlockActor, Value: "https://ok.example/users/troll", CreatedAt: t0}
		must(t, s.CreateFederationBlock(ctx, a))
		wantCode(t, s.CreateFederationBlock(ctx, &broadside.FederationBlock{Kind: broadside.BlockDomain, Value: "blocked.example", CreatedAt: t0}), broadside.ECONFLICT)

		for _, tc := range []struct {
			actor string
			want  int64
		}{
			{"https://social.blocked.example/users/x", d.ID},
			{"https://blocked.example/users/x", d.ID},
			{"https://notblocked.example/users/x", 0},
			{"https://ok.example/users/troll", a.ID},
			{"https://ok.example/users/friend", 0},
		} {
			b, err := s.MatchFederationBlock(ctx, tc.actor, broadside.BlockHosts(hostOf(tc.actor)))
			must(t, err)
			if got := int64(0); b != nil {
				got = b.ID
				if got != tc.want {
					t.Errorf("%s matched block %d, want %d", tc.actor, got, tc.want)
				}
			} else if tc.want != 0 {
				t.Errorf("%s matched no block, want %d", tc.actor, tc.want)
			}
		}
		bs, err := s.FederationBlocks(ctx)
		if err != nil || len(bs) != 2 || bs[0].ID != a.ID || bs[1].Note != "spam" || !bs[1].CreatedAt.Equal(t0) {
			t.Fatalf("FederationBlocks = %+v, %v", bs, err)
		}
		must(t, s.DeleteFederationBlock(ctx, d.ID))
		wantCode(t, s.DeleteFederationBlock(ctx, d.ID), broadside.ENOTFOUND)
	})
}

func hostOf(u string) string {
	rest := u[len("https://"):]
	for i, c := range rest {
		if c == '/' {
			return rest[:i]
		}
	}
	return rest
}

// TestSearchFollowers: followers of every actor, found by handle, id (host) or name, with
// LIKE's wildcards taken literally, filtered by status and paged; their presentation is
// stored and updated by a repeated Follow.
func TestSearchFollowers(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		add := func(actor, id, handle, name, status string) *broadside.Follower {
			f := &broadside.Follower{Actor: actor, FollowerID: id, Inbox: id + "/inbox", Status: status, CreatedAt: t0,
				Acct: handle, Name: name, URL: id + "/profile"}
			must(t, s.SaveFollower(ctx, f))
			return f
		}
		add("site", "https://one.example/users/alice", "@alice@one.example", "Alice 100%", broadside.FollowAccepted)
		add("users/2", "https://two.example/users/bob", "@bob@two.example", "Bob", broadside.FollowAccepted)
		add("site", "https://two.example/users/carol", "@carol@two.example", "Carol", broadside.FollowPending)
		for q, want := range map[string]int{"": 3, "two.example": 2, "ALICE": 1, "100%": 1, "%": 1, "_": 0, "nobody": 0} {
			_, n, err := s.SearchFollowers(ctx, broadside.FollowerQuery{Search: q})
			if err != nil || n != want {
				t.Errorf("search %q: %d, %v; want %d", q, n, err, want)
			}
		}
		rows, n, err := s.SearchFollowers(ctx, broadside.FollowerQuery{Status: broadside.FollowAccepted, Limit: 1, Offset: 1})
		if err != nil || n != 2 || len(rows) != 1 {
			t.Fatalf("page 2 of accepted: %d rows of %d, %v", len(rows), n, err)
		}
		add("site", "https://one.example/users/alice", "@alice@one.example", "Alice renamed", broadside.FollowAccepted)
		rows, _, _ = s.SearchFollowers(ctx, broadside.FollowerQuery{Search: "alice"})
		if len(rows) != 1 || rows[0].Name != "Alice renamed" || rows[0].URL != "https://one.example/users/alice/profile" {
			t.Fatalf("alice after a repeated Follow: %+v", rows)
		}
		all, err := s.AllFollowers(ctx)
		must(t, err)
		n64, err := s.RemoveFollowerIDs(ctx, []int64{all[0].ID, all[1].ID})
		if err != nil || n64 != 2 {
			t.Fatalf("RemoveFollowerIDs: %d, %v", n64, err)
		}
	})
}
