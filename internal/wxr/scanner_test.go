package wxr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html/charset"
)

// The scanner replaced encoding/xml's Decoder; these tests hold it to the decoder's
// behaviour token by token — names, namespaces, attributes, text, where each token starts,
// and for a bad file the same error at the same place — over every fixture, a generated
// export and a table of hostile inputs, and FuzzScanner over anything.

// xmlTokens is what encoding/xml makes of src, configured as the Reader configured it.
func xmlTokens(src []byte) []string {
	d := xml.NewDecoder(newFilterReader(bytes.NewReader(src)))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charset.NewReaderLabel
	var out []string
	for {
		l, c := d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			return append(out, fmt.Sprintf("%d:%d EOF", l, c))
		}
		if err != nil {
			l, c = d.InputPos()
			msg := err.Error()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				msg = se.Msg
			}
			return append(out, fmt.Sprintf("%d:%d error %s", l, c, msg))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			s := fmt.Sprintf("%d:%d <%s %s>", l, c, t.Name.Space, t.Name.Local)
			for _, a := range t.Attr {
				s += fmt.Sprintf(" %s=%q", a.Name.Local, a.Value)
			}
			out = append(out, s)
		case xml.EndElement:
			out = append(out, fmt.Sprintf("%d:%d </>", l, c))
		case xml.CharData:
			out = append(out, fmt.Sprintf("%d:%d %q", l, c, t))
		}
	}
}

// scanTokens is the same from the scanner.
func scanTokens(src []byte) []string {
	s := newScanner(newFilterReader(bytes.NewReader(src)), 1<<30, charset.NewReaderLabel)
	var out []string
	for {
		err := s.next()
		if err == io.EOF {
			return append(out, fmt.Sprintf("%s EOF", s.at))
		}
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				return append(out, "not an *Error: "+err.Error())
			}
			msg := e.Err.Error()
			var se *xml.SyntaxError
			if errors.As(e.Err, &se) {
				msg = se.Msg
			}
			return append(out, fmt.Sprintf("%s error %s", e.Pos, msg))
		}
		switch s.kind {
		case tokStart:
			t := fmt.Sprintf("%s <%s %s>", s.at, s.space, s.local)
			for _, a := range s.attrs {
				t += fmt.Sprintf(" %s=%q", s.tag[a.ls:a.le], s.abuf[a.vs:a.ve])
			}
			out = append(out, t)
		case tokEnd:
			out = append(out, fmt.Sprintf("%s </>", s.at))
		case tokText:
			out = append(out, fmt.Sprintf("%s %q", s.at, s.text))
		}
	}
}

func sameTokens(t *testing.T, name string, src []byte) {
	t.Helper()
	want, got := xmlTokens(src), scanTokens(src)
	for i := 0; i < max(len(want), len(got)); i++ {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			t.Errorf("%s: token %d differs from encoding/xml's:\n got %.300s\nwant %.300s", name, i, g, w)
			return
		}
	}
}

func TestScannerMatchesEncodingXMLOnFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "wxr", "*.xml"))
	if err != nil || len(files) < 20 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	// BROADSIDE_WXR_COMPARE adds a file of your own, e.g. a generated export
	// (BROADSIDE_GEN_WXR with internal/importer's TestGenerateWXR).
	if f := os.Getenv("BROADSIDE_WXR_COMPARE"); f != "" {
		files = append(files, f)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sameTokens(t, filepath.Base(f), src)
	}
	sameTokens(t, "written export", writtenExport(t))
}

