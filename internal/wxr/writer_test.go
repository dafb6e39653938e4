package wxr

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sample() (*Site, []*Author, []*Term, *Item, []*Comment) {
	site := &Site{Title: "Café & <Co>", Link: "https://example.com", Description: "News", Language: "en",
		BaseSiteURL: "https://example.com", BaseBlogURL: "https://example.com", Version: "1.2"}
	authors := []*Author{{ID: 1, Login: "ann", Email: "ann@example.com", DisplayName: "Ann \"A\" O'Neil"}}
	terms := []*Term{
		{ID: 1, Taxonomy: TaxCategory, Slug: "news", Name: "News & Views", Description: "All the news"},
		{ID: 2, Taxonomy: TaxCategory, Slug: "local", Name: "Local", Parent: "news"},
		{ID: 3, Taxonomy: TaxTag, Slug: "foo-bar", Name: `foo\'bar`},
		{ID: 4, Taxonomy: "post_format", Slug: "post-format-aside", Name: "Aside"},
	}
	item := &Item{Title: "Nested ]]> CDATA", Link: "https://example.com/2024/03/10/a/?x=1&y=2", PubDate: "Sun, 10 Mar 2024 12:30:15 +0000",
		Creator: "ann", GUID: "https://example.com/?p=42", Content: "<p>a]]>b</p>\n\n<p>C:\\path \x0b tab\tok</p>",
		Excerpt: "short", ID: 42, PostDate: "2024-03-10 13:30:15", PostDateGMT: "2024-03-10 12:30:15",
		PostModified: "2024-03-10 13:30:15", PostModifiedGMT: "2024-03-10 12:30:15", CommentStatus: "open", PingStatus: "closed",
		Name: "a", Status: "publish", Type: "post", Password: "enter", Sticky: true,
		Terms: []ItemTerm{{TaxCategory, "local", "Local"}, {TaxTag, "foo-bar", `foo\'bar`}},
		Meta:  []Meta{{"_thumbnail_id", "758"}, {"Closing CDATA", "]]>"}}}
	comments := []*Comment{
		{ItemID: 42, ID: 7, Author: "Bob <b>", AuthorEmail: "bob@example.org", AuthorURL: "https://bob.example/?a=1&b=2",
			AuthorIP: "192.0.2.1", Date: "2024-03-10 14:00:00", DateGMT: "2024-03-10 13:00:00", Content: "Hi ]]> there\n\nsecond",
			Approved: "1", Type: "comment"},
		{ItemID: 42, ID: 8, Author: "Ping", Content: "pong", Approved: "spam", Type: "pingback", Parent: 7, UserID: 1,
			Meta: []Meta{{"k", "v"}}},
	}
	return site, authors, terms, item, comments
}

func writeSample(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Generator, w.Created = "Broadside/test", "2024-03-10 12:30"
	site, authors, terms, item, comments := sample()
	must(t, w.Begin(site))
	for _, a := range authors {
		must(t, w.Author(a))
	}
	for _, tm := range terms {
		must(t, w.Term(tm))
	}
	must(t, w.StartItem(item))
	for _, c := range comments {
		must(t, w.Comment(c))
	}
	must(t, w.EndItem())
	must(t, w.End())
	return buf.Bytes()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestWriterRoundTrip: what the Writer writes, the Reader reads back unchanged (but for the
// control character XML cannot carry).
func TestWriterRoundTrip(t *testing.T) {
	out := writeSample(t)
	d, err := readAll(t, bytes.NewReader(out))
	if err != nil {
		t.Fatalf("reading our own export: %v\n%s", err, out)
	}
	site, authors, terms, item, comments := sample()
	site.Pos, d.site.Pos = Pos{}, Pos{}
	if !reflect.DeepEqual(site, d.site) {
		t.Errorf("site = %+v, want %+v", d.site, site)
	}
	for i := range authors {
		d.authors[i].Pos = Pos{}
		if !reflect.DeepEqual(authors[i], d.authors[i]) {
			t.Errorf("author = %+v, want %+v", d.authors[i], authors[i])
		}
	}
	for i := range terms {
		d.terms[i].Pos = Pos{}
		if !reflect.DeepEqual(terms[i], d.terms[i]) {
			t.Errorf("term = %+v, want %+v", d.terms[i], terms[i])
		}
	}
	item.Content = strings.ReplaceAll(item.Content, "\x0b", "")
	d.items[0].Pos = Pos{}
	if !reflect.DeepEqual(item, d.items[0]) {
		t.Errorf("item = %+v\nwant %+v", d.items[0], item)
	}
	for i := range comments {
		d.comments[i].Pos = Pos{}
		if !reflect.DeepEqual(comments[i], d.comments[i]) {
			t.Errorf("comment = %+v, want %+v", d.comments[i], comments[i])
		}
	}
	if len(d.warnings) != 0 {
		t.Errorf("warnings = %+v", d.warnings)
	}
	if !bytes.Contains(out, []byte("<![CDATA[Nested ]]]]><![CDATA[> CDATA]]>")) {
		t.Error("]]> in a title is not split the way WordPress splits it")
	}
}

func TestWriterGolden(t *testing.T) {
	out := writeSample(t)
	golden := filepath.Join("testdata", "sample.wxr.golden")
	if *update {
		must(t, os.MkdirAll("testdata", 0o755))
		must(t, os.WriteFile(golden, out, 0o644))
	}
	want, err := os.ReadFile(golden)
	must(t, err)
	if !bytes.Equal(out, want) {
		t.Errorf("export differs from %s (run go test -update to accept):\n%s", golden, out)
	}
}

func TestClean(t *testing.T) {
	if got := clean("ok\x00\x1f\uFFFE\xffend"); got != "ok\uFFFDend" {
		t.Errorf("clean = %q", got)
	}
	s := "already clean: é 🌲"
	if clean(s) != s {
		t.Error("clean changed clean text")
	}
}
