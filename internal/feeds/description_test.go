package feeds_test

import (
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"

	"github.com/broadside/broadside/internal/feeds"
)

// An RSS <description> is HTML by convention, so a summary's plain text goes into its CDATA
// section escaped, as WordPress's the_excerpt_rss and comment_text_rss leave it: a post about
// "The HTML <blockquote> Element" must not hand feed readers (and the W3C validator) a raw,
// unclosed <blockquote> tag.
func TestRSSDescriptionKeepsEntitiesEncoded(t *testing.T) {
	for _, kind := range []feeds.Kind{feeds.Posts, feeds.Comments} {
		f := postsFeed()
		f.Kind = kind
		f.Items[0].Summary = `The HTML <blockquote> Element & "friends"`
		doc := render(t, f, feeds.RSS)
		wellFormed(t, doc)
		if want := `<description><![CDATA[The HTML &lt;blockquote&gt; Element &amp; "friends"]]></description>`; !strings.Contains(doc, want) {
			t.Fatalf("kind %d: want %s in\n%s", kind, want, doc)
		}
		parsed, err := (&rss.Parser{}).Parse(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if d := parsed.Items[0].Description; d != `The HTML &lt;blockquote&gt; Element &amp; "friends"` {
			t.Fatalf("description as a reader sees it: %q", d)
		}
	}
}

// RSS 1.0 in WordPress's feed-rdf.php shape: every item listed in the channel's rdf:Seq and
// written beside the channel, hostile strings included, and readable by a feed parser.
func TestRDF(t *testing.T) {
	doc := render(t, postsFeed(), feeds.RDF)
	golden(t, "rdf", doc)
	wellFormed(t, doc)
	f, err := gofeed.NewParser().ParseString(doc)
	if err != nil {
		t.Fatal(err)
	}
	if f.FeedType != "rss" || f.FeedVersion != "1.0" || f.Title != "Broadside Test & Co" || f.Link != "https://example.com/" ||
		len(f.Items) != 2 {
		t.Fatalf("channel: %+v", f)
	}
	it, h := f.Items[0], f.Items[1]
	if it.Title != "Council approves budget" || it.Link != "https://example.com/2026/02/28/council/" ||
		it.Authors[0].Name != "Ann Author" || it.Published != "2026-02-28T17:05:07Z" ||
		!strings.Contains(it.Content, "<pre>a ]]> b</pre>") || strings.Join(it.Categories, ",") != "News,Local,Budget" {
		t.Fatalf("item: %+v", it)
	}
	if h.Title != hostileClean || h.Content != "" || !strings.Contains(h.Description, "&lt;script&gt;") {
		t.Fatalf("hostile item: %+v", h)
	}
	if strings.Count(doc, "<rdf:li ") != 2 {
		t.Fatalf("rdf:Seq:\n%s", doc)
	}
	empty := postsFeed()
	empty.Items = nil
	wellFormed(t, render(t, empty, feeds.RDF))
}
