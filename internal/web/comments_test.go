package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// formFor loads the post page and returns its comment form's hidden fields filled in with
// a reader's details, then lets enough time pass for the minimum-time check.
func (b *browser) formFor(path string) url.Values {
	b.t.Helper()
	r := b.get(path)
	if r.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: %d", path, r.StatusCode)
	}
	doc := parseHTML(b.t, r.Body)
	form := byID(doc, "commentform")
	if form == nil {
		b.t.Fatalf("no comment form on %s", path)
	}
	v := url.Values{}
	for _, in := range find(form, func(n *html.Node) bool { return n.Data == "input" && attr(n, "type") == "hidden" }) {
		v.Set(attr(in, "name"), attr(in, "value"))
	}
	v.Set("author", "Pat Reader")
	v.Set("email", "pat@example.org")
	v.Set("comment", "A considered comment.")
	b.ta.Clock.Advance(30 * time.Second)
	return v
}

func (ta *testApp) settings(mod func(*broadside.Settings)) {
	ta.t.Helper()
	ctx := context.Background()
	s, err := ta.App.Settings.Load(ctx)
	if err != nil {
		ta.t.Fatal(err)
	}
	mod(&s)
	admin := &broadside.User{ID: -1, Role: broadside.RoleAdmin}
	if err := ta.App.Settings.Save(ctx, s, admin); err != nil {
		ta.t.Fatalf("save settings: %v", err)
	}
}

func (ta *testApp) comments(postID int64) []broadside.Comment {
	ta.t.Helper()
	cs, err := ta.App.Store.ThreadComments(context.Background(), postID, broadside.CommentStatuses, nil)
	if err != nil {
		ta.t.Fatal(err)
	}
	return cs
}

func publishImmediately(s *broadside.Settings) {
	s.Discussion.ModerationMode = broadside.ModeratePublish
}

func TestCommentNoJSReplyFlow(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(publishImmediately)
	author := ta.user("editor@example.org", broadside.RoleEditor)
	p := ta.publish(author, "Thumbs his nose", "Body text.")
	path := ta.postPath(p)
	reader := ta.browser()

	// A top-level comment lands on its own anchor.
	f := reader.formFor(path)
	f.Set("author", "hilary772013")
	f.Set("comment", "I left Momentum when they did that.")
	r := reader.post("/comments", f)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /comments: %d\n%s", r.StatusCode, r.Body)
	}
	parent := ta.comments(p.ID)[0]
	if want := path + "#comment-" + strconv.FormatInt(parent.ID, 10); r.Header.Get("Location") != want {
		t.Fatalf("Location = %q, want %q", r.Header.Get("Location"), want)
	}

	// Reply without JavaScript: the Reply link's URL renders the form for that comment.
	page := reader.get(path)
	doc := parseHTML(t, page.Body)
	links := find(doc, func(n *html.Node) bool { return hasClass(n, "comment-reply-link") })
	if len(links) != 1 {
		t.Fatalf("want 1 reply link, got %d", len(links))
	}
	replyURL := attr(links[0], "href")
	if want := path + "?replytocom=" + strconv.FormatInt(parent.ID, 10) + "#respond"; replyURL != want {
		t.Fatalf("reply href = %q, want %q", replyURL, want)
	}
	rp := reader.get(strings.TrimSuffix(replyURL, "#respond"))
	doc = parseHTML(t, rp.Body)
	if got := textOf(byID(doc, "reply-title-text")); got != "Leave a Reply to hilary772013" {
		t.Fatalf("reply title = %q", got)
	}
	cancel := byID(doc, "cancel-comment-reply-link")
	if cancel == nil || textOf(cancel) != "Cancel reply" || attr(cancel, "href") != path+"#respond" {
		t.Fatalf("cancel link wrong: %+v", cancel)
	}
	if _, hidden := attrOK(cancel, "hidden"); hidden {
		t.Fatal("cancel link hidden while replying")
	}
	if got := attr(byID(doc, "comment_parent"), "value"); got != strconv.FormatInt(parent.ID, 10) {
		t.Fatalf("comment_parent = %q", got)
	}
	if !strings.Contains(rp.Body, `<meta name="robots" content="noindex, follow">`) {
		t.Error("replytocom page should not be indexed")
	}

	// Submit the reply from that form; it nests under its parent.
	f = url.Values{}
	for _, in := range find(byID(doc, "commentform"), func(n *html.Node) bool { return attr(n, "type") == "hidden" }) {
		f.Set(attr(in, "name"), attr(in, "value"))
	}
	ta.Clock.Advance(time.Minute)
	f.Set("author", "Hades")
	f.Set("email", "hades@example.org")
	f.Set("comment", "Understand the frustration.")
	r = reader.post("/comments", f)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply POST: %d\n%s", r.StatusCode, r.Body)
	}
	doc = parseHTML(t, reader.follow(r).Body)
	cs := ta.comments(p.ID)
	if len(cs) != 2 || cs[1].ParentID != parent.ID {
		t.Fatalf("reply not stored under parent: %+v", cs)
	}
	li := byID(doc, "comment-"+strconv.FormatInt(cs[1].ID, 10))
	if li == nil || commentDepth(li) != 2 {
		t.Fatalf("reply not rendered at depth 2")
	}
	if textOf(byID(doc, "comments-title")) != "2 comments" {
		t.Fatalf("comment count = %q", textOf(byID(doc, "comments-title")))
	}
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func TestHeldCommentVisibleOnlyToItsAuthor(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t) // default: hold unless the author has an approved comment
	author := ta.user("editor@example.org", broadside.RoleEditor)
	p := ta.publish(author, "Held", "Body.")
	path := ta.postPath(p)
	writer, other := ta.browser(), ta.browser()
	r := writer.post("/comments", writer.formFor(path))
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST: %d %s", r.StatusCode, r.Body)
	}
	cs := ta.comments(p.ID)
	if len(cs) != 1 || cs[0].Status != broadside.CommentPending {
		t.Fatalf("want one pending comment, got %+v", cs)
	}
	mine := writer.follow(r)
	if !strings.Contains(mine.Body, "Your comment is awaiting moderation.") || !strings.Contains(mine.Body, "A considered comment.") {
		t.Fatal("author does not see their held comment")
	}
	if !strings.Contains(mine.Body, "No comments yet") {
		t.Error("held comments must not count: the title should still say no comments")
	}
	theirs := other.get(path)
	if strings.Contains(theirs.Body, "A considered comment.") {
		t.Fatal("another reader sees a held comment")
	}
	// After approval everyone sees it and the count includes it.
	if _, err := ta.App.Comments.SetStatus(context.Background(), []int64{cs[0].ID}, broadside.CommentApproved, author); err != nil {
		t.Fatal(err)
	}
	theirs = other.get(path)
	if !strings.Contains(theirs.Body, "A considered comment.") || !strings.Contains(theirs.Body, "1 comment<") {
		t.Fatal("approved comment not shown to everyone with count 1")
	}
	// Now that the author has an approved comment, their next one is published at once.
	f := writer.formFor(path)
	f.Set("comment", "Second thoughts.")
	writer.post("/comments", f)
	if cs := ta.comments(p.ID); cs[1].Status != broadside.CommentApproved {
		t.Fatalf("returning commenter held: %s", cs[1].Status)
	}
}

func TestRememberCommenterOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(publishImmediately)
	p := ta.publish(ta.user("e@example.org", broadside.RoleEditor), "Cookies", "Body.")
	path := ta.postPath(p)

	b := ta.browser()
	b.post("/comments", b.formFor(path))
	doc := parseHTML(t, b.get(path).Body)
	if v := attr(byID(doc, "author"), "value"); v != "" {
		t.Fatalf("name remembered without consent: %q", v)
	}
	f := b.formFor(path)
	f.Set("comment", "Again, remembering me.")
	f.Set("wp-comment-cookies-consent", "yes")
	b.post("/comments", f)
	doc = parseHTML(t, b.get(path).Body)
	if v := attr(byID(doc, "author"), "value"); v != "Pat Reader" {
		t.Fatalf("name not remembered: %q", v)
	}
	if v := attr(byID(doc, "email"), "value"); v != "pat@example.org" {
		t.Fatalf("email not remembered: %q", v)
	}
}

// TestCommentBadInput covers every rejection: each answers with a clear message and
// writes nothing.
func TestCommentBadInput(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(func(s *broadside.Settings) {
		publishImmediately(s)
		s.Discussion.MaxDepth = 2
		s.Discussion.MaxLength = 500
	})
	ed := ta.user("e@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Target", "Body.")
	other := ta.publish(ed, "Other post", "Body.")
	path := ta.postPath(p)
	b := ta.browser()

	// Seed a two-level thread to test depth, and a comment on another post.
	f := b.formFor(path)
	f.Set("comment", "Top level.")
	b.post("/comments", f)
	top := ta.comments(p.ID)[0]
	f = b.formFor(path)
	f.Set("comment", "Second level.")
	f.Set("comment_parent", strconv.FormatInt(top.ID, 10))
	b.post("/comments", f)
	second := ta.comments(p.ID)[1]
	f = b.formFor(ta.postPath(other))
	f.Set("comment", "Elsewhere.")
	b.post("/comments", f)
	elsewhere := ta.comments(other.ID)[0]
	before := len(ta.comments(p.ID))

	cases := []struct {
		name    string
		mod     func(url.Values)
		status  int
		message string
	}{
		{"missing comment", func(v url.Values) { v.Set("comment", "  ") }, 422, "Please type your comment."},
		{"missing name", func(v url.Values) { v.Del("author") }, 422, "Please enter your name."},
		{"missing email", func(v url.Values) { v.Del("email") }, 422, "Please enter your email address"},
		{"bad email", func(v url.Values) { v.Set("email", "not-an-email") }, 422, "valid email address"},
		{"bad website", func(v url.Values) { v.Set("url", "javascript:alert(1)") }, 422, "http:// or https://"},
		{"oversized", func(v url.Values) { v.Set("comment", strings.Repeat("a", 501)) }, 422, "too long: 501 characters, the limit is 500"},
		{"unknown parent", func(v url.Values) { v.Set("comment_parent", "999999") }, 422, "does not exist"},
		{"garbage parent", func(v url.Values) { v.Set("comment_parent", "1 OR 1=1") }, 422, "does not exist"},
		{"parent on another post", func(v url.Values) { v.Set("comment_parent", strconv.FormatInt(elsewhere.ID, 10)) }, 422, "belongs to another post"},
		{"depth overflow", func(v url.Values) { v.Set("comment_parent", strconv.FormatInt(second.ID, 10)) }, 422, "nested at most 2 levels"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := b.formFor(path)
			f.Set("comment", "Unique text for "+tc.name)
			tc.mod(f)
			r := b.post("/comments", f)
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d\n%s", r.StatusCode, tc.status, r.Body)
			}
			if !strings.Contains(html.UnescapeString(r.Body), tc.message) {
				t.Fatalf("message %q not shown", tc.message)
			}
			if !strings.Contains(r.Body, `id="commentform"`) {
				t.Fatal("the form is not shown again")
			}
			if n := len(ta.comments(p.ID)); n != before {
				t.Fatalf("a rejected comment was written: %d comments, want %d", n, before)
			}
		})
	}

	t.Run("typed values are kept", func(t *testing.T) {
		f := b.formFor(path)
		f.Set("email", "broken")
		f.Set("comment", "Keep <this> text")
		r := b.post("/comments", f)
		doc := parseHTML(t, r.Body)
		if got := textOf(byID(doc, "comment")); got != "Keep <this> text" {
			t.Fatalf("comment text not kept: %q", got)
		}
		if attr(byID(doc, "email"), "aria-invalid") != "true" {
			t.Fatal("email field not marked invalid")
		}
	})

	t.Run("cross-origin POST refused", func(t *testing.T) {
		f := b.formFor(path)
		f.Set("comment", "Forged from elsewhere")
		r := b.postWith("/comments", f, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
		if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "submitted from another site") {
			t.Fatalf("cross-site POST: %d", r.StatusCode)
		}
		if n := len(ta.comments(p.ID)); n != before {
			t.Fatal("cross-site comment written")
		}
	})

	t.Run("missing post", func(t *testing.T) {
		r := b.post("/comments", url.Values{"comment_post_ID": {"424242"}, "comment": {"x"}})
		if r.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d", r.StatusCode)
		}
		r = b.post("/comments", url.Values{"comment": {"x"}})
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "missing the post") {
			t.Fatalf("status %d", r.StatusCode)
		}
	})
}

