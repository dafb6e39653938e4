package store_test

import (
	"context"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestRepliedComments: which comments have a reply in the asked statuses, on both databases.
func TestRepliedComments(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		p := mkPost(t, s, mkUser(t, s, "r"), "replied", broadside.StatusPublished, t0)
		comment := func(parent int64, st broadside.CommentStatus) int64 {
			t.Helper()
			return mkComment(t, s, p.ID, "a", st, t0, func(c *broadside.Comment) { c.ParentID = parent }).ID
		}
		withApproved, withHeld, without := comment(0, broadside.CommentApproved), comment(0, broadside.CommentApproved),
			comment(0, broadside.CommentApproved)
		comment(withApproved, broadside.CommentApproved)
		comment(withApproved, broadside.CommentApproved)
		comment(withHeld, broadside.CommentPending)
		comment(without, broadside.CommentSpam)
		all := []int64{withApproved, withHeld, without}
		for _, tc := range []struct {
			statuses []broadside.CommentStatus
			want     map[int64]bool
		}{
			{[]broadside.CommentStatus{broadside.CommentApproved}, map[int64]bool{withApproved: true}},
			{[]broadside.CommentStatus{broadside.CommentApproved, broadside.CommentPending},
				map[int64]bool{withApproved: true, withHeld: true}},
		} {
			got, err := s.RepliedComments(ctx, all, tc.statuses...)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Errorf("%v: replied = %v, want %v", tc.statuses, got, tc.want)
			}
			for id := range tc.want {
				if !got[id] {
					t.Errorf("%v: replied = %v, want %v", tc.statuses, got, tc.want)
				}
			}
		}
	})
}