// writtenExport is an export the Writer makes, with the text a real one holds: markup,
// entities, split "]]>", CRLF, non-ASCII letters, long bodies.
func writtenExport(t testing.TB) []byte {
	var b bytes.Buffer
	w := NewWriter(&b)
	check := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	check(w.Begin(&Site{Title: "Ça & <co>", Link: "https://x.example", BaseSiteURL: "https://x.example", Language: "fr"}))
	check(w.Author(&Author{ID: 1, Login: "ed", Email: "ed@x.example", DisplayName: "Édouard \"Ed\""}))
	check(w.Term(&Term{ID: 2, Taxonomy: TaxCategory, Slug: "news", Name: "News & views"}))
	body := strings.Repeat("<p>Paragraph with <a href=\"https://s.example/?a=1&b=2\">a link</a> — ünïcødé, 🌲.</p>\r\n", 40)
	for i := int64(1); i <= 30; i++ {
		check(w.StartItem(&Item{ID: i, Title: fmt.Sprintf("Post %d: <b>bold</b> & ]]> too", i), Content: body + "tail ]]> end",
			Type: "post", Status: "publish", Name: fmt.Sprint("post-", i), GUID: fmt.Sprint("https://x.example/?p=", i),
			Terms: []ItemTerm{{Domain: TaxCategory, Slug: "news", Name: "News & views"}}, Meta: []Meta{{Key: "k", Value: "v]]>w"}}}))
		for c := int64(1); c <= 5; c++ {
			check(w.Comment(&Comment{ID: i*10 + c, Author: "Zoë <z@x>", AuthorEmail: "z@x.example", Content: "Nice post!\n\nAgreed & more.",
				Approved: "1", Date: "2024-01-01 10:00:00", Parent: c - 1}))
		}
		check(w.EndItem())
	}
	check(w.End())
	return b.Bytes()
}

