package wxr

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// simpleText is a shortcut past the tokens of an element's text and end tag: these tests
// hold it to reading exactly what reading token by token reads — the same records with the
// same positions, and for a bad file the same error at the same place — in each of the
// Reader's modes, over the fixtures, a written export fed in small pieces, and elements
// built to look simple until their last byte.

// readModes reads src in each of the Reader's modes, with the shortcut or token by token.
func readModes(t *testing.T, name string, src []byte, limit int, piece int) {
	t.Helper()
	for _, mode := range []string{"bodies", "skipBodies", "plan"} {
		read := func(shortcut bool) ([]Record, error) {
			tokensOnly = !shortcut
			defer func() { tokensOnly = false }()
			var in io.Reader = bytes.NewReader(src)
			if piece > 0 {
				in = &pieces{src: src, n: piece}
			}
			rd := NewReaderLimit(in, limit)
			rd.SkipBodies, rd.OnlyCommentIDs = mode != "bodies", mode == "plan"
			return records(rd)
		}
		want, wantErr := read(false)
		got, gotErr := read(true)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("%s (%s): error %v, want %v", name, mode, gotErr, wantErr)
		}
		if ge, ok := AsError(gotErr); ok {
			if we, _ := AsError(wantErr); we == nil || ge.Pos != we.Pos || ge.Msg != we.Msg {
				t.Errorf("%s (%s): error %+v, want %+v", name, mode, ge, we)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s (%s): records differ:\n%s\nwant\n%s", name, mode, dump(got), dump(want))
		}
	}
}

func dump(recs []Record) string {
	var b strings.Builder
	for _, r := range recs {
		fmt.Fprintf(&b, "%T %+v\n", r, r)
	}
	return b.String()
}

// pieces reads src n bytes at a time, so elements straddle the scanner's buffer.
type pieces struct {
	src []byte
	n   int
}

func (p *pieces) Read(b []byte) (int, error) {
	if len(p.src) == 0 {
		return 0, io.EOF
	}
	k := copy(b[:min(len(b), p.n)], p.src)
	p.src = p.src[k:]
	return k, nil
}

func TestShortcutReadsAsTokensOnFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "wxr", "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		readModes(t, filepath.Base(f), src, MaxText, 0)
	}
	src := writtenExport(t)
	readModes(t, "written export", src, MaxText, 0)
	for _, n := range []int{1, 7, 100, 4093} {
		readModes(t, fmt.Sprintf("written export in pieces of %d", n), src, MaxText, n)
	}
}

