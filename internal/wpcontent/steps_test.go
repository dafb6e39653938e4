package wpcontent

import (
	"regexp"
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

func re(r *regexp.Regexp, repl string) func(string) string {
	return func(s string) string { return r.ReplaceAllString(s, repl) }
}

var steps = []step{
	{"collapseDoubleBR", collapseDoubleBR, re(oReDoubleBR, "\n\n")},
	{"spaceBlocks", spaceBlocks, oracleSpaceBlocks},
	{"collapseNewlines", collapseNewlines, re(oReManyNewlines, "\n\n")},
	{"paragraphs", paragraphs, oracleParagraphs},
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
	{"linkURLLines", linkURLLines, func(s string) string { return oracleLinkURLs(oReURLLine, s) }},
	{"linkURLParas", linkURLParas, func(s string) string { return oracleLinkURLs(oReURLPara, s) }},
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

// TestFoldPrefixAtMatchesRegexp: foldPrefixAt matches where `^lit` (with fold, `^(?i)lit`)
// does, to the same end, the letters that fold from outside ASCII included.
func TestFoldPrefixAtMatchesRegexp(t *testing.T) {
	texts := []string{"", "h", "http", "HTTP", "hTtPs", "https", "httpſ", "httpS", "HTTPſ://", "<p><blockquote",
		"<P><BLOCKQUOTE>", "<p><bloc\u212aquote", "<p><blocKquote", "<p><bloc\u212a", "<p> <blockquote", "\u212a", "ſ",
		"k", "K", "s", "S", "x", "\xe2\x84", "\xc5"}
	for _, lit := range []string{"http", "s", "k", "<p><blockquote"} {
		for _, fold := range []bool{false, true} {
			flags := ""
			if fold {
				flags = "(?i)"
			}
			re := regexp.MustCompile(`^` + flags + regexp.QuoteMeta(lit))
			for _, s := range texts {
				want := -1
				if m := re.FindStringIndex(s); m != nil {
					want = m[1]
				}
				if got := foldPrefixAt(s, 0, lit, fold); got != want {
					t.Errorf("foldPrefixAt(%q, 0, %q, %v) = %d, the regexp says %d", s, lit, fold, got, want)
				}
			}
		}
	}
}
