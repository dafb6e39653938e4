package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The reader who replies in the thread.
const (
	readerName  = "Rita Reader"
	readerEmail = "rita.reader@example.net"
)

// TestReplyInThreadAndModerate is the browser test: a reader replies in place to a
// nested comment (the form moves under it, can be cancelled and comes back), the reply is
// held and shown to its author only, an administrator approves it in the queue, and a
// stranger then sees it nested under the comment it answers.
func TestReplyInThreadAndModerate(t *testing.T) {
	t.Parallel()
	s, browser := setup(t)

	// 1. The administrator signs in and turns off the minimum time to submit, so the reader
	// need not wait; the comment is still held for moderation (a first-time commenter).
	admin := newActor(t, browser, s, "admin")
	signIn(admin)
	setMinSubmitSeconds(admin, 0)

	// 2. The reader opens the seed post from the home page and replies to a nested comment.
	reader := newActor(t, browser, s, "reader")
	post := firstPostPath(reader)
	reader.open(post)
	reader.expectAnonymous()
	initial := reader.commentCount()
	parent := reader.firstComment("li.comment.depth-2")
	t.Logf("post %s; replying to comment %s by %q", post, parent.ID, parent.Author)

	reader.clickReply(parent)
	reader.waitFor("the reply form is inside the comment being answered",
		fmt.Sprintf(`document.getElementById('respond').closest('li.comment')?.id === 'comment-%s'`, parent.ID))
	if got := eval[string](reader, `document.getElementById('respond').previousElementSibling?.id ?? ''`); got != "div-comment-"+parent.ID {
		reader.fatalf("the reply form follows #%s, want #div-comment-%s (right under the comment's body)", got, parent.ID)
	}
	reader.expectReplyForm("Leave a Reply to "+parent.Author, parent.ID, true)
	if got := eval[string](reader, `document.activeElement?.id ?? ''`); got != "comment" {
		reader.fatalf("after Reply the focus is on %q, want the comment field", got)
	}

	// 3. Cancel reply puts the form back below the thread.
	reader.do("click Cancel reply", chromedp.Click(chromedp.CSS("#cancel-comment-reply-link")))
	reader.waitFor("the reply form is back below the thread",
		`document.getElementById('respond').closest('li.comment') === null`)
	reader.expectFormBelowThread()
	reader.expectReplyForm("Leave a Reply", "0", false)
	if loc := reader.location(); loc.RawQuery != "" {
		reader.fatalf("with JavaScript, Reply and Cancel reply should not navigate; the URL is now %s", loc)
	}

	// 4. Reply again, for real.
	reader.clickReply(parent)
	reader.waitFor("the reply form is inside the comment again",
		fmt.Sprintf(`document.getElementById('respond').closest('li.comment')?.id === 'comment-%s'`, parent.ID))
	reader.expectReplyForm("Leave a Reply to "+parent.Author, parent.ID, true)
	body := "Thanks, this is the thread that matters. (e2e reply with JavaScript)"
	id := reader.postComment(post, body)
	t.Logf("new comment %s", id)
	reader.expectPending(id, parent.ID)

	// A stranger does not see a held comment, and the count has not moved.
	stranger := newActor(t, browser, s, "stranger")
	stranger.open(post)
	before := stranger.commentCount()
	if before != initial {
		stranger.fatalf("the comments heading counts %d with a held reply, want %d as before it was sent", before, initial)
	}
	if n := eval[int](stranger, fmt.Sprintf(`document.querySelectorAll('#comment-%s').length`, id)); n != 0 {
		stranger.fatalf("a stranger sees the held comment %s", id)
	}

	// 5. The administrator approves it from the pending queue.
	approve(admin, id, readerName, body)

	// 6. A visitor with no cookies at all sees the reply, approved, nested under its parent:
	// the stranger, who has never been given one (a browser context of its own for this cost
	// a tab and a renderer, and held exactly as little).
	visitor := stranger
	if c := visitor.cookies(); len(c) != 0 {
		visitor.fatalf("the visitor holds cookies for the site: %v", c)
	}
	visitor.open(post)
	visitor.expectApproved(id, parent.ID, body)
	if after := visitor.commentCount(); after != before+1 {
		visitor.fatalf("the comments heading counts %d, want %d (%d before the approval, plus one)", after, before+1, before)
	}
	visitor.do("scroll to the reply", chromedp.ScrollIntoView(chromedp.CSS("#comment-"+id)))
	visitor.screenshot("final-thread.png", "#comment-"+parent.ID)
	visitor.screenshot("final-viewport.png", "")
}

