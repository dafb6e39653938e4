package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Moderation at scale (issue 10, point 5), in a real browser: a ban made from the queue, reader
// reports that send a comment back to the queue, and the commenter's edit window.

// setSetting saves one number of the settings form.
func setSetting(a *actor, name string, n int) {
	a.t.Helper()
	a.open("/admin/settings")
	field := fmt.Sprintf(`form[action="/admin/settings"] input[name=%q]`, name)
	a.do("set "+name,
		chromedp.Clear(chromedp.CSS(field)),
		chromedp.SendKeys(chromedp.CSS(field), strconv.Itoa(n)),
	)
	a.load("save the settings", chromedp.Click(chromedp.CSS(`form[action="/admin/settings"] button[type="submit"]`)))
	if flash := a.flash(); !strings.Contains(flash, "Settings saved") {
		a.fatalf("after saving %s the notice is %q (errors: %q)", name, flash, a.formErrors())
	}
}

// fromAddress makes every request of the actor carry X-Forwarded-For: ip (the site trusts the
// loopback proxy), so each reader comes from their own network.
func fromAddress(ip string) actorOption {
	return func(a *actor) { a.moveTo(ip) }
}

// moveTo makes the actor's next requests come from ip: another reader, as far as reports go
// (a reader is known by their network, not by cookies).
func (a *actor) moveTo(ip string) {
	a.t.Helper()
	ctx, cancel := a.step()
	defer cancel()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		a.fatalf("enable the network domain: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders,
		network.SetExtraHTTPHeadersParams{Headers: network.Headers{"X-Forwarded-For": ip}}); err != nil {
		a.fatalf("set X-Forwarded-For: %v", err)
	}
}

// cookies lists the names of the cookies the actor's browser holds for the site.
func (a *actor) cookies() []string {
	a.t.Helper()
	ctx, cancel := a.step()
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{a.base + "/"}})
	if err != nil {
		a.fatalf("read the cookies: %v", err)
	}
	var names []string
	for _, c := range res.Cookies {
		names = append(names, c.Name)
	}
	return names
}

// sendComment fills in the comment form as name/email and submits it; it returns the
// fragment the site redirected to ("comment-ID", or "comments" for a comment not shown).
func (a *actor) sendComment(name, email, body string) string {
	a.t.Helper()
	a.do("fill in the comment form",
		chromedp.SendKeys(chromedp.CSS("#comment"), body),
		chromedp.SendKeys(chromedp.CSS("#author"), name),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
	)
	a.load("post the comment", chromedp.Click(chromedp.CSS("#submit")))
	return a.location().Fragment
}

