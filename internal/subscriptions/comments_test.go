package subscriptions_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
	"github.com/broadside/broadside/internal/subscriptions"
	"github.com/broadside/broadside/internal/testdb"
)

// TestCommentNotifications: a commenter ticks both boxes and confirms by email; new comments
// on the post and replies to their comment reach them once, never their own; the per-post
// link stops them.
func TestCommentNotifications(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	ctx := context.Background()
	set, _ := e.st.LoadSettings(ctx)
	set.Discussion.ModerationMode = broadside.ModeratePublish
	set.Discussion.MinSubmitSeconds = 0
	must(t, e.st.SaveSettings(ctx, set))
	cs := &comments.Service{Store: e.st, Now: e.clk.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Settings: e.st.LoadSettings,
		Secret: []byte("comment stamps in this test")}
	p := &broadside.Post{Type: broadside.TypePost, AuthorID: e.admin.ID, Title: "Open thread", Slug: "open-thread", RawBody: "Talk.",
		BodyFormat: broadside.FormatMarkdown, Status: broadside.StatusPublished, PublishedAt: e.clk.Now().Add(-time.Hour),
		CreatedAt: e.clk.Now(), UpdatedAt: e.clk.Now(), CommentsOpen: true}
	must(t, e.st.CreatePost(ctx, p))
	submit := func(name, email, body string, parent int64) *broadside.Comment {
		t.Helper()
		stamp := cs.Stamp(p.ID, false) // the form the commenter loaded
		e.clk.Advance(time.Minute)
		r, err := cs.Submit(ctx, comments.Submission{PostID: p.ID, ParentID: parent, Author: name, Email: email, Body: body, IP: "192.0.2.1", Stamp: stamp})
		must(t, err)
		if r.Comment.Status != broadside.CommentApproved {
			t.Fatalf("comment held: %+v", r.Verdict)
		}
		return r.Comment
	}

	rita := submit("Rita", "Rita@example.net", "First!", 0)
	must(t, e.svc.RequestCommentNotices(ctx, subscriptions.CommentRequest{Post: p, Comment: rita, AllComments: true, Replies: true, IP: "192.0.2.1"}))
	e.drain()
	ms := e.mails("rita@example.net")
	if len(ms) != 1 || !strings.HasPrefix(ms[0].Subject(), "Confirm comment notifications") {
		t.Fatalf("confirmation: %d mails", len(ms))
	}
	// Before confirming, nothing is sent.
	submit("Bob", "bob@example.net", "Unconfirmed period", 0)
	e.drain()
	if n := len(e.mails("rita@example.net")); n != 1 {
		t.Fatalf("notices before confirmation: %d", n)
	}
	got, err := e.svc.ConfirmComments(ctx, token(t, ms[0], "/subscribe/comments/confirm?t="))
	must(t, err)
	if got.ID != p.ID {
		t.Fatalf("confirmed post %d", got.ID)
	}

	reply := submit("Bob", "bob@example.net", "Replying to Rita", rita.ID)
	submit("Rita", "rita@example.net", "My own comment: no notice", 0)
	e.drain()
	ms = e.mails("rita@example.net")
	if len(ms) != 2 {
		t.Fatalf("rita has %d mails, want the confirmation and one notice", len(ms))
	}
	n := ms[1]
	if n.Subject() != `[The Daily Broadside] Bob replied to your comment on "Open thread"` || !strings.Contains(n.Text, "Replying to Rita") {
		t.Fatalf("notice %q:\n%s", n.Subject(), n.Text)
	}
	if n.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("a comment notice lacks Auto-Submitted: %q", n.Header.Get("Auto-Submitted"))
	}
	if n.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Error("comment notices need one-click unsubscribe")
	}
	n.Link(t, "#comment-")
	// Approving the same comment again (after unapproving) does not notify twice.
	admin := e.admin
	_, err = cs.SetStatus(ctx, []int64{reply.ID}, broadside.CommentPending, admin)
	must(t, err)
	_, err = cs.SetStatus(ctx, []int64{reply.ID}, broadside.CommentApproved, admin)
	must(t, err)
	e.drain()
	if len(e.mails("rita@example.net")) != 2 {
		t.Fatal("a re-approved comment was announced twice")
	}

	_, err = e.svc.StopCommentNotices(ctx, token(t, n, "/subscribe/comments/stop?t="))
	must(t, err)
	submit("Carol", "carol@example.net", "After the stop", 0)
	e.drain()
	if len(e.mails("rita@example.net")) != 2 {
		t.Fatal("notices continued after the stop link")
	}
}

// TestSignedInReaderNeedsNoConfirmation: a subscriber signed in as the comment's address is
// subscribed to the discussion at once.
func TestSignedInReaderNeedsNoConfirmation(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	ctx := context.Background()
	sub := &broadside.Subscriber{Email: "reader@example.net", Status: broadside.SubscriberConfirmed, ConfirmedAt: e.clk.Now()}
	must(t, e.st.CreateSubscriber(ctx, sub))
	p := &broadside.Post{Type: broadside.TypePost, AuthorID: e.admin.ID, Title: "T", Slug: "t", RawBody: "b", BodyFormat: "markdown",
		Status: broadside.StatusPublished, PublishedAt: e.clk.Now(), CreatedAt: e.clk.Now(), UpdatedAt: e.clk.Now()}
	must(t, e.st.CreatePost(ctx, p))
	c := &broadside.Comment{PostID: p.ID, AuthorName: "R", AuthorEmail: "reader@example.net", RawBody: "x", Status: broadside.CommentApproved, CreatedAt: e.clk.Now()}
	must(t, e.st.CreateComment(ctx, c))
	must(t, e.svc.RequestCommentNotices(ctx, subscriptions.CommentRequest{Post: p, Comment: c, AllComments: true, Reader: sub}))
	e.drain()
	if n := len(e.mails("reader@example.net")); n != 0 {
		t.Fatalf("%d confirmation mails to a signed-in reader", n)
	}
	list, err := e.svc.CommentSubscriptions(ctx, "reader@example.net")
	must(t, err)
	if len(list) != 1 || !list[0].Confirmed {
		t.Fatalf("subscriptions %+v", list)
	}
}
