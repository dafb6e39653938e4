// Package seed reads testdata/seed/wordpress-post-with-comments.txt, a text capture of a
// real WordPress.com post page with its discussion, into a Discussion that tests, the demo
// site and benchmarks can load as Broadside comments. See testdata/seed/SOURCES.md for the
// provenance of the file and for every inference made here.
//
// The capture's format: a category line, the title, the image caption, the article's
// paragraphs (the last two being the blog's support appeal and reblog notice), a line "N
// comments", then the numbered discussion. A comment starts with "N. " at an indent of two
// spaces per level (2 top-level, 4 a reply, 6 a reply to a reply); its further lines are
// indented two spaces more than its number; blank lines separate paragraphs. The page ends
// with the reply form ("Leave a Reply to NAMECancel reply") and the site's footer.
package seed

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
)

// Comment is one comment of the captured discussion.
type Comment struct {
	// Ref is the path of numbers as the page shows them: "1", "1.2", "1.2.3".
	Ref       string
	Depth     int    // 1 for top-level
	ParentRef string // "" for top-level
	// Author is the name the discussion itself gives the commenter, or "Reader N" (N is the
	// 1-based position in page order); see authors.go.
	Author string
	// Body is the text as captured: paragraphs joined by "\n\n", lines by "\n".
	Body string
	// Reconstructed marks a placeholder for a comment the capture lost, inserted so that its
	// captured replies keep their depth.
	Reconstructed bool
}

// Discussion is the whole captured page.
type Discussion struct {
	Category, Title, ImageCaption string
	Body                          []string // the article's paragraphs
	Support, Reblog               string   // the blog's appeal and reblog notice
	ClaimedCount                  int      // the count the page shows ("36 comments")
	Comments                      []Comment
	// ReplyingTo is the commenter named by the reply form: the capture was taken with the
	// form open under one of their comments.
	ReplyingTo string
}

// Text of the placeholders for lost comments.
const (
	ReconstructedAuthor = "Reader (not in capture)"
	ReconstructedBody   = "[This comment was not in the capture.]"
)

// ParseError reports a problem in the capture with its 1-based line number.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("seed: line %d: %s", e.Line, e.Msg) }

var (
	countLine  = regexp.MustCompile(`^(\d+) [Cc]omments?$`)
	marker     = regexp.MustCompile(`^(\d+)\. (\S.*)$`)
	replyForm  = regexp.MustCompile(`^Leave a Reply(?: to (.+?))?\s*Cancel reply$`)
	reblogText = "If you wish to reblog this post"
	appealText = "needs your support"
)

// node is a comment while parsing.
type node struct {
	c        *Comment
	line     int // where it starts
	children int
	paras    [][]string
	blank    bool // a blank line followed the last text line
}

// parser holds the state of one Parse call.
type parser struct {
	d        *Discussion
	nodes    []*node
	path     []*node // the current comment and its ancestors, top-level first
	topLevel int
}

// Parse reads a capture. Every error names the line that did not fit.
func Parse(r io.Reader) (*Discussion, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	p := &parser{d: &Discussion{}}

	const (
		header = iota
		comments
		footer
	)
	state := header
	var paras [][]string // header paragraphs
	var paraLines []int  // where each starts
	blank := true
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), " \t\r")
		switch state {
		case header:
			if line == "" {
				blank = true
				continue
			}
			if line[0] == ' ' || line[0] == '\t' {
				return nil, &ParseError{n, "indented line before the comment count (is the \"N comments\" line missing?)"}
			}
			if m := countLine.FindStringSubmatch(line); m != nil {
				if err := p.header(paras, paraLines, n); err != nil {
					return nil, err
				}
				p.d.ClaimedCount, _ = strconv.Atoi(m[1])
				state = comments
				continue
			}
			if blank {
				paras = append(paras, nil)
				paraLines = append(paraLines, n)
				blank = false
			}
			paras[len(paras)-1] = append(paras[len(paras)-1], line)
		case comments:
			if line != "" && line[0] != ' ' {
				m := replyForm.FindStringSubmatch(line)
				if m == nil {
					return nil, &ParseError{n, fmt.Sprintf("unindented line inside the discussion: %q", short(line))}
				}
				p.d.ReplyingTo = m[1]
				state = footer
				continue
			}
			if err := p.commentLine(line, n); err != nil {
				return nil, err
			}
		case footer:
			// The site's subscription box and "Continue reading": not part of the post.
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{n + 1, err.Error()}
	}
	if state == header {
		return nil, &ParseError{n + 1, "end of input before the \"N comments\" line"}
	}
	for _, nd := range p.nodes {
		nd.c.Body = joinParas(nd.paras)
	}
	p.d.Comments = make([]Comment, len(p.nodes))
	for i, nd := range p.nodes {
		p.d.Comments[i] = *nd.c
	}
	assignAuthors(p.d.Comments)
	return p.d, nil
}

