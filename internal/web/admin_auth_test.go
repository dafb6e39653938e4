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

// adminGetRoutes are every admin page a GET can reach (with ids filled in by the test).
var adminGetRoutes = []string{"/admin/", "/admin/posts", "/admin/posts?type=page", "/admin/posts/new",
	"/admin/posts/new?type=page", "/admin/posts/%d", "/admin/posts/%d/delete", "/admin/comments",
	"/admin/comments/%c", "/admin/comments/%c/reply", "/admin/categories", "/admin/categories/1",
	"/admin/settings", "/admin/users", "/admin/profile", "/admin/media", "/admin/media/1", "/admin/media/1/delete"}

// adminPostRoutes are every admin state change behind the sign-in.
var adminPostRoutes = []string{"/admin/posts/new", "/admin/posts/%d", "/admin/posts/%d/delete",
	"/admin/comments/bulk", "/admin/comments/%c", "/admin/comments/%c/reply", "/admin/comments/%c/delete",
	"/admin/categories", "/admin/categories/1", "/admin/categories/1/delete", "/admin/settings", "/admin/users",
	"/admin/profile", "/admin/media", "/admin/media/1", "/admin/media/1/delete"}

func fill(route string, postID, commentID int64) string {
	route = strings.ReplaceAll(route, "%d", fmt.Sprint(postID))
	return strings.ReplaceAll(route, "%c", fmt.Sprint(commentID))
}

// seedComment stores a comment on post p directly.
func (ta *testApp) seedComment(p *broadside.Post, name, body string, st broadside.CommentStatus) *broadside.Comment {
	ta.t.Helper()
	c := &broadside.Comment{PostID: p.ID, AuthorName: name, AuthorEmail: strings.ToLower(name) + "@example.net",
		AuthorIP: "198.51.100.7", RawBody: body, Status: st, CreatedAt: ta.Clock.Now()}
	if err := ta.App.Store.CreateComment(context.Background(), c); err != nil {
		ta.t.Fatalf("seed comment: %v", err)
	}
	ta.Clock.Advance(1)
	return c
}

func wantStatus(t *testing.T, r *response, want int) {
	t.Helper()
	if r.StatusCode != want {
		body := r.Body
		if len(body) > 3000 {
			body = body[:3000]
		}
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, body)
	}
}

func wantRedirect(t *testing.T, r *response, to string) {
	t.Helper()
	wantStatus(t, r, http.StatusSeeOther)
	if got := r.Header.Get("Location"); got != to {
		t.Fatalf("%s %s redirected to %q, want %q", r.Request.Method, r.Request.URL.Path, got, to)
	}
}

func TestAdminRequiresSignIn(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Hello", "Body.")
	c := ta.seedComment(p, "Sam", "Hi", broadside.CommentPending)
	b := ta.browser()
	for _, route := range adminGetRoutes {
		path := fill(route, p.ID, c.ID)
		r := b.get(path)
		wantRedirect(t, r, "/admin/login?next="+url.QueryEscape(path))
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s: Cache-Control %q", path, cc)
		}
		if xr := r.Header.Get("X-Robots-Tag"); xr != "noindex" {
			t.Errorf("GET %s: X-Robots-Tag %q", path, xr)
		}
	}
	for _, route := range adminPostRoutes {
		path := fill(route, p.ID, c.ID)
		wantRedirect(t, b.post(path, url.Values{"title": {"x"}, "action": {"trash"}, "ids": {fmt.Sprint(c.ID)}}), "/admin/login?next=%2Fadmin%2F")
	}
	if got := ta.comments(p.ID); got[0].Status != broadside.CommentPending {
		t.Fatalf("an anonymous POST changed a comment: %s", got[0].Status)
	}
	// After signing in, the login page sends the user where they were going.
	r := b.post("/admin/login", url.Values{"email": {ed.Email}, "password": {testPassword}, "next": {"/admin/comments?status=spam"}})
	wantRedirect(t, r, "/admin/comments?status=spam")
	wantRedirect(t, b.get("/admin/login?next=/admin/posts"), "/admin/posts")
	wantStatus(t, b.get("/admin/nonexistent"), http.StatusNotFound)
	wantRedirect(t, b.get("/admin"), "/admin/")
}

