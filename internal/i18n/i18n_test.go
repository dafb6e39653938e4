package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var verb = regexp.MustCompile(`%(?:\[\d+\])?[sdv]`)

// verbs counts the arguments a message uses, whatever their order (%[2]s).
func verbs(s string) int { return len(verb.FindAllString(s, -1)) }

// TestCatalogsComplete: every message of the English catalog is translated in every shipped
// language, with the same arguments, no language has messages English lacks, and every
// plural message renders for counts that select each CLDR form.
func TestCatalogsComplete(t *testing.T) {
	en, err := Catalog(Default)
	if err != nil {
		t.Fatal(err)
	}
	if len(en) < 150 {
		t.Fatalf("the English catalog has only %d messages", len(en))
	}
	for _, l := range Languages {
		cat, err := Catalog(l.Code)
		if err != nil {
			t.Fatal(err)
		}
		for key, e := range en {
			tr, ok := cat[key]
			switch {
			case !ok:
				t.Errorf("%s: missing translation of %q", l.Code, key)
				continue
			case (e.plural == nil) != (tr.plural == nil):
				t.Errorf("%s: %q is plural in one catalog and not the other", l.Code, key)
				continue
			case tr.plural == nil && strings.TrimSpace(tr.text) == "":
				t.Errorf("%s: empty translation of %q", l.Code, key)
			case tr.plural == nil && verbs(tr.text) != verbs(key):
				t.Errorf("%s: %q has %d arguments, the English %d", l.Code, tr.text, verbs(tr.text), verbs(key))
			}
			for form, s := range tr.plural {
				if verbs(s) != 1 {
					t.Errorf("%s: plural form %s of %q does not show the count once: %q", l.Code, form, key, s)
				}
			}
			if tr.plural != nil {
				if _, ok := tr.plural["other"]; !ok {
					t.Errorf("%s: %q has no \"other\" form", l.Code, key)
				}
				for _, n := range []int{0, 1, 2, 3, 5, 11, 21, 101, 1000} {
					if got := T(l.Code, key, n); got == "" || strings.Contains(got, "%!") {
						t.Errorf("%s: %q with %d = %q", l.Code, key, n, got)
					}
				}
			}
		}
		for key := range cat {
			if _, ok := en[key]; !ok {
				t.Errorf("%s: %q is not an English message (renamed?)", l.Code, key)
			}
		}
	}
}

