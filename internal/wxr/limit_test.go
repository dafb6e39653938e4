package wxr

import (
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// hugeElement streams an export whose body element carries size bytes of filler, built on
// the fly so the test never holds the input itself. It counts what the reader consumed.
type hugeElement struct {
	prefix, suffix string
	filler         byte
	size, read     int64
}

func (h *hugeElement) Read(p []byte) (int, error) {
	pre, body := int64(len(h.prefix)), int64(len(h.prefix))+h.size
	n := 0
	for n < len(p) {
		var m int
		switch pos := h.read; {
		case pos < pre:
			m = copy(p[n:], h.prefix[pos:])
		case pos < body:
			m = int(min(int64(len(p)-n), body-pos))
			for i := range m {
				p[n+i] = h.filler
			}
		case pos-body < int64(len(h.suffix)):
			m = copy(p[n:], h.suffix[pos-body:])
		default:
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		}
		h.read += int64(m)
		n += m
	}
	return n, nil
}

// A huge element is refused while it streams in: the error names the element and its line,
// the reader stops soon after the limit, and memory stays a small multiple of the limit
// whatever the size of the element (the old reader gathered the whole element first).
func TestHugeElementRefusedWhileStreaming(t *testing.T) {
	const limit = 1 << 20
	const size = 256 << 20
	cases := []struct {
		name, prefix, suffix, elem string
		filler                     byte
		line                       int
	}{
		{"cdata", head + "<item><title>A</title>\n<content:encoded><![CDATA[", "]]></content:encoded></item></channel></rss>", "<content:encoded>", 'a', 5},
		{"text", head + "<item>\n\n<title>", "</title></item></channel></rss>", "<title>", 'b', 6},
		{"skipped", head + "<item><wp:unknown_field>", "</wp:unknown_field></item></channel></rss>", "<wp:unknown_field>", 'c', 4},
		{"attribute", head + "<item><wp:postmeta><x v=\"", "\"/></wp:postmeta></item></channel></rss>", "<wp:postmeta>", 'd', 4},
		{"comment", head + "<!--", "--></channel></rss>", "<channel>", 'e', 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := &hugeElement{prefix: c.prefix, suffix: c.suffix, filler: c.filler, size: size}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			rd := NewReaderLimit(in, limit)
			var err error
			for err == nil {
				_, err = rd.Next()
			}
			runtime.ReadMemStats(&after)
			e, ok := AsError(err)
			if !ok {
				t.Fatalf("error = %v, want *Error", err)
			}
			if !strings.Contains(e.Msg, c.elem) || !strings.Contains(e.Msg, "line "+strconv.Itoa(c.line)) || !strings.Contains(e.Msg, "1 MiB") || e.Pos.Line != c.line {
				t.Errorf("error = %q (line %d), want it to name %s on line %d and the 1 MiB limit", e, e.Pos.Line, c.elem, c.line)
			}
			if in.read > 4*limit {
				t.Errorf("reader consumed %d bytes of a %d-byte element before refusing it, want at most %d", in.read, size, 4*limit)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16*limit {
				t.Errorf("reading allocated %d bytes for a %d-byte element, want at most %d (bounded by the limit)", alloc, size, 16*limit)
			}
		})
	}
}

// Text up to the limit still reads, in CDATA and split CDATA alike, and a document with
// more text than the limit in total (spread over many elements) is fine.
func TestTextUpToLimitReads(t *testing.T) {
	const limit = 64 << 10
	body := strings.Repeat("x", limit-10)
	var b strings.Builder
	b.WriteString(head)
	for range 40 {
		b.WriteString("<item><title>T</title><content:encoded><![CDATA[" + body[:limit/2] + "]]]]><![CDATA[>" + body[limit/2:] + "]]></content:encoded></item>\n")
	}
	b.WriteString("</channel></rss>")
	rd := NewReaderLimit(strings.NewReader(b.String()), limit)
	items := 0
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if it, ok := rec.(*Item); ok {
			items++
			if len(it.Content) != limit-10+3 {
				t.Fatalf("content is %d bytes, want %d", len(it.Content), limit-10+3)
			}
		}
	}
	if items != 40 {
		t.Fatalf("%d items, want 40", items)
	}
}

