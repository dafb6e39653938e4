package config_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The S3 media flags come from flags, env or files; the keys never print; mistakes name the flag.
func TestMediaS3Config(t *testing.T) {
	dir := t.TempDir()
	ak, sk := filepath.Join(dir, "ak"), filepath.Join(dir, "sk")
	os.WriteFile(ak, []byte("AKIAFILEKEY\n"), 0o600)
	os.WriteFile(sk, []byte("file-secret-key\n"), 0o600)

	c, err := parse(t, nil, nil)
	if err != nil || c.MediaS3.Enabled() {
		t.Fatalf("default: %+v %v", c.MediaS3, err)
	}
	env := map[string]string{"BROADSIDE_MEDIA_S3_ENDPOINT": "http://127.0.0.1:8333", "BROADSIDE_MEDIA_S3_BUCKET": "media",
		"BROADSIDE_S3_ACCESS_KEY": "AKIAENVKEY", "BROADSIDE_S3_SECRET_KEY": "env-secret-key"}
	c, err = parse(t, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	m := c.MediaS3
	if m.Endpoint != "127.0.0.1:8333" || !m.Insecure || m.Bucket != "media" || m.AccessKey.Reveal() != "AKIAENVKEY" || m.SecretKey.Reveal() != "env-secret-key" {
		t.Fatalf("env: %+v", m)
	}
	c, err = parse(t, []string{"--media-s3-endpoint", "s3.example.com", "--media-s3-bucket", "site.media", "--media-s3-region", "eu-west-1",
		"--media-s3-prefix", "news/", "--media-s3-access-key-file", ak, "--media-s3-secret-key-file", sk}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m = c.MediaS3
	if m.Endpoint != "s3.example.com" || m.Insecure || m.Region != "eu-west-1" || m.Prefix != "news/" ||
		m.AccessKey.Reveal() != "AKIAFILEKEY" || m.SecretKey.Reveal() != "file-secret-key" {
		t.Fatalf("flags: %+v", m)
	}
	if c, err = parse(t, []string{"--media-s3-endpoint", "minio:9000", "--media-s3-bucket", "media", "--media-s3-insecure"}, nil); err != nil || !c.MediaS3.Insecure {
		t.Fatalf("bare --media-s3-insecure: %+v %v", c.MediaS3, err)
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", c, "s3", m)
	b, _ := json.Marshal(m)
	for _, s := range []string{fmt.Sprintf("%v %+v %#v", c, m, m), logged.String(), string(b)} {
		if strings.Contains(s, "file-secret-key") || strings.Contains(s, "AKIAFILEKEY") {
			t.Fatalf("a key leaks: %s", s)
		}
	}

	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--media-s3-bucket", "media"}, nil, "--media-s3-bucket: set --media-s3-endpoint"},
		{[]string{"--media-s3-endpoint", "s3.example.com"}, nil, "--media-s3-bucket"},
		{[]string{"--media-s3-endpoint", "s3.example.com", "--media-s3-bucket", "Bad_Bucket"}, nil, "--media-s3-bucket"},
		{[]string{"--media-s3-endpoint", "s3.example.com/path", "--media-s3-bucket", "media"}, nil, "--media-s3-endpoint"},
		{[]string{"--media-s3-endpoint", "s3.example.com", "--media-s3-bucket", "media", "--media-s3-prefix", "../x"}, nil, "--media-s3-prefix"},
		{[]string{"--media-s3-endpoint", "s3.example.com", "--media-s3-bucket", "media", "--media-s3-insecure=maybe"}, nil, "--media-s3-insecure"},
		{[]string{"--media-s3-endpoint", "s3.example.com", "--media-s3-bucket", "media"}, map[string]string{"BROADSIDE_S3_ACCESS_KEY": "AKIAONLY"}, "secret key"},
		{[]string{"--media-s3-endpoint", "s3.example.com", "--media-s3-bucket", "media", "--media-s3-secret-key-file", filepath.Join(dir, "missing")}, nil, "--media-s3-secret-key-file"},
	} {
		_, err := parse(t, tc.args, tc.env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want an error naming %s", tc.args, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "AKIAONLY") {
			t.Errorf("the key is in the error: %v", err)
		}
	}
}
