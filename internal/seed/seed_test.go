package seed

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/render"
)

const capture = "../../testdata/seed/wordpress-post-with-comments.txt"

func parseCapture(t *testing.T) *Discussion {
	t.Helper()
	f, err := os.Open(capture)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func byRef(t *testing.T, d *Discussion, ref string) Comment {
	t.Helper()
	for _, c := range d.Comments {
		if c.Ref == ref {
			return c
		}
	}
	t.Fatalf("no comment %s", ref)
	return Comment{}
}

func TestParseCaptureHeader(t *testing.T) {
	d := parseCapture(t)
	if d.Category != "Uncategorized" {
		t.Errorf("Category = %q", d.Category)
	}
	if d.Title != "Excl: Willsman thumbs his nose at unsupportive Momentum exec" {
		t.Errorf("Title = %q", d.Title)
	}
	if d.ImageCaption != "willsman" {
		t.Errorf("ImageCaption = %q", d.ImageCaption)
	}
	if len(d.Body) != 5 {
		t.Fatalf("%d body paragraphs, want 5: %q", len(d.Body), d.Body)
	}
	if !strings.HasPrefix(d.Body[0], "NEC member Peter Willsman was re-elected") ||
		d.Body[4] != "The misrepresentation of Willsman’s comments led to death-threats against him." {
		t.Errorf("body = %q", d.Body)
	}
	if !strings.HasPrefix(d.Support, "The SKWAWKBOX needs your support.") || !strings.Contains(d.Support, "please\u00a0click here\u00a0to") {
		t.Errorf("Support = %q", d.Support)
	}
	if !strings.HasPrefix(d.Reblog, "If you wish to reblog this post for non-commercial use") {
		t.Errorf("Reblog = %q", d.Reblog)
	}
	if d.ClaimedCount != 36 {
		t.Errorf("ClaimedCount = %d", d.ClaimedCount)
	}
	if d.ReplyingTo != "hilary772013" {
		t.Errorf("ReplyingTo = %q", d.ReplyingTo)
	}
}

func TestParseCaptureShape(t *testing.T) {
	d := parseCapture(t)
	var captured, reconstructed int
	all := map[int]int{}
	capt := map[int]int{}
	for _, c := range d.Comments {
		all[c.Depth]++
		if c.Reconstructed {
			reconstructed++
		} else {
			captured++
			capt[c.Depth]++
		}
	}
	if captured != 29 || reconstructed != 2 || len(d.Comments) != 31 {
		t.Errorf("%d captured + %d reconstructed = %d, want 29 + 2 = 31", captured, reconstructed, len(d.Comments))
	}
	// Counted by hand in the file: top-level 1–16; replies 1.1, 1.2, 5.1, 7.1, 8.1; third
	// level 1.1.1–3, 1.2.1, 5.1.1–2 and the two whose parents are lost (under 9 and 14).
	if want := map[int]int{1: 16, 2: 5, 3: 8}; !equalHist(capt, want) {
		t.Errorf("captured depth histogram %v, want %v", capt, want)
	}
	if want := map[int]int{1: 16, 2: 7, 3: 8}; !equalHist(all, want) {
		t.Errorf("depth histogram with placeholders %v, want %v", all, want)
	}
	var refs []string
	for _, c := range d.Comments {
		refs = append(refs, c.Ref)
	}
	want := "1 1.1 1.1.1 1.1.2 1.1.3 1.2 1.2.1 2 3 4 5 5.1 5.1.1 5.1.2 6 7 7.1 8 8.1 9 9.1 9.1.1 10 11 12 13 14 14.1 14.1.1 15 16"
	if got := strings.Join(refs, " "); got != want {
		t.Errorf("refs in page order:\n got %s\nwant %s", got, want)
	}
}

func equalHist(a, b map[int]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func TestParseCaptureTree(t *testing.T) {
	d := parseCapture(t)
	seen := map[string]Comment{}
	for _, c := range d.Comments {
		if c.Body == "" {
			t.Errorf("%s has no body", c.Ref)
		}
		if c.Depth == 1 {
			if c.ParentRef != "" || strings.Contains(c.Ref, ".") {
				t.Errorf("top-level %s has parent %q", c.Ref, c.ParentRef)
			}
		} else {
			p, ok := seen[c.ParentRef]
			if !ok {
				t.Errorf("%s: parent %q does not come before it", c.Ref, c.ParentRef)
				continue
			}
			if p.Depth != c.Depth-1 || !strings.HasPrefix(c.Ref, c.ParentRef+".") {
				t.Errorf("%s (depth %d) under %s (depth %d)", c.Ref, c.Depth, p.Ref, p.Depth)
			}
		}
		if strings.Count(c.Ref, ".")+1 != c.Depth {
			t.Errorf("%s has depth %d", c.Ref, c.Depth)
		}
		seen[c.Ref] = c
	}
	for _, ref := range []string{"9.1", "14.1"} {
		c := byRef(t, d, ref)
		if !c.Reconstructed || c.Author != ReconstructedAuthor || c.Body != ReconstructedBody {
			t.Errorf("placeholder %s = %+v", ref, c)
		}
	}
	for _, ref := range []string{"9.1.1", "14.1.1"} {
		if c := byRef(t, d, ref); c.Depth != 3 || c.Reconstructed {
			t.Errorf("%s = %+v, want a captured third-level reply", ref, c)
		}
	}
}

func TestParseCaptureBodies(t *testing.T) {
	d := parseCapture(t)
	tests := []struct{ ref, body string }{
		{"1", "I left Momentum when they did that to Willsman, I couldn’t believe the haste in which they dropped him! Even after they heard his comments that weren’t antisemetic they still did it! Thousands of us went on the Momentum site to state our disappointment, I left that day, a lot said they were too. I don’t know how many kept to the threat of leaving though."},
		// Continuation lines of one paragraph, joined by "\n".
		{"1.1", "Understand the frustration I too contemplated leaving then decided you can’t effect change from the outside , better within.\n" +
			"You can bet there will be changes as the Momentum leadership has dictated changes in the past that were very unpopular , and this throwing pepole under the bus at the first sign of trouble ( Jackie Walker ) has to stop .\n" +
			"We need a solid grassroots left wing group and Momentum is it , for now, but I feel that there is change in the wind ."},
		// Blank-line paragraph breaks, then a two-line paragraph.
		{"1.1.3", "@Hades , complaints start here\n\n" +
			"complaints@peoplesmomentum.com.\n\n" +
			"But what process there is after that is ???? and I am still trying to find out just who is on this NCG board that made the decision and how it is possible, if at all , to hold them to account .This is as far as I can see a weakness in Momentum and it needs to be addressed.\n" +
			"I’ll be asking my local Momentum group about it to see if anyone knows."},
		{"5", "I remain in Momentum because it is not those at the top of the tree that matter it’s how we formulate policies and initiatives. I voted for the nine regardless of what Jon Lansman said.\n\nMomentum is important what we need to do now is democratise it."},
		{"14.1.1", "Yep, because for the moment the Democracy Review is #1 priority and Ann Black was likely to help block it. Now we have to hope Lansman sticks to the task."},
		{"16", "Momentum supports the capitalist system and the EU and opposes any transition to a socialist society.\n\n" +
			"To further prevent any venturing beyond capitalism it distracts its members with pious door-knocking and leafleting activities and soppy festivals to cover up their policy-making impotence.\n\n" +
			"It is also a cesspit of seat-desiring young careerists.\n\n" +
			"I went to a meeting of Greenwich Momentum and was told to leave it and join a revolutionary communist party instead because I expressed support for public ownership becoming the dominant form of property ownership. I vaguely thought that was the constitutional aim of the Labour Party until Blair amended Clause IV!\n\n" +
			"The members typify the journey of the Labour Left after 40 years of neoliberalism from democratic socialism to left-liberalism: a wholehearted acceptance of the capitalist system.\n\n" +
			"So I do not know why Tony Blair and the Blairites get their knickers in a twist because the differences between Left and Right are not actually that great these days.\n\n" +
			"I did not bother renewing after the Lansman coup a couple of years ago."},
	}
	for _, tt := range tests {
		if got := byRef(t, d, tt.ref).Body; got != tt.body {
			t.Errorf("%s:\n got %q\nwant %q", tt.ref, got, tt.body)
		}
	}
	if first, last := d.Comments[0], d.Comments[len(d.Comments)-1]; first.Ref != "1" || last.Ref != "16" {
		t.Errorf("first %s, last %s", first.Ref, last.Ref)
	}
	if n := strings.Count(byRef(t, d, "9.1.1").Body, "\n\n"); n != 3 {
		t.Errorf("9.1.1 has %d paragraph breaks, want 3", n)
	}
}

func TestAuthors(t *testing.T) {
	d := parseCapture(t)
	want := map[string]string{
		"1": "Reader 1", "1.1": "Reader 2", "1.1.2": "Hades", "1.1.3": "Reader 5", "1.2": "Hades",
		"2": "Pat", "3": "Reader 9", "5.1": "leftpoliticstoday", "5.1.2": "Reader 14",
		"9.1": ReconstructedAuthor, "9.1.1": "Reader 22", "14.1": ReconstructedAuthor, "16": "Reader 31",
	}
	for ref, name := range want {
		if got := byRef(t, d, ref).Author; got != name {
			t.Errorf("author of %s = %q, want %q", ref, got, name)
		}
	}
	for ref := range knownAuthors {
		byRef(t, d, ref) // every table entry names a comment that exists
	}
}

func TestBroadsideComments(t *testing.T) {
	d := parseCapture(t)
	start := time.Date(2018, 9, 5, 12, 0, 0, 0, time.UTC)
	rows := d.BroadsideComments(42, start)
	if len(rows) != 31 {
		t.Fatalf("%d rows", len(rows))
	}
	idOf := map[string]int64{}
	for i, c := range d.Comments {
		r := rows[i]
		idOf[c.Ref] = r.ID
		if r.ID != int64(i+1) || r.PostID != 42 || r.Kind != broadside.KindComment || r.Status != broadside.CommentApproved {
			t.Errorf("row %d = %+v", i, r)
		}
		if r.ParentID != idOf[c.ParentRef] || (c.ParentRef == "") != (r.ParentID == 0) {
			t.Errorf("%s: ParentID %d, want %d", c.Ref, r.ParentID, idOf[c.ParentRef])
		}
		if !r.CreatedAt.Equal(start.Add(time.Duration(i) * time.Minute)) {
			t.Errorf("%s: CreatedAt %v", c.Ref, r.CreatedAt)
		}
		if r.AuthorName != c.Author || r.RawBody != c.Body {
			t.Errorf("%s: author/body not copied", c.Ref)
		}
		if err := r.Validate(true, broadside.DefaultMaxCommentLen); err != nil {
			t.Errorf("%s: %v", c.Ref, err)
		}
	}
	for ref, email := range map[string]string{"1": "reader-1@example.invalid", "1.2": "hades@example.invalid",
		"5.1": "leftpoliticstoday@example.invalid", "9.1": "reader-not-in-capture@example.invalid"} {
		if got := rows[idOf[ref]-1].AuthorEmail; got != email {
			t.Errorf("%s: email %q, want %q", ref, got, email)
		}
	}
	if rows[idOf["1.1.3"]-1].ParentID != idOf["1.1"] || rows[idOf["14.1.1"]-1].ParentID != idOf["14.1"] {
		t.Error("replies point at the wrong parents")
	}
}

// The rows must build back into the discussion as the page showed it: Broadside's thread
// builder numbers siblings the way the capture does.
func TestBroadsideCommentsBuildTheSameThread(t *testing.T) {
	d := parseCapture(t)
	rows := d.BroadsideComments(1, time.Date(2018, 9, 5, 12, 0, 0, 0, time.UTC))
	th := broadside.BuildThread(rows, 5, false)
	var refs []string
	var walk func(nodes []*broadside.ThreadNode, prefix string)
	walk = func(nodes []*broadside.ThreadNode, prefix string) {
		for _, n := range nodes {
			ref := prefix + strconv.Itoa(n.Number)
			refs = append(refs, ref)
			walk(n.Children, ref+".")
		}
	}
	walk(th.Page(1, 0), "")
	var want []string
	for _, c := range d.Comments {
		want = append(want, c.Ref)
	}
	if strings.Join(refs, " ") != strings.Join(want, " ") {
		t.Errorf("thread order:\n got %v\nwant %v", refs, want)
	}
}

func TestParseErrors(t *testing.T) {
	const head = "Uncategorized\n\nTitle\n\ncaption\n\nBody.\n\n3 comments\n\n"
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"reply before any top-level comment", head + "    1. a reply\n", 11, "before any top-level comment"},
		{"third level first", head + "      1. deep\n", 11, "before any top-level comment"},
		{"odd indentation", head + "  1. ok\n\n   2. odd\n", 13, "odd indentation"},
		{"tab indentation", head + "  1. ok\n\t2. tab\n", 12, "unindented line"},
		{"tab after spaces", head + "  1. ok\n  \t2. tab\n", 12, "tab in the indentation"},
		{"continuation too deep", head + "  1. ok\n        more\n", 12, "indentation of 8 spaces does not fit comment 1"},
		{"continuation too shallow", head + "  1. ok\n    1. reply\n    more\n", 13, "does not fit comment 1.1"},
		{"text before first comment", head + "    text\n", 11, "before the first comment"},
		{"skipped number", head + "  1. a\n\n  3. c\n", 13, "top-level comment numbered 3, expected 2"},
		{"skipped reply number", head + "  1. a\n    1. b\n\n    3. d\n", 14, "reply to 1 numbered 3, expected 2"},
		{"two levels missing", head + "  1. a\n        1. d\n", 12, "more than one level below comment 1"},
		{"garbage between comments", head + "  1. a\nGarbage\n", 12, "unindented line inside the discussion"},
		{"no comment count", "Uncategorized\n\nTitle\n\ncaption\n\nBody.\n", 8, "before the \"N comments\" line"},
		{"indented header", "Uncategorized\n\n  Title\n", 3, "before the comment count"},
		{"header too short", "Title\n\n3 comments\n", 3, "expected a category, a title and an image caption"},
		{"two-line title", "Cat\n\nTitle\nmore\n\ncap\n\n3 comments\n", 3, "the title must be one line"},
		{"empty", "", 1, "end of input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *ParseError", err)
			}
			if pe.Line != tt.line || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("err = %v, want line %d and %q", err, tt.line, tt.msg)
			}
			if !strings.Contains(err.Error(), "line "+strconv.Itoa(tt.line)+":") {
				t.Errorf("message %q does not name the line", err.Error())
			}
		})
	}
}

