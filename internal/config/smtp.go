package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"os"
	"strconv"
	"strings"

	"github.com/broadside/broadside/internal/mail"
)

// SMTP is how Broadside reaches a mail server for confirmations, sign-in links, comment
// notices and newsletters. Mail is off until Host is set.
type SMTP struct {
	Host string
	Port int    // 0: the usual port of the TLS mode (25, 587, 465)
	TLS  string // "none", "starttls" (default) or "tls"
	User string
	// Password comes from BROADSIDE_SMTP_PASSWORD or --smtp-password-file, never from a flag
	// (flags are visible to every user of the machine in ps). It prints as [redacted].
	Password Secret
	From     string // the sender: "Site name <news@example.com>"
	// Rate caps newsletter sending, in messages per second (providers throttle or block
	// senders that go faster than their plan allows).
	Rate float64
	// Connections is how many connections a newsletter is sent over at once (within Rate);
	// 0 means DefaultSMTPConnections.
	Connections int
	// DKIM signs outgoing mail, for publishers who run their own mail server; nil when
	// --dkim-key-file is not set. Its key is read and checked when the configuration is.
	DKIM *mail.DKIM
}

// Enabled reports whether mail is configured.
func (s SMTP) Enabled() bool { return s.Host != "" }

// DefaultSMTPRate is the newsletter rate when none is configured: gentle enough for small
// provider plans (a 10,000-reader list goes out in about 17 minutes).
const DefaultSMTPRate = 10

// DefaultSMTPConnections is how many connections a newsletter uses when none is configured:
// a few, because many providers limit the connections one client may open.
const DefaultSMTPConnections = 2

// Secret is a string that never prints: fmt, slog and JSON show [redacted].
type Secret string

const redacted = "[redacted]"