// Elements that start like the shortcut's shape and leave it somewhere: each must read (or
// fail) as token by token, wherever it sits (an item's field, a comment's text field, an
// element nobody reads, a comment's id).
func TestShortcutReadsAsTokensOnEdgeCases(t *testing.T) {
	contents := map[string]string{
		"plain":                    "abc",
		"empty":                    "",
		"cdata":                    "<![CDATA[abc]]>",
		"empty cdata":              "<![CDATA[]]>",
		"cdata with the end tag":   "<![CDATA[a</X>b]]>",
		"cdata with end tag only":  "<![CDATA[</X>]]>",
		"cdata then text":          "<![CDATA[a]]>b",
		"cdata then white space":   "<![CDATA[a]]>\n",
		"two cdata":                "<![CDATA[a]]]]><![CDATA[>b]]>",
		"text then cdata":          "a<![CDATA[b]]>",
		"cdata with cr":            "<![CDATA[a\r\nb\rc]]>",
		"cdata with ]] and &":      "<![CDATA[a]]b &amp; ]]>",
		"text with cr":             "a\r\nb",
		"entities":                 "a &amp; &lt;b&gt; &eacute; &#233; &#x1F332;",
		"bad entity":               "a &bogus; b",
		"entity without semicolon": "a &amp b",
		"surrogate entity":         "&#xD800;",
		"]]> in text":              "a ]]> b",
		"] in text":                "a ] b",
		"nested":                   "a<b>c</b>d",
		"nested only":              "<b>c</b>",
		"self-closing child":       "a<br/>b",
		"comment inside":           "a<!-- c -->b",
		"pi inside":                "a<?p x?>b",
		"lines":                    "a\nb\n\nc",
		"lines in cdata":           "<![CDATA[a\nb\n]]>",
		"non-ASCII":                "ünïcødé 🌲",
		"invalid UTF-8":            "a\xffb",
		"invalid UTF-8 in cdata":   "<![CDATA[a\xffb]]>",
		"U+FFFE":                   "a\xef\xbf\xbeb",
		"U+FFFE in cdata":          "<![CDATA[\xef\xbf\xbe]]>",
		"control character":        "a\x01b",
		"lone <":                   "a < b",
		"unterminated cdata":       "<![CDATA[abc",
		"cdata end missing":        "<![CDATA[abc]]",
		"bad cdata opener":         "<![CDATX[abc]]>",
		"too long":                 strings.Repeat("x", 40),
		"too long in cdata":        "<![CDATA[" + strings.Repeat("x", 40) + "]]>",
		"at the limit":             strings.Repeat("x", 32),
		"too long in two cdata":    "<![CDATA[" + strings.Repeat("x", 20) + "]]><![CDATA[" + strings.Repeat("x", 20) + "]]>",
		"too long with entities":   strings.Repeat("&amp;", 20),
		"cr shrinks to the limit":  "<![CDATA[" + strings.Repeat("\r\n", 32) + "]]>",
		"cr in text to the limit":  strings.Repeat("\r\n", 32),
		"nested too long":          "<b>" + strings.Repeat("x", 40) + "</b>",
	}
	ends := map[string]string{
		"plain":            "</X>",
		"white space":      "</X >",
		"newline":          "</X\n>",
		"other element":    "</Y>",
		"longer name":      "</XY>",
		"prefix dropped":   "</Z>",
		"junk":             "</X x>",
		"end at EOF":       "</X",
		"name at EOF":      "</",
		"nothing at EOF":   "",
		"less-than at EOF": "<",
	}
	// X is replaced by each element's name, Z by its local name.
	fields := []string{"title", "wp:post_name", "content:encoded", "wp:comment_author", "wp:comment_content",
		"wp:comment_id", "wp:nobody_reads", "other", "wp:meta_key"}
	for cname, content := range contents {
		for ename, end := range ends {
			for _, field := range fields {
				local := field[strings.IndexByte(field, ':')+1:]
				e := strings.ReplaceAll(strings.ReplaceAll(end, "X", field), "Z", local)
				el := "<" + field + ">" + content + e
				var src string
				switch {
				case strings.HasPrefix(field, "wp:comment_"):
					src = head + "<item><wp:post_id>1</wp:post_id>\n<wp:comment><wp:comment_id>2</wp:comment_id>\n" + el
					if end != "" && !strings.HasSuffix(ename, "EOF") {
						src += "\n<wp:comment_parent>1</wp:comment_parent></wp:comment></item></channel></rss>"
					}
				case field == "wp:meta_key":
					src = head + "<item><wp:postmeta>" + el
					if !strings.HasSuffix(ename, "EOF") {
						src += "</wp:postmeta></item></channel></rss>"
					}
				default:
					src = head + "<item><wp:post_id>1</wp:post_id>\n  " + el
					if !strings.HasSuffix(ename, "EOF") {
						src += "\n<wp:post_type>post</wp:post_type></item></channel></rss>"
					}
				}
				readModes(t, cname+", "+ename+", "+field, []byte(src), 32, 0)
			}
		}
	}
}

// FuzzShortcut holds the shortcut to reading token by token on anything after an export's
// head, in pieces of any size.
func FuzzShortcut(f *testing.F) {
	f.Add("<item><title><![CDATA[a</title>]]></title><wp:post_id>1</wp:post_id><wp:comment><wp:comment_id>2</wp:comment_id></wp:comment></item></channel></rss>", uint8(0))
	f.Add("<item><title>a &amp; b</title >\n<content:encoded><![CDATA[x\r\ny]]></content:encoded></item></channel></rss>", uint8(5))
	f.Fuzz(func(t *testing.T, s string, piece uint8) {
		readModes(t, "fuzz", []byte(head+s), 32, int(piece))
	})
}

// The text between elements, which skipBlank passes over when it is white space: whatever it
// is, and wherever the file ends, reading it must not change.
func TestSkipBlankReadsAsTokens(t *testing.T) {
	seps := []string{"", " ", "\n\t\t", "\n\n", "\r\n", " \f ", "\n x ", "\n<!-- c -->\n", "\n<![CDATA[ ]]>", "\t&amp;\n",
		"\n\xff", "\n]]>", "\n\x00"}
	for _, sep := range seps {
		src := head + sep + "<item>" + sep + "<title>T</title>" + sep + "<wp:post_id>1</wp:post_id>" + sep +
			"<wp:postmeta>" + sep + "<wp:meta_key>k</wp:meta_key>" + sep + "</wp:postmeta>" + sep +
			"<other>" + sep + "<x>" + sep + "</x>" + sep + "<y/>" + sep + "</other>" + sep +
			"<wp:comment>" + sep + "<wp:comment_id>2</wp:comment_id>" + sep + "<wp:comment_parent>1</wp:comment_parent>" + sep +
			"<wp:comment_content>c</wp:comment_content>" + sep + "</wp:comment>" + sep + "</item>" + sep + "</channel></rss>" + sep
		for cut := len(head); cut <= len(src); cut += max(1, len(sep)) {
			readModes(t, fmt.Sprintf("separator %q, cut at %d", sep, cut), []byte(src[:cut]), MaxText, 0)
		}
		readModes(t, fmt.Sprintf("separator %q in pieces", sep), []byte(src), MaxText, 3)
	}
}
