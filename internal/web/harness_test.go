package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/aptest"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testdb"
)

func TestMain(m *testing.M) {
	// Tests that call http.Get or http.DefaultClient get the test browser's limit too.
	http.DefaultClient.Timeout = browserTimeout
	testdb.Main(m)
}

// clock is a settable time source so tests never sleep.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// testApp is the fully wired application over a real SQLite file, served by httptest.
type testApp struct {
	t     testing.TB
	App   *app.App
	Srv   *httptest.Server
	Clock *clock
	Log   *strings.Builder
	// appPasswords caches one Application Password per user for REST calls (ta.api).
	appPasswords map[int64]string
}

type appOption func(*app.Options, *config.Config)

// withCache turns the page cache on (it is off by default so tests see writes at once).
func withCache() appOption { return func(o *app.Options, _ *config.Config) { o.NoCache = false } }

// withDSN runs the app on another database (e.g. PostgreSQL).
func withDSN(dsn string) appOption {
	return func(_ *app.Options, c *config.Config) { c.DB = dsn }
}

func newTestApp(t testing.TB, opts ...appOption) *testApp {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	o := app.Options{Now: clk.Now, NoCache: true, GenerateKey: aptest.NewKeyPEM}
	for _, f := range opts {
		f(&o, &cfg)
	}
	if cfg.DB == "" {
		if err := testdb.CopySQLiteTemplate(cfg.DSN()); err != nil {
			t.Fatal(err)
		}
	}
	// The public URL must be the test server's, so canonical links can be asserted.
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	logs := &strings.Builder{}
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(lockedWriter{w: logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := app.Open(context.Background(), cfg, log, o)
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	srv.Config.Handler = a.Web
	srv.Start()
	t.Cleanup(func() {
		closeServer(t, srv, browserTimeout)
		a.Close()
		if t.Failed() && os.Getenv("BROADSIDE_TEST_LOGS") != "" {
			t.Log(logs.String())
		}
	})
	return &testApp{t: t, App: a, Srv: srv, Clock: clk, Log: logs}
}

// closeServer closes srv, which waits for the requests it is answering. A request that
// never ends fails the test with every goroutine's stack instead of holding the binary
// until -test.timeout (the browser gives up on it after browserTimeout already).
func closeServer(t testing.TB, srv *httptest.Server, limit time.Duration) {
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(limit):
		t.Errorf("the test server still answers a request after %v; every goroutine:\n%s", limit, testdb.Goroutines())
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// browser is a cookie-keeping client that does not follow redirects, so tests see them.
// A request that gets no answer in browserTimeout fails its test, naming the request, instead
// of holding the whole binary until -test.timeout.
type browser struct {
	t  testing.TB
	ta *testApp
	c  *http.Client
}

func (ta *testApp) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: ta.t, ta: ta, c: &http.Client{Jar: jar, Timeout: browserTimeout, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// drainJobs runs the queued jobs on the app's worker until none is due. The test clock
// stands still, so a job that puts itself back at the same instant would be due forever, and
// a handler may wait on something that never comes: after browserTimeout the test fails
// instead of holding the binary until -test.timeout.
func (ta *testApp) drainJobs() {
	ta.t.Helper()
	ta.runDue(ta.t, -1)
}

// runDue runs up to most queued jobs (every due one when most < 0), failing t when they
// take longer than browserTimeout.
func (ta *testApp) runDue(t testing.TB, most int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	defer cancel()
	for i := 0; most < 0 || i < most; i++ {
		ran, err := ta.App.Worker.RunOne(ctx)
		if ctx.Err() != nil {
			t.Fatalf("jobs still running or due after %v of running them (last: %v)", browserTimeout, err)
		}
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			return
		}
	}
}

// browserTimeout is far beyond any request of these tests on a busy machine (seconds).
const browserTimeout = 3 * time.Minute

type response struct {
	*http.Response
	Body string
}

func (b *browser) do(req *http.Request) *response {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatalf("read body: %v", err)
	}
	return &response{Response: res, Body: string(body)}
}

func (b *browser) get(path string) *response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.ta.Srv.URL+path, nil)
	return b.do(req)
}

// post submits a form the way a browser on the site does (same-origin fetch metadata).
func (b *browser) post(path string, form url.Values) *response {
	b.t.Helper()
	return b.postWith(path, form, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": b.ta.Srv.URL})
}

func (b *browser) postWith(path string, form url.Values, headers map[string]string) *response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.ta.Srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return b.do(req)
}

// follow GETs the Location of a redirect.
func (b *browser) follow(r *response) *response {
	b.t.Helper()
	loc := r.Header.Get("Location")
	if loc == "" {
		b.t.Fatalf("expected a redirect, got %d", r.StatusCode)
	}
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatalf("bad Location %q", loc)
	}
	return b.get(u.RequestURI())
}

// user creates a user with a password.
func (ta *testApp) user(email string, role broadside.Role) *broadside.User {
	ta.t.Helper()
	u := &broadside.User{Email: email, Role: role, DisplayName: strings.Split(email, "@")[0]}
	if err := ta.App.Auth.CreateUser(context.Background(), u, testPassword); err != nil {
		ta.t.Fatalf("create user: %v", err)
	}
	return u
}

const testPassword = "correct horse battery staple"

// signIn returns a browser signed in as u.
func (ta *testApp) signIn(u *broadside.User) *browser {
	ta.t.Helper()
	b := ta.browser()
	r := b.post("/admin/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	if r.StatusCode != http.StatusSeeOther {
		ta.t.Fatalf("sign in as %s: status %d\n%s", u.Email, r.StatusCode, r.Body)
	}
	return b
}

// publish creates a published post by author.
func (ta *testApp) publish(author *broadside.User, title, body string, mod ...func(*posts.Input)) *broadside.Post {
	ta.t.Helper()
	in := posts.Input{Type: broadside.TypePost, Title: title, Body: body, Status: broadside.StatusPublished,
		PublishedAt: ta.Clock.Now().Add(-time.Hour), CommentsOpen: true}
	for _, f := range mod {
		f(&in)
	}
	p, err := ta.App.Posts.Save(context.Background(), 0, in, author)
	if err != nil {
		ta.t.Fatalf("publish %q: %v", title, err)
	}
	return p
}

// postPath returns the public path of p under the current settings.
func (ta *testApp) postPath(p *broadside.Post) string {
	loc := time.UTC
	return "/" + p.PublishedAt.In(loc).Format("2006/01/02") + "/" + p.Slug + "/"
}

// parseHTML parses a page and fails the test when it is not HTML.
func parseHTML(t testing.TB, s string) *html.Node {
	t.Helper()
	n, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("parse html: %v", err)
	}
	return n
}

// find returns every element for which match is true, in document order.
func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

func byID(doc *html.Node, id string) *html.Node {
	if ns := find(doc, func(n *html.Node) bool { return attr(n, "id") == id }); len(ns) > 0 {
		return ns[0]
	}
	return nil
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// commentDepth counts the comment <li> ancestors of a comment element: 1 for top level.
func commentDepth(li *html.Node) int {
	d := 0
	for n := li; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && n.Data == "li" && hasClass(n, "comment") {
			d++
		}
	}
	return d
}
