package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
)

// statusOf returns the stored status of comment id ("" once deleted).
func (ta *testApp) commentStatus(id int64) broadside.CommentStatus {
	ta.t.Helper()
	c, err := ta.App.Comments.Get(context.Background(), id)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return ""
	} else if err != nil {
		ta.t.Fatal(err)
	}
	return c.Status
}

func (ta *testApp) commentCount(p *broadside.Post) int {
	ta.t.Helper()
	got, err := ta.App.Posts.Get(context.Background(), p.ID)
	if err != nil {
		ta.t.Fatal(err)
	}
	return got.CommentCount
}

func ids(cs ...*broadside.Comment) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprint(c.ID))
	}
	return out
}

func TestCommentQueuePage(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Discussed", "x")
	parent := ta.seedComment(p, "Alice", "First!", broadside.CommentApproved)
	reply := &broadside.Comment{PostID: p.ID, ParentID: parent.ID, AuthorName: "Bob", AuthorEmail: "bob@example.net",
		AuthorIP: "203.0.113.5", RawBody: "A <em>reply</em> with <script>x</script>", Status: broadside.CommentPending, CreatedAt: ta.Clock.Now()}
	if err := ta.App.Store.CreateComment(context.Background(), reply); err != nil {
		t.Fatal(err)
	}
	ta.seedComment(p, "Spammer", "buy", broadside.CommentSpam)
	b := ta.signIn(ed)
	r := b.get("/admin/comments")
	wantStatus(t, r, http.StatusOK)
	doc := parseHTML(t, r.Body)
	row := byID(doc, fmt.Sprintf("c-%d", reply.ID))
	if row == nil || byID(doc, fmt.Sprintf("c-%d", parent.ID)) != nil {
		t.Fatalf("pending tab should list only the pending comment:\n%s", r.Body)
	}
	text := textOf(row)
	for _, want := range []string{"Bob", "bob@example.net", "203.0.113.5", "In reply to Alice", "Approve", "Spam", "Trash", "Edit", "Reply"} {
		if !strings.Contains(text, want) {
			t.Errorf("row lacks %q: %s", want, text)
		}
	}
	if strings.Contains(r.Body, "<script>x") || !strings.Contains(r.Body, "<em>reply</em>") {
		t.Error("comment body not rendered through the sanitizer")
	}
	public := ta.postPath(p)
	for _, href := range []string{public + fmt.Sprintf("#comment-%d", reply.ID), public + fmt.Sprintf("#comment-%d", parent.ID)} {
		if len(find(row, func(n *html.Node) bool { return attr(n, "href") == href })) != 1 {
			t.Errorf("row has no link to %s", href)
		}
	}
	for st, n := range map[string]string{"pending": "(1)", "approved": "(1)", "spam": "(1)", "trash": "(0)"} {
		if tab := byID(doc, "tab-"+st); tab == nil || !strings.Contains(textOf(tab), n) {
			t.Errorf("tab %s does not show %s", st, n)
		}
	}
	if badge := byID(doc, "pending-count"); badge == nil || !strings.HasPrefix(textOf(badge), "1") {
		t.Error("no pending badge in the nav")
	}
	// Search and the per-post filter keep to their comments.
	if r := b.get("/admin/comments?status=approved&q=alice"); !strings.Contains(r.Body, fmt.Sprintf(`id="c-%d"`, parent.ID)) {
		t.Error("search by name")
	}
	if r := b.get("/admin/comments?status=approved&q=nobody"); strings.Contains(r.Body, `id="c-`) {
		t.Error("search matched nothing but listed rows")
	}
	other := ta.publish(ed, "Other", "x")
	ta.seedComment(other, "Carol", "elsewhere", broadside.CommentPending)
	if r := b.get(fmt.Sprintf("/admin/comments?post=%d", p.ID)); strings.Contains(r.Body, "Carol") || !strings.Contains(r.Body, "Bob") {
		t.Error("post filter")
	}
}

