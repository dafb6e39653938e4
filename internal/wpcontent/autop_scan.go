package wpcontent

import "strings"

// The scanners below are Autop's frequent steps. Each says in its comment the RE2
// expression it replaces (Go's \s is [\t\n\f\r ], no \v); autop_oracle_test.go still runs
// those expressions and the tests compare the two. They look at bytes: every character a
// pattern names is ASCII, and an ASCII byte is always a whole character in Go's reading of
// UTF-8, valid or not, so a byte match is a match of the regexp. Searches that could be
// repeated from many starting points (the next '>', the next "</p>") go through a cache
// (next), so a hostile text costs linear time as the regexp engine did.

// collapseDoubleBR: `<br\s*/?>\s*<br\s*/?>` → "\n\n".
func collapseDoubleBR(s string) string {
	if !strings.Contains(s, "<br") {
		return s
	}
	return replaceAt(s, "<br", func(i int) (from, to int, repl string, resume int) {
		if j := voidTagAt(s, i, "<br"); j > 0 {
			if j2 := voidTagAt(s, skipRESpace(s, j), "<br"); j2 > 0 {
				return i, j2, "\n\n", j2
			}
		}
		return 0, 0, "", -1
	})
}

// voidTagAt matches open + `\s*/?>` at s[i] (open is "<br" or "<hr") and returns the
// index past it, or -1.
func voidTagAt(s string, i int, open string) int {
	if !strings.HasPrefix(s[i:], open) {
		return -1
	}
	j := skipRESpace(s, i+len(open))
	if j < len(s) && s[j] == '/' {
		j++
	}
	if j < len(s) && s[j] == '>' {
		return j + 1
	}
	return -1
}

// spaceBlocks does three steps in one pass, as they cannot interfere (each inserts only
// before a '<' or after a '>' its match ends with):
// `(<allBlocks[\s/>])` → "\n\n$1", `(</allBlocks>)` → "$1\n\n", `(<hr\s*?/?>)` → "$1\n\n".
func spaceBlocks(s string) string {
	return replaceAt(s, "<", func(i int) (from, to int, repl string, resume int) {
		if i+1 < len(s) && s[i+1] == '/' {
			if j := blockName(s, i+2); j >= 0 && j < len(s) && s[j] == '>' {
				return i, j + 1, s[i:j+1] + "\n\n", j + 1
			}
			return 0, 0, "", -1
		}
		open := -1
		if j := blockName(s, i+1); j >= 0 && j < len(s) && (isRESpace(s[j]) || s[j] == '/' || s[j] == '>') {
			open = j + 1
		}
		hr := voidTagAt(s, i, "<hr") // `<hr\s*?/?>`: lazy or greedy, the one match is the same
		switch {
		case hr >= 0:
			// <hr> is a block too, so it gets both.
			pre := ""
			if open >= 0 {
				pre = "\n\n"
			}
			return i, hr, pre + s[i:hr] + "\n\n", hr
		case open >= 0:
			return i, i, "\n\n", open
		}
		return 0, 0, "", -1
	})
}

// collapseNewlines: `\n\n+` → "\n\n".
func collapseNewlines(s string) string {
	if !strings.Contains(s, "\n\n\n") {
		return s
	}
	return replaceAt(s, "\n\n\n", func(i int) (from, to int, repl string, resume int) {
		j := i + 3
		for j < len(s) && s[j] == '\n' {
			j++
		}
		return i, j, "\n\n", j
	})
}

// paragraphs splits s at `\n\s*\n` and wraps each non-empty part, its newlines trimmed, in
// <p>…</p>\n.
func paragraphs(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	para := func(p string) {
		if p == "" {
			return
		}
		b.WriteString("<p>")
		b.WriteString(strings.Trim(p, "\n"))
		b.WriteString("</p>\n")
	}
	beg := 0
	for i := 0; ; {
		k := strings.IndexByte(s[i:], '\n')
		if k < 0 {
			break
		}
		i += k
		// Greedy \s* then \n: the match runs to the last newline of the whitespace run.
		j := skipRESpace(s, i+1)
		last := strings.LastIndexByte(s[i+1:j], '\n')
		if last < 0 {
			i++
			continue
		}
		end := i + 1 + last + 1
		para(s[beg:i])
		beg, i = end, end
	}
	para(s[beg:])
	return b.String()
}

// dropEmptyP: `<p>\s*</p>` → "".
func dropEmptyP(s string) string {
	return replaceAt(s, "<p>", func(i int) (from, to int, repl string, resume int) {
		j := skipRESpace(s, i+3)
		if strings.HasPrefix(s[j:], "</p>") {
			return i, j + 4, "", j + 4
		}
		return 0, 0, "", -1
	})
}

