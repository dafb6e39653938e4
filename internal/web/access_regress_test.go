package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/posts"
)

// api calls the REST API with an Application Password of u (nil: anonymous) and returns the
// status and the decoded JSON answer.
func (ta *testApp) api(u *broadside.User, method, path string, body any) (int, any) {
	ta.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, ta.Srv.URL+"/wp-json"+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if u != nil {
		if ta.appPasswords == nil {
			ta.appPasswords = map[int64]string{}
		}
		secret, ok := ta.appPasswords[u.ID]
		if !ok {
			var err error
			secret, _, err = ta.App.AppPasswords.Create(context.Background(), u, "access test")
			if err != nil {
				ta.t.Fatal(err)
			}
			ta.appPasswords[u.ID] = secret
		}
		req.SetBasicAuth(u.Login, secret)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		ta.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var v any
	_ = json.Unmarshal(raw, &v)
	return res.StatusCode, v
}

const protectedSecret = "Hushword is what the password keeps."

// Point 1: a password-protected post published with "Send by email" ticked (the editor's
// default) must not put its text in subscribers' mailboxes.
func TestProtectedPostIsNotMailedInFull(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	ta.subscribe(srv, "reader@example.net", "")
	ta.drainJobs() // the welcome mail
	before := len(srv.To("reader@example.net"))
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	pw := "opensesame"
	p := ta.publish(ed, "Members briefing", protectedSecret, func(in *posts.Input) { in.Password, in.SendNewsletter = &pw, yes() })
	ta.drainJobs()
	// The editor says so, instead of leaving "Send by email" to promise it.
	if r := ta.signIn(ed).get("/admin/posts/" + strconv.FormatInt(p.ID, 10)); !strings.Contains(r.Body, `id="password-not-mailed"`) {
		t.Errorf("the editor does not say a protected post is not mailed:\n%s", r.Body)
	}
	for _, m := range srv.To("reader@example.net")[before:] {
		if pm := mailtest.Parse(t, m.Data); strings.Contains(strings.ToLower(pm.Text+pm.HTML), "hushword") {
			t.Fatalf("the newsletter %q carries the protected text:\n%s", pm.Subject(), pm.Text)
		}
	}
}

// Point 2: the comment form refuses a password-protected post's discussion to a reader who
// did not give the password, as the REST API does; the service itself refuses it.
func TestCommentOnProtectedPostNeedsThePassword(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	pw := "opensesame"
	p := ta.publish(ed, "Members briefing", protectedSecret, func(in *posts.Input) { in.Password = &pw })
	form := url.Values{"comment_post_ID": {strconv.FormatInt(p.ID, 10)}, "author": {"Mallory"},
		"email": {"m@example.net"}, "comment": {"I never typed the password."}}
	if r := ta.browser().post("/comments", form); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "password protected") {
		t.Errorf("POST /comments without the password: %d, want 403 saying why", r.StatusCode)
	}
	// Straight to the service, as any future channel would: refused without proof.
	_, err := ta.App.Comments.Submit(context.Background(), comments.Submission{PostID: p.ID, Author: "Mallory",
		Email: "m@example.net", Body: "Through the service.", IP: "192.0.2.1"})
	if broadside.ErrorCode(err) != broadside.EFORBIDDEN {
		t.Errorf("Submit without proof: %v, want EFORBIDDEN", err)
	}
	// A forged proof is no proof.
	_, err = ta.App.Comments.Submit(context.Background(), comments.Submission{PostID: p.ID, Author: "Mallory",
		Email: "m@example.net", Body: "Forged.", IP: "192.0.2.1", PostPassProof: "9999999999.AAAA"})
	if broadside.ErrorCode(err) != broadside.EFORBIDDEN {
		t.Errorf("Submit with a forged proof: %v, want EFORBIDDEN", err)
	}
	if n := len(ta.comments(p.ID)); n != 0 {
		t.Fatalf("%d comments stored", n)
	}
	// The reader who typed the password comments through the form.
	b := ta.browser()
	if r := b.post("/post-password", url.Values{"post_id": {strconv.FormatInt(p.ID, 10)}, "post_password": {pw}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("password form: %d", r.StatusCode)
	}
	form.Set("author", "Alice")
	form.Set("comment", "I typed it.")
	if r := b.post("/comments", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /comments with the password: %d\n%s", r.StatusCode, r.Body)
	}
	if n := len(ta.comments(p.ID)); n != 1 {
		t.Fatalf("%d comments stored, want 1", n)
	}
}

// Point 5: an Author cannot publish (or even create) a page through the admin, as the REST
// API already refused.
func TestAuthorCannotPublishPagesThroughTheAdmin(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	au := ta.user("au@example.org", broadside.RoleAuthor)
	b := ta.signIn(au)
	if r := b.get("/admin/posts/new?type=page"); r.StatusCode != http.StatusForbidden {
		t.Errorf("an Author's new page form: %d, want 403", r.StatusCode)
	}
	if r := b.get("/admin/"); strings.Contains(r.Body, `href="/admin/posts?type=page"`) {
		t.Error("an Author is offered Pages")
	}
	r := b.post("/admin/posts/new", url.Values{"type": {"page"}, "title": {"wp-login"}, "slug": {"wp-login"},
		"body": {"Enter your password"}, "status": {"published"}})
	if r.StatusCode != http.StatusForbidden {
		t.Errorf("an Author's page through the admin: %d, want 403", r.StatusCode)
	}
	if r := ta.browser().get("/wp-login/"); r.StatusCode == http.StatusOK {
		t.Fatal("the Author's page is live")
	}
	if st, _ := ta.api(au, http.MethodPost, "/wp/v2/pages", map[string]any{"title": "x", "status": "publish"}); st != http.StatusForbidden {
		t.Errorf("REST: %d, want 403", st)
	}
}

// Point 10: a post published through the REST API reaches subscribers like one published in
// the editor, and the API sets a post's password.
func TestRESTPublishFollowsTheEditorDefaults(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	ta.subscribe(srv, "reader@example.net", "")
	ta.drainJobs() // the welcome mail
	before := len(srv.To("reader@example.net"))
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	st, v := ta.api(ed, http.MethodPost, "/wp/v2/posts", map[string]any{"title": "From the app", "content": "<p>Appword news.</p>", "status": "publish"})
	if st != http.StatusCreated {
		t.Fatalf("create: %d %v", st, v)
	}
	ta.drainJobs()
	got := srv.To("reader@example.net")[before:]
	if len(got) != 1 {
		t.Fatalf("%d newsletters after publishing through the API, want 1", len(got))
	}
	if pm := mailtest.Parse(t, got[0].Data); pm.Subject() != "From the app" || !strings.Contains(pm.Text, "Appword") {
		t.Fatalf("mail %q after publishing through the API:\n%s", pm.Subject(), pm.Text)
	}
	st, v = ta.api(ed, http.MethodPost, "/wp/v2/posts", map[string]any{"title": "Locked from the app",
		"content": "<p>" + protectedSecret + "</p>", "status": "publish", "password": "opensesame"})
	if st != http.StatusCreated {
		t.Fatalf("create with a password: %d %v", st, v)
	}
	o := v.(map[string]any)
	if o["password"] != "opensesame" || o["content"].(map[string]any)["protected"] != true {
		t.Fatalf("answer: password %v content %v", o["password"], o["content"])
	}
	id := strconv.FormatInt(int64(o["id"].(float64)), 10)
	_, v = ta.api(nil, http.MethodGet, "/wp/v2/posts/"+id, nil)
	if strings.Contains(strings.ToLower(toJSON(v)), "hushword") {
		t.Fatalf("an anonymous reader sees the protected text: %v", v)
	}
	ta.drainJobs()
	for _, m := range srv.To("reader@example.net") {
		if pm := mailtest.Parse(t, m.Data); strings.Contains(strings.ToLower(pm.Text+pm.HTML), "hushword") {
			t.Fatal("the protected post was mailed")
		}
	}
	// And it can be removed again.
	if st, v = ta.api(ed, http.MethodPost, "/wp/v2/posts/"+id, map[string]any{"password": ""}); st != http.StatusOK || v.(map[string]any)["password"] != "" {
		t.Fatalf("remove the password: %d %v", st, v)
	}
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// Point 10, scheduling: a post scheduled through the REST API goes live and out by email at
// its time, through the same job as one scheduled in the editor.
func TestRESTScheduledPostReachesSubscribers(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	ta.subscribe(srv, "reader@example.net", "")
	ta.drainJobs()
	before := len(srv.To("reader@example.net"))
	au := ta.user("au@example.org", broadside.RoleAuthor)
	when := ta.Clock.Now().Add(2 * time.Hour).UTC().Format("2006-01-02T15:04:05")
	st, v := ta.api(au, http.MethodPost, "/wp/v2/posts", map[string]any{"title": "Later", "content": "<p>Laterword.</p>", "status": "publish", "date_gmt": when})
	if st != http.StatusCreated || v.(map[string]any)["status"] != "future" {
		t.Fatalf("create: %d %v", st, v)
	}
	ta.drainJobs()
	if n := len(srv.To("reader@example.net")) - before; n != 0 {
		t.Fatalf("%d newsletters before the post's time", n)
	}
	ta.Clock.Advance(3 * time.Hour)
	ta.drainJobs()
	got := srv.To("reader@example.net")[before:]
	if len(got) != 1 || mailtest.Parse(t, got[0].Data).Subject() != "Later" {
		t.Fatalf("%d newsletters after the post's time, want 1", len(got))
	}
}
