package feeds_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"

	"github.com/broadside/broadside/internal/feeds"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// hostile is a title an attacker might choose: markup, entities, CDATA terminators, quotes,
// control characters XML forbids and invalid UTF-8.
const hostile = "</title><script>alert(1)</script> & \"quotes\" ]]> <![CDATA[x]]> \x00\x0b\x1f\xff end"

// hostileClean is hostile as it must read after parsing.
const hostileClean = "</title><script>alert(1)</script> & \"quotes\" ]]> <![CDATA[x]]>  end"

var (
	t1 = time.Date(2026, 2, 14, 9, 30, 0, 0, time.UTC)
	t2 = time.Date(2026, 2, 28, 18, 5, 7, 0, time.FixedZone("CET", 3600))
)

func postsFeed() *feeds.Feed {
	return &feeds.Feed{
		Kind: feeds.Posts, Title: "Broadside Test & Co", Description: "News <for> everyone",
		Link: "https://example.com/", SelfURL: "https://example.com/feed/", Language: "en",
		Updated: t2, Generator: "Broadside", GeneratorURI: "https://example.com/broadside",
		Items: []feeds.Item{
			{
				ID: "https://example.com/?p=2", Title: "Council approves budget", Link: "https://example.com/2026/02/28/council/",
				Author: "Ann Author", AuthorURL: "https://example.com/author/ann/", Published: t2, Updated: t2,
				Categories: []string{"News", "Local", "Budget"}, Summary: "The council approved the budget…",
				ContentHTML: `<p>The council approved the <a href="https://example.com/2026/01/01/x/">budget</a>.</p><pre>a ]]> b</pre>`,
				Image:       "https://example.com/img/council.jpg", ImageType: "image/jpeg", ImageLength: 48213,
				Discussion: &feeds.Discussion{Link: "https://example.com/2026/02/28/council/#comments",
					RSS: "https://example.com/2026/02/28/council/feed/", Atom: "https://example.com/2026/02/28/council/feed/atom/", Approved: 3},
			},
			{
				ID: "https://example.com/?p=1", Title: hostile, Link: "https://example.com/2026/02/14/hostile/",
				Author: hostile, Published: t1, Updated: t1, Categories: []string{hostile},
				Summary:    "Only the summary: " + hostile,
				Discussion: &feeds.Discussion{Link: "https://example.com/2026/02/14/hostile/#comments", RSS: "https://example.com/2026/02/14/hostile/feed/", Atom: "https://example.com/2026/02/14/hostile/feed/atom/"},
			},
		},
	}
}

func commentsFeed() *feeds.Feed {
	return &feeds.Feed{
		Kind: feeds.Comments, Title: "Comments on: Council approves budget", Description: "News <for> everyone",
		Link: "https://example.com/2026/02/28/council/", SelfURL: "https://example.com/2026/02/28/council/feed/", Language: "en",
		Updated: t2, Generator: "Broadside", GeneratorURI: "https://example.com/broadside",
		Items: []feeds.Item{
			{ID: "https://example.com/?p=2#comment-7", Title: "By: " + hostile, Link: "https://example.com/2026/02/28/council/#comment-7",
				Author: hostile, Published: t2, Updated: t2, Summary: "I disagree & say so.", ContentHTML: "<p>I disagree &amp; say so.</p>"},
		},
	}
}

func render(t *testing.T, f *feeds.Feed, write func(io.Writer, *feeds.Feed) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/feeds -update to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s differs from the golden file (-want +got); if intended, run with -update:\n%s", name, d)
	}
}

// wellFormed reads the whole document with a strict XML decoder.
func wellFormed(t *testing.T, doc string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	d.Strict = true
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
	}
}

