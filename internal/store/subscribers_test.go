package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

func mkSubscriber(t testing.TB, s *store.Store, email string, st broadside.SubscriberStatus) *broadside.Subscriber {
	t.Helper()
	sub := &broadside.Subscriber{Email: email, Status: st, Source: broadside.SourceForm, CreatedAt: t0, UpdatedAt: t0}
	if st == broadside.SubscriberConfirmed {
		sub.ConfirmedAt = t0
	}
	must(t, s.CreateSubscriber(context.Background(), sub))
	return sub
}

func TestSubscriberCRUD(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		a := mkSubscriber(t, s, "Ann@Example.org", broadside.SubscriberPending)
		if a.Email != "ann@example.org" || a.ID == 0 {
			t.Fatalf("created %+v", a)
		}
		err := s.CreateSubscriber(ctx, &broadside.Subscriber{Email: "ANN@example.org", Status: broadside.SubscriberPending})
		wantCode(t, err, broadside.ECONFLICT)

		got, err := s.SubscriberByEmail(ctx, " ann@EXAMPLE.org ")
		must(t, err)
		if got.ID != a.ID || got.Status != broadside.SubscriberPending || !got.CreatedAt.Equal(t0.Truncate(time.Microsecond)) || !got.ConfirmedAt.IsZero() {
			t.Fatalf("by email: %+v", got)
		}
		got.Status, got.ConfirmedAt, got.Supporter, got.Name = broadside.SubscriberConfirmed, t0.Add(time.Hour), true, "Ann"
		must(t, s.UpdateSubscriber(ctx, got))
		again, err := s.SubscriberByID(ctx, a.ID)
		must(t, err)
		if again.Status != broadside.SubscriberConfirmed || !again.Supporter || again.Name != "Ann" || again.ConfirmedAt.IsZero() {
			t.Fatalf("updated: %+v", again)
		}
		_, err = s.SubscriberByID(ctx, 999)
		wantCode(t, err, broadside.ENOTFOUND)

		mkSubscriber(t, s, "bob@example.org", broadside.SubscriberConfirmed)
		mkSubscriber(t, s, "carol_x@example.org", broadside.SubscriberUnsubscribed)
		counts, err := s.SubscriberCounts(ctx)
		must(t, err)
		if counts[broadside.SubscriberConfirmed] != 2 || counts[broadside.SubscriberUnsubscribed] != 1 || counts[broadside.SubscriberPending] != 0 {
			t.Fatalf("counts %v", counts)
		}
		list, total, err := s.ListSubscribers(ctx, broadside.SubscriberFilter{Status: broadside.SubscriberConfirmed, Limit: 1})
		must(t, err)
		if total != 2 || len(list) != 1 {
			t.Fatalf("page: %d of %d", len(list), total)
		}
		// "_" in a search is a literal underscore, not a wildcard.
		list, total, err = s.ListSubscribers(ctx, broadside.SubscriberFilter{Search: "L_X"})
		must(t, err)
		if total != 1 || list[0].Email != "carol_x@example.org" {
			t.Fatalf("search: %+v", list)
		}
		if _, n, _ := s.ListSubscribers(ctx, broadside.SubscriberFilter{Search: "l_"}); n != 1 {
			t.Fatalf("search l_ matched %d", n)
		}
	})
}

func TestRecordBounceSuspendsAfterMax(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		sub := mkSubscriber(t, s, "b@example.org", broadside.SubscriberConfirmed)
		for i := 1; i <= 3; i++ {
			suspended, err := s.RecordBounce(ctx, sub.ID, 0, "550 no such user", 3, t0)
			must(t, err)
			if suspended != (i == 3) {
				t.Fatalf("bounce %d: suspended = %v", i, suspended)
			}
		}
		got, _ := s.SubscriberByID(ctx, sub.ID)
		if got.Status != broadside.SubscriberBounced || got.Bounces != 3 || got.LastError != "550 no such user" {
			t.Fatalf("after 3 bounces: %+v", got)
		}
		other := mkSubscriber(t, s, "c@example.org", broadside.SubscriberConfirmed)
		_, _ = s.RecordBounce(ctx, other.ID, 0, "x", 3, t0)
		must(t, s.ClearBounces(ctx, other.ID))
		if got, _ := s.SubscriberByID(ctx, other.ID); got.Bounces != 0 {
			t.Fatalf("bounces not cleared: %+v", got)
		}
	})
}

