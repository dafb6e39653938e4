package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
)

// reportForm returns the Report form under comment id on page path, or nil.
func (b *browser) reportFormOf(path string, id int64, ip string) url.Values {
	b.t.Helper()
	r := b.view("GET", path, ip, firefoxUA, "")
	doc := parseHTML(b.t, r.Body)
	li := byID(doc, "comment-"+itoa(id))
	if li == nil {
		return nil
	}
	forms := find(li, func(n *html.Node) bool { return n.Data == "form" && hasClass(n, "comment-report") })
	if len(forms) == 0 {
		return nil
	}
	v := url.Values{}
	for _, in := range find(forms[0], func(n *html.Node) bool { return n.Data == "input" }) {
		v.Set(attr(in, "name"), attr(in, "value"))
	}
	return v
}

// TestReaderReportsHoldAComment: three readers (three networks) report an approved comment;
// after the third it leaves the page and is pending with the reason "reported by 3 readers".
// A reader who reports twice counts once, and a report without the page's stamp is refused.
func TestReaderReportsHoldAComment(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withCache(), behindProxy())
	ta.settings(publishImmediately)
	author := ta.user("editor@example.org", broadside.RoleEditor)
	p := ta.publish(author, "Reported", "Body.")
	path := ta.postPath(p)
	c := ta.browser().commentAs(p, "Troll", "troll@example.org", "Something nasty.")
	wantComment(t, c, broadside.CommentApproved, "")

	forged := ta.browser().postFrom("198.51.100.1", "/comments/report/"+itoa(c.ID), url.Values{"ts": {"forged"}})
	if forged.StatusCode != http.StatusSeeOther {
		t.Fatalf("forged report: %d", forged.StatusCode)
	}
	for i, ip := range []string{"198.51.100.1", "198.51.100.1", "203.0.113.2", "2001:db8::9"} {
		b := ta.browser()
		f := b.reportFormOf(path, c.ID, ip)
		if f == nil {
			t.Fatalf("report %d: no Report button under the comment", i)
		}
		if r := b.postFrom(ip, "/comments/report/"+itoa(c.ID), f); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("report %d: %d\n%s", i, r.StatusCode, r.Body)
		}
		got := ta.stored(p, "Something nasty.")
		if i < 3 && got.Status != broadside.CommentApproved {
			t.Fatalf("after report %d (two from one network): %s", i, got.Status)
		}
	}
	wantComment(t, ta.stored(p, "Something nasty."), broadside.CommentPending, "reported by 3 readers")
	wantCodes(t, ta.stored(p, "Something nasty."), broadside.ReasonReported)
	if r := ta.browser().view("GET", path, "192.0.2.9", firefoxUA, ""); strings.Contains(r.Body, "Something nasty.") {
		t.Error("the reported comment is still on the page")
	}
	admin := ta.signIn(ta.user("admin@example.org", broadside.RoleAdmin))
	q := admin.get("/admin/comments?status=pending")
	if !strings.Contains(q.Body, "reported by 3 readers") || !strings.Contains(q.Body, "3 reader reports") {
		t.Errorf("the queue does not show the reports:\n%s", q.Body)
	}
}

