package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail/mailtest"
)

// TestUsersScreen: the list shows post counts; only administrators edit users; forms are
// checked against cross-site forgery; the last administrator cannot demote themselves;
// deactivating ends the user's sessions; deleting reassigns their posts.
func TestUsersScreen(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	au := ta.user("au@example.org", broadside.RoleAuthor)
	p := ta.publish(au, "Author's post", "Body")
	ta.publish(au, "Another", "Body")
	ab := ta.signIn(admin)

	r := ab.get("/admin/users")
	row := byID(parseHTML(t, r.Body), "user-"+strconv.FormatInt(au.ID, 10))
	if r.StatusCode != 200 || row == nil || !strings.Contains(textOf(row), "2") {
		t.Fatalf("users list: %d\n%s", r.StatusCode, r.Body)
	}

	eb := ta.signIn(ed)
	editPath := "/admin/users/" + strconv.FormatInt(au.ID, 10)
	if r := eb.get(editPath); r.StatusCode != http.StatusForbidden {
		t.Fatalf("editor opens a user: %d", r.StatusCode)
	}
	if r := eb.post(editPath, url.Values{"email": {"x@example.org"}, "role": {"admin"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("editor edits a user: %d", r.StatusCode)
	}
	// A forged cross-site POST is refused before the handler.
	forged := ab.postWith(editPath, url.Values{"email": {au.Email}, "role": {"admin"}, "display_name": {"x"}},
		map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if forged.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", forged.StatusCode)
	}
	if u, _ := ta.App.Users.ByID(context.Background(), au.ID); u.Role != broadside.RoleAuthor {
		t.Fatal("forged POST changed the role")
	}

	r = ab.post(editPath, url.Values{"display_name": {"Au Thor"}, "email": {"au2@example.org"}, "role": {"editor"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.StatusCode, r.Body)
	}
	if u, _ := ta.App.Users.ByID(context.Background(), au.ID); u.Role != broadside.RoleEditor || u.Email != "au2@example.org" || u.DisplayName != "Au Thor" {
		t.Fatalf("edit not saved: %+v", u)
	}

	// The only administrator cannot demote themselves; the form says why.
	self := "/admin/users/" + strconv.FormatInt(admin.ID, 10)
	r = ab.post(self, url.Values{"display_name": {"Admin"}, "email": {admin.Email}, "role": {"editor"}})
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "only active administrator") {
		t.Fatalf("last admin demoted: %d\n%s", r.StatusCode, r.Body)
	}

	// Deactivating the editor signs them out and revokes their application passwords.
	secret, _, err := ta.App.AppPasswords.Create(context.Background(), ed, "phone")
	if err != nil {
		t.Fatal(err)
	}
	restAsEd := func() int {
		req, _ := http.NewRequest(http.MethodGet, ta.Srv.URL+"/wp-json/wp/v2/users/me", nil)
		req.SetBasicAuth(ed.Login, secret)
		return ta.browser().do(req).StatusCode
	}
	if c := restAsEd(); c != http.StatusOK {
		t.Fatalf("application password before deactivation: %d", c)
	}
	if r := ab.post("/admin/users/"+strconv.FormatInt(ed.ID, 10)+"/deactivate", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", r.StatusCode)
	}
	if r := eb.get("/admin/"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/admin/login") {
		t.Fatalf("deactivated user's session still works: %d", r.StatusCode)
	}
	if r := ta.browser().post("/admin/login", url.Values{"email": {ed.Email}, "password": {testPassword}}); r.StatusCode == http.StatusSeeOther {
		t.Fatal("deactivated user signed in")
	}
	if c := restAsEd(); c != http.StatusUnauthorized {
		t.Fatalf("application password after deactivation: %d", c)
	}

	// Deleting needs an heir; then the posts are the heir's.
	del := editPath + "/delete"
	if r := ab.post(del, url.Values{}); r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusBadRequest {
		t.Fatalf("delete without heir: %d", r.StatusCode)
	}
	if r := ab.post(del, url.Values{"reassign": {strconv.FormatInt(admin.ID, 10)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", r.StatusCode, r.Body)
	}
	got, err := ta.App.Posts.Get(context.Background(), p.ID)
	if err != nil || got.AuthorID != admin.ID {
		t.Fatalf("post not reassigned: %+v %v", got, err)
	}
}

// TestInvitationAndReset: an invitation link sets a password once and expires; a reset
// request answers the same whether or not the address has an account.
func TestInvitationAndReset(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	ab := ta.signIn(admin)

	r := ab.post("/admin/users/invite", url.Values{"invite_email": {"new@example.org"}, "invite_display_name": {"New Writer"}, "invite_role": {"author"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: %d\n%s", r.StatusCode, r.Body)
	}
	ta.drainJobs()
	link := ta.pathOf(lastMail(t, srv, "new@example.org").Link(t, "/admin/password?t="))
	tok := mustQuery(t, link, "t")
	nb := ta.browser()
	if r := nb.get(link); r.StatusCode != 200 || !strings.Contains(r.Body, `name="password"`) {
		t.Fatalf("invitation page: %d\n%s", r.StatusCode, r.Body)
	}
	r = nb.post("/admin/password", url.Values{"t": {tok}, "password": {"the invitee's password"}, "confirm_password": {"the invitee's password"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept invitation: %d\n%s", r.StatusCode, r.Body)
	}
	if r := nb.get("/admin/"); r.StatusCode != 200 {
		t.Fatalf("invitee not signed in: %d", r.StatusCode)
	}
	// One time only.
	r = ta.browser().post("/admin/password", url.Values{"t": {tok}, "password": {"another password!"}, "confirm_password": {"another password!"}})
	if r.StatusCode == http.StatusSeeOther {
		t.Fatal("an invitation link worked twice")
	}

	// An invitation expires after 7 days.
	ab.post("/admin/users/invite", url.Values{"invite_email": {"late@example.org"}, "invite_role": {"author"}})
	ta.drainJobs()
	late := ta.pathOf(lastMail(t, srv, "late@example.org").Link(t, "/admin/password?t="))
	ta.Clock.Advance(7*24*time.Hour + time.Minute)
	if r := ta.browser().get(late); r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, `name="password"`) {
		t.Fatalf("expired invitation page: %d", r.StatusCode)
	}
	r = ta.browser().post("/admin/password", url.Values{"t": {mustQuery(t, late, "t")}, "password": {"too late password"}, "confirm_password": {"too late password"}})
	if r.StatusCode == http.StatusSeeOther {
		t.Fatal("an expired invitation worked")
	}

	// Reset: the same answer for an account and for nobody; only the account gets mail.
	b1, b2 := ta.browser(), ta.browser()
	r1 := b1.post("/admin/login/reset", url.Values{"reset_email": {"new@example.org"}})
	r2 := b2.post("/admin/login/reset", url.Values{"reset_email": {"nobody@example.org"}})
	if r1.StatusCode != http.StatusSeeOther || r1.StatusCode != r2.StatusCode || r1.Header.Get("Location") != r2.Header.Get("Location") ||
		b1.follow(r1).Body != b2.follow(r2).Body {
		t.Fatal("the reset answer reveals whether the address has an account")
	}
	ta.drainJobs()
	if n := len(srv.To("nobody@example.org")); n != 0 {
		t.Fatalf("%d emails to an address without an account", n)
	}
	reset := ta.pathOf(lastMail(t, srv, "new@example.org").Link(t, "/admin/password?t="))
	r = ta.browser().post("/admin/password", url.Values{"t": {mustQuery(t, reset, "t")}, "password": {"a fresh new password"}, "confirm_password": {"a fresh new password"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d\n%s", r.StatusCode, r.Body)
	}
	// The old password is gone, and so are the invitee's old sessions.
	if r := nb.get("/admin/"); r.StatusCode == 200 {
		t.Fatal("a session survived the password reset")
	}
}

func mustQuery(t *testing.T, path, key string) string {
	t.Helper()
	u, err := url.Parse(path)
	if err != nil || u.Query().Get(key) == "" {
		t.Fatalf("no %s in %q", key, path)
	}
	return u.Query().Get(key)
}

// TestTwoFactorSignIn: enrol from the profile with a real code, then a password sign-in asks
// for the code before any session exists; the site setting sends administrators without
// two-factor to enrolment.
func TestTwoFactorSignIn(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	other := ta.user("other@example.org", broadside.RoleAdmin)
	ab := ta.signIn(admin)

	r := ab.get("/admin/profile/two-factor")
	secretNode := byID(parseHTML(t, r.Body), "totp-secret")
	if r.StatusCode != 200 || secretNode == nil || !strings.Contains(r.Body, "data:image/png;base64,") {
		t.Fatalf("enrolment page: %d\n%s", r.StatusCode, r.Body)
	}
	secret := textOf(secretNode)
	code := func() string {
		c, err := totp.GenerateCode(secret, ta.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	r = ab.post("/admin/profile/two-factor", url.Values{"code": {code()}})
	codes := byID(parseHTML(t, r.Body), "recovery-codes")
	if r.StatusCode != 200 || codes == nil || strings.Count(textOf(codes), "-") < 10 {
		t.Fatalf("confirm: %d\n%s", r.StatusCode, r.Body)
	}
	if strings.Contains(ta.Log.String(), secret) {
		t.Fatal("the TOTP secret was logged")
	}

	b := ta.browser()
	r = b.post("/admin/login", url.Values{"email": {admin.Email}, "password": {testPassword}, "next": {"/admin/posts"}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/admin/login/code") || b.cookie("bs_session") != "" {
		t.Fatalf("password sign-in did not stop at the code: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := b.get("/admin/"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("pending sign-in opened the admin: %d", r.StatusCode)
	}
	if r := b.post("/admin/login/code", url.Values{"code": {"000000"}}); r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusBadRequest {
		t.Fatalf("wrong code: %d", r.StatusCode)
	}
	ta.Clock.Advance(30 * time.Second)
	r = b.post("/admin/login/code", url.Values{"code": {code()}, "next": {"/admin/posts"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/posts" {
		t.Fatalf("code: %d\n%s", r.StatusCode, r.Body)
	}
	if r := b.get("/admin/posts"); r.StatusCode != 200 {
		t.Fatalf("signed in with code: %d", r.StatusCode)
	}

	// Require two-factor for administrators: the other administrator is sent to enrolment.
	set, _ := ta.App.Settings.Load(context.Background())
	set.RequireTwoFactorAdmins = true
	if err := ta.App.Settings.Save(context.Background(), set, admin); err != nil {
		t.Fatal(err)
	}
	ob := ta.signIn(other)
	if r := ob.get("/admin/posts"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/profile/two-factor" {
		t.Fatalf("administrator without two-factor not sent to enrolment: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := ob.get("/admin/profile/two-factor"); r.StatusCode != 200 {
		t.Fatalf("enrolment page under the requirement: %d", r.StatusCode)
	}
}

// TestSignInLinkAsksForTheCode: an emailed sign-in link proves the mailbox only, so for a user
// with two-factor sign-in it leads to the code form, not into the admin.
func TestSignInLinkAsksForTheCode(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	ctx := context.Background()
	e, err := ta.App.Auth.BeginTOTP(ctx, admin, "Site")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := totp.GenerateCode(e.Secret, ta.Clock.Now())
	if _, err := ta.App.Auth.ConfirmTOTP(ctx, admin, c); err != nil {
		t.Fatal(err)
	}
	b := ta.browser()
	if r := b.post("/admin/login/email", url.Values{"link_email": {admin.Email}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("ask for a link: %d", r.StatusCode)
	}
	ta.drainJobs()
	link := ta.pathOf(lastMail(t, srv, admin.Email).Link(t, "/admin/login/link?t="))
	r := b.post("/admin/login/link", url.Values{"t": {mustQuery(t, link, "t")}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/admin/login/code") || b.cookie("bs_session") != "" {
		t.Fatalf("the emailed link skipped the code: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	ta.Clock.Advance(30 * time.Second)
	c, _ = totp.GenerateCode(e.Secret, ta.Clock.Now())
	if r := b.post("/admin/login/code", url.Values{"code": {c}}); r.StatusCode != http.StatusSeeOther || b.cookie("bs_session") == "" {
		t.Fatalf("code after the link: %d\n%s", r.StatusCode, r.Body)
	}
}
