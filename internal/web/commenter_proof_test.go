package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
)

// moderator stands in for the admin who works the moderation queue.
var moderator = &broadside.User{ID: -1, Role: broadside.RoleAdmin}

func (ta *testApp) approve(ids ...int64) {
	ta.t.Helper()
	if _, err := ta.App.Comments.SetStatus(context.Background(), ids, broadside.CommentApproved, moderator); err != nil {
		ta.t.Fatalf("approve %v: %v", ids, err)
	}
}

// stored returns the comment on p whose body is body.
func (ta *testApp) stored(p *broadside.Post, body string) broadside.Comment {
	ta.t.Helper()
	for _, c := range ta.comments(p.ID) {
		if c.RawBody == body {
			return c
		}
	}
	ta.t.Fatalf("no comment %q stored", body)
	return broadside.Comment{}
}

// commentAs loads the post's form in b, types name, email and body, sends it and returns the
// stored comment.
func (b *browser) commentAs(p *broadside.Post, name, email, body string) broadside.Comment {
	b.t.Helper()
	f := b.formFor(b.ta.postPath(p))
	f.Set("author", name)
	f.Set("email", email)
	f.Set("comment", body)
	if r := b.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("comment %q: status %d\n%s", body, r.StatusCode, r.Body)
	}
	return b.ta.stored(p, body)
}

// apiComment sends an anonymous comment through the REST API, the way a script would.
func (ta *testApp) apiComment(p *broadside.Post, name, email, body string) broadside.Comment {
	ta.t.Helper()
	j, _ := json.Marshal(map[string]any{"post": p.ID, "author_name": name, "author_email": email, "content": body})
	res, err := http.Post(ta.Srv.URL+"/wp-json/wp/v2/comments", "application/json", bytes.NewReader(j))
	if err != nil {
		ta.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		ta.t.Fatalf("API comment %q: status %d", body, res.StatusCode)
	}
	return ta.stored(p, body)
}

func wantComment(t *testing.T, c broadside.Comment, st broadside.CommentStatus, reason string) {
	t.Helper()
	if c.Status != st || !strings.Contains(c.ModerationReason, reason) {
		t.Fatalf("comment %q: %s (%q), want %s with a reason containing %q", c.RawBody, c.Status, c.ModerationReason, st, reason)
	}
}

// TestPriorApprovalIsProvenNotAsserted: with "hold unless previously approved" (the default),
// typing an approved commenter's name and e-mail publishes nothing, through the form or the
// API; the commenter's own browser, whose key a moderator approved, publishes at once.
func TestPriorApprovalIsProvenNotAsserted(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	editor := ta.user("e@example.org", broadside.RoleEditor)
	p := ta.publish(editor, "Proof", "Body.")
	alice := ta.browser()
	first := alice.commentAs(p, "Alice", "alice@example.net", "My first comment")
	wantComment(t, first, broadside.CommentPending, "identity not proven: first comment from this browser")
	ta.approve(first.ID)
	wantComment(t, alice.commentAs(p, "Alice", "alice@example.net", "Published at once"), broadside.CommentApproved, "")
	// The key is bound to the address it was approved with.
	wantComment(t, alice.commentAs(p, "Alice", "alice@elsewhere.example", "Another address"), broadside.CommentPending, "identity not proven")

	mallory := ta.browser()
	wantComment(t, mallory.commentAs(p, "Alice", "ALICE@example.net", "Spoofed through the form"), broadside.CommentPending,
		"the name and e-mail match an approved commenter")
	wantComment(t, ta.apiComment(p, "Alice", "alice@example.net", "Spoofed through the API"), broadside.CommentPending,
		"sent through the API without signing in")
	// Alice herself on another device is not recognised either until approved there.
	wantComment(t, ta.browser().commentAs(p, "Alice", "alice@example.net", "From my phone"), broadside.CommentPending, "first comment from this browser")
	// A forged cookie is ignored: it is signed by the server.
	forger := ta.browser()
	u, _ := url.Parse(ta.Srv.URL)
	forger.c.Jar.SetCookies(u, []*http.Cookie{{Name: "bs_commenter", Value: "eyJrIjoieCJ9.AAAA", Path: "/"}})
	wantComment(t, forger.commentAs(p, "Alice", "alice@example.net", "Forged cookie"), broadside.CommentPending, "identity not proven")

	// The moderation queue says why each was held.
	queue := ta.signIn(editor).get("/admin/comments?status=pending").Body
	if !strings.Contains(queue, "Not published: identity not proven: first comment from this browser; the name and e-mail match an approved commenter") {
		t.Fatalf("the queue does not show why the spoof was held:\n%s", queue)
	}
}

