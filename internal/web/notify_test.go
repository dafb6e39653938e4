package web_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
)

// recordingNotifier stands where the mail notifier will be.
type recordingNotifier struct {
	mu    sync.Mutex
	posts []int64
	held  []int64
}

func (n *recordingNotifier) HeldComment(_ context.Context, p *broadside.Post, c *broadside.Comment) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.posts = append(n.posts, p.ID)
	n.held = append(n.held, c.ID)
	return nil
}

// TestHeldCommentNotifiesAuthor: a held comment enqueues a notice for the post's author in
// the same transaction; the job hands it to the notifier once, and not at all when the
// comment was moderated before the job ran.
func TestHeldCommentNotifiesAuthor(t *testing.T) {
	t.Parallel()
	rec := &recordingNotifier{}
	ta := newTestApp(t, func(o *app.Options, _ *config.Config) { o.Notifier = rec })
	p := ta.publish(ta.user("ed@example.org", broadside.RoleEditor), "Watched", "Body.")
	b := ta.browser()
	b.post("/comments", b.formFor(ta.postPath(p)))
	f := b.formFor(ta.postPath(p))
	f.Set("comment", "A second held comment")
	b.post("/comments", f)
	cs := ta.comments(p.ID)
	if len(cs) != 2 || cs[0].Status != broadside.CommentPending {
		t.Fatalf("comments: %+v", cs)
	}
	// The second is approved before the worker gets to it: no notice for it.
	admin := &broadside.User{ID: 1, Role: broadside.RoleAdmin}
	if _, err := ta.App.Comments.SetStatus(context.Background(), []int64{cs[1].ID}, broadside.CommentApproved, admin); err != nil {
		t.Fatal(err)
	}
	// Notices go out once the minute in which the comments were held has closed.
	ta.drainJobs()
	if len(rec.held) != 0 {
		t.Fatal("the notice ran before its window closed")
	}
	ta.Clock.Advance(2 * time.Minute)
	ta.drainJobs()
	if len(rec.held) != 1 || rec.held[0] != cs[0].ID || rec.posts[0] != p.ID {
		t.Fatalf("notices: %+v", rec)
	}
}
