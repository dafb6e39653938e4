package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/store"
)

// fedifyRepliesGoBack is TestFedifyPeer's part for issue 14 point 6: the peer's reply to the
// blog's post is a comment in its thread; an approved reply to it, sent through the site's
// real comment form, reaches the peer as a Create(Note) whose inReplyTo is the peer's note
// (Fedify verified its signature), and the peer's parser reads the post's replies
// collection, a page of it, and the web reply at its comment id.
func fedifyRepliesGoBack(t *testing.T, s *site, p *peer, base string, post seedPost) {
	t.Helper()
	postID, path := post.id, post.path
	var note struct{ ID string }
	p.must("note", map[string]string{"inReplyTo": base + path, "content": "<p>A question from the fediverse.</p>"}, &note)
	remote := remoteCommentFor(t, s, postID, note.ID, p)

	// A signed-in administrator answers through the post's comment form: published at once.
	cookies := signInHTTP(t, s)
	form := commentFormOf(t, s, path, cookies)
	form.Set("comment_parent", strconv.FormatInt(remote.ID, 10))
	form.Set("comment", "An answer from the web.")
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/comments", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookies)
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the comment form answered %s", res.Status)
	}

	create := p.waitReceived("a Create of the web reply to its note", func(r received) bool {
		return r.Type == "Create" && fmt.Sprint(r.object()["inReplyTo"]) == note.ID
	})
	o := create.object()
	replyID := fmt.Sprint(o["id"])
	if o["type"] != "Note" || !strings.HasPrefix(replyID, base+activitypub.Prefix+"comments/") ||
		!strings.Contains(fmt.Sprint(o["content"]), "An answer from the web.") {
		t.Fatalf("the web reply as the peer received it: %v", create.JSON)
	}

	// The peer loads the thread: the web reply at its id, the post's replies collection (which
	// lists the peer's note), and the note's replies on the blog (which list the web reply).
	var fetched map[string]any
	p.must("fetch", map[string]string{"url": replyID}, &fetched)
	if fetched["type"] != "Note" || fetched["id"] != replyID || fmt.Sprint(fetched["inReplyTo"]) != note.ID {
		t.Fatalf("the web reply fetched at its id: %v", fetched)
	}
	coll := base + activitypub.Prefix + "posts/" + strconv.FormatInt(postID, 10) + "/replies"
	var c map[string]any
	p.must("fetch", map[string]string{"url": coll}, &c)
	if c["type"] != "OrderedCollection" || c["id"] != coll || fmt.Sprint(c["first"]) != coll+"?page=1" {
		t.Fatalf("the post's replies collection: %v", c)
	}
	var page map[string]any
	p.must("fetch", map[string]string{"url": coll + "?page=1"}, &page)
	if page["type"] != "OrderedCollectionPage" || !strings.Contains(fmt.Sprint(page["orderedItems"]), note.ID) {
		t.Fatalf("the first page of the post's replies: %v", page)
	}
	var sub map[string]any
	p.must("fetch", map[string]string{"url": activitypub.CommentID(base, remote.ID) + "/replies?page=1"}, &sub)
	if sub["type"] != "OrderedCollectionPage" || !strings.Contains(fmt.Sprint(sub["orderedItems"]), replyID) {
		t.Fatalf("the replies to the peer's note on the blog: %v", sub)
	}
}

var noRedirect = &http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// remoteCommentFor returns the peer's note as an approved comment of the post, stored as the
// blog's inbox stores a reply (in the site's own database file), so this part of issue 14
// does not depend on the inbox part; a comment already made of the note is reused.
func remoteCommentFor(t *testing.T, s *site, postID int64, noteID string, p *peer) *broadside.Comment {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(s.Data, "broadside.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.CommentByRemoteID(ctx, noteID)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		host := strings.TrimPrefix(p.URL, "http://")
		c = &broadside.Comment{PostID: postID, Kind: broadside.KindComment, AuthorName: "Fedify Peer", AuthorURL: p.URL + "/users/peer",
			RawBody: "A question from the fediverse.", Status: broadside.CommentApproved, CreatedAt: time.Now(),
			RemoteID: noteID, RemoteActor: p.URL + "/users/peer", RemoteHandle: "@peer@" + host}
		err = st.CreateComment(ctx, c)
	}
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != broadside.CommentApproved {
		if _, err := st.SetCommentStatus(ctx, []int64{c.ID}, broadside.CommentApproved); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// signInHTTP signs the administrator in with the sign-in form and returns the session's
// Cookie header.
func signInHTTP(t *testing.T, s *site) string {
	t.Helper()
	res, err := noRedirect.PostForm(s.URL+"/admin/login", url.Values{"email": {adminEmail}, "password": {adminPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var parts []string
	for _, c := range res.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	if res.StatusCode != http.StatusSeeOther || len(parts) == 0 {
		t.Fatalf("sign-in: %s, cookies %v", res.Status, parts)
	}
	return strings.Join(parts, "; ")
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)

// commentFormOf loads the post page as the signed-in reader and returns its comment form's
// hidden fields.
func commentFormOf(t *testing.T, s *site, path, cookies string) url.Values {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	req.Header.Set("Cookie", cookies)
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	page := string(b)
	start := strings.Index(page, `id="commentform"`)
	if res.StatusCode != http.StatusOK || start < 0 {
		t.Fatalf("GET %s: %s, comment form found: %v", path, res.Status, start >= 0)
	}
	page = page[start:]
	if end := strings.Index(page, "</form>"); end > 0 {
		page = page[:end]
	}
	v := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], strings.ReplaceAll(m[2], "&amp;", "&"))
	}
	if v.Get("comment_post_ID") == "" {
		t.Fatalf("the comment form of %s has no comment_post_ID: %v", path, v)
	}
	return v
}