// TestKeylessApprovedCommenterIsHeldOnce: a commenter approved before commenter keys existed
// (or imported from WordPress) has no key; their next comment is held once, and its approval
// approves the key their browser now holds.
func TestKeylessApprovedCommenterIsHeldOnce(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	p := ta.publish(ta.user("e@example.org", broadside.RoleEditor), "Old friends", "Body.")
	old := &broadside.Comment{PostID: p.ID, Kind: broadside.KindComment, AuthorName: "Wendy", AuthorEmail: "wendy@example.net",
		RawBody: "Imported from WordPress", Status: broadside.CommentApproved, CreatedAt: ta.Clock.Now().Add(-time.Hour)}
	if err := ta.App.Store.CreateComment(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	wendy := ta.browser()
	held := wendy.commentAs(p, "Wendy", "wendy@example.net", "Back again")
	wantComment(t, held, broadside.CommentPending, "identity not proven")
	ta.approve(held.ID)
	wantComment(t, wendy.commentAs(p, "Wendy", "wendy@example.net", "Now I am known"), broadside.CommentApproved, "")
}

// TestSignedInCommenterIsKnownByAccount: a signed-in user who cannot moderate is held until
// one of their comments is approved, then published at once; their typed identity is worth
// nothing to anyone else.
func TestSignedInCommenterIsKnownByAccount(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	p := ta.publish(ta.user("e@example.org", broadside.RoleEditor), "Accounts", "Body.")
	author := ta.user("writer@example.org", broadside.RoleAuthor)
	b := ta.signIn(author)
	first := b.commentAs(p, "", "", "Signed in, first")
	wantComment(t, first, broadside.CommentPending, "first comment from this account")
	ta.approve(first.ID)
	wantComment(t, b.commentAs(p, "", "", "Signed in, second"), broadside.CommentApproved, "")
	wantComment(t, ta.browser().commentAs(p, author.Name(), author.Email, "Posing as the writer"), broadside.CommentPending, "identity not proven")
}

// TestFormStampIsShortLivedAndSingleUse: a form is good for one comment within
// comments.StampLifetime (4 hours). A replayed or expired form, or an API client without
// one, is held, never rejected: the reader keeps their text.
func TestFormStampIsShortLivedAndSingleUse(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(publishImmediately)
	p := ta.publish(ta.user("e@example.org", broadside.RoleEditor), "Stamps", "Body.")
	path := ta.postPath(p)
	b := ta.browser()
	f := b.formFor(path)
	f.Set("comment", "Once")
	if r := b.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first: %d", r.StatusCode)
	}
	wantComment(t, ta.stored(p, "Once"), broadside.CommentApproved, "")
	f.Set("comment", "Twice with the same form")
	if r := b.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("replay: %d", r.StatusCode)
	}
	wantComment(t, ta.stored(p, "Twice with the same form"), broadside.CommentPending, "form stamp already used")

	f = b.formFor(path)
	ta.Clock.Advance(3*time.Hour + 50*time.Minute)
	f.Set("comment", "A long read, then a comment")
	b.post("/comments", f)
	wantComment(t, ta.stored(p, "A long read, then a comment"), broadside.CommentApproved, "")

	f = b.formFor(path)
	ta.Clock.Advance(4*time.Hour + time.Minute)
	f.Set("comment", "Sent from a tab left open overnight")
	b.post("/comments", f)
	wantComment(t, ta.stored(p, "Sent from a tab left open overnight"), broadside.CommentPending, "form stamp expired")

	wantComment(t, ta.apiComment(p, "Script", "script@example.net", "No form at all"), broadside.CommentPending, "sent through the API without signing in")
}

