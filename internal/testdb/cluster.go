//go:build unix

package testdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// cluster is a throwaway PostgreSQL server private to one test binary.
type cluster struct {
	dir      string // temp dir: data/, the socket and postgres.log
	url      string
	cmd      *exec.Cmd
	done     chan struct{} // closed when postgres has exited
	stopOnce sync.Once
	template string // a migrated template the cluster started with (templateCache), or ""
}

// tempPrefix names the cluster directories, so a later run can sweep ones left by a killed binary.
const tempPrefix = "broadside-pg-"

func startCluster() (*cluster, error) {
	bin, err := findBinDir()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	sweepStale()
	dir, err := os.MkdirTemp(tempRoot(), tempPrefix)
	if err != nil {
		return nil, fmt.Errorf("testdb: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("testdb: %w", err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("testdb: chown %s to postgres: %w", dir, err)
		}
	}
	data := filepath.Join(dir, "data")
	template := cachedTemplate
	if tpl, err := templateCache(bin, cred); err != nil || copyTree(tpl, data, cred) != nil {
		// Without the cache (or when another checkout's binary swept it mid-copy), a
		// fresh cluster, on which Postgres migrates a template of its own.
		os.RemoveAll(data)
		template = ""
		if err := initData(bin, dir, data, cred); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // a free port can be taken before postgres binds it
		c, err := startPostgres(bin, dir, data, cred)
		if err == nil {
			c.template = template
			return c, nil
		}
		lastErr = err
	}
	os.RemoveAll(dir)
	return nil, lastErr
}

func startPostgres(bin, dir, data string, cred *syscall.Credential) (*cluster, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(filepath.Join(dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("testdb: %w", err)
	}
	defer logf.Close()
	// max_wal_size bounds the WAL a write-heavy test leaves in memory (tempRoot) between
	// checkpoints; every CREATE DATABASE … FILE_COPY checkpoints as well.
	// postgres runs in the foreground as our child (rather than daemonized by pg_ctl) so that
	// it gets a parent-death signal: a test binary that panics or is killed cannot leak it.
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=32MB",
		"-c", "max_wal_size=128MB", "-c", "min_wal_size=32MB")
	cmd.Dir = dir
	cmd.Env = pgEnv(dir)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = procAttr(cred)
	c := &cluster{
		dir:  dir,
		url:  fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port),
		cmd:  cmd,
		done: make(chan struct{}),
	}
	started := make(chan error, 1)
	go func() {
		// The parent-death signal fires when the *thread* that started the child exits, so
		// this goroutine keeps its thread for as long as postgres runs.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(c.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("testdb: start postgres: %w", err)
	}
	if err := c.waitReady(30 * time.Second); err != nil {
		c.stopProcess()
		log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
		return nil, fmt.Errorf("testdb: postgres did not start: %v\n%s", err, log)
	}
	return c, nil
}

// initData fills data with a new cluster: a copy of one initdb made earlier on this machine
// (initCache), else initdb's own output. initdb takes seconds, and tens of seconds on a busy
// machine, while every package's test binary needs a cluster; a copy takes milliseconds.
func initData(bin, dir, data string, cred *syscall.Credential) error {
	cache, err := initCache(bin, cred)
	if err == nil {
		if err = copyTree(cache, data, cred); err == nil {
			return nil
		}
		os.RemoveAll(data)
	}
	return runInitdb(bin, dir, data, cred)
}

// initCache returns a directory holding a fresh initdb'd cluster for bin's PostgreSQL, made
// once per machine, user and server binary: initdb runs in a private directory that is then
// renamed into place, so concurrent test binaries never see half a cluster.
func initCache(bin string, cred *syscall.Credential) (string, error) {
	fi, err := os.Stat(filepath.Join(bin, "initdb"))
	if err != nil {
		return "", err
	}
	key := fmt.Sprintf("%s-%d-%d-%d", filepath.Base(filepath.Dir(bin)), fi.Size(), fi.ModTime().Unix(), os.Geteuid())
	final := filepath.Join(tempRoot(), "broadside-pginit-"+key)
	return sharedCluster(final, "broadside-pginit-work-", cred, func(work string) error {
		return runInitdb(bin, work, filepath.Join(work, "data"), cred)
	})
}

