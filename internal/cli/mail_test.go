package cli_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/mail/mailtest"
)

// TestMailTest sends the test message through a real (in-process) SMTP server with
// authentication, and reports what the server said; the password never shows.
func TestMailTest(t *testing.T) {
	plain := mailtest.Start(t, mailtest.Auth("mailer", "hunter2-very-secret"))
	pw := filepath.Join(t.TempDir(), "smtp-password")
	if err := os.WriteFile(pw, []byte("hunter2-very-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"BROADSIDE_SMTP_HOST": plain.Host, "BROADSIDE_SMTP_PORT": strconv.Itoa(plain.Port)}
	r := run(t, "", env, "mail", "test", "--to", "owner@example.net", "--smtp-tls", "none", "--smtp-user", "mailer",
		"--smtp-password-file", pw, "--smtp-from", "My Site <news@example.org>")
	if r.code != 0 || !strings.Contains(r.stdout, "The server accepted it: 2") {
		t.Fatalf("mail test: %+v", r)
	}
	if strings.Contains(r.stdout+r.stderr, "hunter2") {
		t.Fatalf("the password was printed: %+v", r)
	}
	m := plain.Wait(t, 1, 5*time.Second)
	p := mailtest.Parse(t, m[0].Data)
	if p.Subject() != "Broadside test message" || !strings.Contains(p.Text, "Your mail settings work") || p.HTML == "" {
		t.Fatalf("test message: %s\n%s", p.Subject(), p.Text)
	}

	// A refused recipient is reported with the server's words and a failing exit code.
	plain.Reject(func(string) error { return mailtest.Reply(550, "5.1.1 mailbox unavailable") })
	env["BROADSIDE_SMTP_PASSWORD"] = "hunter2-very-secret"
	r = run(t, "", env, "mail", "test", "--to", "owner@example.net", "--smtp-tls", "none", "--smtp-user", "mailer", "--smtp-from", "news@example.org")
	if r.code != 1 || !strings.Contains(r.stderr, "refused") || !strings.Contains(r.stderr, "mailbox unavailable") {
		t.Fatalf("refused: %+v", r)
	}
	// Nothing configured, a bad address, nothing listening.
	if r := run(t, "", nil, "mail", "test", "--to", "owner@example.net"); r.code != 1 || !strings.Contains(r.stderr, "--smtp-host") {
		t.Fatalf("unconfigured: %+v", r)
	}
	if r := run(t, "", nil, "mail", "test", "--to", "nobody"); r.code != 2 {
		t.Fatalf("bad --to: %+v", r)
	}
	if r := run(t, "", nil, "mail", "test", "--to", "a@example.net", "--smtp-host", "127.0.0.1", "--smtp-port", "1", "--smtp-tls", "none", "--smtp-from", "a@example.org"); r.code != 1 || !strings.Contains(r.stderr, "could not talk to the mail server") {
		t.Fatalf("nothing listening: %+v", r)
	}
}
