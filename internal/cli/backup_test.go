package cli_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testload"
)

// serveSite serves the site of cfg in this process until the test ends.
func serveSite(t *testing.T, cfg config.Config) (*app.App, string) {
	t.Helper()
	a, err := app.Open(context.Background(), cfg, quiet(), app.Options{})
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
	t.Cleanup(func() { cancel(); <-served; a.Close() })
	return a, "http://" + ln.Addr().String()
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type ack struct {
	id int64
	at time.Time
}

// TestBackupOfLiveSiteRestores: `broadside backup` copies a SQLite site while a reader keeps
// commenting; a server started on the copy is ready, serves the post, and holds every
// comment acknowledged before the backup began. A second backup to the same file is refused.
func TestBackupOfLiveSiteRestores(t *testing.T) {
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	a, base := serveSite(t, cfg)
	admin := &broadside.User{Email: "ed@example.org", Role: broadside.RoleAdmin}
	if err := a.Auth.CreateUser(ctx, admin, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	set, _ := a.Settings.Load(ctx)
	set.Discussion.ModerationMode = broadside.ModeratePublish
	set.Discussion.MinSubmitSeconds = 0
	set.Discussion.RateLimitPerMinute = 1000
	if err := a.Settings.Save(ctx, set, admin); err != nil {
		t.Fatal(err)
	}
	p, err := a.Posts.Save(ctx, 0, posts.Input{Type: broadside.TypePost, Title: "Kept", Body: "Backed up.",
		Status: broadside.StatusPublished, CommentsOpen: true}, admin)
	if err != nil {
		t.Fatal(err)
	}
	path := "/" + p.PublishedAt.UTC().Format("2006/01/02") + "/" + p.Slug + "/"

	var mu sync.Mutex
	var acks []ack
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { defer close(done); comment(t, base, path, p.ID, stop, &mu, &acks) }()
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(acks) }
	waitFor(t, "comments to arrive", func() bool { return count() >= 30 })

	out := filepath.Join(t.TempDir(), "site.db")
	began := time.Now()
	r := run(t, "", nil, "backup", "--data", cfg.DataDir, "--out", out)
	if r.code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Log(strings.TrimSpace(r.stdout))
	during := count()
	waitFor(t, "comments after the backup (the writer was never stopped)", func() bool { return count() >= during+10 })
	close(stop)
	<-done

	if r := run(t, "", nil, "backup", "--data", cfg.DataDir, "--out", out); r.code == 0 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("a second backup to the same file: exit %d %q, want it refused", r.code, r.stderr)
	}

	restored := config.Defaults()
	restored.DataDir = t.TempDir()
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored.DataDir, "broadside.db"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	a2, base2 := serveSite(t, restored)
	for _, u := range []string{"/readyz", path} {
		res, err := http.Get(base2 + u)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("restored site: GET %s: %d", u, res.StatusCode)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	before := 0
	for _, k := range acks {
		if !k.at.Before(began) {
			continue
		}
		before++
		if _, err := a2.Store.CommentByID(ctx, k.id); err != nil {
			t.Errorf("comment %d, acknowledged before the backup began, is not in it: %v", k.id, err)
		}
	}
	t.Logf("%d comments acknowledged before the backup, all restored; %d acknowledged in all", before, len(acks))
}

// comment posts comments one after another until stop, recording when each was acknowledged
// (the redirect to it, sent after its commit).
func comment(t *testing.T, base, path string, postID int64, stop <-chan struct{}, mu *sync.Mutex, acks *[]ack) {
	stamp, err := testload.FormStamp(base, path)
	if err != nil {
		t.Error(err)
		return
	}
	client := testload.NoRedirects(30 * time.Second)
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		id, ok, err := testload.Post(client, base, testload.Comment{PostID: postID, Stamp: stamp,
			Author: "Reader", Email: "reader@example.org", Text: fmt.Sprintf("Comment %d", i)})
		if err != nil {
			t.Error(err)
			return
		}
		if ok {
			mu.Lock()
			*acks = append(*acks, ack{id, time.Now()})
			mu.Unlock()
		}
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBackupPostgres: with pg_dump on PATH the command writes a custom-format dump (the
// server's own pg_dump from the PostgreSQL installation the tests use); without it, it prints
// the commands to run and fails. The password never appears in what it prints.
func TestBackupPostgres(t *testing.T) {
	u, err := url.Parse(testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "s3cret-pw")
	// The throwaway cluster trusts local connections, so the password is not checked; it is
	// there to prove it is not printed.
	dsn := u.String()
	if r := run(t, "", nil, "migrate", "--db", dsn); r.code != 0 {
		t.Fatalf("migrate: %d %s", r.code, r.stderr)
	}

	t.Run("without pg_dump", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		out := filepath.Join(t.TempDir(), "site.dump")
		r := run(t, "", nil, "backup", "--db", dsn, "--out", out)
		if r.code == 0 || !strings.Contains(r.stderr, "pg_dump --format=custom") {
			t.Fatalf("exit %d, stderr %q: want a failure that prints the pg_dump command", r.code, r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, "s3cret-pw") {
			t.Fatal("the password was printed")
		}
	})

	t.Run("with pg_dump", func(t *testing.T) {
		bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump")
		if len(bins) == 0 {
			t.Skip("SKIPPING: no pg_dump in /usr/lib/postgresql/*/bin (apt-get install postgresql)")
		}
		t.Setenv("PATH", filepath.Dir(bins[len(bins)-1])+string(os.PathListSeparator)+os.Getenv("PATH"))
		out := filepath.Join(t.TempDir(), "site.dump")
		r := run(t, "", nil, "backup", "--db", dsn, "--out", out)
		if r.code != 0 {
			t.Fatalf("backup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil || !strings.HasPrefix(string(b), "PGDMP") {
			t.Fatalf("the dump is not pg_dump's custom format: %v", err)
		}
		if strings.Contains(r.stdout+r.stderr, "s3cret-pw") {
			t.Fatal("the password was printed")
		}
		if r := run(t, "", nil, "backup", "--db", dsn, "--out", out); r.code == 0 || !strings.Contains(r.stderr, "already exists") {
			t.Fatalf("a second backup to the same file: exit %d %q, want it refused", r.code, r.stderr)
		}
	})
}
