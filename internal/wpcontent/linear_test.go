package wpcontent

import (
	"strings"
	"testing"
)

// hostile is a long run of what the scanners search for: n units, then the tail, the pad n
// times and the end.
type hostile struct{ name, unit, tail, pad, end string }

func (h hostile) text(n int) string {
	return strings.Repeat(h.unit, n) + h.tail + strings.Repeat(h.pad, n) + h.end
}

var hostileInputs = []hostile{
	{"unclosed-p", "<p ", ">https://a</p>", "", ""},
	{"p-li", "<p><li", "", "", ""},
	{"lt", "<", "", "", ""},
	{"div-p", "<div <p ", ">\n</p>", "", ""},
	{"br", "<br />\n", "", "", ""},
	// Many candidate tags ending at one '>' before a tail as long that does not complete
	// their match: each candidate once read the tail again (quadratic until the shared '>'
	// was remembered; review, session 8).
	{"shared-gt", "<divx", ">", strings.Repeat(" ", 8), "x"},
	{"shared-gt-url", "<p ", ">https://", strings.Repeat("a", 8), ""},
}

// TestScannersLinear: on hostileInputs, the bytes Convert's scanners read ahead of their
// cursor (lookedAt) grow in proportion to the input, as the regexp engine's work did: twice
// the input, less than three times the bytes. BenchmarkAutopHostile times the same inputs;
// a test may only count.
func TestScannersLinear(t *testing.T) {
	count := func(in string) int {
		n := 0
		lookedAt = &n
		defer func() { lookedAt = nil }()
		Convert(in, ctx)
		return n
	}
	for _, h := range hostileInputs {
		small, large := count(h.text(2000)), count(h.text(4000))
		t.Logf("%s: %d, then %d bytes looked at", h.name, small, large)
		if small == 0 || large >= 3*small {
			t.Errorf("%s: the scanners looked at %d bytes, then %d for twice the input: not linear", h.name, small, large)
		}
	}
}
