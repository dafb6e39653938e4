package render

import (
	"unicode"
	"unicode/utf8"
)

// text writes a run of comment text (entities already decoded, tags already handled):
// escapes it, turns blank lines into paragraph breaks and single newlines into <br>
// (WordPress's wpautop), and turns bare http(s) URLs and e-mail addresses into links
// (make_clickable).
func (w *commentWriter) text(s string) {
	linkable := !w.inLink()
	start := 0 // start of the plain segment not yet written
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			w.plain(s[start:i])
			j, newlines := i, 0
			for ; j < len(s) && isSpaceByte(s[j]); j++ {
				if s[j] == '\n' {
					newlines++
				}
			}
			if newlines >= 2 {
				w.paragraphBreak()
			} else if w.top().inP {
				w.pendingBR = true
			}
			i, start = j, j
		case linkable && (c == 'h' || c == 'H') && urlAt(s, i) > 0:
			n := urlAt(s, i)
			w.plain(s[start:i])
			w.link(s[i:i+n], s[i:i+n])
			i += n
			start = i
		case linkable && isEmailLocal(c) && (i == 0 || isSpaceByte(s[i-1])) && emailAt(s, i) > 0:
			n := emailAt(s, i)
			w.plain(s[start:i])
			w.link("mailto:"+s[i:i+n], s[i:i+n])
			i += n
			start = i
		default:
			i++
		}
	}
	w.plain(s[start:])
}

// plain writes escaped text. Whitespace alone opens no paragraph and is dropped where a
// <br> or a paragraph break is about to be written anyway.
func (w *commentWriter) plain(s string) {
	if s == "" {
		return
	}
	if isBlank(s) {
		if w.top().inP && !w.pendingBR {
			w.out = append(w.out, s...)
		}
		return
	}
	if !w.top().inP {
		// A paragraph does not start with blanks.
		for isSpaceByte(s[0]) {
			s = s[1:]
		}
	}
	w.content()
	w.out = appendEscaped(w.out, s)
}

func (w *commentWriter) link(href, text string) {
	w.content()
	w.out = append(w.out, `<a href="`...)
	w.out = appendEscaped(w.out, href)
	w.out = append(w.out, `" rel="`+commentRel+`">`...)
	w.out = appendEscaped(w.out, text)
	w.out = append(w.out, "</a>"...)
}

// emailAt returns the length of the e-mail address starting at s[i], or 0. It follows
// WordPress's make_clickable: a local part of ASCII letters, digits and . _ + -, an '@', then
// labels of letters, digits and '-' each followed by a dot, and a last label of at least two
// letters or digits; the longest such domain wins and whatever follows it is left as text.
// IDN domains are not linked (WordPress does not either; their punycode form is). The caller
// checks that the address starts a word. Every loop only moves forward: linear in len(s).
func emailAt(s string, i int) int {
	j := i
	for j < len(s) && isEmailLocal(s[j]) {
		j++
	}
	if j == i || j >= len(s) || s[j] != '@' {
		return 0
	}
	domain, end := j+1, 0
	for k := domain; ; k++ { // k: start of a label
		l := k
		for k < len(s) && (isAlnum(s[k]) || s[k] == '-') {
			k++
		}
		if k == l {
			break // an empty label ends the domain
		}
		if l > domain { // after at least one "label.", this label may be the last one
			t := l
			for t < k && isAlnum(s[t]) {
				t++
			}
			if t-l >= 2 {
				end = t
			}
		}
		if k >= len(s) || s[k] != '.' {
			break
		}
	}
	if end == 0 {
		return 0
	}
	return end - i
}

func isEmailLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '+' || c == '-'
}

// urlAt returns the length of the bare http(s) URL starting at s[i], or 0. Like WordPress's
// make_clickable, the URL must start a word, runs to whitespace or a character that cannot
// be in a URL, and loses trailing punctuation and unbalanced closing brackets.
func urlAt(s string, i int) int {
	rest := s[i:]
	var n int
	switch {
	case hasPrefixFold(rest, "https://"):
		n = len("https://")
	case hasPrefixFold(rest, "http://"):
		n = len("http://")
	default:
		return 0
	}
	if i > 0 && !urlMayFollow(s[:i]) {
		return 0
	}
	// The host must start with a letter, digit, '[' (IPv6) or a non-ASCII letter (IDN).
	if n >= len(rest) {
		return 0
	}
	if h := rest[n]; !(isAlnum(h) || h == '[' || h >= utf8.RuneSelf) {
		return 0
	}
	end := n
	for end < len(rest) {
		c := rest[end]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '`' {
				break
			}
			end++
			continue
		}
		r, size := utf8.DecodeRuneInString(rest[end:])
		if unicode.IsSpace(r) || r == utf8.RuneError {
			break
		}
		end += size
	}
	// Trim trailing punctuation and closing brackets that do not close one in the URL.
	// The bracket balance is counted once and updated while trimming, to stay linear.
	var balance [3]int // (), [], {}: opening minus closing
	for j := n; j < end; j++ {
		if k, d := bracket(rest[j]); d != 0 {
			balance[k] += d
		}
	}
	for end > n {
		c := rest[end-1]
		switch c {
		case '.', ',', ';', ':', '!', '?', '\'', '*':
			end--
			continue
		case ')', ']', '}':
			if k, _ := bracket(c); balance[k] < 0 {
				balance[k]++
				end--
				continue
			}
		}
		break
	}
	if end == n {
		return 0
	}
	return end
}

// bracket classifies c as one of the three bracket kinds and says whether it opens (+1)
// or closes (-1); d is 0 for any other byte.
func bracket(c byte) (kind, d int) {
	switch c {
	case '(':
		return 0, 1
	case ')':
		return 0, -1
	case '[':
		return 1, 1
	case ']':
		return 1, -1
	case '{':
		return 2, 1
	case '}':
		return 2, -1
	}
	return 0, 0
}

// urlMayFollow reports whether a URL may start right after before: at the start of a word
// or after an opening bracket or quote.
func urlMayFollow(before string) bool {
	r, _ := utf8.DecodeLastRuneInString(before)
	switch r {
	case '(', '[', '{', '"', '\'', '>', '*', '_':
		return true
	}
	return unicode.IsSpace(r)
}

func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isSpaceByte matches the ASCII whitespace wpautop treats as blank between newlines.
func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\v'
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSpaceByte(s[i]) {
			return false
		}
	}
	return true
}

// appendEscaped appends s with the five HTML-special characters escaped, exactly as
// html.EscapeString does.
func appendEscaped(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, esc...)
		last = i + 1
	}
	return append(dst, s[last:]...)
}