func TestCommentRowActions(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Discussed", "x")
	c := ta.seedComment(p, "Sam", "Hello", broadside.CommentPending)
	b := ta.signIn(ed)
	ret := "/admin/comments?status=pending&q=sam&page=1"
	steps := []struct {
		action string
		want   broadside.CommentStatus
		count  int
	}{
		{"approve", broadside.CommentApproved, 1},
		{"unapprove", broadside.CommentPending, 0},
		{"approve", broadside.CommentApproved, 1},
		{"spam", broadside.CommentSpam, 0},
		{"restore", broadside.CommentPending, 0},
		{"trash", broadside.CommentTrash, 0},
		{"restore", broadside.CommentPending, 0},
	}
	for _, s := range steps {
		r := b.post("/admin/comments/bulk", url.Values{"ids": {fmt.Sprint(c.ID)}, "action": {s.action}, "return": {ret}})
		wantRedirect(t, r, ret)
		if got := ta.commentStatus(c.ID); got != s.want {
			t.Fatalf("%s: status %s, want %s", s.action, got, s.want)
		}
		if n := ta.commentCount(p); n != s.count {
			t.Fatalf("%s: post shows %d comments, want %d", s.action, n, s.count)
		}
	}
	// The flash says what happened; the admin post list shows the new count.
	b.post("/admin/comments/bulk", url.Values{"ids": {fmt.Sprint(c.ID)}, "action": {"approve"}, "return": {ret}})
	r := b.get(ret)
	if !strings.Contains(r.Body, "1 comment approved.") {
		t.Fatalf("no flash:\n%s", r.Body)
	}
	doc := parseHTML(t, b.get("/admin/posts").Body)
	if cc := find(byID(doc, fmt.Sprintf("p-%d", p.ID)), func(n *html.Node) bool { return hasClass(n, "comment-count") }); len(cc) != 1 || textOf(cc[0]) != "1" {
		t.Fatal("post list comment count not updated")
	}
	// Deleting permanently needs spam or trash first.
	r = b.post(fmt.Sprintf("/admin/comments/%d/delete", c.ID), url.Values{"return": {ret}})
	wantRedirect(t, r, ret)
	if ta.commentStatus(c.ID) != broadside.CommentApproved || !strings.Contains(b.get(ret).Body, "Move the comment to the trash") {
		t.Fatal("an approved comment was deleted")
	}
	b.post("/admin/comments/bulk", url.Values{"ids": {fmt.Sprint(c.ID)}, "action": {"trash"}})
	wantRedirect(t, b.post(fmt.Sprintf("/admin/comments/%d/delete", c.ID), url.Values{"return": {"https://evil.example/"}}), "/admin/comments?status=trash")
	if ta.commentStatus(c.ID) != "" {
		t.Fatal("comment not deleted")
	}
	if ta.commentCount(p) != 0 {
		t.Fatal("count after delete")
	}
}

