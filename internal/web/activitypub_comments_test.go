package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/comments"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testdb"
)

// remoteComment stores a comment as the inbox stores a fediverse reply by the peer's bob.
func (p *fediPeer) remoteComment(t *testing.T, postID, parentID int64, note string) *broadside.Comment {
	t.Helper()
	c := &broadside.Comment{PostID: postID, ParentID: parentID, Kind: broadside.KindComment, AuthorName: "Bob Remote",
		RawBody: "Words from the fediverse.", Status: broadside.CommentApproved, CreatedAt: p.ta.Clock.Now().Add(-time.Minute),
		RemoteID: p.srv.URL + "/notes/" + note, RemoteActor: p.actor(), RemoteHandle: "@bob@" + strings.TrimPrefix(p.srv.URL, "http://")}
	if err := p.ta.App.Store.CreateComment(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// localComment stores an approved comment written on the site.
func (ta *testApp) localComment(t *testing.T, postID, parentID int64, name, body string, st broadside.CommentStatus) *broadside.Comment {
	t.Helper()
	c := &broadside.Comment{PostID: postID, ParentID: parentID, Kind: broadside.KindComment, AuthorName: name, AuthorEmail: "x@example.org",
		RawBody: body, Status: st, CreatedAt: ta.Clock.Now().Add(-time.Minute)}
	if err := ta.App.Store.CreateComment(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func asStrings(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case []any:
		for _, e := range x {
			s, _ := e.(string)
			out = append(out, s)
		}
	}
	return out
}

func has(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// TestCommentNotes: each approved comment of a federating post is a Note at its CommentID:
// url its place in the thread, content naming the commenter and the sanitized body,
// inReplyTo the post (top level), the parent's id (a reply to ours) or the remote note (a
// reply to the fediverse, which is then mentioned and cc'd), from the site actor, public,
// with its replies collection. Held comments, comments of private, password-protected and
// subscriber-only posts answer 404, those of a trashed post 410; a comment that came from
// the fediverse sends the asker to its origin.
func TestCommentNotes(t *testing.T) { t.Parallel(); runCommentNotes(t) }

func TestCommentNotesOnPostgres(t *testing.T) {
	t.Parallel()
	runCommentNotes(t, withDSN(testdb.Postgres(t)))
}

func runCommentNotes(t *testing.T, opts ...appOption) {
	ta := newTestApp(t, append(opts, withFederationToLoopback())...)
	ann := ta.user("ann@example.com", broadside.RoleAuthor)
	peer := newFediPeer(t, ta)
	b := ta.browser()
	base := ta.Srv.URL
	site := activitypub.ActorID(base, activitypub.SiteActor)
	p := ta.publish(ann, "Talked about", "The body.")
	link := base + ta.postPath(p)
	top := ta.localComment(t, p.ID, 0, "Ann <Writer>", "Hello <script>alert(1)</script>*there*", broadside.CommentApproved)
	remote := peer.remoteComment(t, p.ID, top.ID, "1")
	toRemote := ta.localComment(t, p.ID, remote.ID, "Cy", "Answering Bob.", broadside.CommentApproved)
	toLocal := ta.localComment(t, p.ID, top.ID, "Di", "Answering Ann.", broadside.CommentApproved)
	held := ta.localComment(t, p.ID, 0, "Ed", "Held words.", broadside.CommentPending)

	r, v := b.getAS("/activitypub/comments/"+strconv.FormatInt(top.ID, 10), activitypub.ContentType)
	id := activitypub.CommentID(base, top.ID)
	if r.StatusCode != http.StatusOK || v["type"] != "Note" || v["id"] != id || v["attributedTo"] != site || v["inReplyTo"] != link ||
		v["url"] != link+"#comment-"+strconv.FormatInt(top.ID, 10) || v["replies"] != id+"/replies" || v["published"] == nil {
		t.Fatalf("top-level note: %d %v", r.StatusCode, v)
	}
	if to, cc := asStrings(v["to"]), asStrings(v["cc"]); !has(to, activitypub.Public) || !has(cc, site+"/followers") {
		t.Errorf("addressing: to %v cc %v", to, cc)
	}
	content, _ := v["content"].(string)
	if !strings.Contains(content, "<strong>Ann &lt;Writer&gt;</strong>") || !strings.Contains(content, "commented") ||
		strings.Contains(content, "<script") || !strings.Contains(content, "there") {
		t.Errorf("content: %s", content)
	}

	_, v = b.getAS("/activitypub/comments/"+strconv.FormatInt(toLocal.ID, 10), activitypub.ContentType)
	if v["inReplyTo"] != id || v["tag"] != nil || !strings.Contains(v["content"].(string), "replied") {
		t.Errorf("reply to our comment: %v", v)
	}
	_, v = b.getAS("/activitypub/comments/"+strconv.FormatInt(toRemote.ID, 10), activitypub.ContentType)
	tags, _ := v["tag"].([]any)
	if v["inReplyTo"] != remote.RemoteID || !has(asStrings(v["cc"]), peer.actor()) || len(tags) != 1 ||
		tags[0].(map[string]any)["type"] != "Mention" || tags[0].(map[string]any)["href"] != peer.actor() ||
		!strings.Contains(v["content"].(string), remote.RemoteHandle) {
		t.Errorf("reply to the fediverse: %v", v)
	}

	// A fediverse comment is not re-served as ours.
	r, _ = b.getAS("/activitypub/comments/"+strconv.FormatInt(remote.ID, 10), activitypub.ContentType)
	if r.StatusCode != http.StatusFound || r.Header.Get("Location") != remote.RemoteID {
		t.Errorf("remote comment: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	for _, path := range []string{"/activitypub/comments/" + strconv.FormatInt(held.ID, 10), "/activitypub/comments/99999",
		"/activitypub/comments/" + strconv.FormatInt(held.ID, 10) + "/replies", "/activitypub/comments/x"} {
		if r, _ := b.getAS(path, activitypub.ContentType); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, r.StatusCode)
		}
	}

	// Posts readers may not see, or whose discussion stays on the site.
	ctx := context.Background()
	pw := "secret"
	subOnly := true
	for name, mod := range map[string]func(*posts.Input){
		"private":         func(in *posts.Input) { in.Status = broadside.StatusPrivate },
		"password":        func(in *posts.Input) { in.Password = &pw },
		"subscriber-only": func(in *posts.Input) { in.SubscribersOnly = &subOnly },
		"draft":           func(in *posts.Input) { in.Status = broadside.StatusDraft },
	} {
		q := ta.publish(ann, "Post "+name, "Teaser.<!--more-->Secret.", mod)
		c := ta.localComment(t, q.ID, 0, "Fay", "Zqhidden words.", broadside.CommentApproved)
		r, _ := b.getAS("/activitypub/comments/"+strconv.FormatInt(c.ID, 10), activitypub.ContentType)
		if r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "Zqhidden") {
			t.Errorf("comment of a %s post: %d", name, r.StatusCode)
		}
		if r, _ := b.getAS("/activitypub/comments/"+strconv.FormatInt(c.ID, 10)+"/replies", activitypub.ContentType); r.StatusCode != http.StatusNotFound {
			t.Errorf("replies of a comment of a %s post: %d", name, r.StatusCode)
		}
	}

	if _, err := ta.App.Posts.Trash(ctx, p.ID, ann); err != nil {
		t.Fatal(err)
	}
	r, v = b.getAS("/activitypub/comments/"+strconv.FormatInt(top.ID, 10), activitypub.ContentType)
	if r.StatusCode != http.StatusGone || v["type"] != "Tombstone" || strings.Contains(r.Body, "there") {
		t.Errorf("comment of a trashed post: %d %v", r.StatusCode, v)
	}
	if r, _ := b.getAS("/activitypub/posts/"+strconv.FormatInt(p.ID, 10)+"/replies", activitypub.ContentType); r.StatusCode != http.StatusNotFound {
		t.Errorf("replies of a trashed post: %d", r.StatusCode)
	}
}

// TestRepliesCollections: a post's replies collection counts its approved top-level
// comments and pages through their ids (ours as CommentID, the fediverse's as their own
// ids), oldest first; a comment's lists its approved direct replies; held comments and
// pingbacks are not replies; a subscriber-only post's collection is empty. Before comments
// federated, the collection was a bare count, found by building the whole post object.
func TestRepliesCollections(t *testing.T) { t.Parallel(); runRepliesCollections(t) }

func TestRepliesCollectionsOnPostgres(t *testing.T) {
	t.Parallel()
	runRepliesCollections(t, withDSN(testdb.Postgres(t)))
}

func runRepliesCollections(t *testing.T, opts ...appOption) {
	ta := newTestApp(t, append(opts, withFederationToLoopback())...)
	ann := ta.user("ann@example.com", broadside.RoleAuthor)
	peer := newFediPeer(t, ta)
	b := ta.browser()
	base := ta.Srv.URL
	p := ta.publish(ann, "Busy thread", "Body.")
	var want []string
	for i := range 24 {
		ta.Clock.Advance(time.Second)
		c := ta.localComment(t, p.ID, 0, "R"+strconv.Itoa(i), fmt.Sprintf("Comment %d.", i), broadside.CommentApproved)
		want = append(want, activitypub.CommentID(base, c.ID))
	}
	ta.Clock.Advance(time.Second)
	remote := peer.remoteComment(t, p.ID, 0, "top")
	want = append(want, remote.RemoteID)
	ta.localComment(t, p.ID, 0, "H", "Held.", broadside.CommentPending)
	ping := &broadside.Comment{PostID: p.ID, Kind: broadside.KindPingback, AuthorName: "Ping", AuthorURL: "https://elsewhere.example/",
		RawBody: "Pingback.", Status: broadside.CommentApproved, CreatedAt: ta.Clock.Now()}
	if err := ta.App.Store.CreateComment(context.Background(), ping); err != nil {
		t.Fatal(err)
	}
	reply := ta.localComment(t, p.ID, remote.ID, "Re", "Answer.", broadside.CommentApproved)
	ta.localComment(t, p.ID, remote.ID, "Re2", "Held answer.", broadside.CommentPending)

	coll := base + activitypub.Prefix + "posts/" + strconv.FormatInt(p.ID, 10) + "/replies"
	// The post's object names the collection it answers.
	if _, v := b.getAS(ta.postPath(p), activitypub.ContentType); v["replies"] != coll {
		t.Fatalf("post object's replies: %v", v["replies"])
	}
	r, v := b.getAS(strings.TrimPrefix(coll, base), activitypub.ContentType)
	if r.StatusCode != http.StatusOK || v["type"] != "OrderedCollection" || v["totalItems"] != float64(len(want)) || v["first"] != coll+"?page=1" {
		t.Fatalf("collection: %d %v", r.StatusCode, v)
	}
	var got []string
	next, pages := v["first"].(string), 0
	for next != "" && pages < 5 {
		pages++
		r, v = b.getAS(strings.TrimPrefix(next, base), activitypub.ContentType)
		if r.StatusCode != http.StatusOK || v["type"] != "OrderedCollectionPage" || v["partOf"] != coll {
			t.Fatalf("page %s: %d %v", next, r.StatusCode, v)
		}
		got = append(got, asStrings(v["orderedItems"])...)
		next, _ = v["next"].(string)
	}
	if pages != 2 || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("%d pages of ids:\n got %v\nwant %v", pages, got, want)
	}

	rc := activitypub.CommentID(base, remote.ID) + "/replies"
	_, v = b.getAS(strings.TrimPrefix(rc, base), activitypub.ContentType)
	if v["totalItems"] != 1.0 {
		t.Fatalf("comment's replies: %v", v)
	}
	_, v = b.getAS(strings.TrimPrefix(rc, base)+"?page=1", activitypub.ContentType)
	if items := asStrings(v["orderedItems"]); len(items) != 1 || items[0] != activitypub.CommentID(base, reply.ID) || v["next"] != nil {
		t.Fatalf("comment's replies page: %v", v)
	}
	for _, bad := range []string{"?page=0", "?page=x", "?page=99999"} {
		if r, _ := b.getAS(strings.TrimPrefix(coll, base)+bad, activitypub.ContentType); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", bad, r.StatusCode)
		}
	}

	subOnly := true
	sp := ta.publish(ann, "Members", "Teaser.<!--more-->Rest.", func(in *posts.Input) { in.SubscribersOnly = &subOnly })
	ta.localComment(t, sp.ID, 0, "M", "Members talk.", broadside.CommentApproved)
	r, v = b.getAS("/activitypub/posts/"+strconv.FormatInt(sp.ID, 10)+"/replies", activitypub.ContentType)
	if r.StatusCode != http.StatusOK || v["totalItems"] != 0.0 || v["first"] != nil {
		t.Errorf("subscriber-only post's replies: %d %v", r.StatusCode, v)
	}
	private := ta.publish(ann, "Ours", "Private.", func(in *posts.Input) { in.Status = broadside.StatusPrivate })
	if r, _ := b.getAS("/activitypub/posts/"+strconv.FormatInt(private.ID, 10)+"/replies", activitypub.ContentType); r.StatusCode != http.StatusNotFound {
		t.Errorf("private post's replies: %d", r.StatusCode)
	}
}