func TestReaderSessions(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		sub := mkSubscriber(t, s, "r@example.org", broadside.SubscriberConfirmed)
		must(t, s.CreateReaderSession(ctx, "hash1", sub.ID, t0, t0.Add(time.Hour)))
		got, seen, err := s.ReaderSession(ctx, "hash1", t0.Add(time.Minute))
		must(t, err)
		if got.ID != sub.ID || got.Email != "r@example.org" || !seen.Equal(t0.Truncate(time.Microsecond)) {
			t.Fatalf("session: %+v %v", got, seen)
		}
		_, _, err = s.ReaderSession(ctx, "hash1", t0.Add(2*time.Hour))
		wantCode(t, err, broadside.ENOTFOUND)
		must(t, s.TouchReaderSession(ctx, "hash1", t0.Add(30*time.Minute), t0.Add(3*time.Hour)))
		_, _, err = s.ReaderSession(ctx, "hash1", t0.Add(2*time.Hour))
		must(t, err)
		must(t, s.DeleteReaderSession(ctx, "hash1"))
		_, _, err = s.ReaderSession(ctx, "hash1", t0)
		wantCode(t, err, broadside.ENOTFOUND)
		err = s.CreateReaderSession(ctx, "hash2", 999, t0, t0.Add(time.Hour))
		wantCode(t, err, broadside.ENOTFOUND)
	})
}

func TestCommentSubscriptions(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "author")
		p := mkPost(t, s, u, "p", broadside.StatusPublished, t0)
		other := mkPost(t, s, u, "other", broadside.StatusPublished, t0)
		c := mkComment(t, s, p.ID, "ann", broadside.CommentApproved, t0)

		ok, err := s.AddCommentSubscription(ctx, &broadside.CommentSubscription{PostID: p.ID, Email: "Ann@example.org", CreatedAt: t0})
		must(t, err)
		if ok {
			t.Fatal("a new subscription must be pending")
		}
		_, err = s.AddCommentSubscription(ctx, &broadside.CommentSubscription{PostID: p.ID, CommentID: c.ID, Email: "ann@example.org", CreatedAt: t0})
		must(t, err)
		_, err = s.AddCommentSubscription(ctx, &broadside.CommentSubscription{PostID: other.ID, Email: "ann@example.org", CreatedAt: t0})
		must(t, err)
		if r, _ := s.CommentRecipients(ctx, p.ID, c.ID); len(r) != 0 {
			t.Fatalf("pending subscriptions receive notices: %v", r)
		}
		n, err := s.ConfirmCommentSubscriptions(ctx, p.ID, "ann@example.org", t0)
		must(t, err)
		if n != 2 {
			t.Fatalf("confirmed %d, want 2 (post and replies)", n)
		}
		// Asking again does not undo the confirmation.
		ok, err = s.AddCommentSubscription(ctx, &broadside.CommentSubscription{PostID: p.ID, Email: "ann@example.org", CreatedAt: t0})
		must(t, err)
		if !ok {
			t.Fatal("a repeated request reset a confirmed subscription")
		}
		_, err = s.AddCommentSubscription(ctx, &broadside.CommentSubscription{PostID: p.ID, Email: "bob@example.org", Confirmed: true, CreatedAt: t0, ConfirmedAt: t0})
		must(t, err)
		r, err := s.CommentRecipients(ctx, p.ID, c.ID)
		must(t, err)
		if len(r) != 2 || r[0] != "ann@example.org" || r[1] != "bob@example.org" {
			t.Fatalf("recipients %v", r)
		}
		if r, _ := s.CommentRecipients(ctx, other.ID, 0); len(r) != 0 {
			t.Fatalf("other post (pending) recipients %v", r)
		}
		list, err := s.CommentSubscriptionsByEmail(ctx, "ann@example.org")
		must(t, err)
		if len(list) != 3 || list[0].PostTitle == "" {
			t.Fatalf("by email: %+v", list)
		}
		first, err := s.MarkCommentNotice(ctx, c.ID, "bob@example.org", t0)
		must(t, err)
		second, err := s.MarkCommentNotice(ctx, c.ID, "bob@example.org", t0)
		must(t, err)
		if !first || second {
			t.Fatalf("notice marks: %v %v", first, second)
		}
		n, err = s.DeleteCommentSubscriptions(ctx, p.ID, "ann@example.org")
		must(t, err)
		if n != 2 {
			t.Fatalf("deleted %d", n)
		}
	})
}

