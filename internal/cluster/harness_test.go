package cluster_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/cli"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testload"
)

// The nodes are this test binary run again as `broadside` (BROADSIDE_TEST_NODE_ARGS holds the
// arguments), doing what cmd/broadside's main does: linking a separate binary with `go build`
// cost more than the rest of the test's setup together.
func TestMain(m *testing.M) {
	if args := os.Getenv("BROADSIDE_TEST_NODE_ARGS"); args != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Run(ctx, strings.Split(args, "\x1f"), os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	testdb.Main(m)
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// findNginx returns Debian's nginx. CI installs it (.ci/run); elsewhere the test is skipped
// loudly, with the command that installs it.
func findNginx(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI requires nginx for the multi-node test: apt-get install -y nginx (.ci/run installs it)")
	}
	t.Skip("SKIPPING the multi-node test: nginx is not installed. Install it with: apt-get install -y nginx")
	return ""
}

// node is one `broadside serve` process.
type node struct {
	addr string
	cmd  *exec.Cmd
	out  *syncBuf
}

type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startNode runs `broadside serve` against cfg's database on a free port, with its own data directory
// (nothing is shared through the file system), and waits until it is ready.
func startNode(t *testing.T, cfg config.Config, smtp *mailtest.Server) *node {
	t.Helper()
	n := &node{addr: testload.FreeAddr(t), out: &syncBuf{}}
	args := []string{"serve", "--db", cfg.DB, "--data", t.TempDir(), "--addr", n.addr,
		"--base-url", cfg.BaseURL, "--trusted-proxies", "127.0.0.1/32", "--log-level", "info",
		"--smtp-host", smtp.Host, "--smtp-port", strconv.Itoa(smtp.Port), "--smtp-tls", "none",
		"--smtp-from", cfg.SMTP.From, "--smtp-rate", strconv.FormatFloat(cfg.SMTP.Rate, 'f', -1, 64)}
	n.cmd = exec.Command(os.Args[0], "-test.run=^$")
	n.cmd.Env = append(os.Environ(), "BROADSIDE_TEST_NODE_ARGS="+strings.Join(args, "\x1f"))
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = n.cmd.Process.Signal(syscall.SIGTERM)
		_ = n.cmd.Wait()
		if t.Failed() {
			t.Logf("node %s output:\n%s", n.addr, n.out.String())
		}
	})
	waitFor(t, "node "+n.addr+" to be ready", 60*time.Second, func() bool { return status("http://"+n.addr+"/readyz") == 200 })
	return n
}

// startNginx runs nginx in the foreground as a child, with its configuration, pid file and
// logs in a temporary directory, balancing round-robin over the nodes.
func startNginx(t *testing.T, nginx, addr string, nodes []*node) string {
	t.Helper()
	dir := t.TempDir()
	var ups strings.Builder
	for _, n := range nodes {
		fmt.Fprintf(&ups, "    server %s max_fails=1 fail_timeout=2s;\n", n.addr)
	}
	conf := fmt.Sprintf(`daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  upstream broadside {
%[2]s  }
  server {
    listen %[3]s;
    location / {
      proxy_pass http://broadside;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout;
    }
  }
}
`, dir, ups.String(), addr)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nginx, "-c", path, "-p", dir, "-e", filepath.Join(dir, "error.log"))
	out := &syncBuf{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		_ = cmd.Wait()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx output:\n%s\nerror.log:\n%s", out.String(), log)
		}
	})
	base := "http://" + addr
	waitFor(t, "nginx to answer", 30*time.Second, func() bool { return status(base+"/readyz") == 200 })
	return base
}

func status(u string) int {
	res, err := http.Get(u)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// waitFor polls cond until it holds; limits are generous and nothing is timed.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}