// A file of endless start tags is refused at a fixed depth, not read to its end.
func TestDeepNestingRefused(t *testing.T) {
	rd := NewReader(strings.NewReader(head + "<item><wp:postmeta>" + strings.Repeat("<a>", maxDepth+10) + "</channel></rss>"))
	var err error
	for err == nil {
		_, err = rd.Next()
	}
	if e, ok := AsError(err); !ok || !strings.Contains(e.Msg, "nested more than") {
		t.Fatalf("error = %v, want a nesting error", err)
	}
}

// SkipBodies keeps no post or comment content but everything else, and refuses content
// over the limit exactly as a reader that keeps it (the first pass of an import is where
// a damaged file must fail, before anything is written).
func TestSkipBodies(t *testing.T) {
	const limit = 64 << 10
	doc := head + `<item><title>T</title><wp:post_id>7</wp:post_id><content:encoded><![CDATA[body]]></content:encoded>
<wp:comment><wp:comment_id>9</wp:comment_id><wp:comment_parent>8</wp:comment_parent><wp:comment_content>words</wp:comment_content></wp:comment>
</item>
<item><title>U</title><content:encoded><![CDATA[` + strings.Repeat("x", limit/2) + `]]>` + strings.Repeat("y", limit/2) + `<![CDATA[z]]></content:encoded></item></channel></rss>`
	read := func(skip bool) ([]Record, error) {
		rd := NewReaderLimit(strings.NewReader(doc), limit)
		rd.SkipBodies = skip
		return records(rd)
	}
	kept, errKept := read(false)
	skipped, errSkipped := read(true)
	if errKept == nil || errSkipped == nil || errKept.Error() != errSkipped.Error() {
		t.Fatalf("errors %v and %v, want the same too-large error", errKept, errSkipped)
	}
	if len(kept) != len(skipped) {
		t.Fatalf("%d records kept, %d skipped", len(kept), len(skipped))
	}
	var it *Item
	var c *Comment
	for _, rec := range skipped {
		switch x := rec.(type) {
		case *Item:
			it = x
		case *Comment:
			c = x
		}
	}
	if it == nil || c == nil {
		t.Fatalf("records %v: want an item and a comment", skipped)
	}
	if it.ID != 7 || it.Title != "T" || it.Content != "" || c.ID != 9 || c.Parent != 8 || c.Content != "" {
		t.Errorf("item %d %q %q, comment %d (parent %d) %q; want 7 T, no content, 9 (8), no content", it.ID, it.Title, it.Content, c.ID, c.Parent, c.Content)
	}
}