func (Secret) String() string               { return redacted }
func (Secret) GoString() string             { return redacted }
func (Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (s Secret) Reveal() string             { return string(s) }

type smtpFlags struct {
	passwordFile string
	port, rate   string
	connections  string
	dkimKeyFile  string
	dkimDomain   string
	dkimSelector string
}

func registerSMTP(fs *flag.FlagSet, env func(string) string, c *Config, f *smtpFlags) {
	str := func(p *string, name, envName, usage string) {
		if v := env(envName); v != "" {
			*p = v
		}
		fs.StringVar(p, name, *p, usage+" (env "+envName+")")
	}
	str(&c.SMTP.Host, "smtp-host", "BROADSIDE_SMTP_HOST", "SMTP server for outgoing mail; empty turns mail off")
	str(&f.port, "smtp-port", "BROADSIDE_SMTP_PORT", "SMTP port (default: 587 for starttls, 465 for tls, 25 for none)")
	str(&c.SMTP.TLS, "smtp-tls", "BROADSIDE_SMTP_TLS", "SMTP encryption: starttls, tls (implicit, port 465) or none")
	str(&c.SMTP.User, "smtp-user", "BROADSIDE_SMTP_USER", "SMTP user name; empty for no authentication")
	str(&f.passwordFile, "smtp-password-file", "BROADSIDE_SMTP_PASSWORD_FILE", "file holding the SMTP password (or set BROADSIDE_SMTP_PASSWORD)")
	str(&c.SMTP.From, "smtp-from", "BROADSIDE_SMTP_FROM", `sender of outgoing mail, e.g. "My Site <news@example.com>"`)
	str(&f.rate, "smtp-rate", "BROADSIDE_SMTP_RATE", "newsletter sending rate in messages per second, for the whole site (default "+strconv.Itoa(DefaultSMTPRate)+")")
	str(&f.connections, "smtp-connections", "BROADSIDE_SMTP_CONNECTIONS", "SMTP connections a newsletter is sent over at once, within --smtp-rate (default "+strconv.Itoa(DefaultSMTPConnections)+")")
	str(&f.dkimKeyFile, "dkim-key-file", "BROADSIDE_DKIM_KEY_FILE", "PEM file with the private key that DKIM-signs outgoing mail (RSA 2048 or Ed25519); empty: no signing")
	str(&f.dkimDomain, "dkim-domain", "BROADSIDE_DKIM_DOMAIN", "DKIM signing domain (default: the domain of --smtp-from)")
	str(&f.dkimSelector, "dkim-selector", "BROADSIDE_DKIM_SELECTOR", "DKIM selector: the public key is published at SELECTOR._domainkey.DOMAIN")
	c.SMTP.Password = Secret(env("BROADSIDE_SMTP_PASSWORD"))
}

func finishSMTP(c *Config, f *smtpFlags) error {
	var errs []error
	if f.port != "" {
		p, err := strconv.Atoi(f.port)
		if err != nil {
			errs = append(errs, fmt.Errorf("--smtp-port: %q is not a port number", f.port))
		}
		c.SMTP.Port = p
	}
	if f.rate != "" {
		r, err := strconv.ParseFloat(f.rate, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("--smtp-rate: %q is not a number of messages per second", f.rate))
		}
		c.SMTP.Rate = r
	}
	if f.connections != "" {
		n, err := strconv.Atoi(f.connections)
		if err != nil {
			errs = append(errs, fmt.Errorf("--smtp-connections: %q is not a number of connections", f.connections))
		}
		c.SMTP.Connections = n
	}
	if f.passwordFile != "" {
		b, err := os.ReadFile(f.passwordFile)
		if err != nil {
			// The error names the file, never its content.
			errs = append(errs, fmt.Errorf("--smtp-password-file: %w", err))
		} else {
			c.SMTP.Password = Secret(strings.TrimRight(string(b), "\r\n"))
		}
	}
	if err := finishDKIM(c, f); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// finishDKIM reads and checks the DKIM key, so that a key that cannot sign stops the server
// at start with the flag named, rather than failing every message later.
func finishDKIM(c *Config, f *smtpFlags) error {
	if f.dkimKeyFile == "" {
		if f.dkimDomain != "" || f.dkimSelector != "" {
			return errors.New("--dkim-key-file: required when --dkim-domain or --dkim-selector is set")
		}
		return nil
	}
	b, err := os.ReadFile(f.dkimKeyFile)
	if err != nil {
		return fmt.Errorf("--dkim-key-file: %w", err) // names the file, never its content
	}
	key, err := mail.ParseDKIMKey(b)
	if err != nil {
		return fmt.Errorf("--dkim-key-file: %s: %w", f.dkimKeyFile, err)
	}
	if f.dkimSelector == "" {
		return errors.New("--dkim-selector: required with --dkim-key-file (the name under which the public key is published)")
	}
	domain := f.dkimDomain
	if domain == "" {
		if a, err := netmail.ParseAddress(c.SMTP.From); err == nil {
			domain = mail.Domain(a.Address)
		}
	}
	d := &mail.DKIM{Domain: strings.ToLower(domain), Selector: f.dkimSelector, Key: key}
	if err := d.Validate(); err != nil {
		flag := "--dkim-domain"
		if strings.HasPrefix(err.Error(), "selector") {
			flag = "--dkim-selector"
		}
		return fmt.Errorf("%s: %w", flag, err)
	}
	c.SMTP.DKIM = d
	return nil
}

func (s SMTP) validate() []error {
	if s.Host == "" {
		return nil
	}
	var errs []error
	switch s.TLS {
	case "none", "starttls", "tls":
	default:
		errs = append(errs, fmt.Errorf("--smtp-tls: %q must be starttls, tls or none", s.TLS))
	}
	if s.Port < 0 || s.Port > 65535 {
		errs = append(errs, fmt.Errorf("--smtp-port: %d is not a port number", s.Port))
	}
	if s.From == "" {
		errs = append(errs, errors.New(`--smtp-from: a sender address is required when --smtp-host is set, e.g. "My Site <news@example.com>"`))
	} else if _, err := netmail.ParseAddress(s.From); err != nil {
		errs = append(errs, fmt.Errorf("--smtp-from: %q is not an address like \"My Site <news@example.com>\"", s.From))
	}
	if s.Rate <= 0 || s.Rate > 10000 {
		errs = append(errs, fmt.Errorf("--smtp-rate: %g must be between 0 and 10000 messages per second", s.Rate))
	}
	if s.Connections < 0 || s.Connections > 16 { // 0: the default
		errs = append(errs, fmt.Errorf("--smtp-connections: %d must be between 1 and 16", s.Connections))
	}
	if s.User != "" && s.Password == "" {
		errs = append(errs, errors.New("--smtp-user is set but there is no password: set BROADSIDE_SMTP_PASSWORD or --smtp-password-file"))
	}
	return errs
}