// At a comment's continuation column, a line that starts with a number other than 1 is text,
// not a reply: "2. b" cannot be the first reply to comment 1.
func TestParseNumberedTextLine(t *testing.T) {
	in := "Cat\n\nTitle\n\ncap\n\n1 comment\n\n  1. My two points:\n    2. is the second\n"
	d, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Comments) != 1 || d.Comments[0].Body != "My two points:\n2. is the second" {
		t.Errorf("%+v", d.Comments)
	}
}

func TestParseMinimal(t *testing.T) {
	in := "Cat\n\nTitle\n\ncap\n\nBody one.\nstill one.\n\nBody two.\n\n1 comment\n\n  1. Only comment\n    second line\n\n    new para\n\n    1. A reply\n"
	d, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Body) != 2 || d.Body[0] != "Body one.\nstill one." || d.Support != "" || d.Reblog != "" || d.ReplyingTo != "" {
		t.Errorf("%+v", d)
	}
	if len(d.Comments) != 2 || d.Comments[0].Body != "Only comment\nsecond line\n\nnew para" ||
		d.Comments[1].Ref != "1.1" || d.Comments[1].Body != "A reply" || d.Comments[1].Author != "Reader 2" {
		t.Errorf("%+v", d.Comments)
	}
}

// The bodies render as the page showed them: one <p> per paragraph, one <br> per line break
// inside a paragraph, nothing escaped away (the capture has no markup).
func TestBodiesRenderAsParagraphs(t *testing.T) {
	d := parseCapture(t)
	r := render.New()
	for _, c := range d.Comments {
		out := string(r.Comment(c.Body))
		paras := strings.Count(c.Body, "\n\n") + 1
		breaks := strings.Count(c.Body, "\n") - 2*(paras-1)
		if got := strings.Count(out, "<p>"); got != paras {
			t.Errorf("%s: %d paragraphs, want %d: %q", c.Ref, got, paras, out)
		}
		if got := strings.Count(out, "<br>"); got != breaks {
			t.Errorf("%s: %d line breaks, want %d: %q", c.Ref, got, breaks, out)
		}
		if got := render.PlainText(out); got != strings.Join(strings.Fields(c.Body), " ") {
			t.Errorf("%s: text changed in rendering:\n%q\n%q", c.Ref, got, c.Body)
		}
	}
}
