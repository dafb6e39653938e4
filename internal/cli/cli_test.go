package cli_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/cli"
	"github.com/broadside/broadside/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func TestUsageAndUnknownCommands(t *testing.T) {
	if r := run(t, "", nil); r.code != 0 || !strings.Contains(r.stdout, "serve") || !strings.Contains(r.stdout, "--data") {
		t.Fatalf("usage: %+v", r)
	}
	if r := run(t, "", nil, "frobnicate"); r.code != 2 || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %+v", r)
	}
	if r := run(t, "", nil, "serve", "--bogus"); r.code != 2 || !strings.Contains(r.stderr, "flag provided but not defined: -bogus") || !strings.Contains(r.stderr, "--addr") {
		t.Fatalf("bad flag: %+v", r)
	}
	if r := run(t, "", nil, "serve", "--db", "mysql://x"); r.code != 2 || !strings.Contains(r.stderr, "--db") {
		t.Fatalf("bad --db: %+v", r)
	}
	if r := run(t, "", nil, "user"); r.code != 2 || !strings.Contains(r.stderr, "user add") {
		t.Fatalf("user without subcommand: %+v", r)
	}
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	r := run(t, "a long enough password\n", nil, "user", "add", "--data", dir, "--email", "Ann@Example.org", "--name", "Ann Editor", "--password-stdin")
	if r.code != 0 || !strings.Contains(r.stdout, "Created admin ann@example.org") {
		t.Fatalf("user add: %+v", r)
	}
	// The environment supplies --data just as well.
	r = run(t, "", map[string]string{"BROADSIDE_DATA": dir}, "user", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "ann@example.org") || !strings.Contains(r.stdout, "Ann Editor") {
		t.Fatalf("user list: %+v", r)
	}
	cases := []struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"a long enough password\n", []string{"--email", "ann@example.org"}, 1, "already exists"},
		{"short\n", []string{"--email", "bob@example.org"}, 1, "--password: Use at least 10 characters."},
		{"a long enough password\n", []string{"--email", "not-an-email"}, 1, "--email"},
		{"a long enough password\n", []string{"--email", "c@example.org", "--role", "king"}, 2, "--role"},
		{"", []string{"--email", "d@example.org"}, 1, "no password on standard input"},
		{"a long enough password\n", nil, 2, "--email is required"},
	}
	for _, tc := range cases {
		args := append([]string{"user", "add", "--data", dir, "--password-stdin"}, tc.args...)
		r := run(t, tc.stdin, nil, args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: code %d stderr %q, want %d and %q", tc.args, r.code, r.stderr, tc.code, tc.want)
		}
	}
	if r := run(t, "", nil, "setup-link", "--data", dir); r.code != 1 || !strings.Contains(r.stderr, "already has users") {
		t.Fatalf("setup-link with users: %+v", r)
	}
}

// syncBuffer lets the test read serve's output while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestServePrintsHowToSignIn starts the real serve command on a fresh data directory: it
// creates and migrates the database, prints the URL and a working one-time setup link, and
// exits cleanly when stopped.
func TestServePrintsHowToSignIn(t *testing.T) {
	dir := t.TempDir()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- cli.Run(ctx, []string{"serve", "--data", dir + "/site"}, func(k string) string {
			return map[string]string{"BROADSIDE_ADDR": addr}[k]
		}, strings.NewReader(""), &out, &errb)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "Press Ctrl+C") {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s\n%s", out.String(), errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	s := out.String()
	if !strings.Contains(s, "Broadside is running at http://"+addr+"/") {
		t.Fatalf("no URL in %q", s)
	}
	link := regexp.MustCompile(`http://\S+/admin/setup\?token=\S+`).FindString(s)
	if link == "" || !strings.Contains(s, "broadside user add") {
		t.Fatalf("no setup instructions in %q", s)
	}
	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "password") {
		t.Fatalf("setup link: %d", res.StatusCode)
	}
	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("serve exited %d: %s", c, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(errb.String(), "shutting down") {
		t.Error("shutdown not logged")
	}
	// A second start finds the database and says how to sign in, if someone was added.
	if r := run(t, "", nil, "migrate", "--data", dir+"/site"); r.code != 0 || !strings.Contains(r.stdout, "up to date") {
		t.Fatalf("migrate: %+v", r)
	}
}

func TestDemoLoadsTheSeedDiscussion(t *testing.T) {
	dir := t.TempDir()
	r := run(t, "", nil, "demo", "--data", dir, "--seed", "../../testdata/seed/wordpress-post-with-comments.txt")
	if r.code != 0 || !strings.Contains(r.stdout, "with 31 comments") {
		t.Fatalf("demo: %+v", r)
	}
	if r := run(t, "", nil, "demo", "--data", dir, "--seed", "/nonexistent"); r.code != 1 || !strings.Contains(r.stderr, "--seed") {
		t.Fatalf("missing seed: %+v", r)
	}
}