func TestRSS(t *testing.T) {
	doc := render(t, postsFeed(), feeds.RSS)
	golden(t, "rss", doc)
	wellFormed(t, doc)

	f, err := (&rss.Parser{}).Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != "2.0" || f.Title != "Broadside Test & Co" || f.Link != "https://example.com/" ||
		f.Description != "News <for> everyone" || f.Language != "en" || f.LastBuildDate != "Sat, 28 Feb 2026 17:05:07 +0000" {
		t.Fatalf("channel: %+v", f)
	}
	if self := f.Extensions["atom"]["link"][0].Attrs; self["rel"] != "self" || self["href"] != "https://example.com/feed/" {
		t.Fatalf("atom:link = %v", self)
	}
	if f.Extensions["sy"]["updatePeriod"][0].Value != "hourly" {
		t.Fatal("sy:updatePeriod missing")
	}
	if len(f.Items) != 2 {
		t.Fatalf("%d items", len(f.Items))
	}
	it := f.Items[0]
	if it.Title != "Council approves budget" || it.GUID.Value != "https://example.com/?p=2" || it.GUID.IsPermalink != "false" ||
		it.Comments != "https://example.com/2026/02/28/council/#comments" || it.PubDate != "Sat, 28 Feb 2026 17:05:07 +0000" ||
		it.DublinCoreExt.Creator[0] != "Ann Author" || it.Description != "The council approved the budget…" ||
		!strings.Contains(it.Content, "<pre>a ]]> b</pre>") {
		t.Fatalf("item: %+v", it)
	}
	var cats []string
	for _, c := range it.Categories {
		cats = append(cats, c.Value)
	}
	if strings.Join(cats, ",") != "News,Local,Budget" {
		t.Fatalf("categories %q", cats)
	}
	if it.Extensions["wfw"]["commentRss"][0].Value != "https://example.com/2026/02/28/council/feed/" ||
		it.Extensions["slash"]["comments"][0].Value != "3" {
		t.Fatalf("wfw/slash: %v", it.Extensions)
	}
	h := f.Items[1]
	if h.Title != hostileClean || h.DublinCoreExt.Creator[0] != hostileClean || h.Categories[0].Value != hostileClean ||
		h.Content != "" || h.Extensions["slash"]["comments"][0].Value != "0" {
		t.Fatalf("hostile item: %+v", h)
	}
}

func TestAtom(t *testing.T) {
	doc := render(t, postsFeed(), feeds.Atom)
	golden(t, "atom", doc)
	wellFormed(t, doc)
	f, err := (&atom.Parser{}).Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	// RFC 4287 4.1.1: id, title, updated; a self link; an author on every entry.
	if f.ID != "https://example.com/feed/" || f.Title != "Broadside Test & Co" || f.Updated != "2026-02-28T17:05:07Z" ||
		f.Subtitle != "News <for> everyone" || f.Language != "en" {
		t.Fatalf("feed: %+v", f)
	}
	rels := map[string]string{}
	for _, l := range f.Links {
		rels[l.Rel] = l.Href
	}
	if rels["self"] != "https://example.com/feed/" || rels["alternate"] != "https://example.com/" {
		t.Fatalf("links %v", rels)
	}
	e := f.Entries[0]
	if e.ID != "https://example.com/?p=2" || e.Title != "Council approves budget" || e.Updated == "" || e.Published == "" ||
		len(e.Authors) != 1 || e.Authors[0].Name != "Ann Author" || e.Summary != "The council approved the budget…" ||
		e.Content == nil || e.Content.Type != "html" || !strings.Contains(e.Content.Value, "<pre>a ]]> b</pre>") ||
		len(e.Categories) != 3 || e.Extensions["thr"]["total"][0].Value != "3" {
		t.Fatalf("entry: %+v", e)
	}
	if h := f.Entries[1]; h.Title != hostileClean || h.Authors[0].Name != hostileClean || h.Content != nil {
		t.Fatalf("hostile entry: %+v", h)
	}

	// An empty feed still has an author and a date, as RFC 4287 requires.
	empty := postsFeed()
	empty.Items, empty.Updated = nil, time.Time{}
	doc = render(t, empty, feeds.Atom)
	golden(t, "atom-empty", doc)
	if f, err = (&atom.Parser{}).Parse(strings.NewReader(doc)); err != nil || len(f.Authors) != 1 || f.Updated != "1970-01-01T00:00:00Z" {
		t.Fatalf("empty feed: %+v, %v", f, err)
	}
}

func TestJSON(t *testing.T) {
	doc := render(t, postsFeed(), feeds.JSON)
	golden(t, "json", doc)
	f, err := gofeed.NewParser().ParseString(doc)
	if err != nil {
		t.Fatal(err)
	}
	if f.FeedType != "json" || f.FeedVersion != "https://jsonfeed.org/version/1.1" || f.Title != "Broadside Test & Co" || f.Link != "https://example.com/" ||
		f.FeedLink != "https://example.com/feed/" || len(f.Items) != 2 {
		t.Fatalf("feed: %+v", f)
	}
	it := f.Items[0]
	if it.GUID != "https://example.com/?p=2" || it.Link != "https://example.com/2026/02/28/council/" ||
		!strings.Contains(it.Content, "budget</a>") || it.Image == nil || it.Image.URL != "https://example.com/img/council.jpg" ||
		it.PublishedParsed == nil || !it.PublishedParsed.Equal(t2) || strings.Join(it.Categories, ",") != "News,Local,Budget" {
		t.Fatalf("item: %+v", it)
	}
	// Every item has content_html or content_text (JSON Feed 1.1).
	var raw struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		t.Fatal(err)
	}
	for _, it := range raw.Items {
		if it["content_html"] == nil && it["content_text"] == nil {
			t.Fatalf("item without content: %v", it)
		}
	}
	if raw.Items[1]["content_text"] != "Only the summary: "+hostileClean || raw.Items[1]["title"] != hostileClean {
		t.Fatalf("summary-only item: %v", raw.Items[1])
	}
}

