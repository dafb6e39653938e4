package broadside

import "unicode/utf8"

// TruncateRunes cuts s to at most n characters, never inside one (a byte cut can leave
// invalid UTF-8, which PostgreSQL refuses to store).
func TruncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// Ellipsize cuts s to at most n characters, the last of them "…" when it was cut, so a
// reader sees that something is missing and the result still fits where n does.
func Ellipsize(s string, n int) string {
	if n < 1 || utf8.RuneCountInString(s) <= n {
		return TruncateRunes(s, max(n, 0))
	}
	return TruncateRunes(s, n-1) + "…"
}
