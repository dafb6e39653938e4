package broadside

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// slugFold spells out the Latin letters that Unicode decomposition leaves alone (they are
// letters of their own, not a base letter plus an accent) the way WordPress's
// remove_accents does. Keys are lowercase; Slugify lowercases first.
var slugFold = map[rune]string{
	'ß': "ss",
	'æ': "ae",
	'ø': "o",
	'ł': "l",
	'đ': "d",
	'ð': "d",
	'þ': "th",
	'œ': "oe",
	'ħ': "h",
	'ı': "i",
	'ŀ': "l",
	'ŧ': "t",
	'ŋ': "n",
	'ĸ': "k",
	'ſ': "s",
}

// Slugify turns s into a URL slug: lowercase, Latin diacritics removed (é→e, ß→ss, æ→ae),
// other letters and digits kept as they are (WordPress keeps non-Latin slugs such as
// Cyrillic or CJK ones), everything else turned into '-', runs of '-' collapsed and '-'
// trimmed from both ends. The result is at most MaxSlugLen bytes, cut at a rune boundary.
// Slugify is idempotent: Slugify(Slugify(x)) == Slugify(x).
//
// Combining marks are dropped after Latin letters (that is how accents go away) but kept
// after other letters, where they are part of the spelling (Devanagari vowel signs, say).
func Slugify(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, "-"))
	var b strings.Builder
	b.Grow(len(s))
	dash := false      // a '-' is owed before the next kept character
	keepMarks := false // the previous rune was a kept non-Latin letter (or mark after one)
	emit := func(r rune) {
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteRune(r)
	}
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			keepMarks = false
			switch {
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
				emit(r)
			case 'A' <= r && r <= 'Z':
				emit(r + ('a' - 'A'))
			default:
				dash = true
			}
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Me, r):
			if keepMarks {
				emit(r)
			} else if !unicode.Is(unicode.Mn, r) {
				// A spacing or enclosing mark with nothing to attach to is punctuation to us.
				dash = true
			}
			// A nonspacing mark after a Latin letter is an accent: drop it silently.
		case unicode.Is(unicode.Latin, r):
			keepMarks = false
			foldLatin(r, emit, &dash)
		case unicode.IsDigit(r) && isASCIIDigits(norm.NFKD.String(string(r))):
			keepMarks = false
			for _, x := range norm.NFKD.String(string(r)) { // fullwidth and other compatibility digits
				emit(x)
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			keepMarks = true
			emit(unicode.ToLower(r))
		default:
			keepMarks = false
			dash = true
		}
	}
	return truncateSlug(b.String(), MaxSlugLen)
}

// foldLatin writes the ASCII (or accent-free Latin) spelling of the Latin rune r.
func foldLatin(r rune, emit func(rune), dash *bool) {
	r = unicode.ToLower(r)
	if f, ok := slugFold[r]; ok {
		for _, x := range f {
			emit(x)
		}
		return
	}
	// Compatibility decomposition also unfolds ligatures (ﬁ), fullwidth forms (Ａ) and
	// ordinal indicators (ª); the marks it separates out are dropped.
	for _, x := range norm.NFKD.String(string(r)) {
		x = unicode.ToLower(x)
		if f, ok := slugFold[x]; ok {
			for _, y := range f {
				emit(y)
			}
			continue
		}
		switch {
		case unicode.Is(unicode.Mn, x):
		case x < utf8.RuneSelf && ('a' <= x && x <= 'z' || '0' <= x && x <= '9'):
			emit(x)
		case x >= utf8.RuneSelf && unicode.Is(unicode.Latin, x) && unicode.IsLetter(x):
			emit(x)
		default:
			*dash = true
		}
	}
}

// truncateSlug cuts s to at most max bytes at a rune boundary and trims '-' at the end.
func truncateSlug(s string, max int) string {
	if len(s) > max {
		i := max
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i]
	}
	return strings.Trim(s, "-")
}

// maxSlugTries bounds UniqueSlug so a taken func that always says yes cannot loop forever.
const maxSlugTries = 10000

// UniqueSlug returns base if it is free, else base-2, base-3, … — the first one taken reports
// free. Suffixed slugs stay within MaxSlugLen by shortening base. An empty base becomes "post".
// taken's errors are returned as they are; after maxSlugTries attempts it gives up with
// ECONFLICT.
func UniqueSlug(base string, taken func(string) (bool, error)) (string, error) {
	base = truncateSlug(base, MaxSlugLen)
	if base == "" {
		base = "post"
	}
	for n := 1; n <= maxSlugTries; n++ {
		cand := base
		if n > 1 {
			suffix := "-" + strconv.Itoa(n)
			cand = truncateSlug(base, MaxSlugLen-len(suffix))
			if cand == "" {
				cand = "post"
			}
			cand += suffix
		}
		t, err := taken(cand)
		if err != nil {
			return "", err
		}
		if !t {
			return cand, nil
		}
	}
	return "", Errorf(ECONFLICT, "Could not find a free slug for %q; please choose another.", base)
}

func isASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
