package render

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The invariant checkers shared by the attack tables and the fuzz tests. They look at the
// output the way a browser does: through a real HTML parser.

// forbiddenElements may never appear in rendered output, whatever the input.
var forbiddenElements = map[string]bool{
	"script": true, "iframe": true, "object": true, "embed": true, "style": true, "form": true,
	"meta": true, "base": true, "svg": true, "math": true, "link": true, "frame": true,
	"frameset": true, "applet": true, "input": true, "button": true, "textarea": true,
	"select": true, "template": true, "noscript": true, "xmp": true, "plaintext": true,
	"noembed": true, "noframes": true, "portal": true, "param": true, "title": true,
}

// commentElements is everything a rendered comment may contain.
var commentElements = map[string]bool{
	"p": true, "br": true, "a": true, "abbr": true, "acronym": true, "b": true,
	"blockquote": true, "cite": true, "code": true, "del": true, "em": true, "i": true,
	"q": true, "s": true, "strike": true, "strong": true,
}

// urlAttributes are attributes a browser may dereference or navigate to.
var urlAttributes = map[string]bool{
	"href": true, "src": true, "cite": true, "action": true, "formaction": true,
	"background": true, "poster": true, "data": true, "srcset": true, "longdesc": true,
	"usemap": true, "xlink:href": true, "ping": true, "lowsrc": true, "dynsrc": true,
	"manifest": true, "codebase": true, "profile": true, "icon": true,
}

// unsafeReason returns why out is unsafe, or "". comment applies the comment contract:
// only the comment elements, only absolute http/https/mailto links, rel on every link.
func unsafeReason(out string, comment bool) string {
	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return "parse: " + err.Error()
	}
	var reason string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if reason != "" {
			return
		}
		switch n.Type {
		case html.CommentNode:
			reason = "HTML comment in output: " + n.Data
			return
		case html.ElementNode:
			if r := elementReason(n, comment); r != "" {
				reason = r
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return reason
}

func elementReason(n *html.Node, comment bool) string {
	name := strings.ToLower(n.Data)
	if n.Namespace != "" {
		return fmt.Sprintf("foreign-content element <%s:%s>", n.Namespace, name)
	}
	if forbiddenElements[name] {
		return fmt.Sprintf("forbidden element <%s>", name)
	}
	if comment && !commentElements[name] {
		return fmt.Sprintf("element <%s> not allowed in comments", name)
	}
	var rel string
	hasHref := false
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		if a.Namespace != "" {
			key = a.Namespace + ":" + key
		}
		switch {
		case strings.HasPrefix(key, "on"):
			return fmt.Sprintf("event handler %s on <%s>", key, name)
		case key == "style":
			return fmt.Sprintf("style attribute on <%s>", name)
		case key == "srcdoc" || key == "formaction" || key == "action" || strings.Contains(key, ":"):
			return fmt.Sprintf("attribute %s on <%s>", key, name)
		case key == "rel":
			rel = a.Val
		}
		if urlAttributes[key] {
			if key == "href" {
				hasHref = true
			}
			scheme, ok := urlScheme(a.Val)
			switch {
			case !ok:
				return fmt.Sprintf("unparseable scheme in %s=%q on <%s>", key, a.Val, name)
			case scheme == "" && comment:
				return fmt.Sprintf("relative URL %s=%q in a comment", key, a.Val)
			case scheme == "":
			case name == "img" && key == "src" && scheme != "http" && scheme != "https":
				return fmt.Sprintf("image source scheme %q", scheme)
			case scheme != "http" && scheme != "https" && scheme != "mailto":
				return fmt.Sprintf("scheme %q in %s=%q on <%s>", scheme, key, a.Val, name)
			}
		}
	}
	if comment && name == "a" {
		if !hasHref {
			return "comment link without href"
		}
		if rel != "nofollow ugc noopener" {
			return fmt.Sprintf("comment link with rel=%q", rel)
		}
	}
	return ""
}