// TestDeleteSubscriberErasesEverything: the GDPR delete leaves nothing about the address.
func TestDeleteSubscriberErasesEverything(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "author")
		p := mkPost(t, s, u, "p", broadside.StatusPublished, t0)
		c := mkComment(t, s, p.ID, "ann", broadside.CommentApproved, t0)
		sub := mkSubscriber(t, s, "gone@example.org", broadside.SubscriberConfirmed)
		keep := mkSubscriber(t, s, "stay@example.org", broadside.SubscriberConfirmed)
		must(t, s.CreateReaderSession(ctx, "h", sub.ID, t0, t0.Add(time.Hour)))
		_, err := s.AddCommentSubscription(ctx, &broadside.CommentSubscription{PostID: p.ID, Email: sub.Email, Confirmed: true, CreatedAt: t0})
		must(t, err)
		_, _ = s.MarkCommentNotice(ctx, c.ID, sub.Email, t0)
		must(t, s.CreateToken(ctx, &store.Token{Hash: "tok", Purpose: "subscribe-confirm", Email: sub.Email, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
		_, err = s.HitRate(ctx, "subscribe-email:"+sub.Email, time.Hour, t0)
		must(t, err)
		_, err = s.CreateNewsletter(ctx, p.ID, t0)
		must(t, err)
		_, err = s.StartNewsletter(ctx, p.ID, t0)
		must(t, err)

		must(t, s.DeleteSubscriber(ctx, sub.ID))
		_, err = s.SubscriberByEmail(ctx, sub.Email)
		wantCode(t, err, broadside.ENOTFOUND)
		if _, _, err := s.ReaderSession(ctx, "h", t0); broadside.ErrorCode(err) != broadside.ENOTFOUND {
			t.Fatalf("session survived: %v", err)
		}
		if l, _ := s.CommentSubscriptionsByEmail(ctx, sub.Email); len(l) != 0 {
			t.Fatalf("comment subscriptions survived: %+v", l)
		}
		if first, _ := s.MarkCommentNotice(ctx, c.ID, sub.Email, t0); !first {
			t.Fatal("comment notice record survived")
		}
		if _, err := s.ConsumeToken(ctx, "tok", "subscribe-confirm", t0); broadside.ErrorCode(err) != broadside.ENOTFOUND {
			t.Fatalf("token survived: %v", err)
		}
		if n, _ := s.HitRate(ctx, "subscribe-email:"+sub.Email, time.Hour, t0); n != 1 {
			t.Fatalf("rate counter survived (count %d)", n)
		}
		if d, _ := s.SubscriberDeliveries(ctx, sub.ID); len(d) != 0 {
			t.Fatalf("deliveries survived: %+v", d)
		}
		if d, _ := s.SubscriberDeliveries(ctx, keep.ID); len(d) != 1 {
			t.Fatalf("the other subscriber's delivery went too: %+v", d)
		}
	})
}

