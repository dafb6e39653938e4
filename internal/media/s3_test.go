package media_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/media/s3test"
)

// The S3 storage keeps the same contract as the directory against a real S3-compatible
// server (SeaweedFS), with and without a key prefix; a wrong secret, a missing bucket and a
// dead server are reported with what to do and without the keys.
func TestS3Storage(t *testing.T) {
	cfg := s3test.Start(t)
	ctx := context.Background()
	st, err := media.NewS3(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Check(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("contract", func(t *testing.T) { testStorage(t, st) })
	t.Run("prefix", func(t *testing.T) {
		pcfg := cfg
		pcfg.Prefix = "/site-a/"
		ps, err := media.NewS3(pcfg)
		if err != nil {
			t.Fatal(err)
		}
		testStorage(t, ps)
		if _, err := ps.Put(ctx, "2026/12/p-1.jpg", strings.NewReader("prefixed")); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Open(ctx, "2026/12/p-1.jpg"); err == nil {
			t.Error("a prefixed object is visible without its prefix")
		}
		if got := read(t, st, "site-a/2026/12/p-1.jpg"); got != "prefixed" {
			t.Errorf("the object under the prefix holds %q", got)
		}
	})
	t.Run("errors", func(t *testing.T) {
		bad := cfg
		bad.SecretKey = "wrong-secret-value-123"
		bs, _ := media.NewS3(bad)
		err := bs.Check(ctx)
		if err == nil || !strings.Contains(err.Error(), "access key") || strings.Contains(err.Error(), "wrong-secret-value-123") ||
			strings.Contains(err.Error(), s3test.AccessKey) {
			t.Errorf("wrong secret: %v", err)
		}
		missing := cfg
		missing.Bucket = "no-such-bucket"
		ms, _ := media.NewS3(missing)
		if err := ms.Check(ctx); err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("missing bucket: %v", err)
		}
		// A server that is not there: a port nothing listens on.
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		dead := cfg
		dead.Endpoint = l.Addr().String()
		l.Close()
		ds, _ := media.NewS3(dead)
		if err := ds.Check(ctx); err == nil || !strings.Contains(err.Error(), "cannot be reached") || !strings.Contains(err.Error(), "--media-s3-endpoint") {
			t.Errorf("dead server: %v", err)
		}
		if _, err := ds.Put(ctx, "2026/12/x-1.jpg", strings.NewReader("x")); !errors.Is(err, media.ErrUnavailable) {
			t.Errorf("Put to a dead server: %v, want ErrUnavailable", err)
		}
		if _, err := ds.Open(ctx, "2026/12/x-1.jpg"); !errors.Is(err, media.ErrUnavailable) {
			t.Errorf("Open on a dead server: %v, want ErrUnavailable", err)
		}
	})
}
