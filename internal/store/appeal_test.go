package store_test

import (
	"context"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestPostAppealAndNoticeRoundTrip: a post's own appeal and notice are stored, updated and
// read back on both databases (migration 0014); other posts have none.
func TestPostAppealAndNoticeRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "with-appeal", broadside.StatusPublished, t0, func(p *broadside.Post) {
			p.Appeal = "Please [click here](https://www.paypal.com/donate)."
			p.Notice = "Reblog freely."
		})
		plain := mkPost(t, s, u, "plain", broadside.StatusPublished, t0)
		got, err := s.PostByID(ctx, p.ID)
		must(t, err)
		if got.Appeal != p.Appeal || got.Notice != p.Notice {
			t.Fatalf("created: appeal %q notice %q", got.Appeal, got.Notice)
		}
		got.Appeal, got.Notice = "", "Changed."
		must(t, s.UpdatePost(ctx, got))
		again, err := s.PostByID(ctx, p.ID)
		must(t, err)
		if again.Appeal != "" || again.Notice != "Changed." {
			t.Fatalf("updated: appeal %q notice %q", again.Appeal, again.Notice)
		}
		other, err := s.PostByID(ctx, plain.ID)
		must(t, err)
		if other.Appeal != "" || other.Notice != "" {
			t.Fatalf("a post without its own has appeal %q notice %q", other.Appeal, other.Notice)
		}
	})
}
