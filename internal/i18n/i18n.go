// Package i18n is the site language: the shipped languages, their writing direction, the
// message catalog every reader- and subscriber-facing string goes through, and dates in each
// language's own format.
//
// Messages are keyed by their English text, as gettext and golang.org/x/text/message do, so
// a template reads {{t "Leave a Reply to %s" .Name}} and a missing translation falls back to
// English instead of to a key nobody can read. The catalogs are embedded JSON files, one per
// language (locales/*.json); a string is either a translation or, for a message that counts
// something, an object of CLDR plural forms ("one", "other", "=0" …) chosen by
// golang.org/x/text's plural rules for that language (Persian and Chinese differ from English).
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/broadside/broadside"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Default is the language of a site that has none set (WordPress's empty WPLANG).
const Default = "en"

// Language is one shipped language.
type Language struct {
	Code string // BCP 47, as written in <html lang> and stored in the site's settings
	Name string // in its own language, for the settings menu
	RTL  bool
}

// names are the shipped languages' names in themselves.
var names = map[string]string{"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español", "fa": "فارسی", "zh-CN": "简体中文"}

// Languages are the shipped languages (broadside.SiteLanguages, which the domain validates
// the setting against), in the order the settings menu lists them.
var Languages = func() []Language {
	out := make([]Language, len(broadside.SiteLanguages))
	for i, code := range broadside.SiteLanguages {
		out[i] = Language{Code: code, Name: names[code], RTL: Dir(code) == "rtl"}
	}
	return out
}()

// rtlBases are the scripts' languages written right to left, for a code that is not shipped
// (an imported site keeps no such code today, but the rule belongs here).
var rtlBases = map[string]bool{"ar": true, "fa": true, "he": true, "ur": true, "ps": true, "yi": true, "ckb": true}

// Code returns the shipped code for a stored setting: "" and unknown codes are English.
func Code(lang string) string {
	for _, l := range Languages {
		if strings.EqualFold(l.Code, lang) {
			return l.Code
		}
	}
	return Default
}

// Known reports whether lang is a shipped language code (as stored; "" is not known).
func Known(lang string) bool {
	for _, l := range Languages {
		if l.Code == lang {
			return true
		}
	}
	return false
}

// Dir is the writing direction of lang for the dir attribute: "rtl" or "ltr".
func Dir(lang string) string {
	if rtlBases[broadside.BaseLanguage(lang)] {
		return "rtl"
	}
	return "ltr"
}

var matcher = sync.OnceValue(func() language.Matcher {
	tags := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		tags[i] = language.MustParse(l.Code)
	}
	return language.NewMatcher(tags)
})

// Match maps a language as other software writes it (WordPress's "fr-FR", "fa_IR", "zh-CN",
// "en-US") to a shipped code. ok is false when no shipped language is a good match: Italian
// does not become English, nor Traditional Chinese Simplified.
func Match(s string) (code string, ok bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "_", "-"))
	if s == "" {
		return "", false
	}
	tag, err := language.Parse(s)
	if err != nil {
		return "", false
	}
	_, i, conf := matcher().Match(tag)
	if conf < language.High {
		return "", false
	}
	return Languages[i].Code, true
}

//go:embed locales/*.json
var localeFS embed.FS

// entry is one catalog message: a plain translation, or plural forms.
type entry struct {
	text   string
	plural map[string]string
}

func (e *entry) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		return json.Unmarshal(b, &e.plural)
	}
	return json.Unmarshal(b, &e.text)
}

// Catalog is one language's messages as shipped, for tests and tools.
func Catalog(code string) (map[string]entry, error) {
	b, err := localeFS.ReadFile("locales/" + code + ".json")
	if err != nil {
		return nil, fmt.Errorf("i18n: no catalog for %q: %w", code, err)
	}
	m := map[string]entry{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("i18n: catalog %s: %w", code, err)
	}
	return m, nil
}

// pluralCases puts exact matches ("=0") before categories, as x/text requires.
func pluralCases(forms map[string]string) []any {
	keys := make([]string, 0, len(forms))
	for k := range forms {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ei, ej := strings.HasPrefix(keys[i], "="), strings.HasPrefix(keys[j], "=")
		if ei != ej {
			return ei
		}
		if keys[i] == "other" || keys[j] == "other" {
			return keys[j] == "other"
		}
		return keys[i] < keys[j]
	})
	cases := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		cases = append(cases, k, forms[k])
	}
	return cases
}

