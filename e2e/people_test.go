package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/broadside/broadside/internal/mail/mailtest"
)

// TestAdminFitsAPhone visits every admin page reachable from the admin's navigation, plus
// the editor, a comment, the queue, users, a user's edit page, subscribers, settings, media,
// the profile and two-factor setup, and the pages met before signing in (sign-in, emailed
// sign-in link, the set-password page of an invitation and the two-factor code step), at
// 390x844 (a phone), and checks that none is wider than the screen: the page itself never
// scrolls sideways. On the phone the navigation is a Menu button that opens a list, without
// JavaScript.
func TestAdminFitsAPhone(t *testing.T) {
	t.Parallel()
	chromium(t)
	smtp := mailtest.Start(t)
	s := startSite(t, "--smtp-host", smtp.Host, "--smtp-port", strconv.Itoa(smtp.Port), "--smtp-tls", "none",
		"--smtp-from", "The e2e Site <news@example.org>")
	browser := newBrowser(t)
	phone := func(a *actor) {
		a.do("use a 390x844 phone screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	}
	admin := newActor(t, browser, s, "admin")
	phone(admin)
	var offenders []string
	seen := map[string]bool{}
	measure := func(a *actor, p string) {
		if seen[p] {
			return
		}
		seen[p] = true
		a.open(p)
		if w := eval[int](a, `document.documentElement.scrollWidth`); w > 390 {
			wide := eval[string](a, `Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 391 && !e.closest('table.list')).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : '')).join(', ')`)
			offenders = append(offenders, fmt.Sprintf("%s is %d px wide (widest: %s)", p, w, wide))
		}
	}
	measure(admin, "/admin/login")
	measure(admin, "/admin/login/link")

	// Without JavaScript: the admin's own tab with its scripts turned off signs in and opens
	// the menu, as a browser without JavaScript does (a second signed-in browser context for
	// it cost a tab, a renderer and a sign-in, and tested nothing more: scripts are the tab's).
	scripts(admin, false)
	signIn(admin)
	admin.open("/admin/")
	navShown := `(() => { const n = document.querySelector('.admin-nav'); const r = n.getBoundingClientRect(); return n.checkVisibility() && r.height > 0; })()`
	admin.do("open the menu", chromedp.Click(chromedp.CSS(`summary.admin-menu-button`)))
	if !eval[bool](admin, navShown) {
		admin.fatalf("the Menu button does not open the navigation without JavaScript")
	}
	if bad := eval[string](admin, `Array.from(document.querySelectorAll('.admin-nav a')).filter(a => { const r = a.getBoundingClientRect(); return r.right > 390 || r.left < 0 || r.height === 0; }).map(a => a.textContent.trim()).join(', ')`); bad != "" {
		admin.fatalf("menu items off the screen or hidden: %s", bad)
	}
	if w := eval[int](admin, `document.documentElement.scrollWidth`); w > 390 {
		admin.fatalf("with the menu open the page is %d px wide", w)
	}
	admin.screenshot("phone-menu-open.png", "")
	admin.load("follow Users from the menu", chromedp.Click(chromedp.CSS(`.admin-nav a[href="/admin/users"]`)))
	if loc := admin.location(); loc.Path != "/admin/users" {
		admin.fatalf("after choosing Users in the menu: at %s", loc.Path)
	}
	scripts(admin, true)

	// The navigation: folded behind the Menu button, opened by it (a <details>, so a browser
	// without JavaScript opens it too, above), and a list that fits the screen.
	admin.open("/admin/")
	if eval[bool](admin, navShown) || !eval[bool](admin, `document.querySelector('summary.admin-menu-button').checkVisibility()`) {
		admin.fatalf("on a phone the admin navigation is not folded behind a Menu button")
	}

	// On a wide screen (the browser's own 1280-px window, no phone emulation) the navigation
	// is shown and the Menu button is not.
	admin.do("use a laptop's screen", chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tgt, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tgt, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{})
		return err
	}))
	admin.open("/admin/")
	if !eval[bool](admin, navShown) || eval[bool](admin, `document.querySelector('summary.admin-menu-button').checkVisibility()`) {
		admin.fatalf("on a wide screen the navigation is folded")
	}
	phone(admin)

	pages := eval[[]string](admin, `Array.from(document.querySelectorAll('.admin-bar a[href^="/admin"]')).map(a => a.getAttribute('href'))`)
	admin.open("/admin/posts?type=post")
	if p := eval[string](admin, `document.querySelector('table.list a[href^="/admin/posts/"]')?.getAttribute('href') ?? ''`); p != "" {
		pages = append(pages, p)
	}
	admin.open("/admin/comments?status=approved")
	if p := eval[string](admin, `document.querySelector('table.list a[href^="/admin/comments/"]')?.getAttribute('href') ?? ''`); p != "" {
		pages = append(pages, p)
	}
	admin.open("/admin/users")
	if p := eval[string](admin, `document.querySelector('table.list a[href^="/admin/users/"]')?.getAttribute('href') ?? ''`); p != "" {
		pages = append(pages, p, p+"/delete")
	}
	pages = append(pages, "/admin/posts/new?type=post", "/admin/posts/new?type=page", "/admin/comments", "/admin/comments?status=approved",
		"/admin/users", "/admin/subscribers", "/admin/settings", "/admin/media", "/admin/profile", "/admin/profile/two-factor",
		"/admin/categories", "/admin/import", "/admin/settings/identity",
		"/admin/federation", "/admin/federation/followers", "/admin/federation/blocks")
	for _, p := range pages {
		measure(admin, p)
	}

	// An invitation's set-password page, opened from the email on the invitee's phone.
	admin.open("/admin/users")
	admin.do("fill in the invitation", chromedp.SendKeys(chromedp.CSS(`#invite_email`), "new.writer@example.org"))
	admin.load("invite", chromedp.Submit(chromedp.CSS(`#invite_email`)))
	if flash := admin.flash(); !strings.Contains(flash, "Invitation sent") {
		admin.fatalf("after inviting: %q (errors: %q)", flash, admin.formErrors())
	}
	link := waitForLink(t, smtp, "new.writer@example.org", "/admin/password?")
	invitee := newActor(t, browser, s, "invitee")
	phone(invitee)
	measure(invitee, strings.TrimPrefix(link, s.URL))
	if n := eval[int](invitee, `document.querySelectorAll('form[action="/admin/password"] input[type="password"]').length`); n == 0 {
		invitee.fatalf("the invitation link did not open the set-password form: %q", invitee.text("main"))
	}

	// The two-factor code step: turn it on, sign out, sign in with the password.
	admin.open("/admin/profile/two-factor")
	secret := strings.TrimSpace(admin.text("#totp-secret"))
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	admin.do("type the code", chromedp.SendKeys(chromedp.CSS(`form[action="/admin/profile/two-factor"] input[name="code"]`), code))
	admin.load("turn on two-factor", chromedp.Submit(chromedp.CSS(`form[action="/admin/profile/two-factor"] input[name="code"]`)))
	admin.load("sign out", chromedp.Click(chromedp.CSS(`form[action="/admin/logout"] button`)))
	admin.open("/admin/login")
	admin.do("fill in the sign-in form",
		chromedp.SendKeys(chromedp.CSS(`form[action="/admin/login"] input[name="email"]`), adminEmail),
		chromedp.SendKeys(chromedp.CSS(`form[action="/admin/login"] input[name="password"]`), adminPassword),
	)
	admin.load("sign in with the password", chromedp.Submit(chromedp.CSS(`form[action="/admin/login"] input[name="password"]`)))
	if loc := admin.location(); loc.Path != "/admin/login/code" {
		admin.fatalf("after the password: at %s, want the code form", loc.Path)
	}
	measure(admin, "/admin/login/code")

	if len(seen) < 16 {
		t.Fatalf("only %d admin pages found to measure: %v", len(seen), seen)
	}
	if len(offenders) > 0 {
		t.Fatalf("admin pages wider than a 390-px phone:\n%s", strings.Join(offenders, "\n"))
	}
}

