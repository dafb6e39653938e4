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

// SearchWords splits text into lowercase words: runs of letters, marks and digits, except
// that each ideograph or kana (IsSearchIdeograph) is a word of its own, because Chinese and
// Japanese put no spaces between words: "选举" is found as the phrase "选 举" wherever those
// two characters stand together. Arabic letters Persian writes differently are folded to the
// Persian form (FoldSearchRune), so text typed on an Arabic keyboard finds Persian text.
// The index stores SearchIndexText, which is these words; this is that text split (no word
// holds a space).
func SearchWords(text string) []string {
	return strings.Fields(SearchIndexText(text))
}

// SearchIndexText is what the search index of either database reads for a piece of text:
// its SearchWords separated by single spaces. Indexing this and searching SearchWords of the
// query makes the database's own tokenizer agree with ours whatever the script. It is the
// one tokenizer of search; it writes the words straight into one string, ASCII without
// looking up Unicode's tables, because an import runs it over every post and comment.
func SearchIndexText(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	inWord := false // the last rune written belongs to a word that may go on
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			i++
			switch {
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			default:
				inWord = false
				continue
			}
			if !inWord && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteByte(c)
			inWord = true
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		switch {
		case IsSearchIdeograph(r):
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			inWord = false
		case IsSearchWordRune(r):
			if !inWord && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(FoldSearchRune(r))
			inWord = true
		default:
			inWord = false
		}
	}
	return b.String()
}

// IsSearchWordRune reports whether r belongs in a word: letters, marks and digits. The
// zero-width non-joiner inside Persian words separates, as a space would.
func IsSearchWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// IsSearchIdeograph reports whether r is a Han ideograph or a kana, the scripts written
// without spaces between words.
func IsSearchIdeograph(r rune) bool {
	switch {
	case r < 0x3040:
		return false
	case r <= 0x30ff: // hiragana, katakana
		return unicode.IsLetter(r)
	case r >= 0x3400 && r <= 0x4dbf, r >= 0x4e00 && r <= 0x9fff, r >= 0xf900 && r <= 0xfaff,
		r >= 0x20000 && r <= 0x3134f:
		return true
	}
	return false
}

// FoldSearchRune lowercases r and folds the Arabic yeh, alef maksura and kaf to the Persian
// yeh and keheh, which look the same and which Persian text mixes freely.
func FoldSearchRune(r rune) rune {
	switch r {
	case '\u064a', '\u0649':
		return '\u06cc'
	case '\u0643':
		return '\u06a9'
	}
	return unicode.ToLower(r)
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
