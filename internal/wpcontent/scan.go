package wpcontent

import "strings"

// What the scanners of autop_scan.go and urls.go share: a copy made only on the first
// change, a cached search, RE2's \s, (?i)'s case folding, and wpautop's block names.

// edit builds a changed copy of s only once something changes.
type edit struct {
	s    string
	b    strings.Builder
	last int
	hit  bool
}

// put replaces s[from:to] with repl.
func (e *edit) put(from, to int, repl string) {
	if !e.hit {
		e.hit = true
		e.b.Grow(len(e.s) + 32)
	}
	e.b.WriteString(e.s[e.last:from])
	e.b.WriteString(repl)
	e.last = to
}

func (e *edit) String() string {
	if !e.hit {
		return e.s
	}
	e.b.WriteString(e.s[e.last:])
	return e.b.String()
}

// replaceAt is the loop every scanner shares: at each place lit starts, match either
// answers resume < 0 (no match here: go on one byte later) or says that s[from:to] becomes
// repl and the scan resumes there. The edit stays here, so matching allocates nothing.
func replaceAt(s, lit string, match func(i int) (from, to int, repl string, resume int)) string {
	e := edit{s: s}
	for i := 0; ; {
		k := strings.Index(s[i:], lit)
		if k < 0 {
			break
		}
		i += k
		from, to, repl, resume := match(i)
		if resume < 0 {
			i++
			continue
		}
		e.put(from, to, repl)
		i = resume
	}
	return e.String()
}

// next finds the first sep at or after a position, remembering the answer so that
// increasing positions do not search the same text again.
type next struct {
	s, sep    string
	from, pos int // pos is the first sep at or after from, or -1 for none
	ok        bool
}

func (n *next) at(i int) int {
	if i > len(n.s) {
		return -1
	}
	if !n.ok || i < n.from || (n.pos >= 0 && n.pos < i) {
		n.ok, n.from = true, i
		n.pos = strings.Index(n.s[i:], n.sep)
		if n.pos >= 0 {
			n.pos += i
		}
		if lookedAt != nil {
			if n.pos >= 0 {
				*lookedAt += n.pos + len(n.sep) - i
			} else {
				*lookedAt += len(n.s) - i
			}
		}
	}
	return n.pos
}

// lookedAt, nil except in TestScannersLinear, counts the bytes the scanners read ahead of
// their cursor: white space skipped, a URL, a search for the next separator. Repeated from
// many starting points, that reading is what once made them quadratic; a test may count
// it where it may not time it.
var lookedAt *int

// isRESpace is Go regexp's \s, which the scanners standing in for regexps keep: unlike PCRE's (isPCRESpace), no \v.
func isRESpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

func skipRESpace(s string, i int) int {
	j := i
	for j < len(s) && isRESpace(s[j]) {
		j++
	}
	if lookedAt != nil {
		*lookedAt += j - i
	}
	return j
}

// foldPrefixAt matches lit (ASCII, its letters lower case) at s[i] and returns the index
// past it, or -1. With fold it matches as lit does under (?i): a letter in either case, and,
// as RE2 folds case by Unicode, k also as the Kelvin sign (U+212A) and s as the long s
// (U+017F), the only characters outside ASCII that fold to an ASCII letter.
func foldPrefixAt(s string, i int, lit string, fold bool) int {
	j := i
	for n := 0; n < len(lit); n++ {
		c := lit[n]
		switch {
		case j < len(s) && (s[j] == c || fold && c >= 'a' && c <= 'z' && s[j] == c-'a'+'A'):
			j++
		case fold && c == 'k' && strings.HasPrefix(s[j:], "\u212a"):
			j += len("\u212a")
		case fold && c == 's' && strings.HasPrefix(s[j:], "\u017f"):
			j += len("\u017f")
		default:
			return -1
		}
	}
	return j
}

var (
	blockSet    = map[string]bool{}
	blockByByte [256][]string // block names by first letter, for prefix tests
)

func init() {
	for _, n := range blockNames {
		blockSet[n] = true
		blockByByte[n[0]] = append(blockByByte[n[0]], n)
	}
}

// blockPrefix reports whether s starts with a block name (the regexps' allBlocks followed
// by [^>]*, which any continuation satisfies).
func blockPrefix(s string) bool {
	if s == "" {
		return false
	}
	for _, n := range blockByByte[s[0]] {
		if strings.HasPrefix(s, n) {
			return true
		}
	}
	return false
}

// blockName returns the end of the block name starting at s[i], or -1. The patterns that
// use it need a character after the name that no name contains, so the name is the whole
// run of [a-z0-9].
func blockName(s string, i int) int {
	j := i
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= '0' && s[j] <= '9') {
		j++
	}
	if j == i || !blockSet[s[i:j]] {
		return -1
	}
	return j
}

// blockTagAt matches `</?` allBlocks `[^>]*>` at s[i] ('<' there) and returns the index
// just past its '>', or -1.
func blockTagAt(s string, i int, gt *next) int {
	k := i + 1
	if k < len(s) && s[k] == '/' {
		k++
	}
	if !blockPrefix(s[k:]) {
		return -1
	}
	g := gt.at(k)
	if g < 0 {
		return -1
	}
	return g + 1
}
