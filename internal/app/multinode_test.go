package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/testdb"
)

// TestTwoNodesOnOnePostgres runs two Broadside nodes on one PostgreSQL database: a session
// made on one works on the other, and a change made through one node purges the other's
// page cache at once (LISTEN/NOTIFY), not after the cache's 30 s expiry.
func TestTwoNodesOnOnePostgres(t *testing.T) {
	t.Parallel()
	dsn := testdb.Postgres(t)
	cfg := config.Defaults()
	cfg.DB = dsn
	path, _ := prepare(t, cfg)
	a1, s1 := startNode(t, cfg)
	_, s2 := startNode(t, cfg)

	title := func(srv *httptest.Server) string {
		s := getPage(t, srv, path)
		return s[strings.Index(s, "<title>")+7 : strings.Index(s, "</title>")]
	}
	cachedAt := time.Now() // node 2's page is cached from here, for 30 s (app.Open)
	if got := title(s2); !strings.Contains(got, "My Broadside Site") {
		t.Fatalf("node 2 title %q", got)
	}
	// Rename the site through node 1; node 2's cached page must follow.
	admin, err := a1.Store.UserByEmail(context.Background(), "ed@example.org")
	if err != nil {
		t.Fatal(err)
	}
	set, _ := a1.Settings.Load(context.Background())
	set.Title = "Renamed Gazette"
	if err := a1.Settings.Save(context.Background(), set, admin); err != nil {
		t.Fatal(err)
	}
	// Any time before the cached page would expire proves the purge; 5 s failed on a machine
	// at load 35 with the purge on its way.
	deadline := cachedAt.Add(25 * time.Second)
	for !strings.Contains(title(s2), "Renamed Gazette") {
		if time.Now().After(deadline) {
			t.Fatalf("node 2 still serves the old page %s after node 1 changed the site, 5 s before its cached copy expires",
				time.Since(cachedAt).Round(time.Millisecond))
		}
		time.Sleep(20 * time.Millisecond)
	}

	// A session started on node 1 is valid on node 2.
	jar := &cookieJar{}
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodPost, s1.URL+"/admin/login", strings.NewReader(url.Values{"email": {"ed@example.org"}, "password": {"a long enough password"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.Do(req)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login on node 1: %v %v", err, res.StatusCode)
	}
	res.Body.Close()
	req, _ = http.NewRequest(http.MethodGet, s2.URL+"/admin/", nil)
	for _, ck := range jar.cookies {
		req.AddCookie(ck)
	}
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("node 2 did not accept node 1's session: %d", res.StatusCode)
	}
}

// startNode opens a node on cfg with its page cache on, runs its background work and serves
// it over HTTP; all of it stops when the test ends.
func startNode(t *testing.T, cfg config.Config) (*app.App, *httptest.Server) {
	t.Helper()
	quiet := quietLog()
	a, err := app.Open(context.Background(), cfg, quiet, app.Options{}) // page cache on
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.RunBackground(ctx); close(done) }()
	srv := httptest.NewServer(a.Web)
	t.Cleanup(func() { srv.Close(); cancel(); <-done; a.Close() })
	return a, srv
}

// getPage returns the body of GET path on srv, failing the test unless it answers 200.
func getPage(t *testing.T, srv *httptest.Server, path string) string {
	t.Helper()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	return string(b)
}

// cookieJar keeps cookies regardless of host, so one session can be replayed on two nodes.
type cookieJar struct{ cookies []*http.Cookie }

func (j *cookieJar) SetCookies(_ *url.URL, cs []*http.Cookie) { j.cookies = append(j.cookies, cs...) }
func (j *cookieJar) Cookies(*url.URL) []*http.Cookie          { return j.cookies }
