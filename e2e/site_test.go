package e2e

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/cli"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/testdb"
)

// The administrator every test site gets (broadside user add --password-stdin).
const (
	adminEmail    = "admin@example.org"
	adminPassword = "correct horse battery staple"
)

// seedFile is the WordPress post with its threaded discussion that `broadside demo` loads.
const seedFile = "../testdata/seed/wordpress-post-with-comments.txt"

// asBroadside, in a child's environment, makes this test binary run as `broadside` with the
// child's arguments (TestMain), as cmd/broadside's main does. Linking cmd/broadside with
// `go build` at the start of every run cost 4.5 CPU s and 20 s of wall clock at load 23,
// which every test waited for; this binary holds the same packages already. (Its name does
// not start with BROADSIDE_, which childEnv keeps from the children.)
const asBroadside = "E2E_RUN_AS_BROADSIDE=1"

var workDir string // where the seeded data directory lives; removed by TestMain

func TestMain(m *testing.M) {
	if os.Getenv("E2E_RUN_AS_BROADSIDE") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	flag.Parse()
	testdb.Watchdog()
	code := m.Run()
	stopChromium()
	if workDir != "" {
		os.RemoveAll(workDir)
	}
	os.Exit(code)
}

// binary returns the executable the tests run as `broadside`: this test binary, which acts
// as cmd/broadside when its environment holds asBroadside (broadsideCmd, broadsideEnv).
func binary(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("e2e: the test binary's path: %v", err)
	}
	return exe
}

// broadsideCmd is `broadside args...` run as a child, with broadsideEnv.
func broadsideCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = broadsideEnv()
	return cmd
}

// broadsideEnv is childEnv plus what makes this test binary run as broadside.
func broadsideEnv() []string { return append(childEnv(), asBroadside) }

// childEnv is the environment of the broadside processes: ours without BROADSIDE_*, so a
// developer's settings cannot point the tests at their own database or port.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BROADSIDE_") && kv != asBroadside {
			env = append(env, kv)
		}
	}
	return env
}

// syncBuffer collects a process's output while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runCommand runs a maintenance subcommand of the binary to completion.
func runCommand(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, err := command(broadsideCmd(t, args...), stdin)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func command(cmd *exec.Cmd, stdin string) (string, error) {
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("broadside %s: %v\n%s", strings.Join(cmd.Args[1:], " "), err, out)
	}
	return string(out), nil
}

// site is a running `broadside serve` on a temporary SQLite database.
type site struct {
	URL  string // http://127.0.0.1:PORT, no trailing slash
	Data string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{} // closed when the process has exited
	err  error         // cmd.Wait's result, once done is closed
}

var (
	seededOnce sync.Once
	seededDir  string // the demo's discussion and the administrator, never served itself
	seededLog  string // what `broadside demo` said
	seededErr  error
)

// seededData makes, once per test binary, a data directory holding the seed discussion and
// the administrator, for startSite to copy: each site used to run `demo` and `user add` itself,
// two processes that migrate a fresh database, parse the seed and hash the password, the same
// work every time.
func seededData(t *testing.T) string {
	t.Helper()
	seededOnce.Do(func() {
		seed, err := filepath.Abs(seedFile)
		if err != nil {
			seededErr = err
			return
		}
		if workDir, err = os.MkdirTemp("", "broadside-e2e-"); err != nil {
			seededErr = err
			return
		}
		dir := filepath.Join(workDir, "seeded")
		if seededLog, err = command(broadsideCmd(t, "demo", "--data", dir, "--seed", seed), ""); err != nil {
			seededErr = err
			return
		}
		if _, err := command(broadsideCmd(t, "user", "add", "--data", dir, "--email", adminEmail, "--role", "admin", "--password-stdin"), adminPassword+"\n"); err != nil {
			seededErr = err
			return
		}
		seededDir = dir
	})
	if seededErr != nil {
		t.Fatal(seededErr)
	}
	return seededDir
}

var (
	noWaitOnce sync.Once
	noWaitDir  string
	noWaitErr  error
)

