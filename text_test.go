package broadside_test

import (
	"testing"

	"github.com/broadside/broadside"
)

func TestTruncateAndEllipsize(t *testing.T) {
	for _, c := range []struct {
		s          string
		n          int
		cut, ellip string
	}{
		{"", 3, "", ""},
		{"abc", 3, "abc", "abc"},
		{"abcd", 3, "abc", "ab…"},
		{"Αθήνα", 4, "Αθήν", "Αθή…"},
		{"日本語の文", 1, "日", "…"},
		{"abc", 0, "", ""},
	} {
		if got := broadside.TruncateRunes(c.s, c.n); got != c.cut {
			t.Errorf("TruncateRunes(%q, %d) = %q, want %q", c.s, c.n, got, c.cut)
		}
		if got := broadside.Ellipsize(c.s, c.n); got != c.ellip {
			t.Errorf("Ellipsize(%q, %d) = %q, want %q", c.s, c.n, got, c.ellip)
		}
	}
}
