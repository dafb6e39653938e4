package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestNewsletterBatchWrites: a batch claim takes only pending deliveries (and each once),
// SettleSent records them as SettleDelivery(sent) would, and n slots reserved at once are the
// n slots n single reservations would give.
func TestNewsletterBatchWrites(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "author")
		p := mkPost(t, s, u, "p", broadside.StatusPublished, t0)
		a := mkSubscriber(t, s, "a@example.org", broadside.SubscriberConfirmed)
		b := mkSubscriber(t, s, "b@example.org", broadside.SubscriberConfirmed)
		c := mkSubscriber(t, s, "c@example.org", broadside.SubscriberConfirmed)
		_, err := s.CreateNewsletter(ctx, p.ID, t0)
		must(t, err)
		_, err = s.StartNewsletter(ctx, p.ID, t0)
		must(t, err)
		ok, err := s.ClaimDelivery(ctx, p.ID, c.ID, t0) // another sender has c
		must(t, err)
		if !ok {
			t.Fatal("claim c")
		}
		got, err := s.ClaimDeliveries(ctx, p.ID, []int64{a.ID, b.ID, c.ID, 999}, t0)
		must(t, err)
		if len(got) != 2 || !got[a.ID] || !got[b.ID] {
			t.Fatalf("claimed %v, want a and b", got)
		}
		if again, _ := s.ClaimDeliveries(ctx, p.ID, []int64{a.ID, b.ID}, t0); len(again) != 0 {
			t.Fatalf("claimed twice: %v", again)
		}
		must(t, s.SettleSent(ctx, p.ID, []int64{a.ID, b.ID}, t0))
		pr, err := s.NewsletterProgress(ctx, p.ID)
		must(t, err)
		if pr.Sent != 2 || pr.Sending != 1 {
			t.Fatalf("progress %+v", pr)
		}
		sent, err := s.ListDeliveries(ctx, p.ID, broadside.DeliverySent, 10)
		must(t, err)
		if len(sent) != 2 || sent[0].Attempts != 1 || sent[0].SentAt.IsZero() {
			t.Fatalf("sent: %+v", sent)
		}

		step := 100 * time.Millisecond
		first, err := s.ReserveSendSlots(ctx, "batch", step, 3, t0)
		must(t, err)
		next, err := s.ReserveSendSlot(ctx, "batch", step, t0)
		must(t, err)
		if !first.Equal(t0) || !next.Equal(t0.Add(3*step)) {
			t.Fatalf("3 slots from %v, then %v; want %v and %v", first, next, t0, t0.Add(3*step))
		}
	})
}
