// Package config turns flags, BROADSIDE_* environment variables and defaults into one Config.
// Precedence: flags > environment > defaults. Nothing here is global: callers pass Config on.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// Config is everything the process needs to know before it opens the database.
type Config struct {
	DataDir string // where the SQLite file and other local state live
	DB      string // database DSN; empty means SQLite in DataDir
	Addr    string // listen address
	BaseURL string // public URL; empty means http://Addr
	// TrustedProxies are the networks whose X-Forwarded-For header is believed when finding
	// a reader's IP (for rate limits and the comment record).
	TrustedProxies []netip.Prefix
	LogLevel       string
	LogFormat      string // "text" or "json"
	// ShutdownTimeout bounds how long in-flight requests may take to finish on SIGTERM.
	ShutdownTimeout time.Duration
	// SMTP is the outgoing mail server (smtp.go); mail is off without a host.
	SMTP SMTP
	// Limits bound what one client or upload may take (limits.go).
	Limits Limits
	// MediaS3 moves the media library to an S3-compatible bucket (media.go).
	MediaS3 MediaS3
	// FederationAllowPrivate lets ActivityPub fetches and deliveries reach loopback and
	// private addresses, which they refuse otherwise (a key id must not point the site at
	// its own network). For tests and federation between hosts of one private network.
	FederationAllowPrivate bool
	// MetricsToken is the bearer token of GET /metrics; empty turns it off (metrics.go).
	MetricsToken Secret
	// Memory is the Go runtime's memory limit and GC pace for this process (memory.go).
	Memory Memory
}

// Defaults returns the configuration of a fresh checkout.
func Defaults() Config {
	return Config{
		DataDir:         "./data",
		Addr:            "127.0.0.1:8080",
		LogLevel:        "info",
		LogFormat:       "text",
		ShutdownTimeout: 20 * time.Second,
		SMTP:            SMTP{TLS: "starttls", Rate: DefaultSMTPRate, Connections: DefaultSMTPConnections},
		Limits: Limits{ConnsPerIP: DefaultConnsPerIP, ImportUploadMiB: DefaultImportUploadMiB, MediaUploadMiB: DefaultMediaUploadMiB,
			APIPerMinute: DefaultAPIPerMinute, APIAnonPerMinute: DefaultAPIAnonPerMinute, DeliveriesPerHostPerMinute: DefaultDeliveriesPerHostPerMinute,
			DeliveriesPerHostInFlight: DefaultDeliveriesPerHostInFlight, FederationDeadAfterDays: DefaultFederationDeadAfterDays,
			PageCacheMiB: DefaultPageCacheMiB},
	}
}

// DSN returns the database to open: the configured DSN or the SQLite file in DataDir.
func (c *Config) DSN() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.DataDir, "broadside.db")
}

// IsPostgres reports whether the configured database is PostgreSQL.
func (c *Config) IsPostgres() bool {
	return strings.HasPrefix(c.DB, "postgres://") || strings.HasPrefix(c.DB, "postgresql://")
}