func TestCommentBulkActions(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Busy", "x")
	var cs []*broadside.Comment
	for i := 0; i < 4; i++ {
		cs = append(cs, ta.seedComment(p, fmt.Sprintf("P%d", i), "hello", broadside.CommentPending))
	}
	b := ta.signIn(ed)
	r := b.get("/admin/comments?status=pending")
	doc := parseHTML(t, r.Body)
	if boxes := find(doc, func(n *html.Node) bool { return attr(n, "name") == "ids" && attr(n, "form") == "bulk" }); len(boxes) != 4 {
		t.Fatalf("%d bulk checkboxes", len(boxes))
	}
	bulk := func(action string, sel ...*broadside.Comment) *response {
		return b.post("/admin/comments/bulk", url.Values{"ids[]": ids(sel...), "action": {action}, "return": {"/admin/comments?status=pending"}})
	}
	wantRedirect(t, bulk("approve", cs[0], cs[1], cs[2]), "/admin/comments?status=pending")
	if ta.commentCount(p) != 3 {
		t.Fatalf("count %d after bulk approve", ta.commentCount(p))
	}
	if !strings.Contains(b.get("/admin/comments").Body, "3 comments approved.") {
		t.Fatal("bulk flash")
	}
	bulk("spam", cs[1], cs[3])
	bulk("trash", cs[2])
	want := []broadside.CommentStatus{broadside.CommentApproved, broadside.CommentSpam, broadside.CommentTrash, broadside.CommentSpam}
	for i, c := range cs {
		if got := ta.commentStatus(c.ID); got != want[i] {
			t.Fatalf("comment %d: %s, want %s", i, got, want[i])
		}
	}
	if ta.commentCount(p) != 1 {
		t.Fatalf("count %d after spam and trash", ta.commentCount(p))
	}
	bulk("delete", cs[1], cs[2], cs[3])
	for _, c := range cs[1:] {
		if ta.commentStatus(c.ID) != "" {
			t.Fatal("bulk delete left a comment")
		}
	}
	bulk("unapprove", cs[0])
	if ta.commentStatus(cs[0].ID) != broadside.CommentPending || ta.commentCount(p) != 0 {
		t.Fatal("bulk unapprove")
	}
	// Nothing selected, or no action: nothing changes, the page says why.
	bulk("approve")
	if !strings.Contains(b.get("/admin/comments").Body, "Select at least one comment.") {
		t.Fatal("no message for an empty selection")
	}
	bulk("", cs[0])
	if ta.commentStatus(cs[0].ID) != broadside.CommentPending {
		t.Fatal("an empty action changed the comment")
	}
	// Authors cannot moderate.
	ab := ta.signIn(ta.user("au@example.org", broadside.RoleAuthor))
	wantStatus(t, ab.post("/admin/comments/bulk", url.Values{"ids": ids(cs[0]), "action": {"approve"}}), http.StatusForbidden)
	wantStatus(t, ab.post(fmt.Sprintf("/admin/comments/%d/reply", cs[0].ID), url.Values{"body": {"hi"}}), http.StatusForbidden)
	wantStatus(t, ab.get(fmt.Sprintf("/admin/comments/%d", cs[0].ID)), http.StatusForbidden)
	if ta.commentStatus(cs[0].ID) != broadside.CommentPending {
		t.Fatal("an author moderated")
	}
}

