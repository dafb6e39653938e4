package e2e

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/broadside/broadside/internal/mail/mailtest"
)

const (
	subscriberEmail = "sam.subscriber@example.net"
	teaserText      = "Everyone can read this opening paragraph."
	secretText      = "Only subscribers get to read this scoop."
)

// TestSubscribeAndReadSubscriberOnlyPost is the browser test: the binary sends mail to
// an SMTP server running inside this test; an administrator writes a subscriber-only post in
// the editor; a reader sees only its teaser and a subscribe box, subscribes, confirms from the
// captured email, and lands back on the post, now whole.
func TestSubscribeAndReadSubscriberOnlyPost(t *testing.T) {
	t.Parallel()
	chromium(t)
	smtp := mailtest.Start(t)
	s := startSite(t, "--smtp-host", smtp.Host, "--smtp-port", strconv.Itoa(smtp.Port), "--smtp-tls", "none",
		"--smtp-from", "The e2e Site <news@example.org>")
	browser := newBrowser(t)

	// 1. The administrator writes a subscriber-only post.
	admin := newActor(t, browser, s, "admin")
	signIn(admin)
	admin.open("/admin/posts/new?type=post")
	admin.do("write the post",
		chromedp.SetValue(chromedp.CSS("#title"), "Members' scoop"),
		chromedp.SetValue(chromedp.CSS("#body"), teaserText+"\n\n<!--more-->\n\n"+secretText),
		chromedp.SetValue(chromedp.CSS("#status"), "published"),
		chromedp.Click(chromedp.CSS(`input[name="subscribers_only"]`)),
	)
	if !eval[bool](admin, `document.querySelector('input[name="send_newsletter"]').checked`) {
		admin.fatalf("send by email is not ticked by default")
	}
	admin.load("publish", chromedp.Click(chromedp.CSS(`#primary-action`)))
	if flash := admin.flash(); !strings.Contains(flash, "Post published") {
		admin.fatalf("after saving, the notice is %q (errors: %q)", flash, admin.formErrors())
	}
	link := eval[string](admin, `document.getElementById('permalink').getAttribute('href')`)
	u, err := url.Parse(link)
	if err != nil || u.Path == "" {
		admin.fatalf("permalink %q", link)
	}
	post := u.Path

	// 2. A visitor sees the teaser and a subscribe box; the rest is not in the page at all.
	reader := newActor(t, browser, s, "reader")
	reader.open(post)
	if got := reader.text(".entry-content"); !strings.Contains(got, teaserText) {
		reader.fatalf("the teaser is missing: %q", got)
	}
	if eval[bool](reader, `document.documentElement.outerHTML.includes('Only subscribers get')`) {
		reader.fatalf("the subscriber-only part is in the visitor's HTML")
	}
	if got := reader.text(".locked-box h2"); !strings.Contains(got, "for subscribers") {
		reader.fatalf("no subscribe box under the teaser: %q", got)
	}
	reader.screenshot("teaser.png", "")

	// 3. The reader subscribes from the box under the teaser.
	reader.do("type an email address", chromedp.SendKeys(chromedp.CSS("#locked-email"), subscriberEmail))
	reader.load("subscribe", chromedp.Click(chromedp.CSS(`.locked-box button[type="submit"]`)))
	if h := reader.text("h1"); h != "Check your inbox" {
		reader.fatalf("after subscribing the page says %q", h)
	}

	// 4. The confirmation arrives at the SMTP server in this process.
	var confirm string
	deadline := time.Now().Add(2 * time.Minute) // generous: mail is a job on a busy machine
	for confirm == "" {
		for _, m := range smtp.To(subscriberEmail) {
			p := mailtest.Parse(t, m.Data)
			if strings.HasPrefix(p.Subject(), "Confirm your subscription") {
				confirm = p.Link(t, "/subscribe/confirm?t=")
				if !strings.Contains(p.Text, confirm) {
					t.Fatalf("the text part lacks the confirmation link")
				}
			}
		}
		if confirm == "" {
			if time.Now().After(deadline) {
				t.Fatalf("no confirmation email after 2 minutes (%d messages)", len(smtp.Messages()))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !strings.HasPrefix(confirm, s.URL+"/") {
		t.Fatalf("the confirmation link %q does not point at the site %s", confirm, s.URL)
	}

	// 5. The reader opens the link, presses the button and is back on the post, whole.
	reader.load("open the confirmation link", chromedp.Navigate(confirm))
	reader.load("confirm", chromedp.Click(chromedp.CSS("#confirm-button")))
	if loc := reader.location(); loc.Path != post {
		reader.fatalf("after confirming the reader is on %s, want back on %s", loc.Path, post)
	}
	if got := reader.text(".entry-content"); !strings.Contains(got, secretText) || !strings.Contains(got, teaserText) {
		reader.fatalf("the subscriber does not see the whole post: %q", got)
	}
	if got := reader.text(".notice"); !strings.Contains(got, "you are subscribed") {
		reader.fatalf("the notice reads %q", got)
	}
	if n := eval[int](reader, `document.querySelectorAll('.locked-box, #subscribe-overlay').length`); n != 0 {
		reader.fatalf("a subscriber is still asked to subscribe")
	}
	reader.screenshot("subscribed.png", "")

	// A stranger still gets the teaser (the reader's page was never shared through the cache).
	stranger := newActor(t, browser, s, "stranger")
	stranger.open(post)
	if eval[bool](stranger, `document.documentElement.outerHTML.includes('Only subscribers get')`) {
		stranger.fatalf("a stranger sees the subscriber-only part")
	}

	// 6. On an ordinary post, the "Discover more" panel appears once the stranger has read
	// half of it, closes with "Continue reading", and stays closed on the next visit.
	stranger.open("/")
	seed := eval[string](stranger, `[...document.querySelectorAll('.entry-title a')].map(a => a.getAttribute('href')).find(h => h.includes('willsman')) || ''`)
	if seed == "" {
		stranger.fatalf("the seed post is not on the home page")
	}
	stranger.open(seed)
	if !eval[bool](stranger, `document.getElementById('subscribe-overlay').hidden`) {
		stranger.fatalf("the panel is shown before the reader has read anything")
	}
	stranger.do("scroll down", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.documentElement.scrollHeight * 0.7)`))
	stranger.waitFor("the panel appears", `!document.getElementById('subscribe-overlay').hidden`)
	if got := stranger.text("#overlay-title"); !strings.HasPrefix(got, "Discover more from") {
		stranger.fatalf("the panel's title is %q", got)
	}
	stranger.screenshot("overlay.png", "")
	stranger.do("continue reading", chromedp.Click(chromedp.CSS(`#subscribe-overlay button.link-button`)))
	stranger.waitFor("the panel closes", `document.getElementById('subscribe-overlay').hidden`)
	stranger.open(seed)
	// Scroll listeners run in the order they were added, so when this one (added after the
	// page's script) has seen the scroll event, the page's own handler has seen it too: the
	// check below waits on that, not on a guessed delay.
	stranger.do("scroll down again and let the page handle it", chromedp.Evaluate[chromedp.Void](`new Promise(done => {
	  window.addEventListener('scroll', () => requestAnimationFrame(() => done()), {once: true});
	  window.scrollTo(0, document.documentElement.scrollHeight * 0.7);
	})`, chromedp.EvalAwaitPromise))
	if !eval[bool](stranger, `document.getElementById('subscribe-overlay').hidden`) {
		stranger.fatalf("the panel came back after it was dismissed")
	}
	// Without JavaScript the same invitation is in the page under the post.
	if n := eval[int](stranger, `document.querySelectorAll('#subscribe-email').length`); n != 1 {
		stranger.fatalf("no inline subscribe box under the post")
	}
}
