package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/mail/mailtest"
)

// behindProxy makes the test server a site behind a proxy on the loopback address, so each
// test browser can come from its own address (X-Forwarded-For).
func behindProxy() appOption {
	return func(_ *app.Options, c *config.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}
}

// postFrom submits a form from the browser at address ip.
func (b *browser) postFrom(ip, path string, form url.Values) *response {
	b.t.Helper()
	return b.postWith(path, form, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": b.ta.Srv.URL, "X-Forwarded-For": ip})
}

// clickSignInLink opens an emailed sign-in link and presses its button.
func (b *browser) clickSignInLink(ip, path string) *response {
	b.t.Helper()
	r := b.get(path)
	if r.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: %d\n%s", path, r.StatusCode, r.Body)
	}
	u, _ := url.Parse(path)
	return b.postFrom(ip, "/admin/login/link", url.Values{"t": {u.Query().Get("t")}})
}

func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.ta.Srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// TestAdminCannotBeLockedOut: an attacker guessing the administrator's password from one
// address used to make the correct password answer 429 from everywhere, for as long as the
// attack went on. Now the attacker exhausts only their own address; the administrator gets
// in from a browser they used before, and from a new one with an emailed link.
func TestAdminCannotBeLockedOut(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv), behindProxy())
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	const attackerIP, adminIP, cafeIP = "203.0.113.66", "198.51.100.2", "192.0.2.7"

	// Yesterday the administrator signed in from their laptop, which is now a known device.
	laptop := ta.browser()
	if r := laptop.postFrom(adminIP, "/admin/login", url.Values{"email": {admin.Email}, "password": {testPassword}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d", r.StatusCode)
	}
	if laptop.cookie("bs_device") == "" {
		t.Fatal("no known-device cookie after signing in")
	}
	laptop.postFrom(adminIP, "/admin/logout", nil)
	ta.Clock.Advance(24 * time.Hour)

	attacker := ta.browser()
	var last *response
	refused := 0
	for i := 0; i < 50; i++ {
		last = attacker.postFrom(attackerIP, "/admin/login", url.Values{"email": {admin.Email}, "password": {"guess number " + string(rune('a'+i%26))}})
		switch last.StatusCode {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			refused++
		default:
			t.Fatalf("guess %d: status %d", i+1, last.StatusCode)
		}
	}
	if refused < 40 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("attacker's address: %d of 50 guesses refused, Retry-After %q", refused, last.Header.Get("Retry-After"))
	}
	// The attacker's own address is refused even with the right password.
	if r := attacker.postFrom(attackerIP, "/admin/login", url.Values{"email": {admin.Email}, "password": {testPassword}}); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("attacker with the right password: %d", r.StatusCode)
	}

	// The administrator's laptop gets in with the password.
	r := laptop.postFrom(adminIP, "/admin/login", url.Values{"email": {admin.Email}, "password": {testPassword}, "next": {"/admin/posts"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/posts" {
		t.Fatalf("administrator on a known device: %d\n%s", r.StatusCode, r.Body)
	}
	if p := laptop.get("/admin/posts"); p.StatusCode != http.StatusOK {
		t.Fatalf("signed in: %d", p.StatusCode)
	}

	// From a new browser the password alone is not enough while the attack lasts (it is not
	// even checked, so the attacker learns nothing from other addresses either); the page
	// says what to do, and the emailed link works.
	cafe := ta.browser()
	r = cafe.postFrom(cafeIP, "/admin/login", url.Values{"email": {admin.Email}, "password": {testPassword}})
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "Email me a sign-in link") {
		t.Fatalf("new browser during the attack: %d\n%s", r.StatusCode, r.Body)
	}
	r = cafe.postFrom(cafeIP, "/admin/login/email", url.Values{"link_email": {admin.Email}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("asking for a link: %d\n%s", r.StatusCode, r.Body)
	}
	sent := cafe.follow(r)
	// Unknown addresses get the same answer, and nothing is sent.
	stranger := ta.browser()
	r2 := stranger.postFrom(cafeIP, "/admin/login/email", url.Values{"link_email": {"nobody@example.org"}})
	if r2.StatusCode != r.StatusCode || r2.Header.Get("Location") != r.Header.Get("Location") || stranger.follow(r2).Body != sent.Body {
		t.Fatal("the answer to a link request reveals whether the address has an account")
	}
	ta.drainJobs()
	if n := len(srv.To("nobody@example.org")); n != 0 {
		t.Fatalf("%d emails sent to an address without an account", n)
	}
	m := lastMail(t, srv, admin.Email)
	link := ta.pathOf(m.Link(t, "/admin/login/link?t="))
	r = cafe.clickSignInLink(cafeIP, link)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/" {
		t.Fatalf("sign in with the link: %d\n%s", r.StatusCode, r.Body)
	}
	if p := cafe.get("/admin/"); p.StatusCode != http.StatusOK {
		t.Fatalf("signed in by link: %d", p.StatusCode)
	}
	// The link works once.
	if r := ta.browser().clickSignInLink(attackerIP, link); r.StatusCode == http.StatusSeeOther {
		t.Fatal("a used sign-in link worked again")
	}
	// The café browser is now known: its password works during the attack.
	cafe.postFrom(cafeIP, "/admin/logout", nil)
	if r := cafe.postFrom(cafeIP, "/admin/login", url.Values{"email": {admin.Email}, "password": {testPassword}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("password in the browser the link signed in: %d", r.StatusCode)
	}

	// A stolen device cookie is useless after the password changes.
	if err := ta.App.Auth.SetPassword(context.Background(), admin, "a brand new long password"); err != nil {
		t.Fatal(err)
	}
	if r := laptop.postFrom(adminIP, "/admin/login", url.Values{"email": {admin.Email}, "password": {"a brand new long password"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("device cookie survived a password change: %d", r.StatusCode)
	}
	// Once the attack stops, the window slides past it and passwords work everywhere again.
	ta.Clock.Advance(16 * time.Minute)
	if r := ta.browser().postFrom(cafeIP, "/admin/login", url.Values{"email": {admin.Email}, "password": {"a brand new long password"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the attack: %d", r.StatusCode)
	}
}

// TestAppPasswordGuessesThrottled: Basic-auth guesses at application passwords were not
// throttled. Now an address that keeps failing gets 429 with Retry-After and WordPress's
// error JSON, while the same user's client elsewhere keeps working.
func TestAppPasswordGuessesThrottled(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, behindProxy())
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	secret, _, err := ta.App.AppPasswords.Create(context.Background(), admin, "phone")
	if err != nil {
		t.Fatal(err)
	}
	call := func(ip, pass string) *response {
		req, _ := http.NewRequest(http.MethodGet, ta.Srv.URL+"/wp-json/wp/v2/users/me", nil)
		req.SetBasicAuth(admin.Login, pass)
		req.Header.Set("X-Forwarded-For", ip)
		return ta.browser().do(req)
	}
	var last *response
	for i := 0; i < 30; i++ {
		last = call("203.0.113.66", "abcd efgh ijkl mnop qrst uv"+string(rune('a'+i%26))+"x")
		if last.StatusCode == http.StatusTooManyRequests {
			break
		}
		if last.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, last.StatusCode)
		}
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("30 wrong application passwords: %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
	var body struct {
		Code string `json:"code"`
		Data struct {
			Status int `json:"status"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(last.Body), &body); err != nil || body.Code != "rest_too_many_requests" || body.Data.Status != 429 {
		t.Fatalf("throttled answer is not WordPress's error JSON: %s", last.Body)
	}
	if r := call("203.0.113.66", secret); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the guessing address with the right password: %d", r.StatusCode)
	}
	if r := call("198.51.100.2", secret); r.StatusCode != http.StatusOK {
		t.Fatalf("the user's client elsewhere: %d\n%s", r.StatusCode, r.Body)
	}
}

// TestCookiesSecureWhenSettingsSayHTTPS: bs_session lacked Secure when the https address was
// set only in Settings (not with --base-url). Every cookie the site sets asks one function.
func TestCookiesSecureWhenSettingsSayHTTPS(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, behindProxy())
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	login := func(headers map[string]string) *http.Cookie {
		t.Helper()
		h := map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": ta.Srv.URL}
		for k, v := range headers {
			h[k] = v
		}
		r := ta.browser().postWith("/admin/login", url.Values{"email": {admin.Email}, "password": {testPassword}}, h)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in: %d", r.StatusCode)
		}
		var session *http.Cookie
		for _, c := range r.Cookies() {
			if c.Name == "bs_session" {
				session = c
			}
			if c.Name == "bs_device" && !c.Secure && session != nil && session.Secure {
				t.Fatal("the device cookie and the session cookie disagree on Secure")
			}
		}
		if session == nil {
			t.Fatal("no session cookie")
		}
		return session
	}
	if login(nil).Secure {
		t.Fatal("Secure cookie on a plain-HTTP site")
	}
	// A trusted proxy that terminated TLS says so.
	if !login(map[string]string{"X-Forwarded-Proto": "https"}).Secure {
		t.Fatal("no Secure behind a TLS-terminating trusted proxy")
	}
	set, err := ta.App.Settings.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	set.BaseURL = "https://news.example.org"
	if err := ta.App.Settings.Save(context.Background(), set, admin); err != nil {
		t.Fatal(err)
	}
	if !login(nil).Secure {
		t.Fatal("bs_session lacks Secure when https is set only in Settings")
	}
}

// TestOneCookieSetter: every cookie goes through setCookie, so none can miss the Secure
// decision (bs_session once did).
func TestOneCookieSetter(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "cookies.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if s := string(b); strings.Contains(s, "http.SetCookie(") || strings.Contains(s, "http.Cookie{") || strings.Contains(s, `Header().Add("Set-Cookie"`) || strings.Contains(s, `Header().Set("Set-Cookie"`) {
			t.Errorf("%s sets a cookie itself; use setCookie (cookies.go)", f)
		}
	}
}
