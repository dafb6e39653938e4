package wpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/cli"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/seed"
	"github.com/broadside/broadside/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

const seedFile = "../../testdata/seed/wordpress-post-with-comments.txt"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// site is the fully wired application over a fresh database, served by httptest, as users
// run it: the API is reached through the web layer's middleware and routes.
type site struct {
	t     testing.TB
	App   *app.App
	Srv   *httptest.Server
	Clock *clock
	Admin *broadside.User
	// Seed is the seed post with its 31-comment discussion.
	Seed *broadside.Post
}

type siteOption func(*config.Config)

func withDSN(dsn string) siteOption { return func(c *config.Config) { c.DB = dsn } }

func newSite(t testing.TB, opts ...siteOption) *site {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.DB == "" {
		if err := testdb.CopySQLiteTemplate(cfg.DSN()); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	var logs bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Open(context.Background(), cfg, log, app.Options{Now: clk.Now, NoCache: true})
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	srv.Config.Handler = a.Web
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		a.Close()
		if t.Failed() && os.Getenv("BROADSIDE_TEST_LOGS") != "" {
			mu.Lock()
			t.Log(logs.String())
			mu.Unlock()
		}
	})
	s := &site{t: t, App: a, Srv: srv, Clock: clk}
	s.Admin = s.user("admin@example.org", broadside.RoleAdmin)
	s.Seed = s.loadSeed()
	return s
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

func (s *site) loadSeed() *broadside.Post {
	s.t.Helper()
	f, err := os.Open(seedFile)
	if err != nil {
		s.t.Fatal(err)
	}
	defer f.Close()
	d, err := seed.Parse(f)
	if err != nil {
		s.t.Fatal(err)
	}
	p, _, err := cli.LoadDiscussion(context.Background(), s.App, d, time.Date(2018, 9, 5, 9, 0, 0, 0, time.UTC))
	if err != nil {
		s.t.Fatal(err)
	}
	s.App.Changed()
	return p
}

const testPassword = "correct horse battery staple"

func (s *site) user(email string, role broadside.Role) *broadside.User {
	s.t.Helper()
	u := &broadside.User{Email: email, Role: role, DisplayName: strings.Split(email, "@")[0]}
	if err := s.App.Auth.CreateUser(context.Background(), u, testPassword); err != nil {
		s.t.Fatalf("create user: %v", err)
	}
	return u
}

// appPassword creates an Application Password for u and returns it as shown to the user.
func (s *site) appPassword(u *broadside.User) string {
	s.t.Helper()
	secret, _, err := s.App.AppPasswords.Create(context.Background(), u, "test "+time.Now().Format(time.RFC3339Nano))
	if err != nil {
		s.t.Fatal(err)
	}
	return secret
}

func (s *site) publish(author *broadside.User, title, body string, mod ...func(*posts.Input)) *broadside.Post {
	s.t.Helper()
	in := posts.Input{Type: broadside.TypePost, Title: title, Body: body, Status: broadside.StatusPublished,
		PublishedAt: s.Clock.Now().Add(-time.Hour), CommentsOpen: true}
	for _, f := range mod {
		f(&in)
	}
	p, err := s.App.Posts.Save(context.Background(), 0, in, author)
	if err != nil {
		s.t.Fatalf("publish %q: %v", title, err)
	}
	return p
}

// reply is one API answer.
type reply struct {
	Status int
	Header http.Header
	Raw    string
	JSON   any
}

func (r *reply) obj() map[string]any {
	m, _ := r.JSON.(map[string]any)
	return m
}

func (r *reply) list() []any {
	l, _ := r.JSON.([]any)
	return l
}

// call is one request: method, path (under the site), body (JSON-encoded unless a string or
// nil) and headers.
type call struct {
	method, path string
	body         any
	header       map[string]string
	user, pass   string
}

func (s *site) do(c call) *reply {
	s.t.Helper()
	var body io.Reader
	switch b := c.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		body = bytes.NewReader(j)
	}
	if c.method == "" {
		c.method = http.MethodGet
	}
	req, err := http.NewRequest(c.method, s.Srv.URL+c.path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	if c.body != nil {
		if _, isStr := c.body.(string); !isStr {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	if c.user != "" || c.pass != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := &reply{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	if len(raw) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.JSON); err != nil {
			s.t.Fatalf("%s %s: invalid JSON: %v\n%s", c.method, c.path, err, raw)
		}
	}
	return r
}

func (s *site) get(path string) *reply { s.t.Helper(); return s.do(call{path: path}) }

// as returns a call maker authenticated with u's new Application Password.
func (s *site) as(u *broadside.User) func(method, path string, body any) *reply {
	pw := s.appPassword(u)
	return func(method, path string, body any) *reply {
		s.t.Helper()
		return s.do(call{method: method, path: path, body: body, user: u.Login, pass: pw})
	}
}

// wantStatus fails unless r has status; it shows the body.
func wantStatus(t testing.TB, r *reply, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d\n%s", r.Status, status, r.Raw)
	}
}

// wantError checks a WordPress error body.
func wantError(t testing.TB, r *reply, status int, code string) map[string]any {
	t.Helper()
	wantStatus(t, r, status)
	m := r.obj()
	if m["code"] != code {
		t.Fatalf("code %v, want %s\n%s", m["code"], code, r.Raw)
	}
	data, _ := m["data"].(map[string]any)
	if data == nil || data["status"] != float64(status) {
		t.Fatalf("data.status missing or wrong: %s", r.Raw)
	}
	if msg, _ := m["message"].(string); msg == "" {
		t.Fatalf("no message: %s", r.Raw)
	}
	return data
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}
