package wxr

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// doc is everything read from one file.
type doc struct {
	site     *Site
	authors  []*Author
	terms    []*Term
	items    []*Item
	comments []*Comment
	warnings []*Warning
}

func readAll(t *testing.T, r io.Reader) (*doc, error) {
	t.Helper()
	return readFrom(t, NewReader(r))
}

// readFrom reads rd to its end, sorting the records by type.
func readFrom(t *testing.T, rd *Reader) (*doc, error) {
	t.Helper()
	d := &doc{}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return d, nil
		}
		if err != nil {
			return d, err
		}
		switch x := rec.(type) {
		case *Site:
			if d.site != nil {
				t.Fatal("Site returned twice")
			}
			d.site = x
		case *Author:
			d.authors = append(d.authors, x)
		case *Term:
			d.terms = append(d.terms, x)
		case *Item:
			d.items = append(d.items, x)
		case *Comment:
			d.comments = append(d.comments, x)
		case *Warning:
			d.warnings = append(d.warnings, x)
		}
	}
}

func fixture(t *testing.T, name string) *doc {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "wxr", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := readAll(t, f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

func parse(t *testing.T, s string) (*doc, error) {
	t.Helper()
	return readAll(t, strings.NewReader(s))
}

func (d *doc) byTax(tax string) []*Term {
	var out []*Term
	for _, t := range d.terms {
		if t.Taxonomy == tax {
			out = append(out, t)
		}
	}
	return out
}

func TestValidWXR10(t *testing.T) {
	d := fixture(t, "importer-valid-wxr-1.0.xml")
	if d.site.Version != "1.0" || d.site.BaseSiteURL != "http://localhost/" {
		t.Fatalf("site = %+v", d.site)
	}
	if len(d.authors) != 0 || len(d.items) != 6 || len(d.comments) != 1 {
		t.Fatalf("authors/items/comments = %d/%d/%d, want 0/6/1", len(d.authors), len(d.items), len(d.comments))
	}
	cats := d.byTax(TaxCategory)
	if cats[0].Slug != "alpha" || cats[0].Name != "alpha" || cats[0].Parent != "" || cats[0].Description != "The alpha category" {
		t.Errorf("first category = %+v", cats[0])
	}
	var child *Term
	for _, c := range cats {
		if c.Slug == "child" {
			child = c
		}
	}
	if child == nil || child.Parent != "parent" {
		t.Errorf("child category = %+v", child)
	}
	if tags := d.byTax(TaxTag); tags[0].Slug != "chicken" || tags[0].Name != "chicken" {
		t.Errorf("first tag = %+v", tags[0])
	}
	want := []ItemTerm{{"category", "alpha", "alpha"}, {TaxTag, "news", "news"}, {TaxTag, "roar", "roar"}}
	if got := d.items[2].Terms; !equalTerms(got, want) {
		t.Errorf("post[2] terms = %+v, want %+v", got, want)
	}
	if v, _ := d.items[1].MetaValue("_wp_page_template"); v != "default" || d.items[1].Type != "page" {
		t.Errorf("page meta = %+v", d.items[1].Meta)
	}
	if d.items[0].Creator != "admin" {
		t.Errorf("creator = %q", d.items[0].Creator)
	}
}

func equalTerms(a, b []ItemTerm) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestValidWXR11CRLF(t *testing.T) {
	d := fixture(t, "importer-valid-wxr-1.1.xml")
	if d.site.BaseSiteURL != "http://localhost/" || d.site.Version != "1.1" {
		t.Fatalf("site = %+v", d.site)
	}
	a := d.authors[0]
	if len(d.authors) != 1 || a.ID != 2 || a.Login != "john" || a.Email != "johndoe@example.org" ||
		a.DisplayName != "John Doe" || a.FirstName != "John" || a.LastName != "Doe" {
		t.Fatalf("authors = %+v", d.authors)
	}
	if c := d.byTax(TaxCategory)[0]; c.ID != 3 || c.Slug != "alpha" || c.Description != "The alpha category" {
		t.Errorf("category = %+v", c)
	}
	if tg := d.byTax(TaxTag)[0]; tg.ID != 22 || tg.Slug != "clippable" || tg.Name != "Clippable" || tg.Description != "The Clippable post_tag" {
		t.Errorf("tag = %+v", tg)
	}
	if tm := d.byTax("post_tax")[0]; tm.ID != 40 || tm.Slug != "bieup" || tm.Description != "The bieup post_tax" {
		t.Errorf("term = %+v", tm)
	}
	if len(d.items) != 2 || len(d.comments) != 1 {
		t.Fatalf("items/comments = %d/%d", len(d.items), len(d.comments))
	}
	want := []ItemTerm{{"category", "alpha", "alpha"}, {TaxTag, "clippable", "Clippable"}, {"post_tax", "bieup", "bieup"}}
	if !equalTerms(d.items[0].Terms, want) {
		t.Errorf("terms = %+v", d.items[0].Terms)
	}
	for _, it := range d.items {
		if strings.Contains(it.Content, "\r") || strings.Contains(it.Title, "\r") {
			t.Errorf("CRLF not normalised in item %d: %q", it.ID, it.Content)
		}
	}
}

func TestSimpleAndUTF8(t *testing.T) {
	d := fixture(t, "importer-wxr-simple.xml")
	if len(d.items) != 1 || d.items[0].ID != 10 || d.items[0].Title != `"The Road Not Taken" by Robert Frost` ||
		d.items[0].Name != "hello-world" || d.items[0].Status != "publish" {
		t.Fatalf("item = %+v", d.items)
	}
	if len(d.authors) != 1 || d.authors[0].Login != "admin" || d.authors[0].ID != 1 || d.authors[0].Email != "admin@localhost.com" {
		t.Fatalf("authors = %+v", d.authors)
	}
	if d.site.BaseSiteURL != "https://playground.internal/path" || d.site.BaseBlogURL != "https://playground.internal/path" {
		t.Fatalf("site = %+v", d.site)
	}
	u := fixture(t, "importer-wxr-utf-8-challenges.xml")
	const title = "\"The Road \u202eNot\u202c Taken\" by Rob\u202dert \u202eFrost \u202a🌲\u202c"
	if u.items[0].Title != title {
		t.Errorf("title = %q, want %q", u.items[0].Title, title)
	}
	if len(u.items[0].Meta) != 5 || len(u.authors) != 1 || len(u.items[0].Terms) != 1 || u.items[0].Terms[0].Domain != TaxCategory {
		t.Errorf("meta/authors/terms = %d/%d/%+v", len(u.items[0].Meta), len(u.authors), u.items[0].Terms)
	}
}

func TestSlashesAndBackslashes(t *testing.T) {
	d := fixture(t, "importer-slashes.xml")
	if d.items[0].Content != `Slashes aren\'t \"cool\"` {
		t.Errorf("content = %q", d.items[0].Content)
	}
	if c := d.byTax(TaxCategory)[0]; c.Name != `a \"great\" category` {
		t.Errorf("category = %q", c.Name)
	}
	if tg := d.byTax(TaxTag)[0]; tg.Name != `foo\'bar` {
		t.Errorf("tag = %q", tg.Name)
	}
	if d.comments[0].Content != `\o/ ¯\_(ツ)_/¯` {
		t.Errorf("comment = %q", d.comments[0].Content)
	}
	b := fixture(t, "importer-backslashes.xml")
	if b.items[0].Content != `C:\xampp\htdocs\wp-content` {
		t.Errorf("backslashes = %q", b.items[0].Content)
	}
}

func TestCDATA(t *testing.T) {
	d := fixture(t, "importer-crazy-cdata-escaped.xml")
	if d.items[0].Content != "Content with nested <![CDATA[ tags ]]> :)" {
		t.Errorf("content = %q", d.items[0].Content)
	}
	want := map[string]string{"Plain string": "Foo", "Closing CDATA": "]]>",
		"Alot of CDATA": "This has <![CDATA[ opening and ]]> closing <![CDATA[ tags like this: ]]>"}
	if len(d.items[0].Meta) != 3 {
		t.Errorf("meta = %+v", d.items[0].Meta)
	}
	for _, m := range d.items[0].Meta {
		if want[m.Key] != m.Value {
			t.Errorf("meta %q = %q, want %q", m.Key, m.Value, want[m.Key])
		}
	}
	if c := fixture(t, "importer-cdata-edge.xml").items[0].Content; !strings.HasSuffix(c, "]] >") {
		t.Errorf("cdata-edge content = %q", c)
	}
	if c := fixture(t, "importer-multiple-cdata.xml").items[0].Content; strings.TrimSpace(c) != "line oneline twoline three" {
		t.Errorf("multiple cdata = %q", c)
	}
	if c := fixture(t, "importer-post-content-blank-lines.xml").items[0].Content; strings.Count(c, "\n") != 3 || !strings.Contains(c, "\n\n") {
		t.Errorf("blank lines = %q", c)
	}
}

func TestNamespaceEdgeCases(t *testing.T) {
	d := fixture(t, "importer-namespace-edge-cases.xml")
	if len(d.items) != 6 || len(d.authors) != 2 || len(d.terms) != 2 {
		t.Fatalf("items/authors/terms = %d/%d/%d, want 6/2/2", len(d.items), len(d.authors), len(d.terms))
	}
	logins := []string{d.authors[0].Login, d.authors[1].Login}
	if logins[0] != "real_user" || d.authors[0].ID != 2 || logins[1] != "version_conflict" {
		t.Errorf("authors = %v (fake_ns_user and custom_user must be ignored)", logins)
	}
	if d.terms[0].ID != 100 || d.terms[1].ID != 102 {
		t.Errorf("terms = %d, %d; want 100, 102", d.terms[0].ID, d.terms[1].ID)
	}
	if d.items[0].ID != 999 {
		t.Errorf("post 1 id = %d, want 999 from the alt: alias", d.items[0].ID)
	}
	if len(d.items[0].Meta) != 1 || d.items[0].Meta[0].Key != "normal_key" {
		t.Errorf("post 1 meta = %+v (the malicious one must be ignored)", d.items[0].Meta)
	}
	if d.items[1].ID != 2 || d.items[2].ID != 3 || d.items[3].ID != 4 || d.items[5].ID != 6 {
		t.Errorf("ids = %d %d %d %d", d.items[1].ID, d.items[2].ID, d.items[3].ID, d.items[5].ID)
	}
	h := d.items[4]
	if h.Title != "Hijacked Namespace" || h.ID != 0 || h.Type != "" || h.Status != "" || len(h.Meta) != 0 {
		t.Errorf("hijacked item = %+v", h)
	}
	if d.items[5].Content != "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;" {
		t.Errorf("bomb content = %q", d.items[5].Content)
	}
}

func TestSubDataAndMeta(t *testing.T) {
	d := fixture(t, "importer-wxr-with-sub-data.xml")
	if len(d.items) != 1 || d.items[0].ID != 101 || len(d.items[0].Meta) == 0 {
		t.Fatalf("item = %+v", d.items)
	}
	if len(d.comments) != 1 || d.comments[0].ID != 201 || d.comments[0].ItemID != 101 || len(d.comments[0].Meta) == 0 {
		t.Fatalf("comment = %+v", d.comments)
	}
	if len(d.terms) != 1 || d.terms[0].ID != 40 || d.terms[0].Taxonomy != "custom_tax" || len(d.terms[0].Meta) == 0 {
		t.Fatalf("term = %+v", d.terms)
	}
	s := fixture(t, "importer-test-serialized-comment-meta.xml")
	want := []Meta{{"string", `¯\_(ツ)_/¯`}, {"array", `a:1:{s:3:"key";s:13:"¯\_(ツ)_/¯";}`}}
	if got := s.comments[0].Meta; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("comment meta = %+v", got)
	}
}

func TestThemeUnitTestData(t *testing.T) {
	d := fixture(t, "themeunittestdata.wordpress.xml")
	if d.site.Version != "1.2" {
		t.Fatalf("version %q", d.site.Version)
	}
	types := map[string]int{}
	for _, it := range d.items {
		types[it.Type+"/"+it.Status]++
	}
	want := map[string]int{"post/publish": 56, "post/future": 1, "post/draft": 1, "page/publish": 21,
		"attachment/inherit": 37, "nav_menu_item/publish": 70}
	for k, n := range want {
		if types[k] != n {
			t.Errorf("%s = %d, want %d (all: %v)", k, types[k], n, types)
		}
	}
	// 68 <wp:category> elements, and "6.1" once more as a <wp:term> of the category taxonomy.
	if len(d.authors) != 2 || len(d.byTax(TaxCategory)) != 69 || len(d.byTax(TaxTag)) != 110 || len(d.comments) != 33 {
		t.Errorf("authors/categories/tags/comments = %d/%d/%d/%d", len(d.authors), len(d.byTax(TaxCategory)),
			len(d.byTax(TaxTag)), len(d.comments))
	}
}

func TestBadFiles(t *testing.T) {
	cases := []struct {
		file string
		line int
		msg  string
	}{
		{"importer-malformed.xml", 90, "closed by </channel>"},
		{"importer-malformed-simple.xml", 14, "incomplete"},
		{"importer-missing-version-tag.xml", 35, "missing/invalid WXR version number"},
		{"importer-invalid-version-tag.xml", 33, `missing/invalid WXR version number (<wp:wxr_version> is "abc")`},
		{"importer-crazy-cdata.xml", 18, `contains "]]>" that was not split`},
	}
	for _, c := range cases {
		f, err := os.Open(filepath.Join("..", "..", "testdata", "wxr", c.file))
		if err != nil {
			t.Fatal(err)
		}
		d, err := readAll(t, f)
		f.Close()
		e, ok := AsError(err)
		if !ok {
			t.Errorf("%s: error = %v, want *Error", c.file, err)
			continue
		}
		if e.Pos.Line != c.line || e.Pos.Col < 1 || !strings.Contains(e.Msg, c.msg) || e.Hint == "" {
			t.Errorf("%s: error = %v (line %d), want line %d and %q with a hint", c.file, e, e.Pos.Line, c.line, c.msg)
		}
		if len(d.items) > 0 {
			t.Errorf("%s: %d items before the error", c.file, len(d.items))
		}
	}
}

const head = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="https://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><wp:wxr_version>1.2</wp:wxr_version>
`

func TestHTTPSNamespaceAndPositions(t *testing.T) {
	d, err := parse(t, head+"<item><title>A</title><wp:post_id>5</wp:post_id>\n"+
		"<wp:comment><wp:comment_id>9</wp:comment_id></wp:comment>\n  <wp:comment><wp:comment_id>10</wp:comment_id></wp:comment>"+
		"<wp:postmeta><wp:meta_key>late</wp:meta_key></wp:postmeta></item></channel></rss>")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.items) != 1 || d.items[0].ID != 5 || d.items[0].Pos != (Pos{4, 1}) {
		t.Fatalf("items = %+v", d.items[0])
	}
	if len(d.comments) != 2 || d.comments[1].Pos != (Pos{6, 3}) || d.comments[1].ItemID != 5 {
		t.Fatalf("comments = %+v %+v", d.comments[0], d.comments[1])
	}
	if len(d.items[0].Meta) != 0 || len(d.warnings) != 1 || !strings.Contains(d.warnings[0].Msg, "after the comments") {
		t.Fatalf("late meta: %+v, warnings %+v", d.items[0].Meta, d.warnings)
	}
}

func TestLenientInput(t *testing.T) {
	// A byte order mark, a form feed pasted from a word processor, an HTML entity in a
	// title, and an undeclared wp: prefix.
	src := "\xEF\xBB\xBF" + `<?xml version="1.0"?><rss><channel><wp:wxr_version>1.1</wp:wxr_version>` +
		"<item><title>Caf&eacute;\f</title><wp:post_id>3</wp:post_id></item></channel></rss>"
	d, err := parse(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if d.items[0].Title != "Café " || d.items[0].ID != 3 {
		t.Fatalf("item = %+v", d.items[0])
	}
	if len(d.warnings) != 1 || !strings.Contains(d.warnings[0].Msg, "1 control characters") {
		t.Fatalf("warnings = %+v", d.warnings)
	}
	// ISO-8859-1 declared and used.
	d, err = parse(t, `<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><wp:wxr_version>1.2</wp:wxr_version>`+
		"<item><title>Caf\xe9</title></item></channel></rss>")
	if err != nil || d.items[0].Title != "Café" {
		t.Fatalf("latin-1: %v %+v", err, d.items)
	}
}

func TestForeignFiles(t *testing.T) {
	cases := map[string]string{
		"":                               "contains no XML element",
		"just text":                      "contains no XML element",
		"<html><body></body></html>":     "the document is <html>",
		"<rss></rss>":                    "has no <channel>",
		"\xFF\xFEh\x00":                  "UTF-16",
		"<rss><channel></channel></rss>": "missing/invalid WXR version number",
		`<rss><channel><item><title>feed item</title></item></channel></rss>`: "before this <item>",
		head + "<item><title>\xff</title></item></channel></rss>":             "not valid UTF-8",
	}
	for src, want := range cases {
		_, err := parse(t, src)
		e, ok := AsError(err)
		if !ok || !strings.Contains(e.Msg, want) || e.Hint == "" {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}

func TestErrorStaysAndUnwraps(t *testing.T) {
	rd := NewReader(strings.NewReader(head + "<item>"))
	var err error
	for err == nil {
		_, err = rd.Next()
	}
	if _, err2 := rd.Next(); err2 != err {
		t.Fatalf("second Next = %v, want the same error", err2)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "incomplete") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzReader(f *testing.F) {
	for _, s := range []string{head + "<item><title>x</title></item></channel></rss>",
		head + "<wp:author><wp:author_login>a</wp:author_login></wp:author><wp:category><wp:cat_name><![CDATA[a]]]]><![CDATA[>]]></wp:cat_name></wp:category></channel></rss>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rd := NewReader(strings.NewReader(s))
		for i := 0; i < 10000; i++ {
			rec, err := rd.Next()
			if err != nil {
				if err != io.EOF {
					if _, ok := AsError(err); !ok {
						t.Fatalf("error %v is not an *Error", err)
					}
				}
				return
			}
			if rec == nil {
				t.Fatal("nil record")
			}
		}
	})
}
