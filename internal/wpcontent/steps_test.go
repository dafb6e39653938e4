package wpcontent

import (
	"regexp"
	"strings"
	"testing"
)

// step pairs one scanner with what it replaced. The pipeline tests (TestAutopMatchesOracle)
// only feed a step what the steps before it can produce; these feed every step anything,
// so a scanner that differs from its regexp on some input is found even when Autop would
// not reach that input today.
type step struct {
	name    string
	scanner func(string) string
	oracle  func(string) string
}

func re(r interface {
	ReplaceAllString(string, string) string
}, repl string) func(string) string {
	return func(s string) string { return r.ReplaceAllString(s, repl) }
}

var steps = []step{
	{"collapseDoubleBR", collapseDoubleBR, re(oReDoubleBR, "\n\n")},
	{"spaceBlocks", spaceBlocks, func(s string) string {
		s = oReBlockOpen.ReplaceAllString(s, "\n\n$1")
		s = oReBlockClose.ReplaceAllString(s, "$1\n\n")
		return oReHR.ReplaceAllString(s, "$1\n\n")
	}},
	{"collapseNewlines", collapseNewlines, re(oReManyNewlines, "\n\n")},
	{"paragraphs", paragraphs, func(s string) string {
		var b strings.Builder
		for _, p := range oReParagraphSplit.Split(s, -1) {
			if p != "" {
				b.WriteString("<p>" + strings.Trim(p, "\n") + "</p>\n")
			}
		}
		return b.String()
	}},
	{"dropEmptyP", dropEmptyP, re(oReEmptyP, "")},
	{"closeUnclosedP", closeUnclosedP, re(oReUnclosedP, "<p>$1</p></$2>")},
	{"unwrapBlock", unwrapBlock, re(oReWrappedBlock, "$1")},
	{"unwrapLI", unwrapLI, re(oReWrappedLI, "$1")},
	{"blockquoteOutOfP", blockquoteOutOfP, re(oReBlockquoteInP, "<blockquote$1><p>")},
	{"dropPBeforeBlock", dropPBeforeBlock, re(oRePBeforeBlock, "$1")},
	{"dropPAfterBlock", dropPAfterBlock, re(oRePAfterBlock, "$1")},
	{"dropBRAfterBlock", dropBRAfterBlock, re(oReBRAfterBlock, "$1")},
	{"dropBRBeforeBlock", dropBRBeforeBlock, re(oReBRBeforeBlock, "$1")},
	{"newlinesToBR", newlinesToBR, oracleNewlinesToBR},
	{"replaceInTags", func(s string) string { return replaceInTags(s, "\n", wpnl) },
		func(s string) string { return oracleReplaceInTags(s, "\n", wpnl) }},
	{"linkURLLines", linkURLLines, func(s string) string {
		return oReURLLine.ReplaceAllStringFunc(s, func(m string) string {
			sub := oReURLLine.FindStringSubmatch(m)
			return sub[1] + link(sub[2], sub[2]) + sub[3]
		})
	}},
	{"linkURLParas", linkURLParas, func(s string) string {
		return oReURLPara.ReplaceAllStringFunc(s, func(m string) string {
			sub := oReURLPara.FindStringSubmatch(m)
			return sub[1] + link(sub[2], sub[2]) + sub[3]
		})
	}},
}

// stepInputs adds, to each text, the forms a step sees in Autop: with wpautop's trailing
// newline, and as paragraphs.
func stepInputs(tb testing.TB) []string {
	var out []string
	for _, in := range append(append(fixtureTexts(tb), oddInputs...), urlInputs...) {
		out = append(out, in, in+"\n", paragraphs(in+"\n"), "<p>"+in+"</p>\n", in+"<p><li")
	}
	return append(out, "<p><li", "<p>x</div", "<p>x</div>", "<br />", "<br />\n<p", "<blockquote><p>", "<p><blockquote")
}

func TestStepsMatchRegexps(t *testing.T) {
	for _, in := range stepInputs(t) {
		if len(in) <= fuzzSeedMax {
			continue // FuzzStepsMatchRegexps's seeds
		}
		for _, st := range steps {
			if got, want := st.scanner(in), st.oracle(in); got != want {
				t.Errorf("%s(%.200q)\n got %.300q\nwant %.300q", st.name, in, got, want)
			}
		}
	}
}

// FuzzStepsMatchRegexps: every scanner agrees with its regexp on any input.
func FuzzStepsMatchRegexps(f *testing.F) {
	for _, in := range stepInputs(f) {
		if len(in) <= fuzzSeedMax {
			f.Add(in)
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, st := range steps {
			if got, want := st.scanner(in), st.oracle(in); got != want {
				t.Errorf("%s(%q)\n got %q\nwant %q", st.name, in, got, want)
			}
		}
	})
}

// TestBlockNamesMatchRegexp: the scanners' block names are the oracle's allBlocks, as
// whole names and as prefixes.
func TestBlockNamesMatchRegexp(t *testing.T) {
	whole := regexp.MustCompile(`^` + oAllBlocks + `$`)
	prefix := regexp.MustCompile(`^` + oAllBlocks)
	names := append([]string{"", "h", "h0", "h7", "h10", "hx", "t", "tx", "thea", "col2", "colgroupx", "P", "Div",
		"blockquot", "fig", "figur", "figcap", "detail", "summar", "x", "q", "span", "a", "b"}, blockNames...)
	for _, n := range names {
		if got, want := blockName(n+">", 0) == len(n), whole.MatchString(n); got != want {
			t.Errorf("blockName(%q) = %v, the regexp says %v", n, got, want)
		}
		if got, want := blockPrefix(n), prefix.MatchString(n); got != want {
			t.Errorf("blockPrefix(%q) = %v, the regexp says %v", n, got, want)
		}
	}
}
