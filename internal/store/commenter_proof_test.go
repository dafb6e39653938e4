package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

func TestCommenterProof(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "post", broadside.StatusPublished, t0)
		key := func(c *broadside.Comment) { c.CommenterKeyHash = "k1"; c.ModerationReason = "why not" }
		held := mkComment(t, s, p.ID, "Kim", broadside.CommentPending, t0, key)
		got, err := s.CommentByID(ctx, held.ID)
		must(t, err)
		if got.CommenterKeyHash != "k1" || got.ModerationReason != "why not" {
			t.Fatalf("stored key %q, reason %q", got.CommenterKeyHash, got.ModerationReason)
		}
		approved := func(keyHash, email string) bool {
			t.Helper()
			ok, err := s.CommenterKeyApproved(ctx, keyHash, email)
			must(t, err)
			return ok
		}
		if approved("k1", "Kim@example.org") {
			t.Fatal("a key approved before any of its comments was")
		}
		_, err = s.SetCommentStatus(ctx, []int64{held.ID}, broadside.CommentApproved)
		must(t, err)
		if !approved("k1", " KIM@example.org") || approved("k1", "other@example.org") || approved("k2", "kim@example.org") || approved("", "kim@example.org") {
			t.Fatal("CommenterKeyApproved must match the approved key and its address, nothing else")
		}
		// Marking the comment spam withdraws the approval.
		_, err = s.SetCommentStatus(ctx, []int64{held.ID}, broadside.CommentSpam)
		must(t, err)
		if approved("k1", "kim@example.org") {
			t.Fatal("a key approved by a comment now marked spam")
		}

		mkComment(t, s, p.ID, "Ann", broadside.CommentApproved, t0, func(c *broadside.Comment) { c.UserID = u.ID })
		for id, want := range map[int64]bool{u.ID: true, u.ID + 1: false, 0: false} {
			if got, err := s.UserHasApprovedComment(ctx, id); err != nil || got != want {
				t.Errorf("UserHasApprovedComment(%d) = %v, %v; want %v", id, got, err, want)
			}
		}
	})
}

func TestConsumeCommentStamp(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		use := func(nonce string, expires, now time.Time) bool {
			t.Helper()
			var fresh bool
			must(t, s.InTx(ctx, func(tx *store.Store) error {
				var err error
				fresh, err = tx.ConsumeCommentStamp(ctx, nonce, expires, now)
				return err
			}))
			return fresh
		}
		exp := t0.Add(4 * time.Hour)
		if !use("n1", exp, t0) || use("n1", exp, t0.Add(time.Minute)) || !use("n2", exp, t0) {
			t.Fatal("a stamp must be accepted once")
		}
		// A use rolled back with its comment does not count.
		_ = s.InTx(ctx, func(tx *store.Store) error {
			_, _ = tx.ConsumeCommentStamp(ctx, "n3", exp, t0)
			return context.Canceled
		})
		if !use("n3", exp, t0) {
			t.Fatal("a stamp used in a rolled-back transaction was spent")
		}
		// Rows of expired stamps are swept; a new stamp's row survives.
		if !use("n4", t0.Add(10*time.Hour), exp.Add(time.Second)) || use("n4", t0.Add(10*time.Hour), exp.Add(time.Minute)) {
			t.Fatal("sweeping expired stamps forgot a live one")
		}
		if !use("n1", exp.Add(time.Hour), exp.Add(time.Second)) {
			t.Fatal("an expired stamp's row was not swept")
		}
	})
}

// TestThreadShapeMatchesThreadComments: the shape the comment page is computed from is the
// thread the page renders, without the text.
func TestThreadShapeMatchesThreadComments(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "post", broadside.StatusPublished, t0)
		a := mkComment(t, s, p.ID, "A", broadside.CommentApproved, t0)
		mkComment(t, s, p.ID, "B", broadside.CommentApproved, t0.Add(time.Second), func(c *broadside.Comment) { c.ParentID = a.ID })
		held := mkComment(t, s, p.ID, "C", broadside.CommentPending, t0.Add(2*time.Second))
		mkComment(t, s, p.ID, "D", broadside.CommentPending, t0.Add(3*time.Second))
		mkComment(t, s, p.ID, "E", broadside.CommentSpam, t0.Add(4*time.Second))
		full, err := s.ThreadComments(ctx, p.ID, nil, []int64{held.ID})
		must(t, err)
		shape, err := s.ThreadShape(ctx, p.ID, []int64{held.ID})
		must(t, err)
		if len(full) != 3 || len(shape) != len(full) {
			t.Fatalf("ThreadComments %d rows, ThreadShape %d", len(full), len(shape))
		}
		for i := range full {
			f, g := full[i], shape[i]
			if f.ID != g.ID || f.ParentID != g.ParentID || f.Status != g.Status || !f.CreatedAt.Equal(g.CreatedAt) {
				t.Fatalf("row %d: %+v, shape %+v", i, f, g)
			}
		}
	})
}
