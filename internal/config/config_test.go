package config_test

import (
	"flag"
	"io"
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
