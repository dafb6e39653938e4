package app

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/comments"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestHooksReadThroughTheirTransaction: the hooks that run inside a save's transaction (the
// federation's PostChanged and CommentChanged, the newsletter's OnPublish, the notices) read
// only through that transaction. On PostgreSQL a read through the pool from there needs a
// second connection while the transaction holds one: with pool_max_conns=1 (or as many saves
// at once as the pool has connections) it waits forever, and PublishDue, run with the
// worker's context, would never return. The settings copy is dropped before each hook, as
// if its five seconds had just run out, so the settings are read too, not only the
// categories. Each step has a generous deadline so the old code fails instead of hanging.
func TestHooksReadThroughTheirTransaction(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("pool_max_conns", "1")
	u.RawQuery = q.Encode()
	cfg := config.Defaults()
	cfg.DB = u.String()
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	a, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
		Options{NoCache: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Store.Dialect() != store.DialectPostgres {
		t.Fatalf("dialect %q, want PostgreSQL", a.Store.Dialect())
	}
	federate, federateComment := a.Posts.Federate, a.Comments.Federate
	a.Posts.Federate = func(ctx context.Context, tx *store.Store, p *broadside.Post, wasPublic bool) error {
		a.Settings.forget()
		return federate(ctx, tx, p, wasPublic)
	}
	a.Comments.Federate = func(ctx context.Context, tx *store.Store, before, after *broadside.Comment) error {
		a.Settings.forget()
		return federateComment(ctx, tx, before, after)
	}
	step := func(what string, fn func(ctx context.Context) error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := fn(ctx); err != nil {
			t.Fatalf("%s: %v (a hook read through the pool while its transaction held the only connection?)", what, err)
		}
	}

	admin := &broadside.User{Email: "ed@example.org", Role: broadside.RoleAdmin}
	step("create the admin", func(ctx context.Context) error { return a.Auth.CreateUser(ctx, admin, "a long enough password") })
	var p *broadside.Post
	step("publish a post", func(ctx context.Context) (err error) {
		p, err = a.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: "Hello", Body: "First.",
			Status: broadside.StatusPublished, CommentsOpen: true}, admin)
		return err
	})
	step("schedule a post", func(ctx context.Context) error {
		_, err := a.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: "Later", Body: "Soon.",
			Status: broadside.StatusPublished, PublishedAt: now.Add(time.Hour), CommentsOpen: true}, admin)
		return err
	})
	now = now.Add(2 * time.Hour)
	step("publish the due post", a.Posts.PublishDue)

	parent := &broadside.Comment{PostID: p.ID, Kind: broadside.KindComment, AuthorName: "Ann", AuthorEmail: "ann@example.org",
		RawBody: "A question.", Status: broadside.CommentPending, CreatedAt: now}
	step("store a held comment", func(ctx context.Context) error { return a.Store.CreateComment(ctx, parent) })
	var reply *broadside.Comment
	step("reply to it as a moderator (approves it)", func(ctx context.Context) (err error) {
		reply, err = a.Comments.Reply(ctx, parent.ID, "An answer.", admin, "192.0.2.1")
		return err
	})
	step("post a reply through the group commit", func(ctx context.Context) error {
		_, err := a.Comments.Submit(ctx, comments.Submission{PostID: p.ID, ParentID: parent.ID, Body: "Another answer.",
			IP: "192.0.2.1", User: admin, Via: comments.ViaAPI})
		return err
	})
	step("withdraw and approve the reply", func(ctx context.Context) error {
		if _, err := a.Comments.SetStatus(ctx, []int64{reply.ID}, broadside.CommentTrash, admin); err != nil {
			return err
		}
		_, err := a.Comments.SetStatus(ctx, []int64{reply.ID}, broadside.CommentApproved, admin)
		return err
	})
	step("trash the post", func(ctx context.Context) error {
		_, err := a.Posts.Trash(ctx, p.ID, admin)
		return err
	})

	// The hooks did their work, not just returned: each change of a public post left its
	// job, under the post's permalink as the web serves it.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	js, err := a.Store.ListJobs(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, j := range js {
		var c struct {
			PostID   int64  `json:"post_id"`
			Kind     string `json:"kind"`
			ObjectID string `json:"object_id"`
		}
		if j.Kind != activitypub.JobPost || json.Unmarshal(j.Payload, &c) != nil || c.PostID != p.ID {
			continue
		}
		kinds[c.Kind] = c.ObjectID
	}
	want := strings.TrimSuffix(cfg.PublicURL(), "/") + "/2026/12/05/hello/"
	for _, k := range []string{"Create", "Delete"} {
		if kinds[k] != want {
			t.Errorf("%s of the post: object id %q, want %q (jobs: %v)", k, kinds[k], want, kinds)
		}
	}
}
