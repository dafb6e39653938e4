package broadside

import "strings"

// DiffKind says whether a piece of a diff is in both texts, only the old or only the new.
type DiffKind int

const (
	DiffSame DiffKind = iota
	DiffDel
	DiffIns
)

// DiffPart is a run of words of one kind within a line.
type DiffPart struct {
	Kind DiffKind
	Text string
}

// DiffLine is one line of a line diff. A changed line (a deletion followed by its
// replacement) carries word-level Parts so the reader sees which words changed.
type DiffLine struct {
	Kind  DiffKind
	Parts []DiffPart
}

// maxDiffCells bounds the quadratic table of a diff; larger inputs are shown as a whole
// replacement instead of a slow comparison.
const maxDiffCells = 4_000_000

// DiffText compares two texts line by line (the revisions screen), and the words of each
// changed line. The result is plain text: the template escapes it.
func DiffText(old, new string) []DiffLine {
	a, b := strings.Split(old, "\n"), strings.Split(new, "\n")
	ops := lcsOps(a, b)
	var out []DiffLine
	for i := 0; i < len(ops); i++ {
		op := ops[i]
		// A run of deletions followed by as many insertions: pair them line by line and
		// show the words that changed.
		if op.kind == DiffDel {
			j := i
			for j < len(ops) && ops[j].kind == DiffDel {
				j++
			}
			k := j
			for k < len(ops) && ops[k].kind == DiffIns {
				k++
			}
			if k-j == j-i {
				for n := 0; n < j-i; n++ {
					del, ins := wordParts(ops[i+n].text, ops[j+n].text)
					out = append(out, DiffLine{Kind: DiffDel, Parts: del}, DiffLine{Kind: DiffIns, Parts: ins})
				}
				i = k - 1
				continue
			}
		}
		out = append(out, DiffLine{Kind: op.kind, Parts: []DiffPart{{Kind: op.kind, Text: op.text}}})
	}
	return out
}

type diffOp struct {
	kind DiffKind
	text string
}

// lcsOps is the classic longest-common-subsequence diff of two token lists.
func lcsOps(a, b []string) []diffOp {
	if len(a)*len(b) > maxDiffCells {
		var out []diffOp
		for _, x := range a {
			out = append(out, diffOp{DiffDel, x})
		}
		for _, y := range b {
			out = append(out, diffOp{DiffIns, y})
		}
		return out
	}
	n, m := len(a), len(b)
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	var out []diffOp
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, diffOp{DiffSame, a[i]})
			i, j = i+1, j+1
		case t[i+1][j] >= t[i][j+1]:
			out = append(out, diffOp{DiffDel, a[i]})
			i++
		default:
			out = append(out, diffOp{DiffIns, b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, diffOp{DiffDel, a[i]})
	}
	for ; j < m; j++ {
		out = append(out, diffOp{DiffIns, b[j]})
	}
	return out
}

// wordParts diffs two lines word by word (spaces kept with the word before them) and
// returns the old line's parts (same and deleted) and the new line's (same and inserted).
func wordParts(old, new string) (del, ins []DiffPart) {
	for _, op := range lcsOps(words(old), words(new)) {
		if op.kind != DiffIns {
			del = appendPart(del, op)
		}
		if op.kind != DiffDel {
			ins = appendPart(ins, op)
		}
	}
	return del, ins
}

func appendPart(ps []DiffPart, op diffOp) []DiffPart {
	if n := len(ps); n > 0 && ps[n-1].Kind == op.kind {
		ps[n-1].Text += op.text
		return ps
	}
	return append(ps, DiffPart{Kind: op.kind, Text: op.text})
}

// words splits s after each run of spaces, so joining the words gives s back.
func words(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && (i+1 == len(s) || s[i+1] != ' ') {
			out = append(out, s[start:i+1])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
