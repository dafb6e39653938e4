package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// TestAdminFitsAPhone visits every admin page reachable from the admin's navigation, plus
// the editor, a comment, the queue, users, a user's edit page, subscribers, settings, media,
// the profile and two-factor setup, at 390x844 (a phone), and checks that none is wider than
// the screen: the page itself never scrolls sideways.
func TestAdminFitsAPhone(t *testing.T) {
	t.Parallel()
	s, browser := setup(t)
	admin := newActor(t, browser, s, "admin")
	admin.do("use a 390x844 phone screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	signIn(admin)

	admin.open("/admin/")
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
		"/admin/categories", "/admin/import", "/admin/settings/identity")
	seen := map[string]bool{}
	var offenders []string
	for _, p := range pages {
		if seen[p] {
			continue
		}
		seen[p] = true
		admin.open(p)
		if w := eval[int](admin, `document.documentElement.scrollWidth`); w > 390 {
			wide := eval[string](admin, `Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 391 && !e.closest('table.list, .admin-nav ul')).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : '')).join(', ')`)
			offenders = append(offenders, fmt.Sprintf("%s is %d px wide (widest: %s)", p, w, wide))
		}
	}
	if len(seen) < 12 {
		t.Fatalf("only %d admin pages found to measure: %v", len(seen), pages)
	}
	if len(offenders) > 0 {
		t.Fatalf("admin pages wider than a 390-px phone:\n%s", strings.Join(offenders, "\n"))
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