// printers are built once from the embedded catalogs, which a test checks are well formed.
var printers = sync.OnceValue(func() map[string]*message.Printer {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, l := range Languages {
		tag := language.MustParse(l.Code)
		cat, err := Catalog(l.Code)
		if err != nil {
			panic(err) // embedded at build time; TestCatalogsComplete reports it
		}
		for key, e := range cat {
			if e.plural != nil {
				// The count is the first argument of every plural message.
				err = b.Set(tag, key, plural.Selectf(1, "", pluralCases(e.plural)...))
			} else {
				err = b.SetString(tag, key, e.text)
			}
			if err != nil {
				panic(fmt.Sprintf("i18n: %s %q: %v", l.Code, key, err))
			}
		}
	}
	out := map[string]*message.Printer{}
	for _, l := range Languages {
		out[l.Code] = message.NewPrinter(language.MustParse(l.Code), message.Catalog(b))
	}
	return out
})

// T translates the message key (its English text, a fmt format) into lang with args. Numbers
// are written the language's way (Persian digits, grouping); a key missing from the catalog
// is printed as the English it is.
func T(lang, key string, args ...any) string {
	return printers()[Code(lang)].Sprintf(key, args...)
}

// keys is every message the English catalog lists: the set Message translates.
var keys = sync.OnceValue(func() map[string]bool {
	cat, err := Catalog(Default)
	if err != nil {
		panic(err)
	}
	m := make(map[string]bool, len(cat))
	for k := range cat {
		m[k] = true
	}
	return m
})

// Message translates s, a message made elsewhere in English (a validation error, a flash, a
// heading), when the catalog lists it, or when it is a catalog message whose values were
// filled in ("Your comment is too long: 5123 characters, …", "alice@example.org will not
// receive any more newsletters, …"): then the values are read back out of s and given to the
// translation. A %d matches only digits; a %s matches any text, so a format with %s is
// matched only when its own words are long enough to be unmistakable (minTextRunes): "By %s"
// would match any text starting with "By ", "Reply to %s" could be a post's title. Anything
// else (a reader's text) is returned as it is, never read as a format.
func Message(lang, s string) string {
	if s == "" {
		return s
	}
	if keys()[s] {
		return T(lang, s)
	}
	if args, key, ok := matchFormat(s); ok {
		for i, a := range args {
			// A value that is itself a message ("Your change was not saved. %s" around a
			// validation error) is translated too; a short one may be a reader's name.
			if v, isText := a.(string); isText && utf8.RuneCountInString(v) >= minTextRunes {
				if keys()[v] {
					args[i] = T(lang, v)
				} else if inner, ikey, ok := matchFormat(v); ok {
					args[i] = T(lang, ikey, inner...)
				}
			}
		}
		return T(lang, key, args...)
	}
	return s
}

func matchFormat(s string) (args []any, key string, ok bool) {
	for _, f := range formats() {
		if args, ok := f.match(s); ok {
			return args, f.key, true
		}
	}
	return nil, "", false
}

// format is a catalog message with %d and %s verbs, as a pattern that finds their values.
type format struct {
	key   string
	re    *regexp.Regexp
	verbs []byte // 'd' or 's', one per value
	text  int    // runes of the format's own wording
}

func (f format) match(s string) ([]any, bool) {
	m := f.re.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	args := make([]any, len(m)-1)
	for i, v := range m[1:] {
		if f.verbs[i] == 's' {
			args[i] = v
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, false
		}
		args[i] = n
	}
	return args, true
}

// minTextRunes is how much of its own wording a format with a %s must have to be matched.
const minTextRunes = 16

// formats are the catalog's messages with %d and %s verbs and no other, each compiled once.
var formats = sync.OnceValue(func() []format {
	var out []format
	for key := range keys() {
		if f, ok := compileFormat(key); ok {
			out = append(out, f)
		}
	}
	// The format with the most wording first, so the most specific wins when two match.
	sort.Slice(out, func(i, j int) bool {
		if out[i].text != out[j].text {
			return out[i].text > out[j].text
		}
		return out[i].key < out[j].key
	})
	return out
})

func compileFormat(key string) (format, bool) {
	if !strings.Contains(key, "%") {
		return format{}, false
	}
	f := format{key: key}
	var re strings.Builder
	re.WriteString("^")
	text := 0
	for rest := key; rest != ""; {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			re.WriteString(regexp.QuoteMeta(rest))
			text += utf8.RuneCountInString(rest)
			break
		}
		re.WriteString(regexp.QuoteMeta(rest[:i]))
		text += utf8.RuneCountInString(rest[:i])
		if i+1 >= len(rest) {
			return format{}, false
		}
		switch rest[i+1] {
		case 'd':
			re.WriteString(`(-?[0-9]+)`)
		case 's':
			re.WriteString(`(.+?)`)
		default:
			return format{}, false
		}
		f.verbs = append(f.verbs, rest[i+1])
		rest = rest[i+2:]
	}
	if len(f.verbs) == 0 {
		return format{}, false
	}
	if strings.Contains(key, "%s") && text < minTextRunes {
		return format{}, false
	}
	re.WriteString("$")
	f.re, f.text = regexp.MustCompile("(?s)"+re.String()), text
	return f, true
}