// sharedCluster returns the data directory of the cluster at final, made once per machine:
// when no test binary has made it yet, build fills a private work directory (workPrefix; its "data"
// below it) that is then renamed into place, so concurrent binaries never see half of one;
// when another binary renames its copy first, that one is used.
func sharedCluster(final, workPrefix string, cred *syscall.Credential, build func(work string) error) (string, error) {
	data := filepath.Join(final, "data")
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err == nil {
		return data, nil
	}
	work, err := os.MkdirTemp(tempRoot(), workPrefix)
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work) // gone after a successful rename
	if cred != nil {
		if err := os.Chown(work, int(cred.Uid), int(cred.Gid)); err != nil {
			return "", err
		}
	}
	if err := build(work); err != nil {
		return "", err
	}
	if err := os.Rename(work, final); err != nil {
		if _, serr := os.Stat(filepath.Join(data, "PG_VERSION")); serr == nil {
			return data, nil
		}
		return "", err
	}
	return data, nil
}

func runInitdb(bin, dir, data string, cred *syscall.Credential) error {
	// Trust auth on a private port and socket directory; --no-sync and fsync=off because the
	// data is thrown away (durability is tested on SQLite, where it is ours to get right).
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	initdb.Dir = dir
	initdb.Env = pgEnv(dir)
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("testdb: initdb: %v\n%s", err, out)
	}
	return nil
}

// copyTree copies the directory src to dst (which must not exist) with modes, owned by cred's
// user when given (postgres refuses a data directory it does not own).
func copyTree(src, dst string, cred *syscall.Credential) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			err = os.Mkdir(target, info.Mode().Perm())
		case d.Type().IsRegular():
			err = copyFile(path, target, info.Mode().Perm())
		default:
			return fmt.Errorf("testdb: unexpected file %s in the initdb cache", path)
		}
		if err == nil && cred != nil {
			err = os.Lchown(target, int(cred.Uid), int(cred.Gid))
		}
		return err
	})
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// waitReady polls until the server accepts connections, it exits, or timeout passes.
func (c *cluster) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, c.url)
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-c.done:
			return errors.New("postgres exited")
		case <-time.After(25 * time.Millisecond):
		}
	}
}

func (c *cluster) stop() {
	c.stopOnce.Do(func() {
		c.stopProcess()
		os.RemoveAll(c.dir)
	})
}

// stopProcess asks for a fast shutdown, then kills after a grace period.
func (c *cluster) stopProcess() {
	if c.cmd.Process == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// findBinDir returns the directory holding initdb and postgres: the one initdb on PATH links
// to, else the highest version under /usr/lib/postgresql (Debian keeps them off PATH).
func findBinDir() (string, error) {
	has := func(dir string) bool {
		for _, b := range []string{"initdb", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, b)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && has(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		if has(filepath.Dir(p)) {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries (initdb, postgres) on PATH or in /usr/lib/postgresql/*/bin")
}

func pgVersion(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

// credential returns whom to run PostgreSQL as: nil normally; the postgres system user when we
// are root, because initdb and postgres refuse to run as root.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs a 'postgres' system user to run PostgreSQL as: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("testdb: bad ids for user postgres: %s/%s", u.Uid, u.Gid)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

func pgEnv(dir string) []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LC_ALL=C", "LANG=C", "TZ=UTC"}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("testdb: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ownerFile records, in a cluster directory, the pid of the test binary that owns it.
const ownerFile = "owner.pid"

// sweepStale removes cluster directories left by test binaries that died before they could
// clean up (their postgres died with them): those whose owner is gone, and those without an
// owner that are old enough not to be a cluster another binary is setting up right now.
func sweepStale() {
	dirs, _ := filepath.Glob(filepath.Join(tempRoot(), tempPrefix+"*"))
	if root := os.TempDir(); root != tempRoot() { // where clusters lived before they moved to memory
		old, _ := filepath.Glob(filepath.Join(root, tempPrefix+"*"))
		dirs = append(dirs, old...)
	}
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil || !fi.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(d, ownerFile))
		if err != nil {
			if time.Since(fi.ModTime()) > 10*time.Minute {
				os.RemoveAll(d)
			}
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.RemoveAll(d)
		}
	}
}
