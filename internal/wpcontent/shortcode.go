package wpcontent

import (
	"regexp"
	"strings"
)

// shortcode is one [tag attrs]content[/tag] (or [tag attrs], or [tag /]) found in text.
type shortcode struct {
	Start, End int // byte range of the whole shortcode in the text
	Tag        string
	Attrs      map[string]string // names lowercased; positional values under "0", "1", …
	Content    string
	Closed     bool // had a closing [/tag]
	Escaped    bool // [[tag]]: WordPress shows it literally, without the outer brackets
}

// findShortcodes returns the shortcodes in s whose tag satisfies want, outermost first and
// in order, the way WordPress's get_shortcode_regex matches them: a tag name ends at a
// character that is not a letter, digit, '_' or '-'; attributes run to the first ']' not
// inside them (a '/' just before ']' self-closes); an enclosing shortcode's content runs to
// the first matching [/tag].
func findShortcodes(s string, want func(tag string) bool) []shortcode {
	var out []shortcode
	for i := 0; i < len(s); {
		open := strings.IndexByte(s[i:], '[')
		if open < 0 {
			break
		}
		open += i
		sc, ok := parseShortcodeAt(s, open, want)
		if !ok {
			i = open + 1
			continue
		}
		out = append(out, sc)
		i = sc.End
	}
	return out
}

func parseShortcodeAt(s string, open int, want func(string) bool) (shortcode, bool) {
	sc := shortcode{Start: open}
	p := open + 1
	if p < len(s) && s[p] == '[' {
		sc.Escaped = true
		p++
	}
	nameStart := p
	for p < len(s) && isTagChar(s[p]) {
		p++
	}
	if p == nameStart || !want(s[nameStart:p]) {
		return sc, false
	}
	sc.Tag = s[nameStart:p]
	// The attributes: up to ']' or '/]' (WordPress's [^\]\/]* segments).
	attrStart := p
	selfClose := false
	for {
		if p >= len(s) {
			return sc, false
		}
		if s[p] == ']' {
			break
		}
		if s[p] == '/' && p+1 < len(s) && s[p+1] == ']' {
			selfClose = true
			break
		}
		p++
	}
	sc.Attrs = parseAttrs(s[attrStart:p])
	if selfClose {
		p += 2
	} else {
		p++ // ']'
		closer := "[/" + sc.Tag + "]"
		if k := strings.Index(s[p:], closer); k >= 0 {
			sc.Content = s[p : p+k]
			sc.Closed = true
			p += k + len(closer)
		}
	}
	if sc.Escaped {
		if p < len(s) && s[p] == ']' {
			p++
		} else {
			// "[[tag]" is not an escape: the shortcode starts at the second bracket.
			sc.Escaped = false
			sc.Start++
		}
	}
	sc.End = p
	return sc, true
}

func isTagChar(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

var reAttr = regexp.MustCompile(`([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)`)

// parseAttrs is shortcode_parse_atts: name="v", name='v', name=v, and bare positional values.
func parseAttrs(s string) map[string]string {
	out := map[string]string{}
	s = strings.NewReplacer("\u00a0", " ", "\u200b", " ").Replace(s)
	pos := 0
	for _, m := range reAttr.FindAllStringSubmatch(s, -1) {
		switch {
		case m[1] != "":
			out[strings.ToLower(m[1])] = m[2]
		case m[3] != "":
			out[strings.ToLower(m[3])] = m[4]
		case m[5] != "":
			out[strings.ToLower(m[5])] = m[6]
		default:
			v := m[7] + m[8] + m[9]
			out[itoa(pos)] = v
			pos++
		}
	}
	return out
}

// reLooksLikeShortcode finds what is probably a shortcode we do not know: a tag followed by
// attributes, a self-closing slash, or a matching closing tag somewhere. A bare "[sic]" or
// "[1]" is not reported.
var reShortcodeOpen = regexp.MustCompile(`\[([A-Za-z][\w-]*)(\s+[^\]\[]*?)?(/?)\]`)

// unknownShortcodes returns the distinct tags in s that look like shortcodes and are not
// known.
func unknownShortcodes(s string, known func(string) bool) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range reShortcodeOpen.FindAllStringSubmatchIndex(s, -1) {
		tag := s[m[2]:m[3]]
		if known(tag) || seen[tag] {
			continue
		}
		hasAttrs := m[4] >= 0 && strings.Contains(s[m[4]:m[5]], "=")
		selfClose := m[7] > m[6]
		closed := strings.Contains(s[m[1]:], "[/"+tag+"]")
		if hasAttrs || selfClose || closed || strings.ContainsAny(tag, "_-") {
			seen[tag] = true
			out = append(out, tag)
		}
	}
	return out
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
