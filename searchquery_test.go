package broadside

import (
	"strings"
	"testing"
)

func TestParseSearch(t *testing.T) {
	for _, tc := range []struct{ in, want, words string }{
		{"", "", ""},
		{"  !!! ", "", ""},
		{"Council budget", `"council" "budget"`, "council budget"},
		{`"town hall" vote`, `"town hall" "vote"`, "town hall vote"},
		{`cats or dogs fish`, `"cats" or "dogs" "fish"`, "cats dogs fish"},
		{`cats OR dogs OR birds`, `"cats" or "dogs" or "birds"`, "cats dogs birds"},
		{`or cats or`, `"cats"`, "cats"},
		{`budget -council`, `"budget" -"council"`, "budget"},
		{`budget -"city council"`, `"budget" -"city council"`, "budget"},
		{`-council or budget`, `-"council" "budget"`, "budget"},
		{`budget or -council`, `"budget" -"council"`, "budget"},
		{`e-mail`, `"e mail"`, "e mail"},
		{`Café Ünïcode 2026`, `"café" "ünïcode" "2026"`, "café ünïcode 2026"},
		{`"unbalanced quote`, `"unbalanced quote"`, "unbalanced quote"},
		{`a - b`, `"a" "b"`, "a b"},
		{`x" OR 1=1; DROP TABLE posts; --`, `"x" "or 1 1 drop table posts"`, "x or 1 drop table posts"},
		{`x OR 1=1; DROP TABLE posts; --`, `"x" or "1 1" "drop" "table" "posts"`, "x 1 drop table posts"},
		{`title:(council) NEAR/2 * ^budget`, `"title council" "near 2" "budget"`, "title council near 2 budget"},
	} {
		q := ParseSearch(tc.in)
		if got := q.String(); got != tc.want {
			t.Errorf("ParseSearch(%q) = %s, want %s", tc.in, got, tc.want)
		}
		if got := strings.Join(q.Words(), " "); got != tc.words {
			t.Errorf("ParseSearch(%q).Words() = %q, want %q", tc.in, got, tc.words)
		}
		// Writing a query back and reading it again changes nothing.
		if again := ParseSearch(q.String()).String(); again != q.String() {
			t.Errorf("round trip of %q: %s then %s", tc.in, q.String(), again)
		}
	}
	if n := len(ParseSearch("-only -exclusions").Positive()); n != 0 {
		t.Errorf("exclusions only: %d positive clauses", n)
	}
}

func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{"a b", `"a b" -c or d`, `-"`, `""`, "or", "-", "\x00\"-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseSearch(s)
		for _, c := range q {
			for _, p := range c.Phrases {
				if len(p) == 0 {
					t.Fatalf("empty phrase from %q", s)
				}
				for _, w := range p {
					if len(SearchWords(w)) != 1 || SearchWords(w)[0] != w {
						t.Fatalf("word %q from %q is not a word", w, s)
					}
				}
			}
		}
		if again := ParseSearch(q.String()).String(); again != q.String() {
			t.Fatalf("round trip of %q: %s then %s", s, q.String(), again)
		}
	})
}

func TestSearchWordsAnyScript(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Chinese has no spaces: every ideograph is a word, so a word is a phrase of them.
		{"今天的选举结果。", "今 天 的 选 举 结 果"},
		{"東京タワーへ行く", "東 京 タ ワ ー へ 行 く"},
		// Persian: the zero-width non-joiner separates; Arabic yeh and kaf fold to Persian.
		{"می\u200cخواهم", "می خواهم"},
		{"انتخابات، ايران كشور", "انتخابات ایران کشور"},
		{"Élections «municipales»", "élections municipales"},
		{"한국어 검색", "한국어 검색"},
	} {
		if got := strings.Join(SearchWords(tc.in), " "); got != tc.want {
			t.Errorf("SearchWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := SearchIndexText(tc.in); got != tc.want {
			t.Errorf("SearchIndexText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// An unquoted Chinese word is one phrase of its characters.
	if got := ParseSearch("选举 -结果").String(); got != `"选 举" -"结 果"` {
		t.Errorf("ParseSearch of Chinese = %s", got)
	}
}

func TestSearchLanguage(t *testing.T) {
	for _, tc := range []struct{ site, lang, config string }{
		{"", "en", "english"}, {"fr", "fr", "french"}, {"de", "de", "german"}, {"es", "es", "spanish"},
		{"fa", "fa", "simple"}, {"zh-CN", "zh", "simple"}, {"pt_BR", "pt", "portuguese"}, {" FR ", "fr", "french"},
	} {
		lang := SearchLanguage(tc.site)
		if lang != tc.lang || TextSearchConfig(lang) != tc.config {
			t.Errorf("%q: language %q config %q, want %q %q", tc.site, lang, TextSearchConfig(lang), tc.lang, tc.config)
		}
	}
}

// FuzzSearchIndexText: the index text is its own words, so indexing it again, or searching
// for it, sees exactly the words of the original.
func FuzzSearchIndexText(f *testing.F) {
	for _, s := range []string{"今天的选举", "می\u200cخواهم ايران", "Élections «x»", "a\x00b", "İstanbul ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		idx := SearchIndexText(s)
		if again := SearchIndexText(idx); again != idx {
			t.Fatalf("SearchIndexText(%q) = %q, but again %q", s, idx, again)
		}
		if strings.Join(SearchWords(idx), " ") != idx {
			t.Fatalf("SearchWords of the index text %q differ", idx)
		}
	})
}

// searchWordsOracle is SearchWords as it was before SearchIndexText wrote the words itself
// (one string per word, then joined): the two must agree on any text.
func searchWordsOracle(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range text {
		switch {
		case IsSearchIdeograph(r):
			flush()
			out = append(out, string(r))
		case IsSearchWordRune(r):
			b.WriteRune(FoldSearchRune(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

func FuzzSearchIndexTextOracle(f *testing.F) {
	for _, s := range []string{"", " ", "Hello, World! 42x", "今天的选举abc今", "می\u200cخواهم ايران", "Élections «x» ÀÉ",
		"a\x00b\xffc\xe4", "İstanbul ǅ Σσς", "e\u0301 \u0301x", "<p>a&amp;b</p>", "x\u3000y\u00a0z", "ＡＢＣ１２３", "a_b-c.d'e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := searchWordsOracle(s)
		if got := SearchIndexText(s); got != strings.Join(want, " ") {
			t.Fatalf("SearchIndexText(%q) = %q, want %q", s, got, strings.Join(want, " "))
		}
		if got := SearchWords(s); len(got) != len(want) || strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Fatalf("SearchWords(%q) = %q, want %q", s, got, want)
		}
	})
}
