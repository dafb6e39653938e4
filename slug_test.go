package broadside

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello, World!", "hello-world"},
		{"Willsman thumbs his nose", "willsman-thumbs-his-nose"},
		{"  --Leading and trailing--  ", "leading-and-trailing"},
		{"multiple   spaces___and...dots", "multiple-spaces-and-dots"},
		{"Crème brûlée", "creme-brulee"},
		{"Ça va? Très bien.", "ca-va-tres-bien"},
		{"Straße", "strasse"},
		{"STRASSE ẞ", "strasse-ss"},
		{"Æsir og Ørsted", "aesir-og-orsted"},
		{"Łódź", "lodz"},
		{"Đorđe", "dorde"},
		{"Þór", "thor"},
		{"Œuvre", "oeuvre"},
		{"naïve façade", "naive-facade"},
		{"e\u0301le\u0300ve", "eleve"}, // decomposed accents
		{"ﬁnance", "finance"},          // ligature
		{"ＡＢＣ１２３", "abc123"},           // fullwidth
		{"Привет, мир", "привет-мир"},
		{"日本語のブログ", "日本語のブログ"},
		{"Ελληνικά Νέα", "ελληνικά-νέα"},
		{"हिन्दी समाचार", "हिन्दी-समाचार"}, // vowel signs kept
		{"مرحبا بالعالم", "مرحبا-بالعالم"},
		{"٣ أخبار", "٣-أخبار"},
		{"2018: a year", "2018-a-year"},
		{"emoji 🎉 party", "emoji-party"},
		{"a/b\\c?d#e&f=g", "a-b-c-d-e-f-g"},
		{"", ""},
		{"---", ""},
		{"!!!", ""},
		{"already-a-slug", "already-a-slug"},
		{"tab\tnew\nline", "tab-new-line"},
		{"\xff\xfebad utf8", "bad-utf8"},
	}
	for _, tt := range tests {
		if got := Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSlugifyLength(t *testing.T) {
	long := strings.Repeat("word ", 100)
	got := Slugify(long)
	if len(got) > MaxSlugLen {
		t.Fatalf("len = %d > %d", len(got), MaxSlugLen)
	}
	if strings.HasSuffix(got, "-") || strings.HasPrefix(got, "-") {
		t.Fatalf("untrimmed: %q", got)
	}
	// Multi-byte runes: the cut must land on a rune boundary.
	cyr := strings.Repeat("я", 150) // 300 bytes
	got = Slugify(cyr)
	if len(got) > MaxSlugLen || !utf8.ValidString(got) || len(got) != 200 {
		t.Fatalf("cyrillic: len %d valid %v", len(got), utf8.ValidString(got))
	}
	cjk := strings.Repeat("語", 100) // 3 bytes each: 199 fits, 201 does not
	got = Slugify(cjk)
	if len(got) != 198 || !utf8.ValidString(got) {
		t.Fatalf("cjk: len %d", len(got))
	}
	// A cut that ends in '-' is re-trimmed.
	s := strings.Repeat("a", 199) + " b"
	if got := Slugify(s); got != strings.Repeat("a", 199) {
		t.Fatalf("re-trim: %q", got)
	}
}

func TestSlugifyIdempotentSamples(t *testing.T) {
	for _, s := range []string{"Crème brûlée", "Straße", "हिन्दी समाचार", "a\u0301\u0301", "ǅemal", "İstanbul", "ﬀ", "Ⅻ", "ᾼ"} {
		once := Slugify(s)
		if twice := Slugify(once); twice != once {
			t.Errorf("Slugify(%q) = %q, but Slugify of that = %q", s, once, twice)
		}
	}
}

func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Hello, World!", "Crème brûlée", "Straße", "Привет", "हिन्दी", "日本語", "a\u0301", "\xff", strings.Repeat("é", 150), "ǅ", "ﬁ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Slugify(s)
		if twice := Slugify(once); twice != once {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, once, twice)
		}
		if len(once) > MaxSlugLen {
			t.Fatalf("too long: %d", len(once))
		}
		if !utf8.ValidString(once) {
			t.Fatalf("invalid UTF-8: %q", once)
		}
		if strings.HasPrefix(once, "-") || strings.HasSuffix(once, "-") || strings.Contains(once, "--") {
			t.Fatalf("bad dashes: %q", once)
		}
		for _, r := range once {
			if r < utf8.RuneSelf && !(r == '-' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9') {
				t.Fatalf("unexpected ASCII %q in %q", r, once)
			}
		}
	})
}

func TestUniqueSlug(t *testing.T) {
	takenSet := func(names ...string) func(string) (bool, error) {
		m := map[string]bool{}
		for _, n := range names {
			m[n] = true
		}
		return func(s string) (bool, error) { return m[s], nil }
	}
	tests := []struct {
		base  string
		taken []string
		want  string
	}{
		{"hello", nil, "hello"},
		{"hello", []string{"hello"}, "hello-2"},
		{"hello", []string{"hello", "hello-2", "hello-3"}, "hello-4"},
		{"", nil, "post"},
		{"", []string{"post"}, "post-2"},
	}
	for _, tt := range tests {
		got, err := UniqueSlug(tt.base, takenSet(tt.taken...))
		if err != nil || got != tt.want {
			t.Errorf("UniqueSlug(%q, %v) = %q, %v; want %q", tt.base, tt.taken, got, err, tt.want)
		}
	}

	long := strings.Repeat("a", MaxSlugLen)
	got, err := UniqueSlug(long, takenSet(long))
	if err != nil || got != strings.Repeat("a", MaxSlugLen-2)+"-2" {
		t.Fatalf("long: %q %v", got, err)
	}
	// Shortening must not leave "--" before the suffix.
	dashy := strings.Repeat("a", MaxSlugLen-3) + "-bb"
	got, _ = UniqueSlug(dashy, takenSet(dashy))
	if strings.Contains(got, "--") || len(got) > MaxSlugLen {
		t.Fatalf("dashy: %q", got)
	}
	// Multi-byte base: stays valid UTF-8 within the limit.
	cyr := strings.Repeat("я", MaxSlugLen/2)
	got, _ = UniqueSlug(cyr, takenSet(cyr))
	if len(got) > MaxSlugLen || !utf8.ValidString(got) || !strings.HasSuffix(got, "-2") {
		t.Fatalf("cyr: %q", got)
	}

	boom := errors.New("db down")
	if _, err := UniqueSlug("x", func(string) (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Fatalf("error not passed through: %v", err)
	}
	if _, err := UniqueSlug("x", func(string) (bool, error) { return true, nil }); ErrorCode(err) != ECONFLICT {
		t.Fatalf("always taken: %v", err)
	}
}
