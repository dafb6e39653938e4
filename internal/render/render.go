// Package render turns untrusted text (authors' Markdown, imported WordPress HTML, readers'
// comments) into HTML that is safe to put on a page. Everything that reaches a reader goes
// through one Renderer, whose goldmark instance and sanitizer policies are built once in New.
//
// The package deliberately knows nothing about the domain types: callers pass strings.
package render

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/broadside/broadside/internal/wpcontent"
)

// Body formats understood by Post and Excerpt (the same strings as broadside.FormatMarkdown,
// FormatHTML and FormatWordPress; render does not import the domain package).
const (
	FormatMarkdown  = "markdown"
	FormatHTML      = "html"
	FormatWordPress = "wordpress"
)

// moreMarker splits a teaser from the rest of a post (WordPress's <!--more-->).
const moreMarker = "<!--more-->"

// Renderer holds the Markdown converter and the sanitizer policies. It has no mutable state
// after New, so one Renderer serves every request concurrently.
type Renderer struct {
	md      goldmark.Markdown
	author  *bluemonday.Policy
	comment *bluemonday.Policy
}

// New builds the Markdown converter and both sanitizer policies.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(
			// GFM without task lists (their <input> elements would be stripped anyway).
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough, extension.Linkify, extension.Footnote,
		),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		// Raw HTML in Markdown is passed through on purpose: authors paste embeds and
		// WordPress markup. Safety comes from the sanitizer that runs on every output.
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
	)
	return &Renderer{md: md, author: authorPolicy(), comment: commentPolicy()}
}

// Post renders a post body. format "markdown" is converted with goldmark (GFM tables,
// strikethrough, autolinks, footnotes) and then sanitized; any other format is treated as
// HTML (imported WordPress content) and only sanitized, after "wordpress" text has been given
// WordPress's paragraphs and shortcodes (wpcontent.Convert, the importer's conversion done at
// display time, as WordPress does it). The <!--more--> marker is removed.
// The result is always balanced markup: the sanitized HTML is parsed as a fragment and
// serialized again, which closes what the author left open and drops stray end tags, so a
// post cannot break the page around it.
func (r *Renderer) Post(format, raw string) template.HTML {
	raw = strings.ReplaceAll(raw, moreMarker, "")
	src := raw
	if format == FormatMarkdown {
		var buf bytes.Buffer
		if err := r.md.Convert([]byte(raw), &buf); err != nil {
			// goldmark only fails when the writer fails; a bytes.Buffer does not. Fall back to
			// escaped text rather than guessing.
			return template.HTML("<p>" + template.HTMLEscapeString(raw) + "</p>")
		}
		src = buf.String()
	} else if format == FormatWordPress {
		src = wpcontent.Convert(raw, wpcontent.Context{}).HTML
	}
	clean := r.author.Sanitize(src)
	return template.HTML(finishPost(clean))
}

// fragmentContext is the element Post output is parsed inside of.
var fragmentContext = &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}

// finishPost parses sanitized HTML, adjusts links and images, and serializes the tree again.
func finishPost(clean string) string {
	if clean == "" {
		return ""
	}
	nodes, err := html.ParseFragment(strings.NewReader(clean), fragmentContext)
	if err != nil {
		// ParseFragment only fails on reader errors; a strings.Reader has none.
		return template.HTMLEscapeString(clean)
	}
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	fixPostNode(root)
	var b strings.Builder
	b.Grow(len(clean) + len(clean)/8)
	for n := root.FirstChild; n != nil; n = n.NextSibling {
		if err := html.Render(&b, n); err != nil {
			return template.HTMLEscapeString(clean)
		}
	}
	return b.String()
}

// fixPostNode walks the tree: absolute links get rel="noopener", images whose source is
// not http, https or relative are removed (the policy allows mailto: URLs in general), and a
// lang that is not a language tag is dropped (the policy's pattern is not anchored).
func fixPostNode(n *html.Node) {
	if n.Type == html.ElementNode {
		if v, ok := attr(n, "lang"); ok && !langTag.MatchString(v) {
			removeAttr(n, "lang")
		}
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && c.DataAtom == atom.Img {
			if src, ok := attr(c, "src"); ok && !imageURL(src) {
				n.RemoveChild(c)
				c = next
				continue
			}
		}
		fixPostNode(c)
		c = next
	}
	if n.Type == html.ElementNode && n.DataAtom == atom.A {
		if href, ok := attr(n, "href"); ok && absoluteURL(href) {
			setAttr(n, "rel", "noopener")
		}
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func removeAttr(n *html.Node, key string) {
	kept := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Namespace != "" || a.Key != key {
			kept = append(kept, a)
		}
	}
	n.Attr = kept
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

// absoluteURL reports whether u points off-site: an http(s) URL or a protocol-relative one.
func absoluteURL(u string) bool {
	s := strings.ToLower(strings.TrimSpace(u))
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "//")
}

// imageURL reports whether u (already validated by the policy) is http, https or relative.
func imageURL(u string) bool {
	s := strings.ToLower(strings.TrimSpace(u))
	scheme, _, found := strings.Cut(s, ":")
	if !found || strings.ContainsAny(scheme, "/?#") {
		return true // no scheme: relative
	}
	return scheme == "http" || scheme == "https"
}
