package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"

	"github.com/broadside/broadside/internal/i18n"
)

// allowedLiteral is text a reader template may hold outside {{…}}: no words, or the few tokens
// that are the same in every language (search syntax, the product's name).
var allowedLiteral = map[string]bool{"or": true}

// TestReaderTemplatesTranslated: no reader-facing template holds hard-coded English: every
// word a reader sees (text and the aria-label, placeholder, title and alt attributes) goes
// through {{t …}} or {{msg …}}, and every message the templates and the web handlers name is
// in the catalog (so TestCatalogsComplete holds it to every language).
func TestReaderTemplatesTranslated(t *testing.T) {
	t.Parallel()
	actions := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	files, err := filepath.Glob("templates/public/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	words := func(s string) bool {
		for _, f := range strings.Fields(s) {
			if allowedLiteral[f] {
				continue
			}
			for _, r := range f {
				if unicode.IsLetter(r) {
					return true
				}
			}
		}
		return false
	}
	en, err := i18n.Catalog(i18n.Default)
	if err != nil {
		t.Fatal(err)
	}
	tKey := regexp.MustCompile(`\{\{-?\s*\(?t ("(?:[^"\\]|\\.)*")`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tKey.FindAllStringSubmatch(string(b), -1) {
			key, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := en[key]; !ok {
				t.Errorf("%s: %q is not in the catalog (internal/i18n/locales/en.json)", f, key)
			}
		}
		z := html.NewTokenizer(strings.NewReader(actions.ReplaceAllString(string(b), "")))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			tok := z.Token()
			switch tt {
			case html.TextToken:
				if words(tok.Data) {
					t.Errorf("%s: untranslated text %q", f, strings.TrimSpace(tok.Data))
				}
			case html.StartTagToken, html.SelfClosingTagToken:
				if tok.Data == "script" {
					z.Next() // JSON-LD and scripts are not prose
					continue
				}
				for _, a := range tok.Attr {
					switch a.Key {
					case "aria-label", "placeholder", "title", "alt":
						if words(a.Val) {
							t.Errorf("%s: untranslated %s=%q", f, a.Key, a.Val)
						}
					}
				}
			}
		}
	}
	// Messages the handlers translate by name.
	goKey := regexp.MustCompile(`i18n\.T\([^,]+, ("(?:[^"\\]|\\.)*")`)
	gofiles, _ := filepath.Glob("*.go")
	for _, f := range gofiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			key, _ := strconv.Unquote(m[1])
			if _, ok := en[key]; !ok {
				t.Errorf("%s: %q is not in the catalog", f, key)
			}
		}
	}
}
