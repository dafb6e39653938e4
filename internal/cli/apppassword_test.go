package cli_test

import (
	"regexp"
	"strings"
	"testing"
)

func TestUserAppPassword(t *testing.T) {
	dir := t.TempDir()
	if r := run(t, "a long enough password\n", nil, "user", "add", "--data", dir, "--email", "ann@example.org", "--password-stdin"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	r := run(t, "", nil, "user", "app-password", "--data", dir, "--email", "ann@example.org", "--name", "Deploy script")
	if r.code != 0 {
		t.Fatalf("app-password: %+v", r)
	}
	// Standard output is the password alone, so scripts can capture it; the explanation goes
	// to standard error and does not repeat the secret.
	secret := strings.TrimSpace(r.stdout)
	if !regexp.MustCompile(`^[A-Za-z0-9]{4}( [A-Za-z0-9]{4}){5}$`).MatchString(secret) {
		t.Fatalf("stdout %q is not an application password", r.stdout)
	}
	if strings.Contains(r.stderr, secret) || !strings.Contains(r.stderr, "shown once") || !strings.Contains(r.stderr, "/admin/profile") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if r := run(t, "", nil, "user", "app-password", "--data", dir, "--email", "ann@example.org", "--name", "Deploy script"); r.code != 1 || !strings.Contains(r.stderr, "unique name") {
		t.Errorf("duplicate name: %+v", r)
	}
	if r := run(t, "", nil, "user", "app-password", "--data", dir, "--email", "nobody@example.org", "--name", "x"); r.code != 1 || !strings.Contains(r.stderr, "no user") {
		t.Errorf("unknown user: %+v", r)
	}
	if r := run(t, "", nil, "user", "app-password", "--data", dir); r.code != 2 {
		t.Errorf("missing flags: %+v", r)
	}
}
