package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testdb"
)

// The signed-in readers' page cache (pagecache_signedin.go), issue 11 goal 1: what one reader
// sees never reaches another (their name, a held comment, a prefilled form, a form stamp, a
// subscriber-only text), and a change shows on the very next request.
func TestSignedInPageCache(t *testing.T) { runSignedInPageCache(t) }

func TestSignedInPageCacheOnPostgres(t *testing.T) {
	t.Parallel()
	runSignedInPageCache(t, withDSN(testdb.Postgres(t)))
}

// formStamp is the comment form's one-time stamp on a page ("" when it has no form).
func formStamp(t *testing.T, body string) string {
	t.Helper()
	form := byID(parseHTML(t, body), "commentform")
	if form == nil {
		return ""
	}
	for _, in := range find(form, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "ts" }) {
		return attr(in, "value")
	}
	return ""
}

func runSignedInPageCache(t *testing.T, opts ...appOption) {
	var srv *mailtest.Server
	ta := newTestApp(t, append([]appOption{withMail(t, &srv), withCache()}, opts...)...)
	ta.settings(func(s *broadside.Settings) { s.Discussion.EditMinutes = 0 })
	ctx := context.Background()
	ed1 := ta.user("one@example.org", broadside.RoleEditor)
	ed1.DisplayName = "Editor Oneword"
	if err := ta.App.Store.UpdateUser(ctx, ed1); err != nil {
		t.Fatal(err)
	}
	ed2 := ta.user("two@example.org", broadside.RoleEditor)
	ed2.DisplayName = "Editor Twoword"
	if err := ta.App.Store.UpdateUser(ctx, ed2); err != nil {
		t.Fatal(err)
	}
	author := ta.user("author@example.org", broadside.RoleAuthor)
	open := ta.publish(author, "Open story", "Openword body.")
	locked := ta.publish(author, "Locked story", lockedBody, func(in *posts.Input) { in.SubscribersOnly = yes() })
	openPath, lockedPath := ta.postPath(open), ta.postPath(locked)

	one, two := ta.signIn(ed1), ta.signIn(ed2)
	reader := ta.subscribe(srv, "reader@example.net", "")
	reader.get(openPath) // shows and drops the "you are subscribed" flash, which keeps a page personal
	anon := ta.browser()

	get := func(b *browser, path, who string) *response {
		t.Helper()
		r := b.get(path)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s GET %s: %d", who, path, r.StatusCode)
		}
		return r
	}
	// Each signed-in reader's second request is served from their kept page.
	for _, b := range []struct {
		name string
		b    *browser
	}{{"editor one", one}, {"editor two", two}, {"subscriber", reader}} {
		get(b.b, openPath, b.name)
		if r := get(b.b, openPath, b.name); r.Header.Get("X-Cache") != "hit" {
			t.Errorf("%s's second request: X-Cache %q, want hit", b.name, r.Header.Get("X-Cache"))
		} else if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
			t.Errorf("%s's kept page has Cache-Control %q", b.name, cc)
		}
	}

	// A held comment, a remembered commenter's details.
	pat := ta.browser()
	f := pat.formFor(openPath)
	f.Set("author", "Pat Patword")
	f.Set("email", "pat@patmail.example")
	f.Set("comment", "Heldword from Pat.")
	f.Set("wp-comment-cookies-consent", "yes")
	if r := pat.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("pat's comment: %d", r.StatusCode)
	}
	held := ta.stored(open, "Heldword from Pat.")
	if held.Status != broadside.CommentPending {
		t.Fatalf("pat's first comment is %s, want held", held.Status)
	}
	if r := get(pat, openPath, "pat"); !strings.Contains(r.Body, "Heldword") {
		t.Fatal("pat does not see their own held comment")
	}

	// Who must see what, and what never. Each row is fetched twice (render, then kept).
	type row struct {
		who        string
		b          *browser
		path       string
		want, deny []string
	}
	secret, teaser := "Secretword", "Teaserword"
	table := []row{
		{"editor one", one, openPath, []string{"Editor Oneword"}, []string{"Editor Twoword", "Heldword", "Pat Patword", "pat@patmail.example", "reader@example.net"}},
		{"editor two", two, openPath, []string{"Editor Twoword"}, []string{"Editor Oneword", "Heldword", "Pat Patword", "pat@patmail.example", "reader@example.net"}},
		{"subscriber", reader, openPath, []string{"reader@example.net"}, []string{"Signed in as", "Heldword", "Pat Patword", "pat@patmail.example"}},
		{"anonymous", anon, openPath, nil, []string{"Editor Oneword", "Editor Twoword", "reader@example.net", "Heldword", "Pat Patword"}},
		{"subscriber, locked post", reader, lockedPath, []string{secret, teaser}, []string{"Signed in as"}},
		{"editor one, locked post", one, lockedPath, []string{secret, "Editor Oneword"}, []string{"Editor Twoword", "reader@example.net"}},
		{"anonymous, locked post", anon, lockedPath, []string{teaser}, []string{secret, "reader@example.net", "Editor Oneword"}},
		{"editor two, locked post", two, lockedPath, []string{secret, "Editor Twoword"}, []string{"Editor Oneword", "reader@example.net"}},
		{"anonymous again, locked post", anon, lockedPath, []string{teaser}, []string{secret}},
	}
	check := func(stage string) {
		t.Helper()
		for _, rw := range table {
			for i := range 2 {
				body := get(rw.b, rw.path, rw.who).Body
				for _, w := range rw.want {
					if !strings.Contains(body, w) {
						t.Errorf("%s, %s (request %d): %q missing", stage, rw.who, i+1, w)
					}
				}
				for _, d := range rw.deny {
					if strings.Contains(body, d) {
						t.Errorf("%s, %s (request %d): shows %q", stage, rw.who, i+1, d)
					}
				}
			}
		}
	}
	check("with a held comment")

	// A kept page's form stamp is fresh per request, and works.
	s1, s2 := formStamp(t, get(one, openPath, "editor one").Body), formStamp(t, get(one, openPath, "editor one").Body)
	if s1 == "" || s1 == s2 {
		t.Fatalf("editor one's stamps %q and %q: want two different one-time stamps", s1, s2)
	}
	if s3 := formStamp(t, get(two, openPath, "editor two").Body); s3 == s2 || s3 == s1 {
		t.Fatal("two editors got the same stamp")
	}
	f = one.formFor(openPath)
	f.Set("comment", "Editorword reply from the kept page.")
	if r := one.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a comment sent from a kept page: %d\n%s", r.StatusCode, r.Body)
	}
	// ... and it shows at once, to every reader, kept pages included.
	for _, b := range []*browser{one, two, reader, anon} {
		if !strings.Contains(get(b, openPath, "reader").Body, "Editorword") {
			t.Error("the editor's new comment is missing from a reader's next page")
		}
	}

	// An approval shows on everyone's next request.
	ta.approve(held.ID)
	for _, b := range []*browser{one, two, reader, anon} {
		if !strings.Contains(get(b, openPath, "reader").Body, "Heldword") {
			t.Error("an approved comment is missing from a reader's next page")
		}
	}
	// An edit.
	if _, err := ta.App.Comments.Update(ctx, held.ID, comments.Edit{Author: "Pat Patword", Email: "pat@patmail.example",
		Body: "Editedword by the moderator.", Status: broadside.CommentApproved}, moderator); err != nil {
		t.Fatal(err)
	}
	for _, b := range []*browser{one, two, reader, anon} {
		if body := get(b, openPath, "reader").Body; !strings.Contains(body, "Editedword") || strings.Contains(body, "Heldword") {
			t.Error("an edited comment is stale on a reader's next page")
		}
	}
	// A removal (to the trash).
	if _, err := ta.App.Comments.SetStatus(ctx, []int64{held.ID}, broadside.CommentTrash, moderator); err != nil {
		t.Fatal(err)
	}
	for _, b := range []*browser{one, two, reader, anon} {
		if strings.Contains(get(b, openPath, "reader").Body, "Editedword") {
			t.Error("a deleted comment is still on a reader's next page")
		}
	}
	// A post edit reaches the kept subscriber page of the locked post at once.
	raw, err := ta.App.Posts.Get(ctx, locked.ID)
	if err != nil {
		t.Fatal(err)
	}
	raw.Title = "Retitledword"
	if err := ta.App.Store.UpdatePost(ctx, raw); err != nil {
		t.Fatal(err)
	}
	ta.App.Cache.Purge(broadside.CacheTagPost(locked.ID)) // what the posts service announces
	if !strings.Contains(get(reader, lockedPath, "subscriber").Body, "Retitledword") {
		t.Error("the subscriber's kept page did not follow an edit of the post")
	}
}
