package comments

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestNotificationRequestSharesTheCommentsTransaction: the "notify me" boxes are recorded in
// the transaction that stores the comment, so a request is kept exactly when its comment is:
// when recording it fails, the comment is not stored either (and the reader sees an error
// rather than a comment whose request was silently lost); when it works, both are there.
func TestNotificationRequestSharesTheCommentsTransaction(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		st := openStore(t, dsn)
		setDiscussion(t, st, func(d *broadside.Discussion) {
			d.ModerationMode = broadside.ModeratePublish
			d.MinSubmitSeconds = 0
		})
		p := seedPost(t, st, now.Add(-time.Hour))
		failing := true
		svc := &Service{Store: st, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Settings: st.LoadSettings, Secret: []byte("a secret for the form stamps"),
			Noticed: func(ctx context.Context, tx *store.Store, post *broadside.Post, c *broadside.Comment, in *Submission) error {
				if c.ID == 0 || !in.NotifyAll {
					t.Errorf("hook ran with comment %d, NotifyAll %v", c.ID, in.NotifyAll)
				}
				if _, err := tx.AddCommentSubscription(ctx, &broadside.CommentSubscription{PostID: post.ID, Email: c.AuthorEmail, CreatedAt: now}); err != nil {
					return err
				}
				if failing {
					return errors.New("the disk filled up")
				}
				return nil
			}}
		submit := func(body string) error {
			_, err := svc.Submit(ctx, Submission{PostID: p.ID, Author: "Pat", Email: "pat@example.net", Body: body,
				IP: "192.0.2.1", Via: ViaForm, Stamp: svc.Stamp(p.ID, false), NotifyAll: true})
			return err
		}
		if err := submit("First try."); err == nil {
			t.Fatal("Submit succeeded although recording the request failed")
		}
		cs, err := st.ThreadComments(ctx, p.ID, broadside.CommentStatuses, nil)
		if err != nil {
			t.Fatal(err)
		}
		subs, err := st.CommentSubscriptionsByEmail(ctx, "pat@example.net")
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 0 || len(subs) != 0 {
			t.Fatalf("after a failed request: %d comments, %d subscriptions stored; want none of either", len(cs), len(subs))
		}
		failing = false
		if err := submit("Second try."); err != nil {
			t.Fatal(err)
		}
		cs, _ = st.ThreadComments(ctx, p.ID, broadside.CommentStatuses, nil)
		subs, _ = st.CommentSubscriptionsByEmail(ctx, "pat@example.net")
		if len(cs) != 1 || len(subs) != 1 {
			t.Fatalf("%d comments, %d subscriptions stored; want 1 and 1", len(cs), len(subs))
		}
	})
}
