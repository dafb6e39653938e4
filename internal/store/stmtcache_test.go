package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestCachingStatements: a transaction whose statements are prepared once each writes and
// reads what the plain one does, and rolls back as whole.
func TestCachingStatements(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "post", broadside.StatusPublished, t0)
		write := func(tx *store.Store) []int64 {
			var ids []int64
			for i := range 5 { // the same statements again and again, from the cache
				c := benchComment(p.ID, i, broadside.CommentApproved)
				must(t, tx.CreateComment(ctx, c))
				got, err := tx.CommentByID(ctx, c.ID)
				must(t, err)
				if got.RawBody != c.RawBody {
					t.Fatalf("comment %d reads back %q, want %q", c.ID, got.RawBody, c.RawBody)
				}
				ids = append(ids, c.ID)
			}
			return ids
		}
		boom := errors.New("boom")
		err := s.InTx(ctx, func(tx *store.Store) error {
			tx, release := tx.CachingStatements()
			defer release()
			write(tx)
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if n := commentCount(t, s, p.ID); n != 0 {
			t.Fatalf("%d comments after a rolled-back transaction", n)
		}
		var ids []int64
		must(t, s.InTx(ctx, func(tx *store.Store) error {
			tx, release := tx.CachingStatements()
			defer release()
			ids = write(tx)
			return nil
		}))
		if n := commentCount(t, s, p.ID); n != 5 || len(ids) != 5 || ids[0] == ids[4] {
			t.Fatalf("%d comments stored (ids %v), want 5", n, ids)
		}
		// Outside a transaction there is nothing to cache: the store is returned as it is.
		if same, release := s.CachingStatements(); same != s {
			t.Fatal("CachingStatements outside a transaction made a new store")
		} else {
			release()
		}
	})
}