// header sorts the paragraphs above the comment count into their fields.
func (p *parser) header(paras [][]string, lines []int, line int) error {
	if len(paras) < 3 {
		return &ParseError{line, "expected a category, a title and an image caption before the comment count"}
	}
	for i, name := range []string{"category", "title", "image caption"} {
		if len(paras[i]) != 1 {
			return &ParseError{lines[i], fmt.Sprintf("the %s must be one line, found %d", name, len(paras[i]))}
		}
	}
	p.d.Category, p.d.Title, p.d.ImageCaption = paras[0][0], paras[1][0], paras[2][0]
	rest := paras[3:]
	if k := len(rest) - 1; k >= 0 && strings.HasPrefix(rest[k][0], reblogText) {
		p.d.Reblog = strings.Join(rest[k], "\n")
		rest = rest[:k]
	}
	if k := len(rest) - 1; k >= 0 && strings.Contains(strings.Join(rest[k], " "), appealText) {
		p.d.Support = strings.Join(rest[k], "\n")
		rest = rest[:k]
	}
	for _, para := range rest {
		p.d.Body = append(p.d.Body, strings.Join(para, "\n"))
	}
	return nil
}

// commentLine handles one line of the discussion: blank, a numbered start or a continuation.
func (p *parser) commentLine(line string, n int) error {
	var cur *node
	if len(p.path) > 0 {
		cur = p.path[len(p.path)-1]
	}
	if line == "" {
		if cur != nil {
			cur.blank = true
		}
		return nil
	}
	indent := len(line) - len(strings.TrimLeft(line, " "))
	text := line[indent:]
	if text[0] == '\t' {
		return &ParseError{n, "tab in the indentation"}
	}
	if indent%2 != 0 {
		return &ParseError{n, fmt.Sprintf("odd indentation (%d spaces): levels are two spaces apart", indent)}
	}
	depth := indent / 2
	if m := marker.FindStringSubmatch(text); m != nil {
		num, err := strconv.Atoi(m[1])
		if err != nil {
			return &ParseError{n, "comment number out of range"}
		}
		// At a comment's continuation column, "1. " may be its first reply or a line that
		// happens to start with a number; only the expected reply number makes it a reply.
		continuation := cur != nil && depth == cur.c.Depth+1
		if !continuation || num == 1 {
			return p.start(depth, num, m[2], n)
		}
	}
	if cur == nil {
		return &ParseError{n, "indented text before the first comment"}
	}
	if want := 2*cur.c.Depth + 2; indent != want {
		return &ParseError{n, fmt.Sprintf("indentation of %d spaces does not fit comment %s (line %d): its text is indented %d",
			indent, cur.c.Ref, cur.line, want)}
	}
	cur.add(text)
	return nil
}

// start begins a comment at depth with the number shown on the page.
func (p *parser) start(depth, num int, text string, n int) error {
	if depth == 0 {
		return &ParseError{n, "numbered line without indentation"}
	}
	if len(p.path) == 0 && depth > 1 {
		return &ParseError{n, fmt.Sprintf("reply (level %d) before any top-level comment", depth)}
	}
	switch {
	case depth == len(p.path)+2:
		// The capture lost this reply's parent. Keep the reply at its depth under a
		// placeholder, numbered as the next child of the comment above.
		p.add(len(p.path)+1, ReconstructedBody, true, n)
	case depth > len(p.path)+2:
		return &ParseError{n, fmt.Sprintf("reply at level %d is more than one level below comment %s (line %d)",
			depth, p.path[len(p.path)-1].c.Ref, p.path[len(p.path)-1].line)}
	}
	want := p.topLevel + 1
	if depth > 1 {
		want = p.path[depth-2].children + 1
	}
	if num != want {
		where := "top-level comment"
		if depth > 1 {
			where = "reply to " + p.path[depth-2].c.Ref
		}
		return &ParseError{n, fmt.Sprintf("%s numbered %d, expected %d", where, num, want)}
	}
	p.add(depth, text, false, n)
	return nil
}

// add appends a comment at depth under the current path.
func (p *parser) add(depth int, text string, reconstructed bool, n int) {
	p.path = p.path[:depth-1]
	c := &Comment{Depth: depth, Reconstructed: reconstructed}
	if depth == 1 {
		p.topLevel++
		c.Ref = strconv.Itoa(p.topLevel)
	} else {
		parent := p.path[depth-2]
		parent.children++
		c.ParentRef = parent.c.Ref
		c.Ref = parent.c.Ref + "." + strconv.Itoa(parent.children)
	}
	nd := &node{c: c, line: n}
	nd.add(text)
	p.nodes = append(p.nodes, nd)
	p.path = append(p.path, nd)
}

func (nd *node) add(text string) {
	if len(nd.paras) == 0 || nd.blank {
		nd.paras = append(nd.paras, nil)
		nd.blank = false
	}
	nd.paras[len(nd.paras)-1] = append(nd.paras[len(nd.paras)-1], text)
}

func joinParas(paras [][]string) string {
	out := make([]string, len(paras))
	for i, para := range paras {
		out[i] = strings.Join(para, "\n")
	}
	return strings.Join(out, "\n\n")
}

func short(s string) string { return broadside.Ellipsize(s, 60) }
