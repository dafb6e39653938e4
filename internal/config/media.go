package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
)

// MediaS3 is the S3-compatible bucket that holds the media library when several nodes serve
// one site (they cannot share a local directory). Media stays in DATA/uploads while Endpoint
// is empty.
type MediaS3 struct {
	Endpoint string // host[:port] of the S3 API, without scheme
	Bucket   string
	Region   string
	Prefix   string // put before every key, so a bucket can hold several sites
	Insecure bool   // plain http (a server on a private network)
	// AccessKey and SecretKey come from BROADSIDE_S3_ACCESS_KEY / BROADSIDE_S3_SECRET_KEY or
	// from files (--media-s3-access-key-file, --media-s3-secret-key-file), never from a flag
	// value, which every user of the machine sees in ps. Both print as [redacted].
	AccessKey, SecretKey Secret
}

// Enabled reports whether media goes to S3.
func (m MediaS3) Enabled() bool { return m.Endpoint != "" }

type mediaFlags struct {
	accessFile, secretFile string
	insecure               string
}

func registerMedia(fs *flag.FlagSet, env func(string) string, c *Config, f *mediaFlags) {
	str := func(p *string, name, envName, usage string) {
		if v := env(envName); v != "" {
			*p = v
		}
		fs.StringVar(p, name, *p, usage+" (env "+envName+")")
	}
	m := &c.MediaS3
	str(&m.Endpoint, "media-s3-endpoint", "BROADSIDE_MEDIA_S3_ENDPOINT", "S3-compatible server holding uploaded media, host:port (e.g. s3.eu-west-1.amazonaws.com); empty keeps media in DATA/uploads")
	str(&m.Bucket, "media-s3-bucket", "BROADSIDE_MEDIA_S3_BUCKET", "bucket of --media-s3-endpoint for uploaded media (must exist)")
	str(&m.Region, "media-s3-region", "BROADSIDE_MEDIA_S3_REGION", "region of the bucket (default: the server's)")
	str(&m.Prefix, "media-s3-prefix", "BROADSIDE_MEDIA_S3_PREFIX", "prefix of every object name, e.g. mysite/ (one bucket, several sites)")
	f.insecure = env("BROADSIDE_MEDIA_S3_INSECURE")
	fs.Var(boolString{&f.insecure}, "media-s3-insecure", "speak plain http to --media-s3-endpoint, for a server on a private network (env BROADSIDE_MEDIA_S3_INSECURE=true)")
	str(&f.accessFile, "media-s3-access-key-file", "BROADSIDE_MEDIA_S3_ACCESS_KEY_FILE", "file holding the S3 access key id (or set BROADSIDE_S3_ACCESS_KEY)")
	str(&f.secretFile, "media-s3-secret-key-file", "BROADSIDE_MEDIA_S3_SECRET_KEY_FILE", "file holding the S3 secret key (or set BROADSIDE_S3_SECRET_KEY)")
	m.AccessKey = Secret(env("BROADSIDE_S3_ACCESS_KEY"))
	m.SecretKey = Secret(env("BROADSIDE_S3_SECRET_KEY"))
}

// boolString is a flag that may be given bare (--media-s3-insecure) while its value can come
// from the environment; finishMedia parses it.
type boolString struct{ p *string }

func (b boolString) String() string {
	if b.p == nil {
		return ""
	}
	return *b.p
}
func (b boolString) IsBoolFlag() bool { return true }
func (b boolString) Set(s string) error {
	*b.p = s
	return nil
}

// boolValue reads a boolString's value: empty is false; anything but true/false (1/0,
// yes/no) is refused with the flag named, never quietly taken as false.
func boolValue(s, flag string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "false", "0", "no":
		return false, nil
	case "true", "1", "yes":
		return true, nil
	}
	return false, fmt.Errorf("%s: %q must be true or false", flag, s)
}

func finishMedia(c *Config, f *mediaFlags) error {
	var errs []error
	m := &c.MediaS3
	var err error
	if m.Insecure, err = boolValue(f.insecure, "--media-s3-insecure"); err != nil {
		errs = append(errs, err)
	}
	read := func(file, flag string, p *Secret) {
		if file == "" {
			return
		}
		b, err := os.ReadFile(file)
		if err != nil {
			// The error names the file, never its content.
			errs = append(errs, fmt.Errorf("%s: %w", flag, err))
			return
		}
		*p = Secret(strings.TrimSpace(string(b)))
	}
	read(f.accessFile, "--media-s3-access-key-file", &m.AccessKey)
	read(f.secretFile, "--media-s3-secret-key-file", &m.SecretKey)
	// An endpoint given as a URL is taken apart: its scheme says whether it is plain http.
	if strings.Contains(m.Endpoint, "://") {
		u, err := url.Parse(m.Endpoint)
		if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && (u.Path == "" || u.Path == "/") {
			m.Endpoint, m.Insecure = u.Host, m.Insecure || u.Scheme == "http"
		}
	}
	return errors.Join(errs...)
}

func (m MediaS3) validate() []error {
	var errs []error
	if !m.Enabled() {
		for flag, v := range map[string]string{"--media-s3-bucket": m.Bucket, "--media-s3-prefix": m.Prefix, "--media-s3-region": m.Region} {
			if v != "" {
				errs = append(errs, fmt.Errorf("%s: set --media-s3-endpoint too (or leave both empty to keep media in DATA/uploads)", flag))
			}
		}
		return errs
	}
	if _, _, err := net.SplitHostPort(m.Endpoint); err != nil && (strings.ContainsAny(m.Endpoint, "/?#@ ") || m.Endpoint == "") {
		errs = append(errs, fmt.Errorf("--media-s3-endpoint: %q is not host or host:port (e.g. s3.amazonaws.com or 127.0.0.1:8333)", m.Endpoint))
	}
	if !validBucket(m.Bucket) {
		errs = append(errs, fmt.Errorf("--media-s3-bucket: %q is not a bucket name (3 to 63 lower-case letters, digits, dots and dashes)", m.Bucket))
	}
	if p := m.Prefix; p != "" && (strings.HasPrefix(p, "/") || strings.Contains(p, "..") || strings.ContainsAny(p, "\\\x00") || len(p) > 200) {
		errs = append(errs, fmt.Errorf("--media-s3-prefix: %q must be a relative path like mysite/ (no leading slash, no ..)", p))
	}
	if (m.AccessKey == "") != (m.SecretKey == "") {
		errs = append(errs, errors.New("--media-s3-access-key-file / --media-s3-secret-key-file: give both the access key and the secret key (or neither, for a bucket that allows anonymous access)"))
	}
	return errs
}

// validBucket follows S3's bucket naming rules.
func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 || strings.Contains(b, "..") {
		return false
	}
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || (c == '.' || c == '-') && i > 0 && i < len(b)-1
		if !ok {
			return false
		}
	}
	return true
}
