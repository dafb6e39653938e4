package wpcontent

import "strings"

// The two scanners below find the URLs that autoembed would turn into embeds; they do
// what the RE2 expressions in their comments do (autop_oracle_test.go keeps those, and the
// tests compare), at a fraction of the cost. As in autop_scan.go, every character the
// patterns name is ASCII, so bytes are compared.

// isURLByte is the pattern's [^\s<>"] (RE2's \s is [\t\n\f\r ]).
func isURLByte(c byte) bool {
	return !isRESpace(c) && c != '<' && c != '>' && c != '"'
}

// urlAt matches `https?://[^\s<>"]+` at s[i], under (?i) when fold is set, and returns the
// index past the URL, or -1.
func urlAt(s string, i int, fold bool) int {
	j := foldPrefixAt(s, i, "http", fold)
	if j < 0 {
		return -1
	}
	if k := foldPrefixAt(s, j, "s", fold); k >= 0 {
		j = k
	}
	if !strings.HasPrefix(s[j:], "://") {
		return -1
	}
	j += 3
	k := j
	for k < len(s) && isURLByte(s[k]) {
		k++
	}
	if lookedAt != nil {
		*lookedAt += k - j
	}
	if k == j {
		return -1
	}
	return k
}

// linkURLs is embeds' URL step: URLs alone on a line, then URLs alone in a paragraph.
func linkURLs(s string) string { return linkURLParas(linkURLLines(s)) }

// linkURLLines: `(?m)^([ \t]*)(https?://[^\s<>"]+)([ \t]*)$` → $1 + link($2) + $3.
func linkURLLines(s string) string {
	e := edit{s: s}
	for line := 0; line < len(s); {
		end := strings.IndexByte(s[line:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += line
		}
		i := line
		for i < end && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if u := urlAt(s, i, false); u > 0 && u <= end {
			j := u
			for j < end && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			if j == end {
				e.put(i, u, link(s[i:u], s[i:u]))
			}
		}
		line = end + 1
	}
	return e.String()
}

// linkURLParas: `(?i)(<p(?: [^>]*)?>\s*)(https?://[^\s<>"]+)(\s*</p>)` → $1 + link($2) + $3.
func linkURLParas(s string) string {
	gt := next{s: s, sep: ">"}
	failG := -1 // many "<p " can share one '>': what follows it is looked at once
	return replaceAt(s, "<", func(i int) (from, to int, repl string, resume int) {
		if i+2 < len(s) && (s[i+1] == 'p' || s[i+1] == 'P') && (s[i+2] == '>' || s[i+2] == ' ') {
			if g := gt.at(i + 2); g >= 0 && g != failG {
				start := skipRESpace(s, g+1)
				if u := urlAt(s, start, true); u > 0 {
					if c := skipRESpace(s, u); closePAt(s, c) {
						return start, u, link(s[start:u], s[start:u]), c + 4
					}
				}
				failG = g
			}
		}
		return 0, 0, "", -1
	})
}

// closePAt reports whether s[i:] starts with `(?i)</p>`.
func closePAt(s string, i int) bool {
	return i+4 <= len(s) && s[i] == '<' && s[i+1] == '/' && (s[i+2] == 'p' || s[i+2] == 'P') && s[i+3] == '>'
}