// TestNoJavaScriptReply is the same reply with JavaScript turned off: Reply is a plain link
// to ?replytocom=N#respond, the server renders "Leave a Reply to NAME" and "Cancel reply",
// and posting works.
func TestNoJavaScriptReply(t *testing.T) {
	t.Parallel()
	s, browser := setupNoWait(t)

	reader := newActor(t, browser, s, "reader without JavaScript", withoutJavaScript)
	post := firstPostPath(reader)
	reader.open(post)
	reader.expectAnonymous()
	if n := eval[int](reader, `document.querySelectorAll('#respond-home').length`); n != 0 {
		reader.fatalf("comments.js ran although JavaScript is disabled")
	}
	parent := reader.firstComment("li.comment.depth-2")

	reader.load("click Reply", chromedp.Click(chromedp.CSS(parent.replyLink())))
	loc := reader.location()
	if loc.Path != post || loc.Query().Get("replytocom") != parent.ID || loc.Fragment != "respond" {
		reader.fatalf("Reply went to %s, want %s?replytocom=%s#respond", loc, post, parent.ID)
	}
	reader.expectReplyForm("Leave a Reply to "+parent.Author, parent.ID, true)

	// Cancel reply is a link back to the plain form.
	reader.load("click Cancel reply", chromedp.Click(chromedp.CSS("#cancel-comment-reply-link")))
	if loc := reader.location(); loc.Path != post || loc.Query().Has("replytocom") {
		reader.fatalf("Cancel reply went to %s, want %s without replytocom", loc, post)
	}
	reader.expectReplyForm("Leave a Reply", "0", false)

	reader.load("click Reply again", chromedp.Click(chromedp.CSS(parent.replyLink())))
	reader.expectReplyForm("Leave a Reply to "+parent.Author, parent.ID, true)
	body := "Replying the old-fashioned way, no scripts at all. (e2e reply without JavaScript)"
	id := reader.postComment(post, body)
	reader.expectPending(id, parent.ID)
}

// setup starts a seeded site and a browser for one test.
func setup(t *testing.T) (*site, *browser) {
	t.Helper()
	chromium(t) // skip (or fail under CI) before building anything
	s := startSite(t)
	return s, newBrowser(t)
}

// setupNoWait is setup on a site whose minimum time to submit a comment is 0 (seededNoWait).
func setupNoWait(t *testing.T) (*site, *browser) {
	t.Helper()
	chromium(t)
	s := startSiteFrom(t, seededNoWait(t))
	return s, newBrowser(t)
}

// signIn signs the administrator in through the real login form.
func signIn(a *actor) {
	a.t.Helper()
	a.open("/admin/login")
	a.do("fill in the sign-in form",
		chromedp.SendKeys(chromedp.CSS(`form[action="/admin/login"] input[name="email"]`), adminEmail),
		chromedp.SendKeys(chromedp.CSS(`form[action="/admin/login"] input[name="password"]`), adminPassword),
	)
	a.load("sign in", chromedp.Submit(chromedp.CSS(`form[action="/admin/login"] input[name="password"]`)))
	if loc := a.location(); strings.HasPrefix(loc.Path, "/admin/login") {
		a.fatalf("still on the sign-in page after signing in: %q", a.text("main"))
	}
	if n := eval[int](a, `document.querySelectorAll('form[action="/admin/logout"]').length`); n == 0 {
		a.fatalf("signed in, but the page has no Sign out button")
	}
}

// setMinSubmitSeconds saves the discussion setting through the settings form.
func setMinSubmitSeconds(a *actor, n int) {
	a.t.Helper()
	a.open("/admin/settings")
	field := `form[action="/admin/settings"] input[name="min_submit_seconds"]`
	a.do("set min_submit_seconds",
		chromedp.Clear(chromedp.CSS(field)),
		chromedp.SendKeys(chromedp.CSS(field), strconv.Itoa(n)),
	)
	a.load("save the settings", chromedp.Click(chromedp.CSS(`form[action="/admin/settings"] button[type="submit"]`)))
	if flash := a.flash(); !strings.Contains(flash, "Settings saved") {
		a.fatalf("after saving the settings the notice is %q, want it to say Settings saved (errors: %q)", flash, a.formErrors())
	}
	if got := eval[string](a, fmt.Sprintf(`document.querySelector('%s').value`, field)); got != strconv.Itoa(n) {
		a.fatalf("min_submit_seconds reads %q after saving, want %d", got, n)
	}
}