// waitForLink waits up to 2 minutes (generous: mail is a job on a busy machine) for an email to rcpt carrying a link that contains part, and
// returns the link.
func waitForLink(t *testing.T, smtp *mailtest.Server, rcpt, part string) string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		for _, m := range smtp.To(rcpt) {
			p := mailtest.Parse(t, m.Data)
			if strings.Contains(p.Text, part) {
				return p.Link(t, part)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no email to %s with a link containing %q after 2 minutes (%d messages)", rcpt, part, len(smtp.Messages()))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestTwoFactorSignInInBrowser: the administrator turns on two-factor sign-in from the
// profile (scanning is replaced by reading the key off the page and computing codes from it),
// signs out, and signs in again with the password and then a code.
func TestTwoFactorSignInInBrowser(t *testing.T) {
	t.Parallel()
	s, browser := setup(t)
	admin := newActor(t, browser, s, "admin")
	signIn(admin)

	admin.open("/admin/profile/two-factor")
	secret := strings.TrimSpace(admin.text("#totp-secret"))
	if !eval[bool](admin, `(() => { const i = document.querySelector('img.qr'); return !!i && i.src.startsWith('data:image/png;base64,') && i.naturalWidth > 0; })()`) {
		admin.fatalf("the enrolment page shows no QR code image")
	}
	code := func(at time.Time) string {
		c, err := totp.GenerateCode(secret, at)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	admin.do("type the code", chromedp.SendKeys(chromedp.CSS(`form[action="/admin/profile/two-factor"] input[name="code"]`), code(time.Now())))
	admin.load("turn on two-factor", chromedp.Submit(chromedp.CSS(`form[action="/admin/profile/two-factor"] input[name="code"]`)))
	if n := eval[int](admin, `document.querySelectorAll('#recovery-codes code').length`); n != 10 {
		admin.fatalf("%d recovery codes shown after turning two-factor on, want 10", n)
	}

	admin.load("sign out", chromedp.Click(chromedp.CSS(`form[action="/admin/logout"] button`)))
	admin.open("/admin/login")
	admin.do("fill in the sign-in form",
		chromedp.SendKeys(chromedp.CSS(`form[action="/admin/login"] input[name="email"]`), adminEmail),
		chromedp.SendKeys(chromedp.CSS(`form[action="/admin/login"] input[name="password"]`), adminPassword),
	)
	admin.load("sign in with the password", chromedp.Submit(chromedp.CSS(`form[action="/admin/login"] input[name="password"]`)))
	if loc := admin.location(); loc.Path != "/admin/login/code" {
		admin.fatalf("after the password: at %s, want the code form", loc.Path)
	}
	admin.open("/admin/")
	if loc := admin.location(); !strings.HasPrefix(loc.Path, "/admin/login") {
		admin.fatalf("the password alone opened the admin (%s)", loc.Path)
	}
	admin.open("/admin/login/code")
	// The code enrolment used may not be used again; the next step's code is within the
	// server's one-step tolerance, whatever the clock says now.
	admin.do("type the code", chromedp.SendKeys(chromedp.CSS(`form[action="/admin/login/code"] input[name="code"]`), code(time.Now().Add(30*time.Second))))
	admin.load("sign in with the code", chromedp.Submit(chromedp.CSS(`form[action="/admin/login/code"] input[name="code"]`)))
	if n := eval[int](admin, `document.querySelectorAll('form[action="/admin/logout"]').length`); n == 0 {
		admin.fatalf("not signed in after the code: %q", admin.formErrors())
	}
}