// seededNoWait is seededData with the minimum time to submit a comment set to 0, made once, so
// that a test's reader can send a comment at once without a sleep. Those tests had an
// administrator sign in and save the setting through the form first: a tab and four page
// loads of setup each, about 1 CPU s in Chromium. TestReplyInThreadAndModerate still saves it
// through the form (setMinSubmitSeconds), which keeps that path tested.
func seededNoWait(t *testing.T) string {
	t.Helper()
	seeded := seededData(t)
	noWaitOnce.Do(func() {
		dir := filepath.Join(workDir, "seeded-nowait")
		if noWaitErr = os.Mkdir(dir, 0o755); noWaitErr != nil {
			return
		}
		if noWaitErr = copyTree(dir, seeded); noWaitErr != nil {
			return
		}
		ctx := context.Background()
		cfg := config.Defaults()
		cfg.DataDir = dir
		a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{})
		if err != nil {
			noWaitErr = err
			return
		}
		defer a.Close()
		set, err := a.Settings.Load(ctx)
		if err != nil {
			noWaitErr = err
			return
		}
		set.Discussion.MinSubmitSeconds = 0
		if noWaitErr = a.Settings.Save(ctx, set, &broadside.User{Email: adminEmail, Role: broadside.RoleAdmin}); noWaitErr != nil {
			return
		}
		noWaitDir = dir
	})
	if noWaitErr != nil {
		t.Fatalf("seed a site without the minimum time to submit: %v", noWaitErr)
	}
	return noWaitDir
}

// copyTree copies the regular files and directories under src into dst, which exists.
func copyTree(dst, src string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." {
			return err
		}
		to := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.Mkdir(to, info.Mode().Perm())
		case info.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(to, b, info.Mode().Perm())
		default:
			return fmt.Errorf("copy %s: not a regular file or directory", p)
		}
	})
}

// startSite serves a fresh copy of the seed discussion and its administrator (seededData),
// with extra flags for serve (such as an SMTP server). Cleanup stops the server with SIGTERM
// and checks that it exits cleanly.
func startSite(t *testing.T, extra ...string) *site {
	t.Helper()
	return startSiteFrom(t, seededData(t), extra...)
}

// startSiteFrom is startSite on a copy of the data directory seeded (seededData or
// seededNoWait).
func startSiteFrom(t *testing.T, seeded string, extra ...string) *site {
	t.Helper()
	data := t.TempDir()
	if err := copyTree(data, seeded); err != nil {
		t.Fatal(err)
	}
	t.Log(strings.TrimSpace(seededLog))

	// The port comes from the kernel (":0"), is released and handed to serve. Another process
	// can grab it in between, so a failure to listen is retried with a new port.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := serve(t, data, extra...)
		if err == nil {
			return s
		}
		lastErr = err
		if !errors.Is(err, errListen) {
			break
		}
	}
	t.Fatal(lastErr)
	return nil
}

var errListen = errors.New("could not listen")

func serve(t *testing.T, data string, extra ...string) (*site, error) {
	t.Helper()
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	s := &site{URL: "http://" + addr, Data: data, out: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = broadsideCmd(t, append([]string{"serve", "--data", data, "--addr", addr}, extra...)...)
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start broadside serve: %w", err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	if err := s.waitHealthy(2 * time.Minute); err != nil {
		s.cmd.Process.Kill()
		<-s.done
		if strings.Contains(s.out.String(), "listen on") {
			err = fmt.Errorf("%w: %v", errListen, err)
		}
		return nil, fmt.Errorf("broadside serve on %s: %w\n--- output ---\n%s", addr, err, s.out.String())
	}
	t.Cleanup(func() { s.stop(t) })
	return s, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitHealthy polls GET /healthz until it answers 200, the process exits or the time is up.
func (s *site) waitHealthy(limit time.Duration) error {
	client := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		resp, err := client.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /healthz: %s", resp.Status)
		}
		last = err
		select {
		case <-s.done:
			return fmt.Errorf("exited before it was healthy (%v)", s.err)
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not healthy after %s: %v", limit, last)
		}
	}
}

// stop sends SIGTERM and expects a clean exit (status 0) within 2 minutes (generous: a busy
// machine may be slow to drain the server's jobs). The server's output is shown when the test
// failed.
func (s *site) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("SIGTERM broadside serve: %v", err)
	}
	select {
	case <-s.done:
		if s.err != nil {
			t.Errorf("broadside serve did not exit cleanly after SIGTERM: %v", s.err)
		}
	case <-time.After(2 * time.Minute):
		s.cmd.Process.Kill()
		<-s.done
		t.Errorf("broadside serve was still running 2 minutes after SIGTERM; killed it")
	}
	if t.Failed() {
		t.Logf("--- broadside serve output ---\n%s", s.out.String())
	}
}