func (a *actor) count(sel string) int {
	a.t.Helper()
	return eval[int](a, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
}

// TestBanFromQueue: the administrator bans the e-mail address of a held comment with the
// row's "Ban e-mail" button; a new comment from that address, from another browser, is not
// published (it lands in spam, with the ban as its reason).
func TestBanFromQueue(t *testing.T) {
	t.Parallel()
	s, browser := setupNoWait(t)
	admin := newActor(t, browser, s, "admin")
	signIn(admin)

	spammer := newActor(t, browser, s, "spammer")
	post := firstPostPath(spammer)
	spammer.open(post)
	frag := spammer.sendComment("Cheap Pills", "pills@spam.example", "Buy cheap pills today. (e2e ban)")
	id := strings.TrimPrefix(frag, "comment-")
	if id == frag {
		spammer.fatalf("the first comment was not shown to its author as held (fragment %q)", frag)
	}

	admin.open("/admin/comments?status=pending")
	row := "#c-" + id
	if admin.count(row) != 1 {
		admin.fatalf("the held comment %s is not in the queue", id)
	}
	admin.do("open the Ban menu", chromedp.Click(chromedp.CSS(row+" details.ban summary")))
	admin.load("click Ban e-mail", chromedp.Click(chromedp.CSS(row+" form.ban-email button")))
	if flash := admin.flash(); !strings.Contains(flash, "Banned pills@spam.example") {
		admin.fatalf("after Ban e-mail the notice is %q", flash)
	}
	admin.open("/admin/comments/bans")
	if got := admin.text("#bans"); !strings.Contains(got, "pills@spam.example") {
		admin.fatalf("the bans list reads %q", got)
	}

	again := newActor(t, browser, s, "spammer in a fresh browser")
	again.open(post)
	body := "Pills again, from a new browser. (e2e ban)"
	if frag := again.sendComment("Someone Else", "PILLS@spam.example", body); frag != "comments" {
		again.fatalf("a banned address's comment went to #%s; want the plain #comments answer that tells nothing", frag)
	}
	if strings.Contains(again.text("#comments"), body) {
		again.fatalf("the banned address's comment is on the page")
	}
	admin.open("/admin/comments?status=spam")
	if got := admin.text("main"); !strings.Contains(got, body) || !strings.Contains(got, "banned e-mail address pills@spam.example") {
		admin.fatalf("the spam queue does not hold the banned comment with its reason: %q", got)
	}
}

// TestReaderReports: three readers on three networks press Report under an approved comment;
// it leaves the page and waits in the queue with the reason "reported by 3 readers".
func TestReaderReports(t *testing.T) {
	t.Parallel()
	chromium(t)
	s := startSite(t, "--trusted-proxies", "127.0.0.1/32")
	browser := newBrowser(t)

	first := newActor(t, browser, s, "reader 1", fromAddress("198.51.100.11"))
	post := firstPostPath(first)
	first.open(post)
	// A visitor's comment without replies, so the one that leaves the page is easy to check.
	id := eval[string](first, `document.querySelector('li.comment:not(:has(li.comment)):has(form.comment-report)')?.id ?? ''`)
	if !strings.HasPrefix(id, "comment-") {
		first.fatalf("no comment with a Report button")
	}
	id = strings.TrimPrefix(id, "comment-")
	report := "#comment-" + id + " form.comment-report button"
	// One tab stands for the three readers: what tells readers apart is their network (one
	// report per network and comment), so it moves between networks. Fewer tabs keep the test
	// within its time on a busy machine.
	for i, ip := range []string{"198.51.100.11", "203.0.113.22", "2001:db8:33::1"} {
		if i > 0 {
			first.moveTo(ip)
			first.open(post)
		}
		first.load(fmt.Sprintf("click Report (reader %d)", i+1), chromedp.Click(chromedp.CSS(report)))
		if flash := first.flash(); !strings.Contains(flash, "A moderator will look at this comment") {
			first.fatalf("after Report the notice is %q", flash)
		}
	}
	first.moveTo("192.0.2.44")
	first.open(post)
	if first.count("#comment-"+id) != 0 {
		first.fatalf("comment %s is still on the page after three reports", id)
	}

	admin := newActor(t, browser, s, "admin")
	signIn(admin)
	admin.open("/admin/comments?status=pending")
	row := "#c-" + id
	if admin.count(row) != 1 {
		admin.fatalf("the reported comment %s is not in the pending queue", id)
	}
	if got := admin.text(row); !strings.Contains(got, "reported by 3 readers") || !strings.Contains(got, "3 reader reports") {
		admin.fatalf("the queue row reads %q, want the reason and the reports", got)
	}
}

// TestEditWindow: a commenter corrects their comment through the "Edit (m:ss left)" link
// (no account, no JavaScript needed); once the window is closed (the setting set to 0) the
// link is gone and a forged edit POST from their own browser is refused.
func TestEditWindow(t *testing.T) {
	t.Parallel()
	s, browser := setupNoWait(t)
	admin := newActor(t, browser, s, "admin")
	signIn(admin)

	reader := newActor(t, browser, s, "reader", withoutJavaScript)
	post := firstPostPath(reader)
	reader.open(post)
	frag := reader.sendComment(readerName, readerEmail, "Teh first draft. (e2e edit)")
	id := strings.TrimPrefix(frag, "comment-")
	link := "#comment-" + id + " .comment-edit-link"
	if reader.count(link) != 1 {
		reader.fatalf("the author sees no edit link under comment %s", id)
	}
	if got := reader.text(link); !strings.HasPrefix(got, "Edit (") || !strings.HasSuffix(got, " left)") {
		reader.fatalf("the edit link reads %q, want Edit (m:ss left)", got)
	}
	stranger := newActor(t, browser, s, "stranger")
	stranger.open(post)
	if stranger.count(".comment-edit-link") != 0 {
		stranger.fatalf("a stranger sees an edit link")
	}

	reader.load("click Edit", chromedp.Click(chromedp.CSS(link)))
	fixed := "The first draft, corrected. (e2e edit)"
	reader.do("correct the comment", chromedp.Clear(chromedp.CSS("#comment")), chromedp.SendKeys(chromedp.CSS("#comment"), fixed))
	reader.load("save", chromedp.Click(chromedp.CSS(`#comment-edit-form button[type="submit"]`)))
	if got := reader.text("#comment-" + id + " > article .comment-content"); got != fixed {
		reader.fatalf("after editing, the comment reads %q, want %q", got, fixed)
	}

	setSetting(admin, "edit_minutes", 0) // the window has passed
	reader.open(post)
	if reader.count(link) != 0 {
		reader.fatalf("the edit link is still shown after the window closed")
	}
	// A forged edit POST is refused: from the author's own browser (it holds the commenter
	// key, but the window has passed) and from a stranger's.
	forge := fmt.Sprintf(`fetch('/comments/edit/%s', {method: 'POST', body: new URLSearchParams({comment: 'Forged.'})}).then(r => r.status)`, id)
	for _, a := range []*actor{reader, stranger} {
		ctx, cancel := a.step()
		status, err := chromedp.Run(ctx, chromedp.Evaluate[int](forge, chromedp.EvalAwaitPromise))
		cancel()
		if err != nil {
			a.fatalf("send a forged edit: %v", err)
		}
		if status != 403 {
			a.fatalf("a forged edit POST answered %d, want 403", status)
		}
	}
	reader.open(post)
	if got := reader.text("#comment-" + id + " > article .comment-content"); got != fixed {
		reader.fatalf("after the refused edits, the comment reads %q, want %q", got, fixed)
	}
}