// hostile are inputs a damaged or malicious file may hold. For each the scanner must do
// what encoding/xml did: the same tokens up to the same error at the same place.
var hostile = map[string]string{
	"billion laughs": `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><rss><channel><title>&lol2;</title></channel></rss>`,
	"doctype with comment and quotes": `<!DOCTYPE rss [<!-- a > b --><!ENTITY x "a>b">]><rss>x</rss>`,
	"doctype unterminated":            `<!DOCTYPE rss [<!ENTITY x "a>b">`,
	"external entity":                 `<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss>&xxe;</rss>`,
	"deep nesting":                    "<rss>" + strings.Repeat("<a>", 2000) + strings.Repeat("</a>", 2000) + "</rss>",
	"deep nesting unclosed":           "<rss>" + strings.Repeat("<a>", 2000),
	"huge attribute":                  `<rss><item a="` + strings.Repeat("x&amp;", 50000) + `"/></rss>`,
	"attribute with <":                `<rss a="x<y"/>`,
	"attribute unterminated":          `<rss a="xy`,
	"attribute unterminated bad":      `<rss a="x<y`,
	"attribute unquoted":              `<rss a=x/>`,
	"attribute without value":         `<rss a/>`,
	"attribute twice":                 `<rss a="1" a="2" b='3'c="4"/>`,
	"NUL bytes":                       "<rss>a\x00b<![CDATA[\x00]]></rss>",
	"NUL entity":                      "<rss>&#0;</rss>",
	"control entity":                  "<rss>&#x1F;&#9;</rss>",
	"surrogate entity":                "<rss>&#xD800;</rss>",
	"FFFE entity":                     "<rss>&#xFFFE;</rss>",
	"FFFE raw":                        "<rss>\xef\xbf\xbe</rss>",
	"encoded surrogate":               "<rss>\xed\xa0\x80</rss>",
	"too large entity":                "<rss>&#x110000;&#99999999999999999999999;</rss>",
	"entity no semicolon":             "<rss>AT&T rocks</rss>",
	"entity empty":                    "<rss>&;</rss>",
	"entity hash only":                "<rss>&#;</rss>",
	"entity X":                        "<rss>&#X41;</rss>",
	"entity at text end":              "<rss>a&</rss>",
	"entity at EOF":                   "<rss>a&amp",
	"entity unknown":                  "<rss>&bogus;</rss>",
	"html entities":                   "<rss>&eacute;&nbsp;&hellip;&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x10FFFF;</rss>",
	"entity non-ASCII name":           "<rss>&é;</rss>",
	"]]> in text":                     "<rss>a]]>b</rss>",
	"]] > in text":                    "<rss>a]] >b ]]]</rss>",
	"]]> after entity":                "<rss>]]&amp;]>]&gt;</rss>",
	"]]> in attribute":                `<rss a="]]>"/>`,
	"cdata unterminated":              "<rss><![CDATA[abc",
	"cdata bad opener":                "<rss><![CDATX[abc]]></rss>",
	"cdata crlf":                      "<rss><![CDATA[a\r\nb\rc\n\r]]>\r\n</rss>",
	"crlf text":                       "<rss>\r\na\r\r\nb</rss>",
	"comment unterminated":            "<rss><!-- abc",
	"comment with --":                 "<rss><!-- a -- b --></rss>",
	"comment ---> ":                   "<rss><!-- a ---></rss>",
	"comment empty":                   "<rss><!----></rss>",
	"comment bad opener":              "<rss><!-x--></rss>",
	"pi":                              "<?xml version='1.0' encoding='utf-8'?><?pi some data?><rss><?x?></rss>",
	"pi unterminated":                 "<rss><?pi data",
	"pi no target":                    "<rss><? x?></rss>",
	"xml version 1.1":                 `<?xml version="1.1"?><rss/>`,
	"unknown charset":                 `<?xml version="1.0" encoding="klingon"?><rss/>`,
	"latin-1":                         "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss>\n<t a=\"\xe9\">Caf\xe9 \xa0</t></rss>",
	"windows-1252":                    "<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss>\x93quoted\x94 \x80</rss>",
	"mismatched":                      "<rss><channel></item></rss>",
	"mismatched prefix":               `<rss xmlns:a="u" xmlns:b="u"><a:x></b:x></rss>`,
	"mismatched no prefix":            `<rss><a:x></x></rss>`,
	"end without start":               "</rss>",
	"end with space":                  "<rss></rss >",
	"end with junk":                   "<rss></rss x>",
	"unclosed at EOF":                 "<rss><channel><item><title>x",
	"unclosed tag at EOF":             "<rss><channel",
	"lone <":                          "<rss>a < b</rss>",
	"< at EOF":                        "<rss><",
	"</ at EOF":                       "<rss></",
	"bad name":                        "<rss><1a/></rss>",
	"bad name non-ASCII":              "<rss><\u00b7a/></rss>",
	"good name non-ASCII":             "<rss><étoile x='1'/></rss>",
	"name two colons":                 "<rss><a:b:c/></rss>",
	"name edge colons":                "<rss><:a/><a:/></rss>",
	"attr two colons":                 `<rss a:b:c="1"/>`,
	"invalid UTF-8 text":              "<rss>\xff</rss>",
	"invalid UTF-8 name":              "<rss><a\xff/></rss>",
	"invalid UTF-8 attribute":         "<rss a=\"\xff\"/>",
	"invalid UTF-8 comment":           "<rss><!-- \xff --></rss>",
	"two roots":                       "<rss/><rss/>",
	"text after root":                 "<rss/>tail",
	"empty":                           "",
	"BOM":                             "\xef\xbb\xbf<rss/>",
	"UTF-16":                          "\xff\xfe<\x00r\x00",
	"default namespace":               `<rss xmlns="urn:x"><channel xmlns=""><a/></channel><b/></rss>`,
	"prefix rebound":                  `<rss xmlns:wp="http://wordpress.org/export/1.2/"><x xmlns:wp="urn:evil"><wp:a/></x><wp:a/></rss>`,
	"xml prefix":                      `<rss><xml:a xml:lang="en"/><xmlns:b/><xmlns/></rss>`,
	"self-closing with space":         "<rss><a / ></rss>",
	"slash without >":                 "<rss><a/x></rss>",
	// Plain start tags (plainStartTag's shape) with names that are bad or unusual.
	"plain bad name":            "<rss><1a></1a></rss>",
	"plain name two colons":     "<rss><a:b:c></a:b:c></rss>",
	"plain name edge colons":    "<rss><:a></:a><a:></a:><:></:></rss>",
	"plain name dash first":     "<rss><-a></-a></rss>",
	"plain name all characters": "<rss xmlns:d9=\"u\"><a.b-c_d9:e1>x</a.b-c_d9:e1><d9:x.y>z</d9:x.y><_z></_z><Z0></Z0></rss>",
	"plain name non-ASCII":      "<rss><é></é><aé></aé></rss>",
	"plain name invalid UTF-8":  "<rss><a\xff></a\xff></rss>",
	"plain name at EOF":         "<rss><abc",
	"plain name then space":     "<rss><a >x</a></rss>",
	"plain undeclared prefix":   "<rss><p:a></p:a><xmlns:a></xmlns:a><xml:a></xml:a></rss>",
}

