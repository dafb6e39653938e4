package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

func TestCountRootsBefore(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		p := mkPost(t, s, u, "busy", broadside.StatusPublished, t0)
		a := mkComment(t, s, p.ID, "a", broadside.CommentApproved, t0.Add(1*time.Minute))
		held := mkComment(t, s, p.ID, "held", broadside.CommentPending, t0.Add(2*time.Minute))
		mkComment(t, s, p.ID, "reply", broadside.CommentApproved, t0.Add(3*time.Minute), func(c *broadside.Comment) { c.ParentID = a.ID })
		// Two comments in the same instant are ordered by id.
		b := mkComment(t, s, p.ID, "b", broadside.CommentApproved, t0.Add(4*time.Minute))
		c := mkComment(t, s, p.ID, "c", broadside.CommentApproved, t0.Add(4*time.Minute))
		cases := []struct {
			name   string
			target *broadside.Comment
			newest bool
			also   []int64
			want   int
		}{
			{"first", a, false, nil, 0},
			{"replies and held comments do not count", b, false, nil, 1},
			{"the viewer's held comment counts", b, false, []int64{held.ID}, 2},
			{"same instant, lower id first", c, false, nil, 2},
			{"newest first", a, true, nil, 2},
		}
		for _, tc := range cases {
			n, err := s.CountRootsBefore(ctx, p.ID, tc.target.CreatedAt, tc.target.ID, tc.newest, tc.also)
			if err != nil || n != tc.want {
				t.Errorf("%s: %d, %v; want %d", tc.name, n, err, tc.want)
			}
		}
	})
}
