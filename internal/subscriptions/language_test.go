package subscriptions_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/subscriptions"
	"github.com/broadside/broadside/internal/testdb"
)

var update = flag.Bool("update", false, "rewrite the golden emails in testdata/golden")

// tokens are the single-use secrets in links, different in every run.
var tokens = regexp.MustCompile(`([?&]t=)[^\s"&<>]+`)

// golden renders what a reader gets in a mail client — subject, language, text part — and
// compares it with testdata/golden/name.
func golden(t *testing.T, name string, m *mailtest.Parsed) {
	t.Helper()
	html := m.HTML
	start := strings.Index(html, "<html")
	end := strings.Index(html[start:], ">")
	got := "Subject: " + m.Subject() + "\n" + html[start:start+end+1] + "\n\n" + tokens.ReplaceAllString(m.Text, "${1}TOKEN")
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/subscriptions -run TestEmailsInLanguage -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update and review the diff)\n--- got ---\n%s", name, got)
	}
}

// TestEmailsInLanguage: the subscription confirmation and the welcome (with its footer and
// unsubscribe link) go out in the site language — French and Persian golden emails, the
// Persian one marked right to left — with the same links as in English.
func TestEmailsInLanguage(t *testing.T) {
	for _, lang := range []string{"fr", "fa"} {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t, testdb.SQLite(t))
			ctx := context.Background()
			set, err := e.st.LoadSettings(ctx)
			must(t, err)
			set.Language = lang
			must(t, e.st.SaveSettings(ctx, set))
			must(t, e.svc.Subscribe(ctx, subscriptions.Request{Email: "reader@example.net", IP: "192.0.2.1"}))
			e.drain()
			ms := e.mails("reader@example.net")
			if len(ms) != 1 {
				t.Fatalf("%d mails", len(ms))
			}
			golden(t, "confirm-"+lang+".txt", ms[0])
			dir := `<html lang="` + lang + `"`
			if lang == "fa" {
				dir += ` dir="rtl"`
			}
			if !strings.Contains(ms[0].HTML, dir) {
				t.Errorf("the HTML part does not start with %s", dir)
			}
			_, _, _, err = e.svc.Confirm(ctx, token(t, ms[0], "/subscribe/confirm"), "192.0.2.1")
			must(t, err)
			e.drain()
			ms = e.mails("reader@example.net")
			if len(ms) != 2 {
				t.Fatalf("%d mails after confirming", len(ms))
			}
			golden(t, "welcome-"+lang+".txt", ms[1])
		})
	}
}
