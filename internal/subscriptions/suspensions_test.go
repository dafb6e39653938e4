package subscriptions_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/subscriptions"
	"github.com/broadside/broadside/internal/testdb"
)

// TestLiftSuspensionsInBulk: the admin lifts the suspensions one newsletter caused, those
// since a date, or ticked ones; sees the count first; nobody else is touched.
func TestLiftSuspensionsInBulk(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		ctx := context.Background()
		add := func(prefix string, n int) []*broadside.Subscriber {
			var out []*broadside.Subscriber
			for i := 0; i < n; i++ {
				sub, err := e.svc.Add(ctx, e.admin, subscriptions.AddInput{Email: fmt.Sprintf("%s%d@example.net", prefix, i)}, "192.0.2.1")
				must(t, err)
				out = append(out, sub)
			}
			return out
		}
		suspend := func(subs []*broadside.Subscriber, postID int64) {
			for _, s := range subs {
				for i := 0; i < broadside.MaxBounces; i++ {
					_, err := e.st.RecordBounce(ctx, s.ID, postID, "550 5.7.1 sender refused", broadside.MaxBounces, e.clk.Now())
					must(t, err)
				}
			}
		}
		byA, byB, fine := add("a", 4), add("b", 3), add("ok", 2)
		suspend(byA, 101)
		e.clk.Advance(48 * time.Hour)
		since := e.clk.Now()
		suspend(byB, 202)

		groups, err := e.svc.SuspensionGroups(ctx, e.admin)
		must(t, err)
		if len(groups) != 2 || groups[0].PostID != 202 || groups[0].Count != 3 || groups[1].PostID != 101 || groups[1].Count != 4 {
			t.Fatalf("groups %+v", groups)
		}
		count := func(in subscriptions.LiftInput) int {
			n, err := e.svc.CountSuspended(ctx, e.admin, in)
			must(t, err)
			return n
		}
		if n := count(subscriptions.LiftInput{PostID: 101}); n != 4 {
			t.Fatalf("suspended by newsletter 101: %d", n)
		}
		if n := count(subscriptions.LiftInput{Since: since}); n != 3 {
			t.Fatalf("suspended since: %d", n)
		}
		if n := count(subscriptions.LiftInput{IDs: []int64{byA[0].ID, byB[0].ID, fine[0].ID}}); n != 2 {
			t.Fatalf("ticked: %d (a confirmed address is not suspended)", n)
		}
		if n := count(subscriptions.LiftInput{All: true}); n != 7 {
			t.Fatalf("all: %d", n)
		}
		_, err = e.svc.LiftSuspensions(ctx, e.admin, subscriptions.LiftInput{})
		wantCode(t, err, broadside.EINVALID)
		author := &broadside.User{ID: 99, Role: broadside.RoleAuthor}
		_, err = e.svc.LiftSuspensions(ctx, author, subscriptions.LiftInput{All: true})
		wantCode(t, err, broadside.EFORBIDDEN)

		n, err := e.svc.LiftSuspensions(ctx, e.admin, subscriptions.LiftInput{PostID: 101})
		must(t, err)
		if n != 4 {
			t.Fatalf("lifted %d, want 4", n)
		}
		for _, s := range byA {
			got, _ := e.st.SubscriberByID(ctx, s.ID)
			if got.Status != broadside.SubscriberConfirmed || got.Bounces != 0 || got.LastError != "" {
				t.Fatalf("after lifting: %+v", got)
			}
		}
		for _, s := range byB {
			if got, _ := e.st.SubscriberByID(ctx, s.ID); got.Status != broadside.SubscriberBounced {
				t.Fatalf("%s was lifted with the other newsletter's: %s", got.Email, got.Status)
			}
		}
		if n, err := e.svc.LiftSuspensions(ctx, e.admin, subscriptions.LiftInput{IDs: []int64{byB[1].ID}}); err != nil || n != 1 {
			t.Fatalf("ticked: %d, %v", n, err)
		}
		if n := count(subscriptions.LiftInput{All: true}); n != 2 {
			t.Fatalf("left suspended: %d, want 2", n)
		}
	})
}