// deliveredTo returns the activities the peer received since n, failing on any it refused.
func deliveredTo(t *testing.T, peer *fediPeer, n int) []map[string]any {
	t.Helper()
	if refused := peer.refusals(); len(refused) > 0 {
		t.Fatalf("the peer refused deliveries: %v", refused)
	}
	return peer.since(n)
}

// TestRepliesGoBack: a web comment answering a fediverse comment is delivered to its author
// — signed, verified by the peer against our published key — once, when it becomes
// visible: at once through the comment form, later by a moderator's approval, or as a
// moderator's own reply. Editing it sends Update, holding, spamming or trashing it sends
// Delete. Held comments and replies to our own comments send nothing.
func TestRepliesGoBack(t *testing.T) { t.Parallel(); runRepliesGoBack(t) }

func TestRepliesGoBackOnPostgres(t *testing.T) {
	t.Parallel()
	runRepliesGoBack(t, withDSN(testdb.Postgres(t)))
}

func runRepliesGoBack(t *testing.T, opts ...appOption) {
	ta := newTestApp(t, append(opts, withFederationToLoopback())...)
	ctx := context.Background()
	ann := ta.user("ann@example.com", broadside.RoleAuthor)
	ed := ta.user("ed@example.com", broadside.RoleEditor)
	peer := newFediPeer(t, ta)
	site := activitypub.ActorID(ta.Srv.URL, activitypub.SiteActor)
	p := ta.publish(ann, "Conversation", "Body.")
	path := ta.postPath(p)
	remote := peer.remoteComment(t, p.ID, 0, "1")
	ta.runJobs(t)
	n := len(deliveredTo(t, peer, 0))

	// Through the real comment form, published at once.
	ta.settings(publishImmediately)
	reader := ta.browser()
	f := reader.formFor(path)
	f.Set("comment_parent", strconv.FormatInt(remote.ID, 10))
	f.Set("comment", "Hello Bob, from the web.")
	if r := reader.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment form: %d\n%s", r.StatusCode, r.Body)
	}
	web := ta.comments(p.ID)[len(ta.comments(p.ID))-1]
	if web.Status != broadside.CommentApproved || web.ParentID != remote.ID {
		t.Fatalf("the web reply: %+v", web)
	}
	ta.runJobs(t)
	ta.runJobs(t)
	got := deliveredTo(t, peer, n)
	if len(got) != 1 || got[0]["type"] != "Create" || got[0]["actor"] != site {
		t.Fatalf("after the web reply: %v", got)
	}
	o := objectOf(got[0])
	if o["type"] != "Note" || o["id"] != activitypub.CommentID(ta.Srv.URL, web.ID) || o["inReplyTo"] != remote.RemoteID ||
		!strings.Contains(o["content"].(string), "Pat Reader") || !strings.Contains(o["content"].(string), "Hello Bob, from the web.") ||
		!has(asStrings(got[0]["cc"]), peer.actor()) {
		t.Fatalf("the Create's note: %v", got[0])
	}
	n += len(got)

	// Edited by its author, within the edit window: Update.
	if r := reader.post("/comments/edit/"+strconv.FormatInt(web.ID, 10), url.Values{"comment": {"Hello Bob, typo fixed."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the author's edit: %d", r.StatusCode)
	}
	ta.runJobs(t)
	got = deliveredTo(t, peer, n)
	if len(got) != 1 || got[0]["type"] != "Update" || !strings.Contains(objectOf(got[0])["content"].(string), "typo fixed") {
		t.Fatalf("after the author's edit: %v", got)
	}
	n += len(got)

	// Edited by a moderator: Update, saying when.
	if _, err := ta.App.Comments.Update(ctx, web.ID, comments.Edit{Author: web.AuthorName, Email: web.AuthorEmail, Body: "Hello Bob, edited.",
		Status: broadside.CommentApproved}, ed); err != nil {
		t.Fatal(err)
	}
	ta.runJobs(t)
	got = deliveredTo(t, peer, n)
	if len(got) != 1 || got[0]["type"] != "Update" || !strings.Contains(objectOf(got[0])["content"].(string), "edited") || objectOf(got[0])["updated"] == nil {
		t.Fatalf("after the edit: %v", got)
	}
	n += len(got)

	// Approving what is approved changes nothing; trashing it deletes it.
	if _, err := ta.App.Comments.SetStatus(ctx, []int64{web.ID}, broadside.CommentApproved, ed); err != nil {
		t.Fatal(err)
	}
	ta.runJobs(t)
	if got = deliveredTo(t, peer, n); len(got) != 0 {
		t.Fatalf("after approving again: %v", got)
	}
	if _, err := ta.App.Comments.SetStatus(ctx, []int64{web.ID}, broadside.CommentTrash, ed); err != nil {
		t.Fatal(err)
	}
	ta.runJobs(t)
	got = deliveredTo(t, peer, n)
	if len(got) != 1 || got[0]["type"] != "Delete" || objectOf(got[0])["id"] != activitypub.CommentID(ta.Srv.URL, web.ID) ||
		objectOf(got[0])["type"] != "Tombstone" {
		t.Fatalf("after trashing: %v", got)
	}
	n += len(got)

	// Held, then approved by a moderator: nothing while held, one Create on approval.
	ta.settings(func(s *broadside.Settings) { s.Discussion.ModerationMode = broadside.ModerateHoldAll })
	f = reader.formFor(path)
	f.Set("comment_parent", strconv.FormatInt(remote.ID, 10))
	f.Set("comment", "A held answer.")
	if r := reader.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment form: %d", r.StatusCode)
	}
	all := ta.comments(p.ID)
	heldReply := all[len(all)-1]
	if heldReply.Status != broadside.CommentPending {
		t.Fatalf("not held: %+v", heldReply)
	}
	ta.runJobs(t)
	if got = deliveredTo(t, peer, n); len(got) != 0 {
		t.Fatalf("a held reply was sent: %v", got)
	}
	if _, err := ta.App.Comments.SetStatus(ctx, []int64{heldReply.ID}, broadside.CommentApproved, ed); err != nil {
		t.Fatal(err)
	}
	ta.runJobs(t)
	ta.runJobs(t)
	got = deliveredTo(t, peer, n)
	if len(got) != 1 || got[0]["type"] != "Create" || objectOf(got[0])["id"] != activitypub.CommentID(ta.Srv.URL, heldReply.ID) {
		t.Fatalf("after approval: %v", got)
	}
	n += len(got)
	if _, err := ta.App.Comments.SetStatus(ctx, []int64{heldReply.ID}, broadside.CommentSpam, ed); err != nil {
		t.Fatal(err)
	}
	ta.runJobs(t)
	if got = deliveredTo(t, peer, n); len(got) != 1 || got[0]["type"] != "Delete" {
		t.Fatalf("after marking spam: %v", got)
	}
	n += len(got)

	// Rescued from the spam: created again (a new approval); then held by readers' reports:
	// deleted again.
	if _, err := ta.App.Comments.SetStatus(ctx, []int64{heldReply.ID}, broadside.CommentApproved, ed); err != nil {
		t.Fatal(err)
	}
	ta.runJobs(t)
	ta.runJobs(t)
	if got = deliveredTo(t, peer, n); len(got) != 1 || got[0]["type"] != "Create" {
		t.Fatalf("after approving again: %v", got)
	}
	n += len(got)
	ta.settings(func(s *broadside.Settings) { s.Discussion.ReportThreshold = 1 })
	if res, err := ta.App.Comments.Report(ctx, heldReply.ID, "198.51.100.7", ta.App.Comments.Stamp(p.ID, false)); err != nil || !res.Held {
		t.Fatalf("report: %+v %v", res, err)
	}
	ta.runJobs(t)
	if got = deliveredTo(t, peer, n); len(got) != 1 || got[0]["type"] != "Delete" {
		t.Fatalf("after readers' reports held it: %v", got)
	}
	n += len(got)

	// A moderator's reply from the admin.
	mod, err := ta.App.Comments.Reply(ctx, remote.ID, "The editor answers.", ed, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	ta.runJobs(t)
	got = deliveredTo(t, peer, n)
	if len(got) != 1 || got[0]["type"] != "Create" || objectOf(got[0])["id"] != activitypub.CommentID(ta.Srv.URL, mod.ID) ||
		objectOf(got[0])["inReplyTo"] != remote.RemoteID {
		t.Fatalf("after the moderator's reply: %v", got)
	}
	n += len(got)

	// Replies to our own comments (at any depth) stay on the site.
	if _, err := ta.App.Comments.Reply(ctx, mod.ID, "Answering the editor.", ed, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	ta.runJobs(t)
	if got = deliveredTo(t, peer, n); len(got) != 0 {
		t.Fatalf("a reply to our own comment was sent: %v", got)
	}

	// The post made private: the replies that went back leave with its discussion.
	in := posts.Input{Type: broadside.TypePost, Title: p.Title, Body: "Body.", Status: broadside.StatusPrivate, PublishedAt: p.PublishedAt, CommentsOpen: true}
	if _, err := ta.App.Posts.Save(ctx, p.ID, in, ann); err != nil {
		t.Fatal(err)
	}
	ta.runJobs(t)
	ta.runJobs(t)
	got = deliveredTo(t, peer, n)
	if len(got) != 1 || got[0]["type"] != "Delete" || objectOf(got[0])["id"] != activitypub.CommentID(ta.Srv.URL, mod.ID) {
		t.Fatalf("after making the post private: %v", got)
	}
}
