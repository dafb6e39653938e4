package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// TestAdminApplicationPasswords: a user creates an application password on their profile,
// sees it once, uses it against the REST API, and revokes it.
func TestAdminApplicationPasswords(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	u := ta.user("author@example.org", broadside.RoleAuthor)
	b := ta.signIn(u)

	r := b.get("/admin/profile?app_name=" + url.QueryEscape("Phone app"))
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `id="app-passwords"`) || !strings.Contains(r.Body, `value="Phone app"`) {
		t.Fatalf("profile page: %d\n%s", r.StatusCode, r.Body)
	}
	if !strings.Contains(r.Body, "You have no application passwords.") {
		t.Error("empty list not explained")
	}
	r = b.post("/admin/profile/app-passwords", url.Values{"app_password_name": {""}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Give the application password a name") {
		t.Fatalf("empty name: %d", r.StatusCode)
	}
	r = b.post("/admin/profile/app-passwords", url.Values{"app_password_name": {"Phone app"}})
	if r.StatusCode != http.StatusOK || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d %q", r.StatusCode, r.Header.Get("Cache-Control"))
	}
	m := regexp.MustCompile(`<code class="app-password">([A-Za-z0-9 ]{29})</code>`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("the new password is not shown:\n%s", r.Body)
	}
	secret := m[1]
	// It works with the API, by login or email.
	for _, name := range []string{u.Login, u.Email} {
		req, _ := http.NewRequest(http.MethodGet, ta.Srv.URL+"/wp-json/wp/v2/users/me", nil)
		req.SetBasicAuth(name, secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("users/me as %s: %v %v", name, err, res.Status)
		}
		res.Body.Close()
	}
	// Shown once: the profile lists it by name and last use, never the secret.
	r = b.get("/admin/profile")
	if strings.Contains(r.Body, secret) || !strings.Contains(r.Body, "Phone app") || !strings.Contains(r.Body, "127.0.0.1") {
		t.Fatalf("profile after creation:\n%s", r.Body)
	}
	uuid := regexp.MustCompile(`/admin/profile/app-passwords/([0-9a-f-]{36})/revoke`).FindStringSubmatch(r.Body)
	if uuid == nil {
		t.Fatal("no revoke form")
	}
	// Another user cannot revoke it.
	other := ta.signIn(ta.user("other@example.org", broadside.RoleAdmin))
	if r := other.post("/admin/profile/app-passwords/"+uuid[1]+"/revoke", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("revoke by another user: %d", r.StatusCode)
	}
	r = b.post("/admin/profile/app-passwords/"+uuid[1]+"/revoke", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	if r := b.follow(r); !strings.Contains(r.Body, "revoked") || !strings.Contains(r.Body, "You have no application passwords.") {
		t.Errorf("after revoking:\n%s", r.Body)
	}
	req, _ := http.NewRequest(http.MethodGet, ta.Srv.URL+"/wp-json/wp/v2/users/me", nil)
	req.SetBasicAuth(u.Login, secret)
	res, _ := http.DefaultClient.Do(req)
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked password: %d", res.StatusCode)
	}
	res.Body.Close()
	// Cross-site form posts are refused as everywhere in the admin.
	if r := b.postWith("/admin/profile/app-passwords", url.Values{"app_password_name": {"x"}}, map[string]string{"Sec-Fetch-Site": "cross-site"}); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site create: %d", r.StatusCode)
	}
}
