package activitypub

import (
	"strings"

	"golang.org/x/net/html"
)

// NoteText turns a remote Note's HTML content into a comment body: the markup a reader may
// type in the comment form (paragraphs as blank lines, line breaks as newlines, the inline
// tags comments allow), so that it is stored, checked (links, word lists, duplicates) and
// rendered — sanitized — exactly like a comment written here. It keeps no attribute but a
// link's href; scripts, styles and their text are dropped. Mastodon's presentation is undone
// where it would count against the author: a link whose text is its address becomes the
// bare address (one link, as typed), mentions and hashtags become their text, and the
// mention of one of our actors (the site's addresses under base) that opens a reply is left
// out. The result is never trusted: render sanitizes it like every comment.
func NoteText(content, base string) string {
	z := html.NewTokenizer(strings.NewReader(content))
	var b strings.Builder
	var (
		skip    int    // inside script, style and the like
		link    string // href of the open link whose text is being gathered
		inLink  bool
		plain   int  // inside mentions and hashtags: text only
		drop    bool // inside the opening mention of our actor: nothing written
		text    strings.Builder
		leading = true // nothing visible written yet
	)
	brk := func(s string) {
		out := strings.TrimRight(b.String(), " \t\n")
		b.Reset()
		b.WriteString(out)
		if out != "" {
			b.WriteString(s)
		}
	}
	write := func(s string) {
		if inLink {
			text.WriteString(s)
			return
		}
		if strings.TrimSpace(s) != "" {
			leading = false
		}
		b.WriteString(escapeText(s))
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		name, hasAttr := z.TagName()
		tag := string(name)
		attrs := map[string]string{}
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			attrs[string(k)] = string(v)
		}
		switch tt {
		case html.TextToken:
			if skip == 0 && !drop {
				write(string(z.Text()))
			}
			continue
		case html.StartTagToken, html.SelfClosingTagToken:
			if skipped[tag] {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
		case html.EndTagToken:
			if skipped[tag] {
				if skip > 0 {
					skip--
				}
				continue
			}
		default:
			continue
		}
		if skip > 0 || drop && tag != "a" {
			continue
		}
		start := tt != html.EndTagToken
		switch tag {
		case "p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre":
			brk("\n\n")
		case "br", "li":
			if start {
				brk("\n")
			}
		case "a":
			if drop {
				drop = start
				continue
			}
			if inLink && !start {
				inLink = false
				t := text.String()
				text.Reset()
				b.WriteString(linkText(link, t))
				if strings.TrimSpace(t) != "" {
					leading = false
				}
				continue
			}
			if !start {
				if plain > 0 {
					plain--
				}
				continue
			}
			cls := " " + attrs["class"] + " "
			if strings.Contains(cls, " mention ") || strings.Contains(cls, " hashtag ") || strings.Contains(cls, " u-url ") {
				if leading && ours(attrs["href"], base) {
					drop = true // the opening mention of our actor: left out with its text
					continue
				}
				plain++
				continue
			}
			if !inLink && plain == 0 {
				inLink, link = true, attrs["href"]
			}
		default:
			if !inlineTags[tag] || inLink || plain > 0 {
				continue
			}
			if start {
				b.WriteString("<" + tag + ">")
			} else {
				b.WriteString("</" + tag + ">")
			}
		}
	}
	if inLink {
		b.WriteString(linkText(link, text.String()))
	}
	return strings.TrimSpace(b.String())
}

// skipped elements are dropped with everything inside them.
var skipped = map[string]bool{"script": true, "style": true, "template": true, "noscript": true,
	"iframe": true, "object": true, "svg": true, "math": true, "textarea": true, "select": true, "title": true}

// inlineTags are the tags a comment may carry (internal/render keeps the same set, and
// checks again).
var inlineTags = map[string]bool{"abbr": true, "acronym": true, "b": true, "cite": true, "code": true,
	"del": true, "em": true, "i": true, "q": true, "s": true, "strike": true, "strong": true, "blockquote": true}

// linkText writes a link as a comment would carry it: a bare address when its text is the
// address (with or without the scheme, as Mastodon shortens it), else an <a> with only href.
func linkText(href, text string) string {
	t := strings.TrimSpace(text)
	if href == "" {
		return escapeText(text)
	}
	if t == href || t == strings.TrimSuffix(href, "/") || (t != "" && (strings.TrimPrefix(href, "https://") == t || strings.TrimPrefix(href, "http://") == t)) {
		return escapeText(href)
	}
	return `<a href="` + html.EscapeString(href) + `">` + escapeText(text) + "</a>"
}

// ours reports whether href is one of the site's own addresses (our actors' ids and pages).
func ours(href, base string) bool {
	return base != "" && (href == base || strings.HasPrefix(href, base+"/"))
}

// escapeText makes text safe to put in comment markup: '<' cannot open a tag and '&' cannot
// start an entity, while other characters stay as typed (for the word lists and duplicates).
func escapeText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '<':
			b.WriteString("&lt;")
		case c == '&' && i+1 < len(s) && (isAlnum(s[i+1]) || s[i+1] == '#'):
			b.WriteString("&amp;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