func TestNewsletterDeliveries(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "author")
		p := mkPost(t, s, u, "p", broadside.StatusPublished, t0)
		a := mkSubscriber(t, s, "a@example.org", broadside.SubscriberConfirmed)
		b := mkSubscriber(t, s, "b@example.org", broadside.SubscriberConfirmed)
		mkSubscriber(t, s, "pending@example.org", broadside.SubscriberPending)
		mkSubscriber(t, s, "left@example.org", broadside.SubscriberUnsubscribed)

		created, err := s.CreateNewsletter(ctx, p.ID, t0)
		must(t, err)
		again, err := s.CreateNewsletter(ctx, p.ID, t0)
		must(t, err)
		if !created || again {
			t.Fatalf("CreateNewsletter: %v then %v", created, again)
		}
		n, err := s.StartNewsletter(ctx, p.ID, t0)
		must(t, err)
		if n.Status != broadside.NewsletterSending || n.Recipients != 2 {
			t.Fatalf("started: %+v", n)
		}
		// Subscribing after the start does not join this newsletter; starting again does nothing.
		mkSubscriber(t, s, "late@example.org", broadside.SubscriberConfirmed)
		n, err = s.StartNewsletter(ctx, p.ID, t0)
		must(t, err)
		if n.Recipients != 2 {
			t.Fatalf("restarted: %+v", n)
		}
		due, err := s.DueDeliveries(ctx, p.ID, t0, 10)
		must(t, err)
		if len(due) != 2 || due[0].Subscriber.ID != a.ID || due[1].Subscriber.Email != "b@example.org" {
			t.Fatalf("due: %+v", due)
		}
		ok, err := s.ClaimDelivery(ctx, p.ID, a.ID, t0)
		must(t, err)
		twice, err := s.ClaimDelivery(ctx, p.ID, a.ID, t0)
		must(t, err)
		if !ok || twice {
			t.Fatalf("claims: %v %v", ok, twice)
		}
		must(t, s.SettleDelivery(ctx, p.ID, a.ID, broadside.DeliverySent, "", false, t0))
		ok, _ = s.ClaimDelivery(ctx, p.ID, b.ID, t0)
		if !ok {
			t.Fatal("claim b")
		}
		// b is left 'sending', as after a crash.
		pr, err := s.NewsletterProgress(ctx, p.ID)
		must(t, err)
		if pr.Sent != 1 || pr.Sending != 1 || pr.Total() != 2 {
			t.Fatalf("progress %+v", pr)
		}
		resumed, err := s.ResumeInterrupted(ctx, p.ID, t0)
		must(t, err)
		if resumed != 1 {
			t.Fatalf("resumed %d", resumed)
		}
		ok, _ = s.ClaimDelivery(ctx, p.ID, b.ID, t0)
		if !ok {
			t.Fatal("reclaim b")
		}
		must(t, s.DeferDelivery(ctx, p.ID, b.ID, t0.Add(time.Minute), "452 mailbox full", true, t0))
		if due, _ := s.DueDeliveries(ctx, p.ID, t0, 10); len(due) != 0 {
			t.Fatalf("a deferred delivery is due early: %+v", due)
		}
		pr, _ = s.NewsletterProgress(ctx, p.ID)
		if pr.Pending != 1 || !pr.Next.Equal(t0.Add(time.Minute).Truncate(time.Microsecond)) {
			t.Fatalf("progress %+v", pr)
		}
		due, _ = s.DueDeliveries(ctx, p.ID, t0.Add(time.Minute), 10)
		if len(due) != 1 || due[0].Attempts != 1 {
			t.Fatalf("due later: %+v", due)
		}
		_, _ = s.ClaimDelivery(ctx, p.ID, b.ID, t0)
		must(t, s.SettleDelivery(ctx, p.ID, b.ID, broadside.DeliveryFailed, "550 gone", true, t0))
		failed, err := s.ListDeliveries(ctx, p.ID, broadside.DeliveryFailed, 10)
		must(t, err)
		if len(failed) != 1 || failed[0].Subscriber.Email != "b@example.org" || failed[0].Attempts != 2 || failed[0].LastError != "550 gone" {
			t.Fatalf("failed: %+v", failed)
		}
		must(t, s.FinishNewsletter(ctx, p.ID, t0))
		list, err := s.ListNewsletters(ctx, 10)
		must(t, err)
		if len(list) != 1 || list[0].Status != broadside.NewsletterSent || list[0].PostTitle != "Title p" {
			t.Fatalf("newsletters %+v", list)
		}
	})
}

func TestPostAccessFieldsRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "author")
		p := mkPost(t, s, u, "locked", broadside.StatusPublished, t0, func(p *broadside.Post) {
			p.SubscribersOnly, p.SendNewsletter = true, true
		})
		got, err := s.PostByID(ctx, p.ID)
		must(t, err)
		if !got.SubscribersOnly || !got.SendNewsletter {
			t.Fatalf("created: %+v", got)
		}
		got.SubscribersOnly, got.SendNewsletter = false, false
		must(t, s.UpdatePost(ctx, got))
		got, _ = s.PostByID(ctx, p.ID)
		if got.SubscribersOnly || got.SendNewsletter {
			t.Fatalf("updated: %+v", got)
		}
	})
}

func TestPurgeUnconfirmed(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		old := mkSubscriber(t, s, "old@example.org", broadside.SubscriberPending)
		imported := &broadside.Subscriber{Email: "imp@example.org", Status: broadside.SubscriberPending, Source: broadside.SourceImport, CreatedAt: t0}
		must(t, s.CreateSubscriber(ctx, imported))
		fresh := &broadside.Subscriber{Email: "new@example.org", Status: broadside.SubscriberPending, Source: broadside.SourceForm, CreatedAt: t0.Add(40 * 24 * time.Hour)}
		must(t, s.CreateSubscriber(ctx, fresh))
		mkSubscriber(t, s, "ok@example.org", broadside.SubscriberConfirmed)
		n, err := s.PurgeUnconfirmed(ctx, t0.Add(30*24*time.Hour))
		must(t, err)
		if n != 1 {
			t.Fatalf("purged %d, want 1", n)
		}
		if _, err := s.SubscriberByID(ctx, old.ID); broadside.ErrorCode(err) != broadside.ENOTFOUND {
			t.Fatal("an old unconfirmed sign-up survived")
		}
	})
}