// TestCommenterEditWindow: the author (their commenter key) sees "Edit (m:ss left)" and can
// correct the comment; another reader sees no link and cannot edit; after the window the link
// is gone and a forged POST is refused; an edit that adds links holds an approved comment.
func TestCommenterEditWindow(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withCache())
	ta.settings(publishImmediately)
	author := ta.user("editor@example.org", broadside.RoleEditor)
	p := ta.publish(author, "Editable", "Body.")
	path := ta.postPath(p)
	writer := ta.browser()
	c := writer.commentAs(p, "Writer", "writer@example.org", "Teh typo.")
	page := writer.get(path)
	if !strings.Contains(page.Body, `href="/comments/edit/`+itoa(c.ID)+`"`) || !strings.Contains(page.Body, "left)") {
		t.Fatalf("the author sees no edit link:\n%s", page.Body)
	}
	other := ta.browser()
	if r := other.get(path); strings.Contains(r.Body, "/comments/edit/") {
		t.Fatal("another reader sees the edit link (cached or not)")
	}
	if r := other.post("/comments/edit/"+itoa(c.ID), url.Values{"comment": {"Hijacked."}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("edit by another reader: %d", r.StatusCode)
	}
	if r := writer.get("/comments/edit/" + itoa(c.ID)); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Teh typo.") {
		t.Fatalf("edit form: %d", r.StatusCode)
	}
	if r := writer.post("/comments/edit/"+itoa(c.ID), url.Values{"comment": {"The typo, fixed."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.StatusCode, r.Body)
	}
	wantComment(t, ta.stored(p, "The typo, fixed."), broadside.CommentApproved, "")
	if r := other.get(path); !strings.Contains(r.Body, "The typo, fixed.") {
		t.Error("readers do not see the corrected comment")
	}
	// An edit that adds links is moderated again.
	if r := writer.post("/comments/edit/"+itoa(c.ID), url.Values{"comment": {"http://a.example http://b.example http://c.example"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit with links: %d", r.StatusCode)
	}
	wantComment(t, ta.stored(p, "http://a.example http://b.example http://c.example"), broadside.CommentPending, "edited by its author: contains 3 links")
	wantCodes(t, ta.stored(p, "http://a.example http://b.example http://c.example"), broadside.ReasonEdited, broadside.ReasonLinks)

	ta.Clock.Advance(11 * time.Minute)
	if r := writer.get(path); strings.Contains(r.Body, "/comments/edit/") {
		t.Error("the edit link outlives the window")
	}
	if r := writer.post("/comments/edit/"+itoa(c.ID), url.Values{"comment": {"Too late."}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("edit after the window: %d", r.StatusCode)
	}
}

// TestBanFromQueue: a moderator bans the e-mail address of a held comment from the queue; the
// next comment with that address goes to spam on the form and the API, with the ban as its
// reason; lifting the ban in the admin lets the address comment again.
func TestBanFromQueue(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	author := ta.user("editor@example.org", broadside.RoleEditor)
	p := ta.publish(author, "Banned", "Body.")
	held := ta.browser().commentAs(p, "Spammer", "spam@example.org", "Buy things.")
	wantComment(t, held, broadside.CommentPending, "")
	admin := ta.signIn(ta.user("admin@example.org", broadside.RoleAdmin))
	q := admin.get("/admin/comments?status=pending")
	if !strings.Contains(q.Body, "Ban e-mail") {
		t.Fatalf("no ban button in the queue:\n%s", q.Body)
	}
	if r := admin.post("/admin/comments/"+itoa(held.ID)+"/ban", url.Values{"kind": {"email"}, "return": {"/admin/comments"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("ban: %d\n%s", r.StatusCode, r.Body)
	}
	c := ta.browser().commentAs(p, "Someone", "SPAM@example.org", "Buy more things.")
	wantComment(t, c, broadside.CommentSpam, "banned e-mail address spam@example.org")
	api := ta.apiComment(p, "Someone", "spam@example.org", "Via the API.")
	wantComment(t, api, broadside.CommentSpam, "banned e-mail address")
	wantCodes(t, api, broadside.ReasonBanned)
	if q := admin.get("/admin/comments?status=spam"); !strings.Contains(q.Body, `<code class="reason-code">banned</code>`) {
		t.Errorf("the spam queue does not show the reason code:\n%s", q.Body)
	}

	bans := admin.get("/admin/comments/bans")
	if !strings.Contains(bans.Body, "spam@example.org") {
		t.Fatalf("bans list:\n%s", bans.Body)
	}
	list, err := ta.App.Comments.Bans(context.Background(), moderator)
	if err != nil || len(list) != 1 {
		t.Fatalf("bans: %v %v", list, err)
	}
	if r := admin.post("/admin/comments/bans/"+itoa(list[0].ID)+"/delete", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("unban: %d", r.StatusCode)
	}
	c = ta.browser().commentAs(p, "Someone", "spam@example.org", "Reformed.")
	if c.Status == broadside.CommentSpam {
		t.Fatalf("still banned after the ban was lifted: %s", c.ModerationReason)
	}
}

// TestQueueUndoAndEmpty: a bulk "Spam" offers Undo on the page it returns to, once; Undo puts
// each comment back where it was (for 10 minutes, and not over a later change); "Empty spam"
// confirms with the count and deletes every spam comment.
func TestQueueUndoAndEmpty(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	author := ta.user("editor@example.org", broadside.RoleEditor)
	p := ta.publish(author, "Queue", "Body.")
	var ids []string
	for i, body := range []string{"One.", "Two.", "Three."} {
		c := ta.browser().commentAs(p, "Reader", "r"+itoa(int64(i))+"@example.org", body)
		ids = append(ids, itoa(c.ID))
	}
	ta.approve(ta.stored(p, "Three.").ID)
	admin := ta.signIn(ta.user("admin@example.org", broadside.RoleAdmin))
	r := admin.post("/admin/comments/bulk", url.Values{"ids": ids, "action": {"spam"}, "return": {"/admin/comments?status=spam"}})
	page := admin.follow(r)
	undo := byID(parseHTML(t, page.Body), "undo")
	if undo == nil {
		t.Fatalf("no Undo after a bulk action:\n%s", page.Body)
	}
	if again := admin.get("/admin/comments?status=spam"); strings.Contains(again.Body, `id="undo"`) {
		t.Error("the Undo offer is shown again on the next page")
	}
	f := url.Values{}
	for _, in := range find(undo, func(n *html.Node) bool { return n.Data == "input" }) {
		f.Set(attr(in, "name"), attr(in, "value"))
	}
	// A comment changed since the action is left where the moderator put it.
	if _, err := ta.App.Comments.SetStatus(context.Background(), []int64{ta.stored(p, "One.").ID}, broadside.CommentTrash, moderator); err != nil {
		t.Fatal(err)
	}
	if r := admin.post("/admin/comments/undo", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("undo: %d", r.StatusCode)
	}
	for body, want := range map[string]broadside.CommentStatus{"One.": broadside.CommentTrash, "Two.": broadside.CommentPending, "Three.": broadside.CommentApproved} {
		if got := ta.stored(p, body).Status; got != want {
			t.Errorf("after Undo %q is %s, want %s", body, got, want)
		}
	}
	// An offer expires.
	r = admin.post("/admin/comments/bulk", url.Values{"ids": ids, "action": {"spam"}, "return": {"/admin/comments?status=spam"}})
	undo = byID(parseHTML(t, admin.follow(r).Body), "undo")
	f = url.Values{}
	for _, in := range find(undo, func(n *html.Node) bool { return n.Data == "input" }) {
		f.Set(attr(in, "name"), attr(in, "value"))
	}
	ta.Clock.Advance(11 * time.Minute)
	admin.post("/admin/comments/undo", f)
	if got := ta.stored(p, "Two.").Status; got != broadside.CommentSpam {
		t.Errorf("an expired Undo moved a comment to %s", got)
	}

	confirm := admin.get("/admin/comments/empty?status=spam")
	if n := byID(parseHTML(t, confirm.Body), "empty-count"); n == nil || textOf(n) != "3 comments" {
		t.Fatalf("the confirmation does not count the spam:\n%s", confirm.Body)
	}
	if r := admin.post("/admin/comments/empty", url.Values{"status": {"spam"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("empty spam: %d", r.StatusCode)
	}
	if cs := ta.comments(p.ID); len(cs) != 0 {
		t.Errorf("%d comments left after emptying the spam", len(cs))
	}
}

// wantCodes checks a comment's machine reason codes.
func wantCodes(t *testing.T, c broadside.Comment, codes ...string) {
	t.Helper()
	if strings.Join(c.ModerationCodes, " ") != strings.Join(codes, " ") {
		t.Errorf("comment %q has reason codes %q, want %q", c.RawBody, c.ModerationCodes, codes)
	}
}

// TestReasonCodes: the reasons stored with a held comment are machine codes too; an
// anonymous REST comment says so, and a form comment sent too fast says so.
func TestReasonCodes(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	author := ta.user("editor@example.org", broadside.RoleEditor)
	p := ta.publish(author, "Codes", "Body.")
	api := ta.apiComment(p, "Script", "script@example.org", "From a script.")
	wantComment(t, api, broadside.CommentPending, "sent through the API without signing in")
	wantCodes(t, api, broadside.ReasonNoStamp, broadside.ReasonAnonymousAPI, broadside.ReasonFirstComment)

	b := ta.browser()
	f := b.formFor(ta.postPath(p))
	ta.Clock.Advance(-29 * time.Second) // formFor waited 30 s; this reader took one
	f.Set("comment", "Too quick.")
	if r := b.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d", r.StatusCode)
	}
	wantCodes(t, ta.stored(p, "Too quick."), broadside.ReasonTooFast)
}