// TestRedirectAfterCommentFindsItsPage: after a reply's parent is marked spam, the reply is
// shown as a top-level thread; the redirect after posting must still point at the page that
// shows the new comment.
func TestRedirectAfterCommentFindsItsPage(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(func(s *broadside.Settings) {
		s.Discussion.ModerationMode = broadside.ModeratePublish
		s.Discussion.PerPage = 2
	})
	p := ta.publish(ta.user("e@example.org", broadside.RoleEditor), "Pages", "Body.")
	b := ta.browser()
	a := b.commentAs(p, "Ann", "ann@example.net", "Thread A")
	f := b.formFor(ta.postPath(p))
	f.Set("comment_parent", strconv.FormatInt(a.ID, 10))
	f.Set("comment", "Reply to A")
	b.post("/comments", f)
	b.commentAs(p, "Ann", "ann@example.net", "Thread C")
	if _, err := ta.App.Comments.SetStatus(context.Background(), []int64{a.ID}, broadside.CommentSpam, moderator); err != nil {
		t.Fatal(err)
	}
	// Shown now: "Reply to A" (an orphan, top level), "Thread C" | the new comment.
	f = b.formFor(ta.postPath(p))
	f.Set("comment", "Thread E")
	r := b.post("/comments", f)
	e := ta.stored(p, "Thread E")
	want := fmt.Sprintf("%scomment-page-2/#comment-%d", ta.postPath(p), e.ID)
	if loc := r.Header.Get("Location"); loc != want {
		t.Errorf("redirect to %q, want %q", loc, want)
	}
	if page := b.follow(r).Body; !strings.Contains(page, fmt.Sprintf(`id="comment-%d"`, e.ID)) {
		t.Fatal("the page the redirect leads to does not show the new comment")
	}
}

// TestCachedPageStampIsOneUsePerNetwork: anonymous readers who load the same cached copy of a
// post share its form stamp; each of them, on their own network, is published at once, while
// the same stamp sent twice from one network is held as a replay.
func TestCachedPageStampIsOneUsePerNetwork(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withCache(), behindProxy())
	ta.settings(publishImmediately)
	p := ta.publish(ta.user("e@example.org", broadside.RoleEditor), "Viral", "Body.")
	hidden := func(b *browser) url.Values {
		t.Helper()
		v := url.Values{}
		form := byID(parseHTML(t, b.get(ta.postPath(p)).Body), "commentform")
		for _, in := range find(form, func(n *html.Node) bool { return attr(n, "type") == "hidden" }) {
			v.Set(attr(in, "name"), attr(in, "value"))
		}
		return v
	}
	ann, bob := ta.browser(), ta.browser()
	fa, fb := hidden(ann), hidden(bob)
	if fa.Get("ts") != fb.Get("ts") {
		t.Fatal("the second reader was not served the cached page")
	}
	ta.Clock.Advance(30 * time.Second)
	send := func(b *browser, f url.Values, ip, body string) broadside.Comment {
		t.Helper()
		f.Set("author", "Reader "+ip)
		f.Set("email", "reader@example.net")
		f.Set("comment", body)
		if r := b.postWith("/comments", f, map[string]string{"Sec-Fetch-Site": "same-origin", "X-Forwarded-For": ip}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: status %d", body, r.StatusCode)
		}
		return ta.stored(p, body)
	}
	wantComment(t, send(ann, fa, "198.51.100.1", "Ann from the cached page"), broadside.CommentApproved, "")
	wantComment(t, send(bob, fb, "203.0.113.7", "Bob from the same cached page"), broadside.CommentApproved, "")
	wantComment(t, send(ta.browser(), fa, "198.51.100.1", "Replayed from Ann's network"), broadside.CommentPending, "form stamp already used")
}