func TestClosedPostsRefuseComments(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(publishImmediately)
	ed := ta.user("e@example.org", broadside.RoleEditor)
	closed := ta.publish(ed, "Closed", "Body.", func(in *posts.Input) { in.CommentsOpen = false })
	open := ta.publish(ed, "Open", "Body.")
	b := ta.browser()

	page := b.get(ta.postPath(closed))
	if strings.Contains(page.Body, `id="commentform"`) || !strings.Contains(page.Body, "Comments are closed") {
		t.Fatal("closed post still offers the form")
	}
	f := b.formFor(ta.postPath(open))
	f.Set("comment_post_ID", strconv.FormatInt(closed.ID, 10))
	r := b.post("/comments", f)
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "Comments are closed") {
		t.Fatalf("comment on closed post: %d", r.StatusCode)
	}
	if n := len(ta.comments(closed.ID)); n != 0 {
		t.Fatal("comment written on closed post")
	}

	// Posts older than N days close automatically.
	ta.settings(func(s *broadside.Settings) { s.Discussion.CloseAfterDays = 14 })
	f = b.formFor(ta.postPath(open))
	ta.Clock.Advance(15 * 24 * time.Hour)
	r = b.post("/comments", f)
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "older than 14 days") {
		t.Fatalf("comment on old post: %d\n%s", r.StatusCode, r.Body)
	}
	if n := len(ta.comments(open.ID)); n != 0 {
		t.Fatal("comment written on old post")
	}
}