// TestPlurals: counts choose each language's CLDR form (French says "0 commentaire", English
// "0 comments"; Persian and Chinese have one form) and numbers are written the language's way.
func TestPlurals(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "0 comments"}, {"en", 1, "1 comment"}, {"en", 2, "2 comments"}, {"en", 1200, "1,200 comments"},
		{"fr", 0, "0 commentaire"}, {"fr", 1, "1 commentaire"}, {"fr", 2, "2 commentaires"},
		{"de", 1, "1 Kommentar"}, {"de", 3, "3 Kommentare"},
		{"es", 1, "1 comentario"}, {"es", 4, "4 comentarios"},
		{"fa", 1, "۱ دیدگاه"}, {"fa", 12, "۱۲ دیدگاه"},
		{"zh-CN", 1, "1 条评论"}, {"zh-CN", 7, "7 条评论"},
		{"", 1, "1 comment"}, {"tlh", 2, "2 comments"},
	} {
		if got := T(c.lang, "%d comments", c.n); got != c.want {
			t.Errorf("T(%q, %d comments) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
	if got := T("fr", "Leave a Reply to %s", "Anne"); got != "Répondre à Anne" {
		t.Errorf("fr reply title = %q", got)
	}
	if got := T("zh-CN", "Comment on %s by %s", "标题", "小明"); got != "小明 对《标题》的评论" {
		t.Errorf("zh argument order = %q", got)
	}
	if got := T("fr", "not in any catalog: %s", "x"); got != "not in any catalog: x" {
		t.Errorf("a missing message should print as English: %q", got)
	}
	if got := Message("fa", "Saved."); got != "ذخیره شد." {
		t.Errorf("Message fa = %q", got)
	}
	if got := Message("fa", "100% reader text"); got != "100% reader text" {
		t.Errorf("Message must not read a reader's text as a format: %q", got)
	}
}

func TestDates(t *testing.T) {
	d := time.Date(2026, 3, 1, 15, 4, 0, 0, time.UTC)
	for _, c := range []struct{ lang, date, dateTime, month string }{
		{"en", "March 1, 2026", "March 1, 2026 at 3:04 pm", "March 2026"},
		{"fr", "1er mars 2026", "1er mars 2026 à 15:04", "mars 2026"},
		{"de", "1. März 2026", "1. März 2026 um 15:04", "März 2026"},
		{"es", "1 de marzo de 2026", "1 de marzo de 2026 a las 15:04", "marzo de 2026"},
		{"fa", "۱ مارس ۲۰۲۶", "۱ مارس ۲۰۲۶ ساعت ۱۵:۰۴", "مارس ۲۰۲۶"},
		{"zh-CN", "2026年3月1日", "2026年3月1日 15:04", "2026年3月"},
	} {
		if got := Date(c.lang, d); got != c.date {
			t.Errorf("Date(%s) = %q, want %q", c.lang, got, c.date)
		}
		if got := DateTime(c.lang, d); got != c.dateTime {
			t.Errorf("DateTime(%s) = %q, want %q", c.lang, got, c.dateTime)
		}
		if got := Month(c.lang, d); got != c.month {
			t.Errorf("Month(%s) = %q, want %q", c.lang, got, c.month)
		}
	}
}

func TestMatchAndDir(t *testing.T) {
	for _, l := range Languages {
		if l.Name == "" {
			t.Errorf("shipped language %s has no name", l.Code)
		}
	}
	for in, want := range map[string]string{"fr-FR": "fr", "fa_IR": "fa", "zh-CN": "zh-CN", "zh-Hans": "zh-CN",
		"en-US": "en", "de-DE": "de", "es-MX": "es", "it-IT": "", "zh-TW": "", "": "", "no such tag!": ""} {
		got, ok := Match(in)
		if got != want || ok != (want != "") {
			t.Errorf("Match(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for lang, want := range map[string]string{"fa": "rtl", "ar": "rtl", "he-IL": "rtl", "fa_IR": "rtl", "en": "ltr", "zh-CN": "ltr", "": "ltr"} {
		if got := Dir(lang); got != want {
			t.Errorf("Dir(%q) = %q", lang, got)
		}
	}
}

// TestCodeKeysInCatalog: every message the code translates by name — i18n.T(lang, "…") in the
// web handlers, site.T("…") in the emails — is in the catalog, so TestCatalogsComplete holds
// it to every language.
func TestCodeKeysInCatalog(t *testing.T) {
	en, err := Catalog(Default)
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`(?:i18n\.T\([^,"]+|site\.T\(|\bs\.T\()\s*,?\s*("(?:[^"\\]|\\.)*")`)
	n := 0
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			key, err := strconv.Unquote(m[1])
			if err != nil {
				t.Errorf("%s: %s: %v", path, m[1], err)
				continue
			}
			n++
			if _, ok := en[key]; !ok {
				t.Errorf("%s: %q is not in the catalog (locales/en.json)", path, key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 60 {
		t.Errorf("found only %d translated messages in the code; is the pattern stale?", n)
	}
}

// TestMessageWithValues: a message built in English with its numbers filled in (the comment
// form's length error) is translated with those numbers, in the language's digits; a
// reader's text that happens to contain a catalog word is left as typed.
func TestMessageWithValues(t *testing.T) {
	const en = "Your comment is too long: 5123 characters, the limit is 5000."
	for lang, want := range map[string]string{
		"fr": "Votre commentaire est trop long : 5\u00a0123 caractères, la limite est de 5\u00a0000.",
		"fa": "۵٬۱۲۳",
		"en": "Your comment is too long: 5,123 characters, the limit is 5,000.",
	} {
		got := Message(lang, en)
		if !strings.Contains(got, want) && got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got := Message("zh-CN", "Replies can be nested at most 5 levels deep; reply to an earlier comment in this thread instead."); !strings.Contains(got, "最多嵌套 5 层") {
		t.Errorf("the depth error in Chinese: %q", got)
	}
	if got := Message("fr", "By the way, the limit is 5000."); got != "By the way, the limit is 5000." {
		t.Errorf("a text that is not a catalog message became %q", got)
	}
	if got := Message("fr", "Please type your comment."); got != "Veuillez saisir votre commentaire." {
		t.Errorf("a fixed message: %q", got)
	}
}

// TestMessageWithText: a message built in English with a name or address filled in (%s) is
// translated with that value; a short format ("By %s") is not matched, so a post titled
// "By the river" keeps its title.
func TestMessageWithText(t *testing.T) {
	const en = "alice@example.org will not receive any more newsletters. We are sorry to see you go."
	if got := Message("fr", en); got != "alice@example.org ne recevra plus de lettres d’information. Nous sommes désolés de vous voir partir." {
		t.Errorf("fr: %q", got)
	}
	if got := Message("fa", en); !strings.Contains(got, "alice@example.org") || strings.Contains(got, "will not receive") {
		t.Errorf("fa: %q", got)
	}
	for _, s := range []string{"By the river", "Reply to Smith", "Anonymous wrote:"} {
		if got := Message("fr", s); got != s {
			t.Errorf("a short format read %q as a message: %q", s, got)
		}
	}
	// Mixed values: a name and a number.
	if got := Message("fr", "Comment page 2 of 3"); !strings.Contains(got, "2") || strings.Contains(got, "Comment page") {
		t.Errorf("numbers: %q", got)
	}
}
