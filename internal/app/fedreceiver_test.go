package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/aptest"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/store"
)

// fedReceiver is many fediverse servers in one: every host name under .localhost reaches it
// (the site's client dials them at loopback with --federation-allow-private), and every
// inbox on it verifies the HTTP signature of what it receives against the key the signer's
// actor document publishes (fetched from the site over HTTP, once per key), as Mastodon
// does. It records the activity ids each inbox (host and path) accepted.
type fedReceiver struct {
	srv   *http.Server
	port  string
	delay time.Duration // each answer takes this long, as a real server's would
	// gate, when set before the first request, holds every request until it is closed;
	// held counts the requests waiting on it.
	gate  chan struct{}
	held  atomic.Int32
	inbox *aptest.Inbox

	mu    sync.Mutex
	got   map[string][]string
	total atomic.Int64
}

func startReceiver(t testing.TB, delay time.Duration) *fedReceiver {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &fedReceiver{delay: delay, got: map[string][]string{}}
	r.inbox = &aptest.Inbox{Key: aptest.CachedKeys(), Accept: r.accept}
	_, r.port, _ = net.SplitHostPort(ln.Addr().String())
	r.srv = &http.Server{Handler: r.inbox, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	t.Cleanup(func() { _ = r.srv.Close() })
	return r
}

// inboxURL is the personal inbox of follower i, on host i%hosts.
func (r *fedReceiver) inboxURL(i, hosts int) string {
	return fmt.Sprintf("http://h%d.localhost:%s/users/%d/inbox", i%hosts, r.port, i)
}

// accept records an activity whose signature verified, after the delay and the gate.
func (r *fedReceiver) accept(req *http.Request, body []byte) int {
	var a struct{ ID, Type string }
	_ = json.Unmarshal(body, &a)
	if r.delay > 0 {
		time.Sleep(r.delay)
	}
	if r.gate != nil {
		r.held.Add(1)
		<-r.gate
		r.held.Add(-1)
	}
	r.mu.Lock()
	r.got[req.Host+req.URL.Path] = append(r.got[req.Host+req.URL.Path], a.Type+" "+a.ID)
	r.mu.Unlock()
	r.total.Add(1)
	return http.StatusAccepted
}

// inboxes returns a copy of what each inbox accepted.
func (r *fedReceiver) inboxes() map[string][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string][]string, len(r.got))
	for k, v := range r.got {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func (r *fedReceiver) refusals() []error { return r.inbox.Refusals() }

// fanOutSite makes a site in cfg with n followers of the site actor spread over hosts
// simulated hosts of r (personal inboxes only: one delivery each, the worst case), and
// publishes a post, whose fan-out is then queued. It returns the post.
func fanOutSite(t testing.TB, cfg config.Config, r *fedReceiver, n, hosts int) *broadside.Post {
	t.Helper()
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, quietLog(), app.Options{NoCache: true, GenerateKey: aptest.NewKeyPEM})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// The site's key is stored now, from the pool, so the servers that sign the deliveries
	// (child processes, which generate at production cost) find it.
	if _, _, err := a.Federation.Key(ctx, activitypub.SiteActor); err != nil {
		t.Fatal(err)
	}
	u := &broadside.User{Email: "ed@example.org", Role: broadside.RoleAdmin}
	if err := a.Auth.CreateUser(ctx, u, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	err = a.Store.InTx(ctx, func(tx *store.Store) error {
		for i := range n {
			inbox := r.inboxURL(i, hosts)
			if err := tx.SaveFollower(ctx, &broadside.Follower{Actor: activitypub.SiteActor, FollowerID: strings.TrimSuffix(inbox, "/inbox"),
				Inbox: inbox, FollowID: inbox + "#follow", Status: broadside.FollowAccepted, CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: "To every follower", Body: "Hello, fediverse.",
		Status: broadside.StatusPublished}, u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// startFedServe runs `broadside serve` as a child process (this test binary, see TestMain)
// with federation to loopback allowed and base as its public URL.
func startFedServe(t testing.TB, cfg config.Config, addr, base string, extra ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	args := []string{"serve", "--data", cfg.DataDir, "--addr", addr, "--base-url", base, "--log-level", "info", "--federation-allow-private"}
	if cfg.DB != "" {
		args = append(args, "--db", cfg.DB)
	}
	return startChild(t, append(args, extra...))
}

// waitInboxes waits until n inboxes of r have accepted something.
func waitInboxes(t testing.TB, r *fedReceiver, n int, limit time.Duration, outs ...*strings.Builder) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		got := r.inboxes()
		if len(got) >= n {
			return
		}
		if time.Now().After(deadline) {
			var logs strings.Builder
			for i, o := range outs {
				s := o.String()
				if len(s) > 4000 {
					s = "…" + s[len(s)-4000:]
				}
				fmt.Fprintf(&logs, "\n--- process %d:\n%s", i+1, s)
			}
			t.Fatalf("%d of %d inboxes reached; signature refusals %v%s", len(got), n, r.refusals(), logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// countLines counts the lines of out containing all of parts.
func countLines(out string, parts ...string) int {
	n := 0
	for _, l := range strings.Split(out, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			n++
		}
	}
	return n
}

// queueEmpty reports whether no delivery or fan-out job is queued or running.
func queueEmpty(t testing.TB, cfg config.Config) bool {
	st, err := store.Open(context.Background(), cfg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, status := range []string{store.JobQueued, store.JobRunning} {
		js, err := st.ListJobs(context.Background(), status, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range js {
			if j.Kind == activitypub.JobDeliver || j.Kind == activitypub.JobPost {
				return false
			}
		}
	}
	return true
}