// OnlyCommentIDs hands out comments with their place in the thread and nothing else, yet
// refuses what reading their text refuses: a comment field over the limit (here in pieces,
// which no single token's bound catches) fails with the same error either way.
func TestOnlyCommentIDs(t *testing.T) {
	const limit = 64 << 10
	comment := `<wp:comment><wp:comment_id>9</wp:comment_id><wp:comment_author><![CDATA[Ann]]></wp:comment_author>
<wp:comment_author_email>a@b.example</wp:comment_author_email><wp:comment_date>2020-01-02 03:04:05</wp:comment_date>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type><wp:comment_parent>8</wp:comment_parent>
<wp:commentmeta><wp:meta_key>k</wp:meta_key><wp:meta_value>v</wp:meta_value></wp:commentmeta><wp:comment_content>words</wp:comment_content></wp:comment>`
	// Two comments: with OnlyCommentIDs the second overwrites the first's *Comment, which
	// must then hold nothing of the first.
	second := strings.NewReplacer("<wp:comment_id>9<", "<wp:comment_id>11<", "<wp:comment_parent>8<", "<wp:comment_parent>9<",
		"<wp:commentmeta><wp:meta_key>k</wp:meta_key><wp:meta_value>v</wp:meta_value></wp:commentmeta>", "").Replace(comment)
	good := head + `<item><wp:post_id>7</wp:post_id>` + comment + second + `</item></channel></rss>`
	big := head + `<item><wp:post_id>7</wp:post_id><wp:comment><wp:comment_id>10</wp:comment_id><wp:comment_author><![CDATA[` +
		strings.Repeat("x", limit/2) + `]]>` + strings.Repeat("y", limit/2) + `<![CDATA[z]]></wp:comment_author></wp:comment></item></channel></rss>`
	read := func(doc string, only bool) ([]Record, error) {
		rd := NewReaderLimit(strings.NewReader(doc), limit)
		rd.SkipBodies, rd.OnlyCommentIDs = only, only
		return records(rd)
	}
	full, err := read(good, false)
	must(t, err)
	ids, err := read(good, true)
	must(t, err)
	if len(full) != len(ids) {
		t.Fatalf("%d records in full, %d with only ids", len(full), len(ids))
	}
	for i := range full {
		want, ok := full[i].(*Comment)
		if !ok {
			continue
		}
		got := ids[i].(*Comment)
		if want.Author != "Ann" || want.Type != "pingback" || want.Content != "words" {
			t.Fatalf("full comment %+v", want)
		}
		want2 := Comment{Pos: want.Pos, ItemID: want.ItemID, ID: want.ID, Parent: want.Parent, UserID: want.UserID, Meta: want.Meta}
		if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", want2) {
			t.Errorf("comment with only ids\n%+v\nwant\n%+v", *got, want2)
		}
	}
	_, errFull := read(big, false)
	_, errIDs := read(big, true)
	if errFull == nil || errIDs == nil || errFull.Error() != errIDs.Error() {
		t.Fatalf("errors %v and %v, want the same too-large error", errFull, errIDs)
	}
}

// A comment's text fields share one string (commentField) yet read as each field alone
// did: text as it is, trimmed fields without the white space around them (Unicode's
// included), the last of a repeated field, child elements and comments left out.
func TestCommentFields(t *testing.T) {
	doc := head + "<item><wp:post_id>1</wp:post_id><wp:comment><wp:comment_author>  a b \n</wp:comment_author>" +
		"<wp:comment_author_email> \t </wp:comment_author_email><wp:comment_author_url>\n x \n</wp:comment_author_url>" +
		"<wp:comment_author_url> y </wp:comment_author_url><wp:comment_date>2020<!-- c -->-01</wp:comment_date>" +
		"<wp:comment_content>\u00a0 é &amp;<![CDATA[<b>]]></wp:comment_content><wp:comment_author_IP>\u2003ip\u2003</wp:comment_author_IP>" +
		"<wp:comment_date_gmt>x<b>y</b>z</wp:comment_date_gmt></wp:comment></item></channel></rss>"
	recs, err := records(NewReader(strings.NewReader(doc)))
	must(t, err)
	var c *Comment
	for _, rec := range recs {
		if x, ok := rec.(*Comment); ok {
			c = x
		}
	}
	want := Comment{Pos: c.Pos, ItemID: 1, Author: "  a b \n", AuthorEmail: "", AuthorURL: "y", AuthorIP: "ip",
		Date: "2020-01", DateGMT: "xz", Content: "\u00a0 é &<b>"}
	if fmt.Sprintf("%+v", *c) != fmt.Sprintf("%+v", want) {
		t.Errorf("comment\n%+v\nwant\n%+v", *c, want)
	}
}

// records reads rd to its end: every record, and the error that stopped it (nil at the end).
// Comments are copied: with OnlyCommentIDs the Reader hands out one *Comment again and again.
func records(rd *Reader) ([]Record, error) {
	var recs []Record
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		if c, ok := rec.(*Comment); ok {
			cc := *c
			rec = &cc
		}
		recs = append(recs, rec)
	}
}
