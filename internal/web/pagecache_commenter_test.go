package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"golang.org/x/net/html"
)

// TestPageCacheReturningCommenter: a reader whose details are remembered gets the cached page
// with their name, e-mail and website in the form (escaped), the box ticked and a one-time
// stamp of their own that a comment can be sent with; nothing else differs.
func TestPageCacheReturningCommenter(t *testing.T) {
	ta := newTestApp(t, withCache())
	// Without an edit window: within one, a commenter's pages are their own (with their edit
	// link, TestCommenterEditWindow), not built on the shared one.
	ta.settings(func(s *broadside.Settings) {
		publishImmediately(s)
		s.Discussion.EditMinutes = 0
	})
	p := ta.publish(ta.user("ed@example.org", broadside.RoleEditor), "Cached", "Body.")
	path := ta.postPath(p)

	pat := ta.browser()
	f := pat.formFor(path)
	f.Set("author", `Pat "Q" & <Co>`)
	f.Set("url", "https://pat.example/?a=1&b=2")
	f.Set("wp-comment-cookies-consent", "yes")
	if r := pat.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first comment: %d", r.StatusCode)
	}
	if pat.cookie("bs_commenter") == "" {
		t.Fatal("no commenter cookie")
	}

	anon := ta.browser().get(path) // renders and stores the anonymous page
	raw, _ := ta.App.Store.PostByID(context.Background(), p.ID)
	raw.Title = "Edited behind the cache"
	if err := ta.App.Store.UpdatePost(context.Background(), raw); err != nil {
		t.Fatal(err)
	}
	r := pat.get(path)
	if r.StatusCode != http.StatusOK || strings.Contains(r.Body, "Edited behind the cache") {
		t.Fatalf("the returning commenter's page was not built on the cached one (%d)", r.StatusCode)
	}
	doc := parseHTML(t, r.Body)
	for id, want := range map[string]string{"author": `Pat "Q" & <Co>`, "email": "pat@example.org", "url": "https://pat.example/?a=1&b=2"} {
		if got := attr(byID(doc, id), "value"); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	ticked := false
	if box := byID(doc, "wp-comment-cookies-consent"); box != nil {
		for _, a := range box.Attr {
			ticked = ticked || a.Key == "checked"
		}
	}
	if !ticked {
		t.Error("the remember box is not ticked")
	}
	if strings.Contains(r.Body, `<Co>`) {
		t.Error("the name was written unescaped")
	}
	stamp := func(body string) string {
		// The comment form's stamp, not a Report form's (those are shared by design).
		for _, in := range find(byID(parseHTML(t, body), "commentform"), func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "ts" }) {
			return attr(in, "value")
		}
		return ""
	}
	if s := stamp(r.Body); s == "" || s == stamp(anon.Body) {
		t.Errorf("the commenter's stamp %q is empty or the shared one", s)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Errorf("Cache-Control %q: a personal page must not be stored by shared caches", cc)
	}
	// The form works: a second comment sent with its stamp is stored.
	pat.commentAs(p, "Pat", "pat@example.org", "A second comment through the cached form.")
}
