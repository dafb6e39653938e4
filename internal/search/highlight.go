package search

import (
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/broadside/broadside"
)

// Highlighting works on plain text only: the text is escaped piece by piece and the matched
// words are wrapped in <mark> around already-escaped text, so nothing stored (a hostile title,
// a comment, HTML in a post) can become markup.

// word is one word of a text: its byte range.
type word struct{ start, end int }

// words splits text the way broadside.SearchWords does, keeping positions.
func words(text string) []word {
	var out []word
	start := -1
	for i, r := range text {
		in := broadside.IsSearchWordRune(r)
		if broadside.IsSearchIdeograph(r) { // a word by itself
			if start >= 0 {
				out = append(out, word{start, i})
				start = -1
			}
			out = append(out, word{i, i + utf8.RuneLen(r)})
			continue
		}
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, word{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, word{start, len(text)})
	}
	return out
}

// matcher tells whether a word of the text is one of the searched words, loosely: case,
// accents and common English endings aside (the database stems and, on SQLite, folds accents,
// so "councils" finds "council" and both should be marked).
type matcher map[string]bool

func newMatcher(searched []string) matcher {
	m := matcher{}
	for _, w := range searched {
		m[stem(fold(w))] = true
	}
	return m
}

func (m matcher) match(w string) bool { return len(m) > 0 && m[stem(fold(w))] }

// fold lowercases and removes accents.
func fold(s string) string {
	s = strings.Map(broadside.FoldSearchRune, s)
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			var b strings.Builder
			for _, r := range norm.NFD.String(s) {
				if !unicode.Is(unicode.Mn, r) {
					b.WriteRune(r)
				}
			}
			return b.String()
		}
	}
	return s
}

// stem strips a few English endings: enough for highlighting to agree with the database's
// stemming on ordinary words (council/councils, approve/approved/approving, city/cities).
func stem(w string) string {
	if utf8.RuneCountInString(w) <= 3 {
		return w
	}
	w = strings.TrimSuffix(w, "'s")
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		w = w[:len(w)-1]
	}
	for _, suf := range []string{"ing", "ed", "ly"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			w = w[:len(w)-len(suf)]
			break
		}
	}
	if strings.HasSuffix(w, "e") && len(w) > 4 {
		w = w[:len(w)-1]
	}
	return w
}

// Highlight returns text, escaped, with the words that match searched in <mark>.
func Highlight(text string, searched []string) template.HTML {
	ws := words(text)
	return markWords(text, ws, 0, len(ws), newMatcher(searched), false, false)
}

// Snippet returns about n words of text around the first word that matches searched, escaped
// and highlighted, with "…" where the text was cut, and whether a word matched. With no match
// it returns the first n words and false.
func Snippet(text string, searched []string, n int) (template.HTML, bool) {
	ws := words(text)
	m := newMatcher(searched)
	first := -1
	for i, w := range ws {
		if m.match(text[w.start:w.end]) {
			first = i
			break
		}
	}
	from := 0
	if first >= 0 {
		from = max(0, first-n/4) // some words of lead-in
	}
	to := min(len(ws), from+n)
	if to-from < n { // near the end: show a full window anyway
		from = max(0, to-n)
	}
	if len(ws) == 0 {
		return "", false
	}
	return markWords(text, ws, from, to, m, from > 0, to < len(ws)), first >= 0
}

// markWords writes ws[from:to] with the text between them, escaped, matches marked.
func markWords(text string, ws []word, from, to int, m matcher, lead, trail bool) template.HTML {
	if len(ws) == 0 {
		return template.HTML(template.HTMLEscapeString(text))
	}
	var b strings.Builder
	start, end := 0, len(text)
	if lead {
		b.WriteString("… ")
		start = ws[from].start
	}
	if trail {
		end = ws[to-1].end
	}
	pos := start
	for _, w := range ws[from:to] {
		b.WriteString(template.HTMLEscapeString(text[pos:w.start]))
		s := template.HTMLEscapeString(text[w.start:w.end])
		if m.match(text[w.start:w.end]) {
			s = "<mark>" + s + "</mark>"
		}
		b.WriteString(s)
		pos = w.end
	}
	b.WriteString(template.HTMLEscapeString(text[pos:end]))
	if trail {
		b.WriteString(" …")
	}
	return template.HTML(strings.TrimSpace(b.String()))
}