func TestLoginNextIsLocalOnly(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	u := ta.user("a@example.org", broadside.RoleAdmin)
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "evil", "", "/%0d%0aLocation:x"} {
		b := ta.browser()
		r := b.post("/admin/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {next}})
		want := "/admin/"
		if next == "/%0d%0aLocation:x" {
			want = next // stays on this site: the encoded bytes are just part of the path
		}
		wantRedirect(t, r, want)
	}
	// The form carries a sanitized next as well.
	doc := parseHTML(t, ta.browser().get("/admin/login?next=//evil.example").Body)
	in := find(doc, func(n *html.Node) bool { return attr(n, "name") == "next" })
	if len(in) != 1 || attr(in[0], "value") != "/admin/" {
		t.Fatalf("next field not sanitized: %v", in)
	}
}

func TestLoginFailureAndThrottle(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	u := ta.user("a@example.org", broadside.RoleAdmin)
	b := ta.browser()
	r := b.post("/admin/login", url.Values{"email": {u.Email}, "password": {"wrong password!"}})
	wantStatus(t, r, http.StatusUnauthorized)
	doc := parseHTML(t, r.Body)
	if !strings.Contains(r.Body, "The email or password is incorrect.") {
		t.Fatalf("no safe error message:\n%s", r.Body)
	}
	if email := byID(doc, "email"); email == nil || attr(email, "value") != u.Email {
		t.Fatalf("typed email not kept")
	}
	if strings.Contains(r.Body, "wrong password!") {
		t.Fatal("the password was echoed back")
	}
	r = b.post("/admin/login", url.Values{"email": {""}, "password": {""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "Enter your email address.") || !strings.Contains(r.Body, "Enter your password.") {
		t.Fatalf("missing field messages:\n%s", r.Body)
	}
	// 20 attempts per IP in the window (one counted above: an empty form is not an
	// attempt); different emails so the per-account limit does not trip first.
	for i := 2; i <= 20; i++ {
		r = b.post("/admin/login", url.Values{"email": {fmt.Sprintf("x%d@example.org", i)}, "password": {"nope nope nope"}})
		wantStatus(t, r, http.StatusUnauthorized)
	}
	r = b.post("/admin/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	wantStatus(t, r, http.StatusTooManyRequests)
	if !strings.Contains(r.Body, "Too many sign-in attempts") {
		t.Fatalf("no throttle message:\n%s", r.Body)
	}
	if b.get("/admin/").StatusCode != http.StatusSeeOther {
		t.Fatal("a throttled login signed in")
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	b := ta.signIn(ta.user("a@example.org", broadside.RoleAdmin))
	wantStatus(t, b.get("/admin/"), http.StatusOK)
	wantRedirect(t, b.post("/admin/logout", nil), "/admin/login")
	r := b.get("/admin/login")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "You have signed out.") {
		t.Fatal("no sign-out message")
	}
	wantRedirect(t, b.get("/admin/"), "/admin/login?next=%2Fadmin%2F")
}

func TestSetupFlow(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	tok, err := ta.App.Auth.NewSetupToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b := ta.browser()
	r := b.get("/admin/setup?token=" + url.QueryEscape(tok))
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, `value="`+tok+`"`) {
		t.Fatal("token not carried in the form")
	}
	// A bad token is refused and writes nothing.
	r = b.post("/admin/setup", url.Values{"token": {"bogus"}, "email": {"boss@example.org"}, "password": {testPassword}})
	wantStatus(t, r, http.StatusForbidden)
	if !strings.Contains(r.Body, "setup link is invalid") || !strings.Contains(r.Body, "boss@example.org") {
		t.Fatalf("bad token page:\n%s", r.Body)
	}
	// Invalid fields do not burn the token.
	r = b.post("/admin/setup", url.Values{"token": {tok}, "email": {"not-an-email"}, "password": {"short"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "Use at least 10 characters.") || !strings.Contains(r.Body, "Enter a valid email address") {
		t.Fatalf("field errors missing:\n%s", r.Body)
	}
	r = b.post("/admin/setup", url.Values{"token": {tok}, "email": {"boss@example.org"}, "display_name": {"The Boss"}, "password": {testPassword}})
	wantRedirect(t, r, "/admin/")
	r = b.get("/admin/")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "The Boss") || !strings.Contains(r.Body, "Welcome to Broadside") {
		t.Fatalf("not signed in after setup:\n%s", r.Body)
	}
	// The site has a user now: setup sends people to the login page, used token or not.
	other := ta.browser()
	wantRedirect(t, other.get("/admin/setup?token="+url.QueryEscape(tok)), "/admin/login")
	wantRedirect(t, other.post("/admin/setup", url.Values{"token": {tok}, "email": {"x@example.org"}, "password": {testPassword}}), "/admin/login")
	if users, _ := ta.App.Users.List(ctx); len(users) != 1 {
		t.Fatalf("%d users after setup", len(users))
	}
}

func TestProfile(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	u := ta.user("a@example.org", broadside.RoleAuthor)
	b := ta.signIn(u)
	other := ta.signIn(u) // a second device
	wantStatus(t, b.get("/admin/profile"), http.StatusOK)
	wantRedirect(t, b.post("/admin/profile", url.Values{"display_name": {"Ann Author"}}), "/admin/profile")
	if got, _ := ta.App.Users.ByID(context.Background(), u.ID); got.DisplayName != "Ann Author" {
		t.Fatalf("display name %q", got.DisplayName)
	}
	r := b.post("/admin/profile", url.Values{"display_name": {"Ann"}, "current_password": {"wrong one!!"}, "new_password": {"a new long password"}, "confirm_password": {"a new long password"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "Your current password is not correct.") {
		t.Fatalf("no current-password error:\n%s", r.Body)
	}
	r = b.post("/admin/profile", url.Values{"current_password": {testPassword}, "new_password": {"a new long password"}, "confirm_password": {"different"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	r = b.post("/admin/profile", url.Values{"display_name": {"Ann"}, "current_password": {testPassword}, "new_password": {"a new long password"}, "confirm_password": {"a new long password"}})
	wantRedirect(t, r, "/admin/profile")
	wantStatus(t, b.get("/admin/profile"), http.StatusOK) // still signed in here
	wantStatus(t, other.get("/admin/profile"), http.StatusSeeOther)
	if _, _, err := ta.App.Auth.Login(context.Background(), u.Email, "a new long password", "192.0.2.9"); err != nil {
		t.Fatalf("new password does not work: %v", err)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	b := ta.signIn(admin)
	p := ta.publish(admin, "Target", "Body.")
	c := ta.seedComment(p, "Sam", "Hi", broadside.CommentPending)
	evil := map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
	for _, tc := range []struct {
		path string
		form url.Values
	}{
		{"/admin/comments/bulk", url.Values{"ids": {fmt.Sprint(c.ID)}, "action": {"spam"}}},
		{"/admin/posts/" + fmt.Sprint(p.ID) + "/delete", nil},
		{"/admin/settings", url.Values{"title": {"Pwned"}}},
		{"/admin/users", url.Values{"email": {"evil@example.org"}, "role": {"admin"}, "password": {testPassword}}},
		{"/admin/logout", nil},
	} {
		r := b.postWith(tc.path, tc.form, evil)
		wantStatus(t, r, http.StatusForbidden)
	}
	if got := ta.comments(p.ID); got[0].Status != broadside.CommentPending {
		t.Fatalf("cross-site POST changed the comment to %s", got[0].Status)
	}
	if _, err := ta.App.Posts.Get(context.Background(), p.ID); err != nil {
		t.Fatalf("cross-site POST deleted the post: %v", err)
	}
	if set, _ := ta.App.Settings.Load(context.Background()); set.Title == "Pwned" {
		t.Fatal("cross-site POST changed the settings")
	}
	if users, _ := ta.App.Users.List(context.Background()); len(users) != 1 {
		t.Fatal("cross-site POST created a user")
	}
	wantStatus(t, b.get("/admin/"), http.StatusOK) // logout was refused too
}