// urlScheme returns the lowercased scheme of u as a browser would see it. u comes from the
// parser, so entities are already decoded (exactly once, as in a browser); ASCII whitespace,
// control characters and invisible spaces are removed everywhere, which is stricter than a
// browser (it strips them only at the ends, tabs and newlines anywhere). ok is false when
// the text before the first ':' cannot be told apart from a scheme.
func urlScheme(u string) (scheme string, ok bool) {
	var b strings.Builder
	for _, r := range u {
		if r <= 0x20 || r == 0x7f || r == 0xfeff || r == 0x200b || r == 0xa0 {
			continue
		}
		b.WriteRune(r)
	}
	s := strings.ToLower(b.String())
	i := strings.IndexAny(s, ":/?#")
	if i < 0 || s[i] != ':' {
		return "", true // relative
	}
	scheme = s[:i]
	for j, r := range scheme {
		if !(r >= 'a' && r <= 'z' || j > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			// Not a valid scheme: a browser treats it as a relative path, but we refuse to
			// guess — this must not appear in our output at all.
			return scheme, false
		}
	}
	return scheme, true
}

var voidTags = map[string]bool{
	"area": true, "br": true, "col": true, "hr": true, "img": true, "wbr": true,
	"source": true, "track": true,
}

// balancedReason returns why out is not well-formed markup, or "". The tags must nest as
// written, and a real HTML parser must build exactly the tree the tags describe (if it
// restructures anything — implicit closes, adoption agency, foster parenting — the page
// around the fragment is at risk). Finally the fragment, wrapped in a <div> on a page, must
// leave the element after it alone.
func balancedReason(out string) string {
	var written []string
	var stack []string
	z := html.NewTokenizer(strings.NewReader(out))
	for done := false; !done; {
		switch z.Next() {
		case html.ErrorToken:
			done = true
		case html.StartTagToken:
			name, _ := z.TagName()
			n := string(name)
			written = append(written, fmt.Sprintf("%d:%s", len(stack), n))
			if !voidTags[n] {
				stack = append(stack, n)
			}
		case html.SelfClosingTagToken:
			name, _ := z.TagName()
			n := string(name)
			if !voidTags[n] {
				return fmt.Sprintf("self-closing non-void <%s/>", n)
			}
			written = append(written, fmt.Sprintf("%d:%s", len(stack), n))
		case html.EndTagToken:
			name, _ := z.TagName()
			n := string(name)
			if len(stack) == 0 || stack[len(stack)-1] != n {
				return fmt.Sprintf("end tag </%s> does not match the open element (stack %v)", n, stack)
			}
			stack = stack[:len(stack)-1]
		case html.TextToken:
			e := fmt.Sprintf("%d:#text", len(stack))
			if len(written) == 0 || written[len(written)-1] != e {
				written = append(written, e)
			}
		case html.CommentToken, html.DoctypeToken:
			return "comment or doctype token"
		}
	}
	if len(stack) > 0 {
		return fmt.Sprintf("unclosed elements %v", stack)
	}

	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return "parse: " + err.Error()
	}
	var parsed []string
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		switch n.Type {
		case html.ElementNode:
			parsed = append(parsed, fmt.Sprintf("%d:%s", depth, n.Data))
			depth++
		case html.TextNode:
			parsed = append(parsed, fmt.Sprintf("%d:#text", depth))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth)
		}
	}
	for _, n := range nodes {
		walk(n, 0)
	}
	if strings.Join(parsed, " ") != strings.Join(written, " ") {
		return fmt.Sprintf("parser restructured the markup:\n written %v\n parsed  %v", written, parsed)
	}

	doc, err := html.Parse(strings.NewReader("<!DOCTYPE html><html><head></head><body><div>" + out + "</div><p>AFTER</p></body></html>"))
	if err != nil {
		return "parse page: " + err.Error()
	}
	body := find(doc, atom.Body)
	var kids []*html.Node
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			kids = append(kids, c)
		}
	}
	if len(kids) != 2 || kids[0].DataAtom != atom.Div || kids[1].DataAtom != atom.P ||
		kids[1].FirstChild == nil || kids[1].FirstChild.Data != "AFTER" {
		return "wrapping the fragment in a <div> disturbed the page around it"
	}
	return ""
}

func find(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, a); f != nil {
			return f
		}
	}
	return nil
}
