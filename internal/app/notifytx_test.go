package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testdb"
)

// TestChangeAnnouncedByItsCommit: a node that commits a change and dies before its
// post-commit hook runs has still told the other nodes, because the invalidation left with
// the commit. The "crash" is the writer's hooks removed: nothing runs after the commit.
func TestChangeAnnouncedByItsCommit(t *testing.T) {
	t.Parallel()
	dsn := testdb.Postgres(t)
	cfg := config.Defaults()
	cfg.DB = dsn
	path, postID := prepare(t, cfg)
	a1, _ := startNode(t, cfg)
	a2, s2 := startNode(t, cfg)
	ctx := context.Background()
	// Node 2 must be listening before the change, or it could not hear it at all.
	deadline := time.Now().Add(30 * time.Second)
	for !a2.ListenerConnected() {
		if time.Now().After(deadline) {
			t.Fatal("node 2 never became ready (listening)")
		}
		time.Sleep(20 * time.Millisecond)
	}
	page := func() string { return getPage(t, s2, path) }
	// waitFor allows far less than the page cache's 30 s life, so only an announcement can
	// make node 2 drop its copy in time.
	waitFor := func(what, want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(page(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("node 2 still serves the old page 10 s after node 1 committed %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if !strings.Contains(page(), "Everyone is here.") {
		t.Fatal("node 2 does not show the post")
	}
	a1.Posts.Changed, a1.Posts.Wake, a1.Settings.Changed = nil, nil, nil

	admin, err := a1.Store.UserByEmail(ctx, "ed@example.org")
	if err != nil {
		t.Fatal(err)
	}
	p, err := a1.Posts.Get(ctx, postID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a1.Posts.Save(ctx, postID, posts.Input{Type: broadside.TypePost, Title: p.Title, Slug: p.Slug,
		Body: "Nobody is here any more.", Status: broadside.StatusPublished, CommentsOpen: true}, admin); err != nil {
		t.Fatal(err)
	}
	waitFor("a post edit", "Nobody is here any more.")

	set, err := a1.Settings.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.Title = "Committed Gazette"
	if err := a1.Settings.Save(ctx, set, admin); err != nil {
		t.Fatal(err)
	}
	waitFor("a settings change", "Committed Gazette")
}
