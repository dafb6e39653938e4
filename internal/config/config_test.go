package config_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/config"
)

func parse(t *testing.T, args []string, env map[string]string) (config.Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := config.Register(fs, func(k string) string { return env[k] }, true)
	if err := fs.Parse(args); err != nil {
		return config.Config{}, err
	}
	return f.Finish()
}

func TestPrecedenceFlagsEnvDefaults(t *testing.T) {
	c, err := parse(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.DSN() != "data/broadside.db" || c.PublicURL() != "http://127.0.0.1:8080" {
		t.Fatalf("defaults: %+v (dsn %s, url %s)", c, c.DSN(), c.PublicURL())
	}
	env := map[string]string{"BROADSIDE_ADDR": "0.0.0.0:9000", "BROADSIDE_DATA": "/srv/site", "BROADSIDE_SHUTDOWN_TIMEOUT": "5s"}
	c, err = parse(t, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.DataDir != "/srv/site" || c.ShutdownTimeout != 5*time.Second || c.PublicURL() != "http://localhost:9000" {
		t.Fatalf("env: %+v", c)
	}
	c, err = parse(t, []string{"--addr", "127.0.0.1:7000", "--data", "/tmp/x", "--shutdown-timeout", "1m", "--base-url", "https://news.example/"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7000" || c.DataDir != "/tmp/x" || c.ShutdownTimeout != time.Minute || c.PublicURL() != "https://news.example" {
		t.Fatalf("flags should win over env: %+v", c)
	}
}

func TestInvalidConfigNamesTheFlag(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--db", "mysql://x"}, nil, "--db"},
		{[]string{"--addr", "nonsense"}, nil, "--addr"},
		{[]string{"--base-url", "ftp://x"}, nil, "--base-url"},
		{[]string{"--log-level", "loud"}, nil, "--log-level"},
		{[]string{"--log-format", "xml"}, nil, "--log-format"},
		{[]string{"--trusted-proxies", "10.0.0.0/8,nope"}, nil, "--trusted-proxies"},
		{nil, map[string]string{"BROADSIDE_SHUTDOWN_TIMEOUT": "soon"}, "BROADSIDE_SHUTDOWN_TIMEOUT"},
		{[]string{"--shutdown-timeout", "soon"}, nil, "shutdown-timeout"},
	}
	for _, tc := range cases {
		_, err := parse(t, tc.args, tc.env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: error %v should name %s", tc.args, tc.env, err, tc.want)
		}
	}
	c, err := parse(t, []string{"--trusted-proxies", "10.0.0.0/8, 192.0.2.7", "--db", "postgres://u:p@h/db"}, nil)
	if err != nil || len(c.TrustedProxies) != 2 || c.TrustedProxies[1].String() != "192.0.2.7/32" || !c.IsPostgres() {
		t.Fatalf("valid flags: %+v %v", c, err)
	}
}

func TestSMTPConfig(t *testing.T) {
	c, err := parse(t, nil, nil)
	if err != nil || c.SMTP.Enabled() || c.SMTP.TLS != "starttls" || c.SMTP.Rate != config.DefaultSMTPRate {
		t.Fatalf("defaults: %+v %v", c.SMTP, err)
	}
	pwFile := t.TempDir() + "/pw"
	if err := os.WriteFile(pwFile, []byte("file-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"BROADSIDE_SMTP_HOST": "smtp.example.com", "BROADSIDE_SMTP_USER": "u",
		"BROADSIDE_SMTP_PASSWORD": "env-secret", "BROADSIDE_SMTP_FROM": "Site <news@example.com>", "BROADSIDE_SMTP_PORT": "2525"}
	c, err = parse(t, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.Host != "smtp.example.com" || c.SMTP.Port != 2525 || c.SMTP.Password.Reveal() != "env-secret" || !c.SMTP.Enabled() {
		t.Fatalf("env: %+v", c.SMTP)
	}
	c, err = parse(t, []string{"--smtp-tls", "tls", "--smtp-password-file", pwFile, "--smtp-rate", "2.5", "--smtp-port", "465"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.TLS != "tls" || c.SMTP.Password.Reveal() != "file-secret" || c.SMTP.Rate != 2.5 || c.SMTP.Port != 465 {
		t.Fatalf("flags: %+v", c.SMTP)
	}
	// The password never prints.
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", c, "smtp", c.SMTP, "pw", c.SMTP.Password)
	for _, s := range []string{fmt.Sprintf("%v %+v %#v %s", c, c, c.SMTP, c.SMTP.Password), logged.String()} {
		if strings.Contains(s, "file-secret") || !strings.Contains(s, "[redacted]") {
			t.Fatalf("the password leaks or is not redacted: %s", s)
		}
	}
	if b, _ := json.Marshal(c); strings.Contains(string(b), "file-secret") {
		t.Fatalf("the password leaks into JSON: %s", b)
	}

	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--smtp-host", "h"}, nil, "--smtp-from"},
		{[]string{"--smtp-host", "h", "--smtp-from", "not an address"}, nil, "--smtp-from"},
		{[]string{"--smtp-host", "h", "--smtp-from", "a@b.c", "--smtp-tls", "ssl"}, nil, "--smtp-tls"},
		{[]string{"--smtp-host", "h", "--smtp-from", "a@b.c", "--smtp-port", "x"}, nil, "--smtp-port"},
		{[]string{"--smtp-host", "h", "--smtp-from", "a@b.c", "--smtp-rate", "0"}, nil, "--smtp-rate"},
		{[]string{"--smtp-host", "h", "--smtp-from", "a@b.c", "--smtp-connections", "x"}, nil, "--smtp-connections"},
		{[]string{"--smtp-host", "h", "--smtp-from", "a@b.c"}, map[string]string{"BROADSIDE_SMTP_CONNECTIONS": "17"}, "--smtp-connections"},
		{[]string{"--smtp-host", "h", "--smtp-from", "a@b.c", "--smtp-user", "u"}, nil, "password"},
		{[]string{"--smtp-host", "h", "--smtp-from", "a@b.c", "--smtp-password-file", "/nonexistent/pw"}, nil, "--smtp-password-file"},
	} {
		_, err := parse(t, tc.args, tc.env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v should name %s", tc.args, err, tc.want)
		}
	}
}

func TestDKIMFlags(t *testing.T) {
	dir := t.TempDir()
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(edKey)
	keyFile := filepath.Join(dir, "dkim.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	pubFile := filepath.Join(dir, "pub.pem")
	pub, _ := x509.MarshalPKIXPublicKey(edKey.Public())
	if err := os.WriteFile(pubFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"--smtp-host", "h", "--smtp-from", "Site <news@Example.org>"}
	c, err := parse(t, append(base, "--dkim-key-file", keyFile, "--dkim-selector", "bs1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.DKIM == nil || c.SMTP.DKIM.Domain != "example.org" || c.SMTP.DKIM.Selector != "bs1" || c.SMTP.DKIM.Key == nil {
		t.Fatalf("dkim: %v", c.SMTP.DKIM)
	}
	c, err = parse(t, base, map[string]string{"BROADSIDE_DKIM_KEY_FILE": keyFile, "BROADSIDE_DKIM_SELECTOR": "s2", "BROADSIDE_DKIM_DOMAIN": "mail.example.org"})
	if err != nil || c.SMTP.DKIM.Domain != "mail.example.org" || c.SMTP.DKIM.Selector != "s2" {
		t.Fatalf("dkim from env: %v, %v", c.SMTP.DKIM, err)
	}
	// The private key never prints.
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", c, "smtp", c.SMTP)
	b, _ := json.Marshal(c)
	secret := fmt.Sprint(edKey.Seed())
	for _, s := range []string{fmt.Sprintf("%v %+v %#v", c, c, c.SMTP), logged.String(), string(b)} {
		if strings.Contains(s, secret) || strings.Contains(s, "Seed") || !strings.Contains(s, "[redacted]") {
			t.Fatalf("the DKIM key leaks or is not redacted: %s", s)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--dkim-key-file", filepath.Join(dir, "missing.pem"), "--dkim-selector", "s"}, "--dkim-key-file"},
		{[]string{"--dkim-key-file", pubFile, "--dkim-selector", "s"}, "--dkim-key-file"},
		{[]string{"--dkim-key-file", keyFile}, "--dkim-selector"},
		{[]string{"--dkim-key-file", keyFile, "--dkim-selector", "bad selector"}, "--dkim-selector"},
		{[]string{"--dkim-key-file", keyFile, "--dkim-selector", "s", "--dkim-domain", "not_a domain"}, "--dkim-domain"},
		{[]string{"--dkim-selector", "s"}, "--dkim-key-file"},
	} {
		_, err := parse(t, append(append([]string{}, base...), tc.args...), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v should name %s", tc.args, err, tc.want)
		}
	}
}
