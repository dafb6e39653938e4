package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetricsToken: /metrics is off by default; its token comes from a file or the
// environment (never a flag value), must be long enough, and never prints.
func TestMetricsToken(t *testing.T) {
	c, err := parse(t, nil, nil)
	if err != nil || c.MetricsToken != "" {
		t.Fatalf("default: token %q, %v; want none (off)", c.MetricsToken.Reveal(), err)
	}
	const tok = "0123456789abcdef0123"
	c, err = parse(t, nil, map[string]string{"BROADSIDE_METRICS_TOKEN": tok})
	if err != nil || c.MetricsToken.Reveal() != tok {
		t.Fatalf("from the environment: %q, %v", c.MetricsToken.Reveal(), err)
	}
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(tok+"-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = parse(t, []string{"--metrics-token-file", file}, map[string]string{"BROADSIDE_METRICS_TOKEN": tok})
	if err != nil || c.MetricsToken.Reveal() != tok+"-from-file" {
		t.Fatalf("from the file: %q, %v", c.MetricsToken.Reveal(), err)
	}
	if s := fmt.Sprintf("%v %+v", c.MetricsToken, c); strings.Contains(s, tok) {
		t.Fatal("the token printed")
	}
	for name, tc := range map[string]struct {
		args []string
		env  map[string]string
	}{
		"short":        {nil, map[string]string{"BROADSIDE_METRICS_TOKEN": "short"}},
		"missing file": {[]string{"--metrics-token-file", filepath.Join(t.TempDir(), "nope")}, nil},
	} {
		if _, err := parse(t, tc.args, tc.env); err == nil || !strings.Contains(err.Error(), "metrics-token") {
			t.Errorf("%s: %v, want an error naming the flag", name, err)
		}
	}
}
