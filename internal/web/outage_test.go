package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/testdb"
)

// typed is what a reader typed into the comment form; an outage must hand all of it back.
var typed = map[string]string{"comment": "A long thought I do not want to type twice.", "author": "Ada Reader", "email": "ada@example.org"}

// postDuringOutage fills the comment form of path and sends it once the database is gone.
func postDuringOutage(t *testing.T, ta *testApp, path string, goDown func()) {
	t.Helper()
	b := ta.browser()
	f := b.formFor(path)
	for k, v := range typed {
		f.Set(k, v)
	}
	goDown()
	r := b.post("/comments", f)
	assertOutageForm(t, r)
}

func assertOutageForm(t *testing.T, r *response) {
	t.Helper()
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("comment during an outage: status %d, want 503\n%s", r.StatusCode, r.Body)
	}
	if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After = %q, want a number of seconds", ra)
	}
	doc := parseHTML(t, r.Body)
	if n := byID(doc, "comment"); n == nil || textOf(n) != typed["comment"] {
		t.Fatalf("the re-shown form lost the comment:\n%s", r.Body)
	}
	for _, field := range []string{"author", "email"} {
		if n := byID(doc, field); n == nil || attr(n, "value") != typed[field] {
			t.Fatalf("the re-shown form lost %s:\n%s", field, r.Body)
		}
	}
	if strings.Contains(r.Body, "does not exist") {
		t.Fatal("an outage is reported as a missing post")
	}
}

// TestOutageOnSQLite: with the database closed underneath the site, a comment is answered
// 503 + Retry-After with the reader's text, the REST API answers 503 in WordPress's JSON
// form, and a page already in the cache is still served.
func TestOutageOnSQLite(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withCache())
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Outage", "Body.")
	path := ta.postPath(p)
	if r := ta.browser().get(path); r.StatusCode != 200 { // now cached
		t.Fatalf("GET %s: %d", path, r.StatusCode)
	}
	editor := ta.signIn(ed)
	postDuringOutage(t, ta, path, func() { _ = ta.App.Store.Close() })

	if r := editor.get("/admin/"); r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("signed-in admin during the outage: %d (Location %q), want 503, not the login page", r.StatusCode, r.Header.Get("Location"))
	}

	if r := ta.browser().get(path); r.StatusCode != 200 || !strings.Contains(r.Body, "Outage") {
		t.Fatalf("cached page during the outage: %d", r.StatusCode)
	}
	// Past the cache's lifetime the page cannot be rendered again, so the old copy serves.
	ta.Clock.Advance(time.Hour)
	if r := ta.browser().get(path); r.StatusCode != 200 || !strings.Contains(r.Body, "Outage") {
		t.Fatalf("expired cached page during the outage: %d", r.StatusCode)
	}
	res, err := http.Get(ta.Srv.URL + "/wp-json/wp/v2/posts")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(body), `"status":503`) {
		t.Fatalf("REST API during the outage: %d Retry-After=%q %s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	// A page never cached needs the database: 503, not 404 or 500.
	if r := ta.browser().get("/category/uncached/"); r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("uncached page during the outage: %d Retry-After=%q", r.StatusCode, r.Header.Get("Retry-After"))
	}
}

// TestOutageOnPostgres cuts a real PostgreSQL off from the site (a TCP proxy between them
// refuses connections and drops the open ones), checks the comment form comes back with the
// reader's text, then restores the network and checks the same node takes the comment
// without a restart.
func TestOutageOnPostgres(t *testing.T) {
	t.Parallel()
	dsn := testdb.Postgres(t)
	px := testdb.NewProxy(t, dsn)
	ta := newTestApp(t, withDSN(px.DSN))
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Outage", "Body.")
	path := ta.postPath(p)
	b := ta.browser()
	f := b.formFor(path)
	for k, v := range typed {
		f.Set(k, v)
	}
	postDuringOutage(t, ta, path, px.Down)
	if r := ta.browser().get(path); r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("uncached page during the outage: %d, want 503", r.StatusCode)
	}

	px.Up()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := b.post("/comments", f)
		if r.StatusCode == http.StatusSeeOther {
			b.follow(r) // sets the cookie that shows a held comment to its author
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after the database came back: %d\n%s", r.StatusCode, r.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r := b.get(path); r.StatusCode != 200 || !strings.Contains(r.Body, typed["comment"]) {
		t.Fatalf("after recovery: %d, comment shown: %v", r.StatusCode, strings.Contains(r.Body, typed["comment"]))
	}
}