// approve approves a comment with its row's Approve button in the pending queue.
func approve(a *actor, id, author, body string) {
	a.t.Helper()
	a.open("/admin/comments")
	row := "#c-" + id
	if n := eval[int](a, fmt.Sprintf(`document.querySelectorAll('%s').length`, row)); n != 1 {
		a.fatalf("the pending queue has no row for comment %s (rows: %q)", id, a.text("main"))
	}
	text := a.text(row)
	if !strings.Contains(text, author) || !strings.Contains(text, body) {
		a.fatalf("the queue row of comment %s reads %q, want the author %q and the text %q", id, text, author, body)
	}
	a.load("click Approve", chromedp.Click(chromedp.CSS(row+` button[value="approve"]`)))
	if flash := a.flash(); !strings.Contains(flash, "1 comment approved") {
		a.fatalf("after Approve the notice is %q, want it to say 1 comment approved", flash)
	}
	if n := eval[int](a, fmt.Sprintf(`document.querySelectorAll('%s.status-pending').length`, row)); n != 0 {
		a.fatalf("comment %s is still in the pending queue after Approve", id)
	}
}

// flash is the admin's success notice, "" when there is none.
func (a *actor) flash() string {
	a.t.Helper()
	return strings.Join(strings.Fields(eval[string](a, `document.querySelector('[role="status"]')?.textContent ?? ''`)), " ")
}

// formErrors lists the error messages on an admin form, to explain a failed save.
func (a *actor) formErrors() string {
	a.t.Helper()
	return eval[string](a, `Array.from(document.querySelectorAll('[role="alert"], .field-error')).map(e => e.textContent.trim()).join(' | ')`)
}

// firstPostPath opens the home page and returns the path of its first post.
func firstPostPath(a *actor) string {
	a.t.Helper()
	a.open("/")
	href := eval[string](a, `document.querySelector('.entry-title a')?.href ?? ''`)
	if href == "" {
		a.fatalf("the home page lists no post (.entry-title a)")
	}
	u := a.location()
	p, err := u.Parse(href)
	if err != nil {
		a.fatalf("post link %q: %v", href, err)
	}
	return p.Path
}

// expectAnonymous checks that the actor is not signed in (its browser context shares no
// cookies with the administrator's): the comment form asks for a name and an email.
func (a *actor) expectAnonymous() {
	a.t.Helper()
	if n := eval[int](a, `document.querySelectorAll('#commentform .logged-in-as').length + (document.getElementById('author') ? 0 : 1)`); n != 0 {
		a.fatalf("the reader is signed in: the comment form has no name field or says Signed in as")
	}
}

// comment is a comment on the page the reader is replying to.
type comment struct {
	ID     string // numeric, as in #comment-ID
	Author string
}

func (c comment) replyLink() string {
	return "#comment-" + c.ID + " > article .comment-reply-link"
}

// firstComment returns the first comment matching sel, which must have a Reply link.
func (a *actor) firstComment(sel string) comment {
	a.t.Helper()
	id := eval[string](a, fmt.Sprintf(`document.querySelector(%q)?.id ?? ''`, sel))
	if !strings.HasPrefix(id, "comment-") {
		a.fatalf("no comment matches %s", sel)
	}
	c := comment{ID: strings.TrimPrefix(id, "comment-")}
	c.Author = a.text("#" + id + " > article .comment-author")
	link := eval[string](a, fmt.Sprintf(`document.querySelector(%q)?.dataset.commentid ?? ''`, c.replyLink()))
	if link != c.ID {
		a.fatalf("comment %s has no Reply link with data-commentid=%s (got %q)", c.ID, c.ID, link)
	}
	return c
}

// clickReply clicks the comment's Reply link (JavaScript on: no navigation).
func (a *actor) clickReply(c comment) {
	a.t.Helper()
	a.do("click Reply on comment "+c.ID, chromedp.Click(chromedp.CSS(c.replyLink())))
}

// visibleJS is a JavaScript expression that is true when the element with the id is rendered.
func visibleJS(id string) string {
	return fmt.Sprintf(`(() => { const e = document.getElementById(%q); return !!e && !e.hidden && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'; })()`, id)
}

// expectReplyForm checks the reply form's title, parent field and Cancel reply link.
func (a *actor) expectReplyForm(title, parentID string, cancelVisible bool) {
	a.t.Helper()
	if got := a.text("#reply-title-text"); got != title {
		a.fatalf("the form's title reads %q, want %q", got, title)
	}
	if got := eval[string](a, `document.querySelector('#commentform input[name="comment_parent"]').value`); got != parentID {
		a.fatalf("comment_parent is %q, want %q", got, parentID)
	}
	if got := eval[bool](a, visibleJS("cancel-comment-reply-link")); got != cancelVisible {
		a.fatalf("Cancel reply visible = %v, want %v", got, cancelVisible)
	}
	if cancelVisible {
		if got := a.text("#cancel-comment-reply-link"); got != "Cancel reply" {
			a.fatalf("the cancel link reads %q, want Cancel reply", got)
		}
	}
}