func TestCommentFeeds(t *testing.T) {
	doc := render(t, commentsFeed(), feeds.RSS)
	golden(t, "comments-rss", doc)
	wellFormed(t, doc)
	if strings.Contains(doc, "wfw") || strings.Contains(doc, "slash") {
		t.Fatal("comment feeds carry no wfw or slash elements")
	}
	f, err := gofeed.NewParser().ParseString(doc)
	if err != nil {
		t.Fatal(err)
	}
	if f.Title != "Comments on: Council approves budget" || len(f.Items) != 1 || f.Items[0].Title != "By: "+hostileClean ||
		f.Items[0].GUID != "https://example.com/?p=2#comment-7" || f.Items[0].Content != "<p>I disagree &amp; say so.</p>" {
		t.Fatalf("comment feed: %+v %+v", f, f.Items)
	}
	doc = render(t, commentsFeed(), feeds.Atom)
	golden(t, "comments-atom", doc)
	wellFormed(t, doc)
	if _, err := gofeed.NewParser().ParseString(doc); err != nil {
		t.Fatal(err)
	}
}

func TestAbsoluteURLs(t *testing.T) {
	in := `<p><a href="/about/">About</a> <a href="//cdn.example/x">cdn</a> <img src="/wp-content/a.jpg" alt="a &amp; b"> <a href="https://o.example/">o</a> <a href="#x">x</a></p>`
	want := `<p><a href="https://example.com/about/">About</a> <a href="//cdn.example/x">cdn</a> <img src="https://example.com/wp-content/a.jpg" alt="a &amp; b"> <a href="https://o.example/">o</a> <a href="#x">x</a></p>`
	if got := feeds.AbsoluteURLs(in, "https://example.com"); got != want {
		t.Fatalf("AbsoluteURLs:\n got %s\nwant %s", got, want)
	}
	plain := `<p>No links</p>`
	if got := feeds.AbsoluteURLs(plain, "https://example.com"); got != plain {
		t.Fatalf("unchanged fragment rewritten: %s", got)
	}
}

// FuzzFeeds: whatever the strings, every format is well-formed and parses.
func FuzzFeeds(f *testing.F) {
	f.Add(hostile, "<p>x</p>", "a]]>b")
	f.Add("", "", "")
	f.Add("\ufffe\U0001F600", "<![CDATA[", "--><!--")
	f.Fuzz(func(t *testing.T, title, content, name string) {
		fd := postsFeed()
		fd.Title = title
		fd.Items[0].Title, fd.Items[0].ContentHTML, fd.Items[0].Author, fd.Items[0].Categories = title, content, name, []string{name}
		for _, write := range []func(io.Writer, *feeds.Feed) error{feeds.RSS, feeds.Atom, feeds.RDF} {
			doc := render(t, fd, write)
			wellFormed(t, doc)
		}
		var v any
		if err := json.Unmarshal([]byte(render(t, fd, feeds.JSON)), &v); err != nil {
			t.Fatalf("JSON Feed does not parse: %v", err)
		}
	})
}

func TestSitemaps(t *testing.T) {
	urls := []feeds.SitemapURL{{Loc: "https://example.com/", LastMod: t2}, {Loc: "https://example.com/a?b=1&c=<2>"}}
	var b bytes.Buffer
	if err := feeds.Sitemap(&b, urls); err != nil {
		t.Fatal(err)
	}
	golden(t, "sitemap", b.String())
	wellFormed(t, b.String())
	var set struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(b.Bytes(), &set); err != nil || len(set.URLs) != 2 || set.URLs[0].LastMod != "2026-02-28T17:05:07Z" ||
		set.URLs[1].Loc != "https://example.com/a?b=1&c=<2>" || set.URLs[1].LastMod != "" {
		t.Fatalf("sitemap: %+v, %v", set, err)
	}
	b.Reset()
	if err := feeds.SitemapIndex(&b, urls[:1]); err != nil {
		t.Fatal(err)
	}
	golden(t, "sitemap-index", b.String())
	wellFormed(t, b.String())
}
