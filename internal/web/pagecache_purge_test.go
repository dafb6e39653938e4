package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testdb"
)

// TestTargetedPurgeSQLite and TestTargetedPurgePostgres: a change purges the pages that show
// what changed, not every page. A comment on post A makes A's page, the home page and the
// feeds render again, and leaves post B's page and B's archive served from the cache; an
// edit of B purges B's page and archives and leaves A's; a settings change purges everything.
func TestTargetedPurgeSQLite(t *testing.T) { targetedPurge(t, newTestApp(t, withCache())) }

func TestTargetedPurgePostgres(t *testing.T) {
	t.Parallel()
	targetedPurge(t, newTestApp(t, withCache(), withDSN(testdb.Postgres(t))))
}

func targetedPurge(t *testing.T, ta *testApp) {
	ta.settings(publishImmediately)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	tagged := func(tag string) func(*posts.Input) { return func(in *posts.Input) { in.Tags = []string{tag} } }
	a := ta.publish(ed, "Post A", "About apples.", tagged("apples"))
	b := ta.publish(ed, "Post B", "About bees.", tagged("bees"))
	pageA, pageB := ta.postPath(a), ta.postPath(b)
	pages := []string{pageA, pageB, "/", "/feed/", "/comments/feed/", "/tag/apples/", "/tag/bees/", "/sitemap-posts.xml"}
	anon := ta.browser()
	warm := func() {
		t.Helper()
		for _, p := range pages {
			anon.get(p)
			if r := anon.get(p); r.StatusCode != http.StatusOK || r.Header.Get("X-Cache") != "hit" {
				t.Fatalf("GET %s twice: %d, X-Cache %q, want a cache hit", p, r.StatusCode, r.Header.Get("X-Cache"))
			}
		}
	}
	expect := func(after string, want map[string]string) {
		t.Helper()
		for _, p := range pages {
			if got := anon.get(p).Header.Get("X-Cache"); got != want[p] {
				t.Errorf("after %s, GET %s: X-Cache %q, want %q", after, p, got, want[p])
			}
		}
	}

	warm()
	commenter := ta.browser()
	f := commenter.formFor(pageA)
	f.Set("comment", "A comment on A.")
	if r := commenter.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment on A: %d\n%s", r.StatusCode, r.Body)
	}
	expect("a comment on A", map[string]string{pageA: "miss", pageB: "hit", "/": "miss", "/feed/": "miss",
		"/comments/feed/": "miss", "/tag/apples/": "miss", "/tag/bees/": "hit", "/sitemap-posts.xml": "miss"})

	warm()
	if _, err := ta.App.Posts.Save(context.Background(), b.ID, posts.Input{Type: broadside.TypePost, Title: "Post B, edited",
		Body: "About bees.", Status: broadside.StatusPublished, PublishedAt: b.PublishedAt, CommentsOpen: true,
		Tags: []string{"bees"}}, ed); err != nil {
		t.Fatal(err)
	}
	expect("an edit of B", map[string]string{pageA: "hit", pageB: "miss", "/": "miss", "/feed/": "miss",
		"/comments/feed/": "miss", "/tag/apples/": "hit", "/tag/bees/": "miss", "/sitemap-posts.xml": "miss"})

	warm()
	ta.settings(func(s *broadside.Settings) { s.Tagline = "Everything changes" })
	all := map[string]string{}
	for _, p := range pages {
		all[p] = "miss"
	}
	expect("a settings change", all)
}
