package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// TestDiscussionRenderedOnceForEveryReader: a page of the discussion is rendered once and
// kept for signed-in readers too, until a change bumps the version; a reader with a held
// comment of their own, or following a reply link, gets it rendered for them.
func TestDiscussionRenderedOnceForEveryReader(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withCache())
	ta.settings(publishImmediately)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Talk", "Body.")
	path := ta.postPath(p)
	c := ta.browser().commentAs(p, "Ann", "ann@example.org", "The first word.")
	editor := ta.signIn(ed)
	if r := editor.get(path); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "The first word.") {
		t.Fatalf("editor's page: %d, comment missing", r.StatusCode)
	}
	// Changed behind the cache's back: the kept discussion is served, to another signed-in
	// reader too.
	raw, err := ta.App.Store.CommentByID(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	raw.RawBody = "Edited behind the cache."
	if err := ta.App.Store.UpdateComment(context.Background(), raw); err != nil {
		t.Fatal(err)
	}
	author := ta.signIn(ta.user("au@example.org", broadside.RoleAuthor))
	for name, b := range map[string]*browser{"editor": editor, "author": author} {
		if r := b.get(path); !strings.Contains(r.Body, "The first word.") || !strings.Contains(r.Body, "Signed in as") {
			t.Fatalf("%s: the kept discussion was not served around their own form", name)
		}
	}
	// A reply link renders the thread for this request.
	if r := editor.get(path + "?replytocom=" + strconv.FormatInt(c.ID, 10)); !strings.Contains(r.Body, "Edited behind the cache.") {
		t.Fatal("a reply link was answered from the kept discussion")
	}
	// A change through the services bumps the version.
	ta.settings(func(s *broadside.Settings) { s.Tagline = "Changed" })
	if r := editor.get(path); !strings.Contains(r.Body, "Edited behind the cache.") {
		t.Fatal("the kept discussion outlived a change")
	}
	// A reader whose comment is held sees it; everyone else does not.
	ta.settings(func(s *broadside.Settings) { s.Discussion.ModerationMode = broadside.ModerateHoldAll })
	held := ta.browser()
	f := held.formFor(path)
	f.Set("comment", "Held for moderation.")
	if r := held.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("held comment: %d", r.StatusCode)
	}
	if r := held.get(path); !strings.Contains(r.Body, "Held for moderation.") {
		t.Fatal("the writer does not see their held comment")
	}
	if r := author.get(path); strings.Contains(r.Body, "Held for moderation.") {
		t.Fatal("another reader sees a held comment")
	}
}
