package app_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/cli"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testload"
)

// The crash test re-runs this test binary as a real `broadside serve` process, so it can be
// killed with SIGKILL like a server losing power.
func TestMain(m *testing.M) {
	if args := os.Getenv("BROADSIDE_TEST_CHILD_ARGS"); args != "" {
		// BROADSIDE_CHILD_CPUPROFILE profiles the child server (the benchmarks measure it,
		// not the test process): written when it exits, after SIGTERM.
		if p := os.Getenv("BROADSIDE_CHILD_CPUPROFILE"); p != "" {
			if f, err := os.Create(p); err == nil && pprof.StartCPUProfile(f) == nil {
				// As cmd/broadside does: SIGTERM ends the server, so the profile is written.
				ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
				defer stop()
				code := cli.Run(ctx, strings.Split(args, "\x1f"), os.Getenv, os.Stdin, os.Stdout, os.Stderr)
				pprof.StopCPUProfile()
				f.Close()
				os.Exit(code)
			}
		}
		os.Exit(cli.Run(context.Background(), strings.Split(args, "\x1f"), os.Getenv, os.Stdin, os.Stdout, os.Stderr))
	}
	testdb.Main(m) // which runs up to 8 parallel tests at once
}

// dataDir returns a new data directory for a site on db. On SQLite (db "") its database is
// already a copy of the test binary's migrated template (testdb.CopySQLiteTemplate): app.Open
// then finds nothing to migrate, as on any restart, instead of applying every migration with
// a commit each (about 50 ms of CPU, and seconds of fsync on a busy disk, per site). No test
// here is about migrating a fresh database; internal/store's are.
func dataDir(t testing.TB, db string) string {
	t.Helper()
	dir := t.TempDir()
	if db == "" {
		if err := testdb.CopySQLiteTemplate(filepath.Join(dir, "broadside.db")); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// prepare creates a site in dir with one open post, comments published at once and no
// minimum typing time, and returns the post's path and id.
func prepare(t *testing.T, cfg config.Config) (string, int64) {
	t.Helper()
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, quietLog(), app.Options{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	u := &broadside.User{Email: "ed@example.org", Role: broadside.RoleAdmin}
	if err := a.Auth.CreateUser(ctx, u, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	set, _ := a.Settings.Load(ctx)
	set.Discussion.ModerationMode = broadside.ModeratePublish
	set.Discussion.MinSubmitSeconds = 0
	set.Discussion.RateLimitPerMinute = 1000
	if err := a.Settings.Save(ctx, set, u); err != nil {
		t.Fatal(err)
	}
	p, err := a.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: "Viral", Body: "Everyone is here.",
		Status: broadside.StatusPublished, CommentsOpen: true}, u)
	if err != nil {
		t.Fatal(err)
	}
	return "/" + p.PublishedAt.UTC().Format("2006/01/02") + "/" + p.Slug + "/", p.ID
}

// hammer posts comments from several goroutines until stop is closed, returning the ids of
// every comment the server acknowledged with a redirect to it. Every comment carries the one
// form stamp fetched at the start: a stamp is accepted once, so all but the first are held
// for moderation, which does not matter here: none may be lost, whatever its status.
func hammer(t *testing.T, base, path string, postID int64, stop <-chan struct{}, n *atomic.Int64) (acked []int64, errs int) {
	t.Helper()
	stamp, err := testload.FormStamp(base, path)
	if err != nil {
		t.Fatal(err)
	}
	client := testload.NoRedirects(10 * time.Second)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id, ok, err := testload.Post(client, base, testload.Comment{PostID: postID, Stamp: stamp,
					Author: fmt.Sprintf("Reader %d", w), Email: fmt.Sprintf("r%d@example.org", w),
					Text: fmt.Sprintf("Comment %d from worker %d", i, w)})
				if err != nil {
					mu.Lock()
					errs++
					mu.Unlock()
					time.Sleep(10 * time.Millisecond) // the server is gone or going; don't spin
					continue
				}
				if ok {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
					n.Add(1)
				}
			}
		}(w)
	}
	wg.Wait()
	return acked, errs
}