// closeUnclosedP: `<p>([^<]+)</(div|address|form)>` → "<p>$1</p></$2>".
func closeUnclosedP(s string) string {
	if !strings.Contains(s, "</div>") && !strings.Contains(s, "</address>") && !strings.Contains(s, "</form>") {
		return s
	}
	lt := next{s: s, sep: "<"}
	return replaceAt(s, "<p>", func(i int) (from, to int, repl string, resume int) {
		j := lt.at(i + 3)
		if j > i+3 {
			rest := s[j:]
			if strings.HasPrefix(rest, "</div>") || strings.HasPrefix(rest, "</address>") || strings.HasPrefix(rest, "</form>") {
				return j, j, "</p>", j + strings.IndexByte(rest, '>') + 1
			}
		}
		return 0, 0, "", -1
	})
}

// unwrapBlock: `<p>\s*(</?allBlocks[^>]*>)\s*</p>` → "$1".
func unwrapBlock(s string) string {
	gt := next{s: s, sep: ">"}
	return replaceAt(s, "<p>", func(i int) (from, to int, repl string, resume int) {
		j := skipRESpace(s, i+3)
		if j < len(s) && s[j] == '<' {
			if t := blockTagAt(s, j, &gt); t >= 0 {
				if c := skipRESpace(s, t); strings.HasPrefix(s[c:], "</p>") {
					return i, c + 4, s[j:t], c + 4
				}
			}
		}
		return 0, 0, "", -1
	})
}

// unwrapLI: `<p>(<li.+?)</p>` → "$1" (`.` is any character but a newline).
func unwrapLI(s string) string {
	if !strings.Contains(s, "<p><li") {
		return s
	}
	closeP := next{s: s, sep: "</p>"}
	nl := next{s: s, sep: "\n"}
	return replaceAt(s, "<p><li", func(i int) (from, to int, repl string, resume int) {
		if c := closeP.at(i + 7); c >= 0 {
			if n := nl.at(i + 6); n < 0 || n > c {
				return i, c + 4, s[i+3 : c], c + 4
			}
		}
		return 0, 0, "", -1
	})
}

// blockquoteOutOfP: `(?i)<p><blockquote([^>]*)>` → "<blockquote$1><p>".
func blockquoteOutOfP(s string) string {
	gt := next{s: s, sep: ">"}
	return replaceAt(s, "<", func(i int) (from, to int, repl string, resume int) {
		if j := blockquoteAt(s, i); j >= 0 {
			if g := gt.at(j); g >= 0 {
				return i, g + 1, "<blockquote" + s[j:g+1] + "<p>", g + 1
			}
		}
		return 0, 0, "", -1
	})
}

// blockquoteAt matches `(?i)<p><blockquote` at s[i] and returns the index past it, or -1.
func blockquoteAt(s string, i int) int { return foldPrefixAt(s, i, "<p><blockquote", true) }

// dropPBeforeBlock: `<p>\s*(</?allBlocks[^>]*>)` → "$1".
func dropPBeforeBlock(s string) string {
	gt := next{s: s, sep: ">"}
	return replaceAt(s, "<p>", func(i int) (from, to int, repl string, resume int) {
		j := skipRESpace(s, i+3)
		if j < len(s) && s[j] == '<' {
			if t := blockTagAt(s, j, &gt); t >= 0 {
				return i, t, s[j:t], t
			}
		}
		return 0, 0, "", -1
	})
}

// dropPAfterBlock: `(</?allBlocks[^>]*>)\s*</p>` → "$1".
func dropPAfterBlock(s string) string { return dropAfterBlock(s, "</p>") }

// dropBRAfterBlock: `(</?allBlocks[^>]*>)\s*<br />` → "$1".
func dropBRAfterBlock(s string) string {
	if !strings.Contains(s, "<br />") {
		return s
	}
	return dropAfterBlock(s, "<br />")
}

func dropAfterBlock(s, after string) string {
	gt := next{s: s, sep: ">"}
	failT := -1 // many tags can share one '>': what follows it is looked at once
	return replaceAt(s, "<", func(i int) (from, to int, repl string, resume int) {
		if t := blockTagAt(s, i, &gt); t >= 0 && t != failT {
			if c := skipRESpace(s, t); strings.HasPrefix(s[c:], after) {
				return t, c + len(after), "", c + len(after)
			}
			failT = t
		}
		return 0, 0, "", -1
	})
}

// dropBRBeforeBlock: `<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)` → "$1".
func dropBRBeforeBlock(s string) string {
	gt := next{s: s, sep: ">"}
	return replaceAt(s, "<br />", func(i int) (from, to int, repl string, resume int) {
		j := skipRESpace(s, i+6)
		if j < len(s) && s[j] == '<' {
			n := j + 1
			if n < len(s) && s[n] == '/' {
				n++
			}
			if brBlockPrefix(s[n:]) {
				if g := gt.at(n); g >= 0 {
					return i, i + 6, "", g + 1
				}
			}
		}
		return 0, 0, "", -1
	})
}

func brBlockPrefix(s string) bool {
	if len(s) == 0 {
		return false
	}
	if s[0] == 'p' {
		return true // p, pre
	}
	if len(s) < 2 {
		return false
	}
	switch s[:2] {
	case "li", "di", "dl", "dd", "dt", "th", "td", "ul", "ol":
		return s[:2] != "di" || strings.HasPrefix(s, "div")
	}
	return false
}
