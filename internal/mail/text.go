package mail

import (
	"strings"

	"golang.org/x/net/html"
)

// TextFromHTML turns sanitized post HTML into the plain-text part of an email: paragraphs
// separated by blank lines and wrapped, list items with dashes, links written out after their
// text, images by their description.
func TextFromHTML(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var out strings.Builder
	var para strings.Builder // the current block's text
	var hrefs []string       // open links
	var lists []int          // open lists: 0 for ul, the next number for ol
	pre := 0
	skip := 0
	// flush ends the current block; list items end with one newline, other blocks with a
	// blank line.
	flush := func(prefix string) {
		t := para.String()
		para.Reset()
		if pre == 0 {
			t = strings.Join(strings.Fields(t), " ")
		}
		if strings.TrimSpace(t) == "" {
			return
		}
		if pre == 0 {
			t = Wrap(prefix+t, 72)
		}
		out.WriteString(t)
		if len(lists) > 0 {
			out.WriteString("\n")
		} else {
			out.WriteString("\n\n")
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			flush("")
			return strings.TrimSpace(collapseBlankLines(out.String()))
		case html.TextToken:
			if skip == 0 {
				para.WriteString(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			attrs := map[string]string{}
			for {
				k, v, more := z.TagAttr()
				attrs[string(k)] = string(v)
				if !more {
					break
				}
			}
			switch tag {
			case "script", "style", "sup":
				if tt == html.StartTagToken {
					skip++
				}
			case "p", "div", "blockquote", "figure", "figcaption", "table", "tr", "h5", "h6":
				flush("")
			case "h1", "h2", "h3", "h4":
				flush("")
			case "pre":
				flush("")
				pre++
			case "br":
				para.WriteString("\n")
			case "hr":
				flush("")
				out.WriteString("----\n\n")
			case "ul":
				flush("")
				lists = append(lists, 0)
			case "ol":
				flush("")
				lists = append(lists, 1)
			case "li":
				flush("")
				if n := len(lists); n > 0 && lists[n-1] > 0 {
					para.WriteString(itoa(lists[n-1]) + ". ")
					lists[n-1]++
				} else {
					para.WriteString("- ")
				}
			case "a":
				if tt == html.StartTagToken {
					hrefs = append(hrefs, attrs["href"])
				}
			case "img":
				if alt := strings.TrimSpace(attrs["alt"]); alt != "" {
					para.WriteString("[" + alt + "]")
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch tag := string(name); tag {
			case "script", "style", "sup":
				if skip > 0 {
					skip--
				}
			case "p", "div", "blockquote", "figure", "figcaption", "li", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6":
				flush("")
			case "pre":
				flush("")
				if pre > 0 {
					pre--
				}
			case "ul", "ol":
				flush("")
				if len(lists) > 0 {
					lists = lists[:len(lists)-1]
				}
				if len(lists) == 0 {
					out.WriteString("\n")
				}
			case "a":
				if n := len(hrefs); n > 0 {
					href := hrefs[n-1]
					hrefs = hrefs[:n-1]
					if href != "" && !strings.HasPrefix(href, "#") && !strings.Contains(para.String(), href) {
						para.WriteString(" (" + href + ")")
					}
				}
			}
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