// expectFormBelowThread checks that the form is in the comments section, after the thread.
func (a *actor) expectFormBelowThread() {
	a.t.Helper()
	ok := eval[bool](a, `(() => {
		const r = document.getElementById('respond'), list = document.querySelector('#comments ol.comment-list');
		return !!r.closest('#comments') && !!list && !list.contains(r) &&
			!!(list.compareDocumentPosition(r) & Node.DOCUMENT_POSITION_FOLLOWING);
	})()`)
	if !ok {
		a.fatalf("the reply form is not below the thread in #comments")
	}
}

// postComment fills in the (already placed) form, submits it and returns the new comment's
// id, read from the #comment-ID the site redirects to.
func (a *actor) postComment(post, body string) string {
	a.t.Helper()
	a.do("fill in the comment form",
		chromedp.SendKeys(chromedp.CSS("#comment"), body),
		chromedp.SendKeys(chromedp.CSS("#author"), readerName),
		chromedp.SendKeys(chromedp.CSS("#email"), readerEmail),
	)
	a.load("post the comment", chromedp.Click(chromedp.CSS("#submit")))
	loc := a.location()
	m := regexp.MustCompile(`^comment-(\d+)$`).FindStringSubmatch(loc.Fragment)
	if loc.Path != post || m == nil {
		a.fatalf("after posting, the browser is at %s, want %s#comment-ID (page says %q)", loc, post, a.formErrors())
	}
	return m[1]
}

// expectPending checks the author's view of a held reply: awaiting moderation, nested under
// its parent.
func (a *actor) expectPending(id, parentID string) {
	a.t.Helper()
	li := "#comment-" + id
	if n := eval[int](a, fmt.Sprintf(`document.querySelectorAll('%s').length`, li)); n != 1 {
		a.fatalf("the author does not see the held comment %s on the page it was sent to", id)
	}
	if got := a.text(li + " > article .comment-awaiting-moderation"); got != "Your comment is awaiting moderation." {
		a.fatalf("the held comment's notice reads %q", got)
	}
	a.expectNestedUnder(id, parentID)
}

// expectApproved checks a visitor's view of the approved reply.
func (a *actor) expectApproved(id, parentID, body string) {
	a.t.Helper()
	li := "#comment-" + id
	if n := eval[int](a, fmt.Sprintf(`document.querySelectorAll('%s').length`, li)); n != 1 {
		a.fatalf("a visitor does not see the approved comment %s", id)
	}
	if n := eval[int](a, fmt.Sprintf(`document.querySelectorAll('%s > article .comment-awaiting-moderation').length`, li)); n != 0 {
		a.fatalf("the approved comment %s is still marked as awaiting moderation", id)
	}
	if eval[bool](a, fmt.Sprintf(`document.querySelector('%s').classList.contains('comment-pending')`, li)) {
		a.fatalf("the approved comment %s still has the class comment-pending", id)
	}
	if got := a.text(li + " > article .comment-content"); got != body {
		a.fatalf("the approved comment reads %q, want %q", got, body)
	}
	if got := a.text(li + " > article .comment-author"); got != readerName {
		a.fatalf("the approved comment's author reads %q, want %q", got, readerName)
	}
	a.expectNestedUnder(id, parentID)
	if !eval[bool](a, fmt.Sprintf(`document.querySelector('%s').classList.contains('depth-3')`, li)) {
		a.fatalf("the reply is not at depth 3: class %q", eval[string](a, fmt.Sprintf(`document.querySelector('%s').className`, li)))
	}
}

// expectNestedUnder checks that comment id sits in the children list of comment parentID.
func (a *actor) expectNestedUnder(id, parentID string) {
	a.t.Helper()
	got := eval[string](a, fmt.Sprintf(`(() => {
		const ol = document.getElementById('comment-%s').parentElement;
		if (!ol.matches('ol.children')) return 'not in an ol.children but in ' + ol.tagName + '.' + ol.className;
		return ol.closest('li.comment')?.id ?? 'no parent comment';
	})()`, id))
	if got != "comment-"+parentID {
		a.fatalf("comment %s is nested under %s, want comment-%s", id, got, parentID)
	}
}

// commentCount reads the number in the comments heading ("32 comments").
func (a *actor) commentCount() int {
	a.t.Helper()
	h := a.text("#comments-title")
	m := regexp.MustCompile(`^(\d+) comments?$`).FindStringSubmatch(h)
	if m == nil {
		a.fatalf("the comments heading reads %q, want N comments", h)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
