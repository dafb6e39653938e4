package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
)

// MinMetricsToken is the shortest bearer token /metrics accepts being configured with.
const MinMetricsToken = 16

// registerMetrics adds --metrics-token-file. The token itself comes from that file or from
// BROADSIDE_METRICS_TOKEN, never from a flag, which any user of the machine could read in
// the process list.
func registerMetrics(fs *flag.FlagSet, env func(string) string, c *Config, file *string) {
	*file = env("BROADSIDE_METRICS_TOKEN_FILE")
	fs.StringVar(file, "metrics-token-file", *file,
		"file holding the bearer token that turns on GET /metrics (or set BROADSIDE_METRICS_TOKEN); off when neither is set (env BROADSIDE_METRICS_TOKEN_FILE)")
	c.MetricsToken = Secret(strings.TrimSpace(env("BROADSIDE_METRICS_TOKEN")))
}

func finishMetrics(c *Config, file string) error {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("--metrics-token-file: %w", err) // names the file, never its content
		}
		c.MetricsToken = Secret(strings.TrimSpace(string(b)))
		if c.MetricsToken == "" {
			return errors.New("--metrics-token-file: the file is empty")
		}
	}
	if n := len(c.MetricsToken); n > 0 && n < MinMetricsToken {
		return fmt.Errorf("--metrics-token-file / BROADSIDE_METRICS_TOKEN: the token must be at least %d characters (e.g. openssl rand -hex 24)", MinMetricsToken)
	}
	return nil
}