func TestCommentEditAndReply(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	p := ta.publish(admin, "Talk", "x")
	c := ta.seedComment(p, "Sam", "Original", broadside.CommentPending)
	b := ta.signIn(admin)
	edit := fmt.Sprintf("/admin/comments/%d", c.ID)
	ret := "/admin/comments?status=pending&page=1"
	r := b.get(edit + "?return=" + url.QueryEscape(ret))
	wantStatus(t, r, http.StatusOK)
	doc := parseHTML(t, r.Body)
	if attr(byID(doc, "author"), "value") != "Sam" || textOf(byID(doc, "body")) != "Original" {
		t.Fatal("edit form not filled")
	}
	form := url.Values{"author": {"Samuel"}, "email": {"not an email"}, "url": {""}, "body": {"Edited"}, "status": {"approved"}, "return": {ret}}
	r = b.post(edit, form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	doc = parseHTML(t, r.Body)
	if attr(byID(doc, "author"), "value") != "Samuel" || !strings.Contains(textOf(byID(doc, "email").Parent), "valid email") {
		t.Fatalf("invalid edit not re-rendered:\n%s", r.Body)
	}
	form.Set("body", " ")
	form.Set("email", "sam@example.net")
	r = b.post(edit, form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(textOf(byID(parseHTML(t, r.Body), "body").Parent), "Please type your comment.") {
		t.Fatal("empty body error not on the body field")
	}
	form.Set("body", "Edited")
	wantRedirect(t, b.post(edit, form), ret)
	got, _ := ta.App.Comments.Get(context.Background(), c.ID)
	if got.AuthorName != "Samuel" || got.RawBody != "Edited" || got.Status != broadside.CommentApproved || ta.commentCount(p) != 1 {
		t.Fatalf("edited comment: %+v", got)
	}

	// Replying to a held comment approves it.
	held := ta.seedComment(p, "Quinn", "Question?", broadside.CommentPending)
	reply := fmt.Sprintf("/admin/comments/%d/reply", held.ID)
	r = b.get(reply)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "Approve and reply") {
		t.Fatal("reply page does not say the comment will be approved")
	}
	r = b.post(reply, url.Values{"body": {""}, "return": {ret}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(textOf(byID(parseHTML(t, r.Body), "body").Parent), "Please type your comment.") {
		t.Fatalf("empty reply:\n%s", r.Body)
	}
	wantRedirect(t, b.post(reply, url.Values{"body": {"Answer."}, "return": {ret}}), ret)
	if ta.commentStatus(held.ID) != broadside.CommentApproved {
		t.Fatal("parent not approved")
	}
	var mine *broadside.Comment
	for _, x := range ta.comments(p.ID) {
		if x.ParentID == held.ID {
			mine = &x
		}
	}
	if mine == nil || mine.UserID != admin.ID || mine.Status != broadside.CommentApproved || mine.RawBody != "Answer." {
		t.Fatalf("reply: %+v", mine)
	}
	r = b.get(ret)
	if !strings.Contains(r.Body, "Reply published, and the comment it answers was approved.") ||
		!strings.Contains(r.Body, fmt.Sprintf(`href="%s#comment-%d"`, ta.postPath(p), mine.ID)) {
		t.Fatalf("reply flash:\n%s", r.Body)
	}
	wantStatus(t, b.get("/admin/comments/999999"), http.StatusNotFound)
}

func TestDashboard(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Live", "x")
	ta.seedComment(p, "Held", "please approve", broadside.CommentPending)
	ta.seedComment(p, "Fine", "ok", broadside.CommentApproved)
	b := ta.signIn(ed)
	f := editorForm("Later", "x", "draft")
	b.post("/admin/posts/new", f)
	r := b.get("/admin/")
	wantStatus(t, r, http.StatusOK)
	doc := parseHTML(t, r.Body)
	for id, want := range map[string]string{"count-published": "1", "count-drafts": "1", "count-scheduled": "0",
		"count-pending": "1", "count-approved": "1", "count-spam": "0"} {
		if n := byID(doc, id); n == nil || textOf(n) != want {
			t.Errorf("%s: want %s", id, want)
		}
	}
	if !strings.Contains(r.Body, "please approve") || !strings.Contains(r.Body, "Live") || !strings.Contains(r.Body, "Later") {
		t.Fatalf("dashboard lists:\n%s", r.Body)
	}
	approve := find(doc, func(n *html.Node) bool { return n.Data == "button" && attr(n, "value") == "approve" })
	if len(approve) != 1 {
		t.Fatal("no approve button for the pending comment")
	}
	if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("X-Robots-Tag") != "noindex" {
		t.Fatal("admin headers missing")
	}
}

// TestCommentQueueHidesTrashedPosts: the queue and its pending count leave out the
// comments of a trashed post (WordPress's "post-trashed"); restoring the post brings them
// back.
func TestCommentQueueHidesTrashedPosts(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Binned", "x")
	held := ta.seedComment(p, "Alice", "held on a binned post", broadside.CommentPending)
	spam := ta.seedComment(p, "Spammer", "spam on a binned post", broadside.CommentSpam)
	if _, err := ta.App.Posts.Trash(context.Background(), p.ID, ed); err != nil {
		t.Fatal(err)
	}
	b := ta.signIn(ed)
	for _, path := range []string{"/admin/comments", "/admin/comments?status=pending", "/admin/comments?status=spam"} {
		r := b.get(path)
		wantStatus(t, r, http.StatusOK)
		for _, c := range []*broadside.Comment{held, spam} {
			if byID(parseHTML(t, r.Body), fmt.Sprintf("c-%d", c.ID)) != nil {
				t.Errorf("%s lists comment %d of the trashed post", path, c.ID)
			}
		}
	}
	if n, err := ta.App.Comments.Counts(context.Background()); err != nil || n[broadside.CommentPending] != 0 {
		t.Errorf("pending count with the post in the trash = %v, %v", n, err)
	}
	if _, err := ta.App.Posts.Restore(context.Background(), p.ID, ed); err != nil {
		t.Fatal(err)
	}
	r := b.get("/admin/comments?status=pending")
	if byID(parseHTML(t, r.Body), fmt.Sprintf("c-%d", held.ID)) == nil {
		t.Errorf("the restored post's held comment is not back in the queue")
	}
}
