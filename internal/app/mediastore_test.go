package app_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
)

// A site configured with an S3 bucket it cannot reach does not start, and says what to fix
// without showing the keys.
func TestOpenChecksTheMediaBucket(t *testing.T) {
	t.Parallel()
	// Port 1 (tcpmux): nothing listens there, and the kernel never hands it out for ":0". A port
	// taken from a closed listener was handed to another test binary's S3 server during a
	// whole-suite run at load 40, and this site found a server without the bucket instead.
	const dead = "127.0.0.1:1"
	if c, err := net.Dial("tcp", dead); err == nil {
		c.Close()
		t.Fatalf("something listens on %s; the test needs an address where nothing does", dead)
	}
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.MediaS3 = config.MediaS3{Endpoint: dead, Bucket: "media", Insecure: true, AccessKey: "AKIASHOWNOWHERE", SecretKey: "secret-shown-nowhere"}
	a, err := app.Open(context.Background(), cfg, quietLog(), app.Options{NoCache: true})
	if err == nil {
		a.Close()
		t.Fatal("the site started without its media storage")
	}
	msg := err.Error()
	if !strings.Contains(msg, "media storage") || !strings.Contains(msg, "--media-s3-endpoint") ||
		strings.Contains(msg, "AKIASHOWNOWHERE") || strings.Contains(msg, "secret-shown-nowhere") {
		t.Fatalf("error: %v", err)
	}
}
