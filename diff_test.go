package broadside

import (
	"strings"
	"testing"
)

func renderDiff(ls []DiffLine) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString([]string{" ", "-", "+"}[l.Kind])
		for _, p := range l.Parts {
			switch p.Kind {
			case DiffDel:
				b.WriteString("[-" + p.Text + "-]")
			case DiffIns:
				b.WriteString("{+" + p.Text + "+}")
			default:
				b.WriteString(p.Text)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestDiffText(t *testing.T) {
	cases := []struct{ old, new, want string }{
		{"a\nb\nc", "a\nb\nc", " a\n b\n c\n"},
		{"a\nb", "a\nb\nc", " a\n b\n+{+c+}\n"},
		{"a\nb\nc", "a\nc", " a\n-[-b-]\n c\n"},
		{"the quick fox", "the slow fox", "-the [-quick -]fox\n+the {+slow +}fox\n"},
		{"<p>x</p>", "<p>y</p>", "-[-<p>x</p>-]\n+{+<p>y</p>+}\n"},
	}
	for _, c := range cases {
		if got := renderDiff(DiffText(c.old, c.new)); got != c.want {
			t.Errorf("DiffText(%q, %q) =\n%s\nwant\n%s", c.old, c.new, got, c.want)
		}
	}
	// Huge inputs fall back to a replacement instead of a quadratic table.
	big := strings.Repeat("line\n", 3000)
	if got := DiffText(big, big+"x"); len(got) == 0 {
		t.Fatal("no diff of large texts")
	}
}