// PublicURL returns the base URL readers use, without a trailing slash.
func (c *Config) PublicURL() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return "http://" + c.Addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Flags registers the options shared by every subcommand that touches the site (--data,
// --db) on fs, reading their defaults from env. Call Finish after fs.Parse.
type Flags struct {
	c       *Config
	proxies string
	smtp    smtpFlags
	limits  limitFlags
	media   mediaFlags
	// allowPrivate is --federation-allow-private as given ("true" when bare).
	allowPrivate *string
	metrics      string // --metrics-token-file
	memory       memoryFlags
	err          error
}

// Register adds the site flags to fs. withServer adds the flags only serve needs.
func Register(fs *flag.FlagSet, env func(string) string, withServer bool) *Flags {
	c := Defaults()
	f := &Flags{c: &c}
	str := func(p *string, name, envName, usage string) {
		if v := env(envName); v != "" {
			*p = v
		}
		fs.StringVar(p, name, *p, usage+" (env "+envName+")")
	}
	str(&c.DataDir, "data", "BROADSIDE_DATA", "data directory for the SQLite database")
	str(&c.DB, "db", "BROADSIDE_DB", "database: empty for SQLite in --data, or postgres://user:pass@host/db")
	str(&c.BaseURL, "base-url", "BROADSIDE_BASE_URL", "public base URL, e.g. https://example.com (default: the listen address)")
	str(&c.LogLevel, "log-level", "BROADSIDE_LOG_LEVEL", "log level: debug, info, warn, error")
	str(&c.LogFormat, "log-format", "BROADSIDE_LOG_FORMAT", "log format: text or json")
	registerSMTP(fs, env, &c, &f.smtp)
	registerMedia(fs, env, &c, &f.media)
	registerMemory(fs, env, &c, &f.memory)
	if withServer {
		str(&c.Addr, "addr", "BROADSIDE_ADDR", "address to listen on")
		registerLimits(fs, env, &f.limits)
		var allowPrivate string
		if v := env("BROADSIDE_FEDERATION_ALLOW_PRIVATE"); v != "" {
			allowPrivate = v
		}
		fs.Var(boolString{&allowPrivate}, "federation-allow-private", "let ActivityPub fetches and deliveries reach loopback and private addresses, for tests (env BROADSIDE_FEDERATION_ALLOW_PRIVATE=true)")
		f.allowPrivate = &allowPrivate
		registerMetrics(fs, env, &c, &f.metrics)
		f.proxies = env("BROADSIDE_TRUSTED_PROXIES")
		fs.StringVar(&f.proxies, "trusted-proxies", f.proxies, "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is trusted (env BROADSIDE_TRUSTED_PROXIES)")
		timeout := c.ShutdownTimeout.String()
		if v := env("BROADSIDE_SHUTDOWN_TIMEOUT"); v != "" {
			timeout = v
		}
		fs.Func("shutdown-timeout", "how long to wait for in-flight requests on shutdown (default "+timeout+"; env BROADSIDE_SHUTDOWN_TIMEOUT)", func(s string) error {
			d, err := time.ParseDuration(s)
			if err != nil {
				return fmt.Errorf("not a duration like 20s: %q", s)
			}
			c.ShutdownTimeout = d
			return nil
		})
		if v := env("BROADSIDE_SHUTDOWN_TIMEOUT"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				f.err = fmt.Errorf("BROADSIDE_SHUTDOWN_TIMEOUT: not a duration like 20s: %q", v)
			}
			c.ShutdownTimeout = d
		}
	}
	return f
}

// Finish validates the parsed flags and returns the Config.
func (f *Flags) Finish() (Config, error) {
	if f.err != nil {
		return Config{}, f.err
	}
	c := *f.c
	if err := finishSMTP(&c, &f.smtp); err != nil {
		return Config{}, err
	}
	if err := finishLimits(&c, &f.limits); err != nil {
		return Config{}, err
	}
	if err := finishMedia(&c, &f.media); err != nil {
		return Config{}, err
	}
	if err := finishMemory(&c, &f.memory); err != nil {
		return Config{}, err
	}
	if f.allowPrivate != nil {
		var err error
		if c.FederationAllowPrivate, err = boolValue(*f.allowPrivate, "--federation-allow-private"); err != nil {
			return Config{}, err
		}
	}
	if err := finishMetrics(&c, f.metrics); err != nil {
		return Config{}, err
	}
	if f.proxies != "" {
		for _, s := range strings.Split(f.proxies, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			p, err := netip.ParsePrefix(s)
			if err != nil {
				a, aerr := netip.ParseAddr(s)
				if aerr != nil {
					return Config{}, fmt.Errorf("--trusted-proxies: %q is not an address or CIDR like 10.0.0.0/8", s)
				}
				p = netip.PrefixFrom(a, a.BitLen())
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	return c, c.Validate()
}

// Validate reports the first configuration problem with the flag to fix.
func (c *Config) Validate() error {
	var errs []error
	if c.DB == "" && c.DataDir == "" {
		errs = append(errs, errors.New("--data: a data directory is required when --db is not set"))
	}
	if c.DB != "" && !c.IsPostgres() {
		errs = append(errs, fmt.Errorf("--db: %q is not a postgres:// URL (leave --db empty to use SQLite in --data)", c.DB))
	}
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			errs = append(errs, fmt.Errorf("--addr: %q is not host:port, e.g. 127.0.0.1:8080", c.Addr))
		}
	}
	if c.BaseURL != "" && !broadside.IsHTTPURL(c.BaseURL) {
		errs = append(errs, fmt.Errorf("--base-url: %q must be an http:// or https:// URL", c.BaseURL))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level: %q must be debug, info, warn or error", c.LogLevel))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("--log-format: %q must be text or json", c.LogFormat))
	}
	if c.ShutdownTimeout < 0 {
		errs = append(errs, errors.New("--shutdown-timeout must not be negative"))
	}
	errs = append(errs, c.SMTP.validate()...)
	errs = append(errs, c.Limits.validate()...)
	errs = append(errs, c.MediaS3.validate()...)
	errs = append(errs, c.Memory.validate()...)
	return errors.Join(errs...)
}

// Usage writes a flag set's defaults under a heading.
func Usage(w io.Writer, fs *flag.FlagSet, synopsis string) {
	fmt.Fprintf(w, "usage: %s\n\nflags:\n", synopsis)
	fs.SetOutput(w)
	fs.PrintDefaults()
}
