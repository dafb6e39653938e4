package broadside

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxSearchLen is the longest search text accepted, in characters.
const MaxSearchLen = 200

// SearchClause is one condition of a reader's search: at least one of its phrases must occur
// in a post or, when Negated, none of them may. A phrase is a list of words that must occur
// together, in order; a single word is a one-word phrase.
type SearchClause struct {
	Phrases [][]string
	Negated bool
}

// SearchQuery is a parsed search: every clause must hold.
type SearchQuery []SearchClause

// ParseSearch reads a search the way readers type one into a search box and PostgreSQL's
// websearch_to_tsquery reads it, so that SQLite and PostgreSQL answer the same question:
//
//   - words separated by spaces must all occur;
//   - "quoted words" must occur together as a phrase;
//   - or between two terms accepts either;
//   - -word (or -"a phrase") excludes posts containing it.
//
// Words are runs of letters and digits, lowercased; everything else separates words, so
// user input never reaches a query language unparsed. Unbalanced quotes end at the end of the
// text. A term joined by "or" to an excluded term is kept as a separate condition.
func ParseSearch(text string) SearchQuery {
	var q SearchQuery
	orNext := false
	for text != "" {
		r, size := utf8.DecodeRuneInString(text)
		if unicode.IsSpace(r) {
			text = text[size:]
			continue
		}
		negated := false
		if r == '-' && len(text) > 1 {
			if r2, _ := utf8.DecodeRuneInString(text[1:]); !unicode.IsSpace(r2) {
				negated = true
				text = text[1:]
			}
		}
		var raw string
		quoted := strings.HasPrefix(text, `"`)
		if quoted {
			end := strings.IndexByte(text[1:], '"')
			if end < 0 {
				raw, text = text[1:], ""
			} else {
				raw, text = text[1:1+end], text[2+end:]
			}
		} else {
			end := strings.IndexFunc(text, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
			if end < 0 {
				end = len(text)
			}
			raw, text = text[:end], text[end:]
		}
		words := SearchWords(raw)
		if len(words) == 0 {
			continue
		}
		if !quoted && !negated && len(words) == 1 && words[0] == "or" && strings.EqualFold(raw, "or") {
			orNext = len(q) > 0 && !q[len(q)-1].Negated
			continue
		}
		if orNext && !negated {
			last := &q[len(q)-1]
			last.Phrases = append(last.Phrases, words)
		} else {
			q = append(q, SearchClause{Phrases: [][]string{words}, Negated: negated})
		}
		orNext = false
	}
	return q
}

// SearchWords splits text into lowercase words: runs of letters, marks and digits.
func SearchWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// Positive returns the clauses that require something (the ones a search can be answered
// from: a search of exclusions only matches nothing).
func (q SearchQuery) Positive() SearchQuery {
	var out SearchQuery
	for _, c := range q {
		if !c.Negated {
			out = append(out, c)
		}
	}
	return out
}

// Words returns the distinct words of the positive clauses, for highlighting matches.
func (q SearchQuery) Words() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range q.Positive() {
		for _, p := range c.Phrases {
			for _, w := range p {
				if !seen[w] {
					seen[w] = true
					out = append(out, w)
				}
			}
		}
	}
	return out
}

// String writes q back in the syntax ParseSearch reads (and websearch_to_tsquery reads): every
// phrase quoted, so the words inside can only be words.
func (q SearchQuery) String() string {
	var b strings.Builder
	for i, c := range q {
		if i > 0 {
			b.WriteByte(' ')
		}
		for j, p := range c.Phrases {
			if j > 0 {
				b.WriteString(" or ")
			}
			if c.Negated {
				b.WriteByte('-')
			}
			b.WriteString(`"` + strings.Join(p, " ") + `"`)
		}
	}
	return b.String()
}
