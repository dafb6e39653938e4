package feeds_test

import (
	"strings"
	"testing"

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
