// Package s3test starts a real S3-compatible server (SeaweedFS's weed) for tests of the S3
// media storage. .ci/run builds weed once into a cache folder and names it in
// BROADSIDE_TEST_WEED; without it the tests are skipped with how to build it, and fail when
// CI is set.
package s3test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/broadside/broadside/internal/media"
)

// EnvWeed names the weed binary.
const EnvWeed = "BROADSIDE_TEST_WEED"

// Credentials the server is started with.
const (
	AccessKey = "BROADSIDETESTKEY"
	SecretKey = "broadside-test-secret-0123456789"
)

const howToBuild = `go mod download -json github.com/seaweedfs/seaweedfs@v0.0.0-20261109003541-7506e5f91cd6, copy the Dir it names to a writable folder, run CGO_ENABLED=0 go build -o weed ./weed there (about 7 minutes; .ci/run does this into ~/.cache/broadside-ci/weed), and set ` + EnvWeed + `=/path/to/weed`

// Weed finds the weed binary, or skips t (fails it under CI) saying how to build it.
func Weed(t testing.TB) string {
	t.Helper()
	p := os.Getenv(EnvWeed)
	if p == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI requires the S3 media tests: " + EnvWeed + " is not set; " + howToBuild)
		}
		t.Skip("SKIPPED: the S3 media storage tests need a real S3-compatible server (SeaweedFS). " + EnvWeed + " is not set: " + howToBuild)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s=%s: %v; %s", EnvWeed, p, err, howToBuild)
	}
	return p
}

// Start runs weed with its S3 API on a free port in a temp dir, waits until a bucket could be
// made, and returns the storage configuration (with a fresh bucket). The server stops when
// the test ends.
func Start(t testing.TB) media.S3Config {
	t.Helper()
	bin := Weed(t)
	dir := t.TempDir()
	ports := freePorts(t, 8)
	cfgFile := filepath.Join(dir, "s3.json")
	conf := fmt.Sprintf(`{"identities":[{"name":"broadside","credentials":[{"accessKey":%q,"secretKey":%q}],"actions":["Admin","Read","Write","List","Tagging"]}]}`, AccessKey, SecretKey)
	if err := os.WriteFile(cfgFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	os.MkdirAll(data, 0o755)
	// Logs go to the test's log file, not to files in /tmp.
	args := []string{"-logtostderr=true", "server", "-dir=" + data, "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		fmt.Sprintf("-master.port=%d", ports[0]), fmt.Sprintf("-master.port.grpc=%d", ports[1]),
		fmt.Sprintf("-volume.port=%d", ports[2]), fmt.Sprintf("-volume.port.grpc=%d", ports[3]),
		"-filer", fmt.Sprintf("-filer.port=%d", ports[4]), fmt.Sprintf("-filer.port.grpc=%d", ports[5]),
		"-s3", fmt.Sprintf("-s3.port=%d", ports[6]), fmt.Sprintf("-s3.port.grpc=%d", ports[7]),
		"-s3.port.iceberg=0", "-s3.port.lance=0", "-s3.config=" + cfgFile,
		"-master.volumeSizeLimitMB=64", "-volume.max=16"}
	log, err := os.Create(filepath.Join(dir, "weed.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, log, log
	cmd.Env = append(os.Environ(), "TMPDIR="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		log.Close()
	})
	cfg := media.S3Config{Endpoint: fmt.Sprintf("127.0.0.1:%d", ports[6]), Bucket: "media-test", Insecure: true,
		AccessKey: AccessKey, SecretKey: SecretKey}
	client, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(AccessKey, SecretKey, ""), BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	// weed takes a few seconds to elect its master and start the filer and S3 gateway; the
	// limit is generous because the machine may be busy.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{})
		if err != nil {
			if ok, _ := client.BucketExists(ctx, cfg.Bucket); ok {
				err = nil
			}
		}
		cancel()
		if err == nil {
			break
		}
		select {
		case werr := <-exited:
			b, _ := os.ReadFile(log.Name())
			t.Fatalf("weed exited (%v) before answering S3:\n%s", werr, tail(b))
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(log.Name())
			t.Fatalf("weed's S3 API did not answer within 3 minutes: %v\n%s", err, tail(b))
		}
	}
	return cfg
}

func tail(b []byte) string {
	s := string(b)
	if len(s) > 4000 {
		s = s[len(s)-4000:]
	}
	return strings.TrimSpace(s)
}

// freePorts reserves n distinct ports by listening on them, then frees them for weed.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}