// assertStored reopens the database and checks every acknowledged comment is there.
func assertStored(t *testing.T, cfg config.Config, postID int64, acked []int64) {
	t.Helper()
	a, err := app.Open(context.Background(), cfg, quietLog(), app.Options{NoCache: true})
	if err != nil {
		t.Fatalf("reopen after stop: %v", err)
	}
	defer a.Close()
	cs, err := a.Store.ThreadComments(context.Background(), postID, broadside.CommentStatuses, nil)
	if err != nil {
		t.Fatal(err)
	}
	have := map[int64]bool{}
	approved := 0
	for _, c := range cs {
		have[c.ID] = true
		if c.Status == broadside.CommentApproved {
			approved++
		}
	}
	for _, id := range acked {
		if !have[id] {
			t.Errorf("acknowledged comment %d was lost", id)
		}
	}
	p, err := a.Posts.Get(context.Background(), postID)
	if err != nil {
		t.Fatal(err)
	}
	if p.CommentCount != approved {
		t.Errorf("post says %d comments, %d approved comments stored", p.CommentCount, approved)
	}
	t.Logf("%d comments acknowledged, %d stored", len(acked), len(cs))
}

// waitUntil polls cond until it holds; the limit is generous (the tests run in parallel on a
// machine that may be busy), the test does not time anything.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitWithin(t, 2*time.Minute, what, cond)
}

// waitWithin polls cond every 20ms until it holds, failing tb after limit.
func waitWithin(tb testing.TB, limit time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestGracefulShutdownLosesNothing stops the server while comments are arriving: requests in
// flight finish, and every acknowledged comment is in the database afterwards.
func TestGracefulShutdownLosesNothing(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.DataDir = dataDir(t, "")
	path, postID := prepare(t, cfg)
	a, err := app.Open(context.Background(), cfg, quietLog(), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()

	stop := make(chan struct{})
	var acked []int64
	done := make(chan struct{})
	var n atomic.Int64
	go func() { acked, _ = hammer(t, base, path, postID, stop, &n); close(done) }()
	waitUntil(t, "comments to arrive", func() bool {
		cs, err := a.Store.ThreadComments(context.Background(), postID, broadside.CommentStatuses, nil)
		return err == nil && len(cs) >= 50
	})
	cancel() // SIGTERM in production: cli's signal context is cancelled
	if err := <-served; err != nil {
		t.Fatalf("Serve returned %v", err)
	}
	close(stop)
	<-done
	a.Close()
	if len(acked) < 50 {
		t.Fatalf("only %d comments acknowledged", len(acked))
	}
	assertStored(t, cfg, postID, acked)
}

// TestCrashLosesNothing kills a real server process with SIGKILL in the middle of a comment
// flood and checks that every comment it acknowledged survived.
func TestCrashLosesNothing(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.DataDir = dataDir(t, "")
	path, postID := prepare(t, cfg)
	addr := testload.FreeAddr(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "BROADSIDE_TEST_CHILD_ARGS="+strings.Join([]string{"serve", "--data", cfg.DataDir, "--addr", addr, "--log-level", "warn"}, "\x1f"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := "http://" + addr
	waitUntil(t, "the server to start", func() bool {
		res, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
	stop := make(chan struct{})
	var acked []int64
	done := make(chan struct{})
	var n atomic.Int64
	go func() { acked, _ = hammer(t, base, path, postID, stop, &n); close(done) }()
	// Let a good number of comments through, then pull the plug mid-flood.
	waitUntil(t, "comments to be acknowledged", func() bool { return n.Load() >= 100 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	close(stop)
	<-done
	if len(acked) < 100 {
		t.Fatalf("only %d comments acknowledged before the crash\n%s", len(acked), out.String())
	}
	assertStored(t, cfg, postID, acked)
}