func TestScannerMatchesEncodingXMLOnHostileInput(t *testing.T) {
	for name, src := range hostile {
		sameTokens(t, name, []byte(src))
	}
}

// Every hostile input read as an export errors cleanly (an *Error with a line) or reads.
func TestHostileInputErrorsCleanly(t *testing.T) {
	for name, src := range hostile {
		rd := NewReader(strings.NewReader(src))
		var err error
		for i := 0; err == nil && i < 100000; i++ {
			_, err = rd.Next()
		}
		if err == io.EOF {
			continue
		}
		if e, ok := AsError(err); !ok || e.Pos.Line < 1 || e.Msg == "" || e.Hint == "" {
			t.Errorf("%s: error %v, want an *Error with a position, message and hint", name, err)
		}
	}
}

func FuzzScanner(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add(string(head) + "<item><title>x</title></item></channel></rss>")
	f.Fuzz(func(t *testing.T, s string) {
		sameTokens(t, "fuzz", []byte(s))
	})
}

// The filter replaces every control character XML forbids, wherever it falls in the
// eight-byte words it checks at once, and nothing else.
func TestFilterReplacesEveryControlCharacter(t *testing.T) {
	var src []byte
	want := 0
	for c := 0; c < 256; c++ {
		src = append(src, bytes.Repeat([]byte{'a'}, c%9)...)
		src = append(src, byte(c))
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			want++
		}
	}
	f := newFilterReader(bytes.NewReader(src))
	got, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range src {
		w := c
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			w = ' '
		}
		if got[i] != w {
			t.Fatalf("byte %d: %#x became %#x, want %#x", i, c, got[i], w)
		}
	}
	if f.replaced != want {
		t.Fatalf("replaced %d, want %d", f.replaced, want)
	}
}

// After a huge post the reader lets its buffers go: an import of one 20 MiB post among
// thousands of small ones holds 20 MiB for that post, not for the rest of the file.
func TestHugeBodyBuffersReleased(t *testing.T) {
	big := strings.Repeat("<p>x</p>\r\n", 2<<20/10)
	src := head + "<item><title>big</title><content:encoded><![CDATA[" + big + "]]></content:encoded></item>\n" +
		strings.Repeat("<item><title>small &amp; &#233;</title><content:encoded>a &amp; b</content:encoded></item>\n", 3000) +
		"</channel></rss>"
	rd := NewReader(strings.NewReader(src))
	d, err := readFrom(t, rd)
	if err != nil {
		t.Fatal(err)
	}
	items := d.items
	if len(items) != 3001 || len(items[0].Content) != len(big)-(2<<20/10) || items[1].Title != "small & é" {
		t.Fatalf("items: %d, first content %d bytes", len(items), len(items[0].Content))
	}
	if c := cap(rd.tbuf) + cap(rd.s.tbuf) + cap(rd.s.abuf) + cap(rd.s.buf); c > 1<<20 {
		t.Fatalf("the reader keeps %d bytes of buffers after the huge post", c)
	}
}
