package comments

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestWakeOnlyForJobsDueNow: a comment wakes the job worker only when its transaction queued
// a job that may be due at once (an approval's notifications, a "notify me" request). A held
// comment queues at most the post's held-comment notice, due after its window closes; waking
// the worker for each held comment of a flood cost it a claim and a look at the queue per
// comment (a sixth of the server's CPU under bench/run.sh's comment POSTs) for nothing. The
// notice is still queued, and the worker finds it when it is due.
func TestWakeOnlyForJobsDueNow(t *testing.T) {
	dsn := testdb.SQLite(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)
	st := openStore(t, dsn)
	setDiscussion(t, st, func(d *broadside.Discussion) {
		d.ModerationMode = broadside.ModerateHoldAll
		d.MinSubmitSeconds = 0
		d.NotifyAuthor = true
		d.RateLimitPerMinute = 0
	})
	p := seedPost(t, st, now.Add(-time.Hour))
	wakes := 0
	svc := newService(st, func() time.Time { return now })
	svc.Wake = func() { wakes++ }
	svc.Noticed = func(ctx context.Context, tx *store.Store, post *broadside.Post, c *broadside.Comment, in *Submission) error {
		return nil
	}
	submit := func(body string, notify bool) *Result {
		t.Helper()
		res, err := svc.Submit(ctx, Submission{PostID: p.ID, Author: "Pat", Email: "pat@example.net", Body: body,
			IP: "192.0.2.1", Via: ViaForm, Stamp: svc.Stamp(p.ID, false), NotifyAll: notify})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for i, body := range []string{"One.", "Two.", "Three."} {
		if res := submit(body, false); res.Comment.Status != broadside.CommentPending {
			t.Fatalf("comment %d is %s; want it held", i, res.Comment.Status)
		}
	}
	if wakes != 0 {
		t.Errorf("three held comments woke the worker %d times; want 0", wakes)
	}
	queued, err := st.ListJobs(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	held := 0
	for _, j := range queued {
		if j.Kind != JobNotifyHeld {
			continue
		}
		held++
		if !j.RunAt.After(now) {
			t.Errorf("the held-comment notice is due at %s, not after now (%s): the worker must be woken for it", j.RunAt, now)
		}
	}
	if held != 1 {
		t.Errorf("%d held-comment notices queued; want 1", held)
	}
	submit("Four, and tell me about replies.", true)
	if wakes != 1 {
		t.Errorf("a comment with a notification request woke the worker %d times; want 1", wakes)
	}
	setDiscussion(t, st, func(d *broadside.Discussion) { d.ModerationMode = broadside.ModeratePublish })
	if res := submit("Five, published.", false); res.Comment.Status != broadside.CommentApproved {
		t.Fatalf("comment is %s; want it published", res.Comment.Status)
	}
	if wakes != 2 {
		t.Errorf("an approved comment left the worker woken %d times in all; want 2", wakes)
	}
}
