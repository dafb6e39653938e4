package importer

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/wxr"
)

// splitHead is an export's head for the split tests: the namespaces, a site, an author and
// categories.
const splitHead = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Split</title>
	<link>https://split.example/blog</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://split.example</wp:base_site_url>
	<wp:base_blog_url>https://split.example/blog</wp:base_blog_url>
	<wp:author><wp:author_login>ann</wp:author_login></wp:author>
	<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>news</wp:category_nicename><wp:cat_name>News</wp:cat_name></wp:category>
`

func splitPost(id int, creator, extra string, comments ...[2]int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\t<item>\n\t\t<title>Post %d</title>\n\t\t<link>https://split.example/blog/news/post-%d/</link>\n", id, id)
	fmt.Fprintf(&b, "\t\t<dc:creator>%s</dc:creator>\n\t\t<content:encoded><![CDATA[Body %d\n\t<item>\n]]></content:encoded>\n", creator, id)
	fmt.Fprintf(&b, "\t\t<wp:post_id>%d</wp:post_id>\n\t\t<wp:post_date>2020-01-0%d 10:00:00</wp:post_date>\n\t\t<wp:post_date_gmt>2020-01-0%d 09:00:00</wp:post_date_gmt>\n", id, id%9+1, id%9+1)
	fmt.Fprintf(&b, "\t\t<wp:post_name>post-%d</wp:post_name>\n\t\t<wp:status>publish</wp:status>\n\t\t<wp:post_type>post</wp:post_type>\n%s", id, extra)
	for _, c := range comments {
		fmt.Fprintf(&b, "\t\t<wp:comment>\n\t\t\t<wp:comment_id>%d</wp:comment_id>\n\t\t\t<wp:comment_author><![CDATA[R]]></wp:comment_author>\n\t\t\t<wp:comment_parent>%d</wp:comment_parent>\n\t\t</wp:comment>\n", c[0], c[1])
	}
	b.WriteString("\t</item>\n")
	return b.String()
}

func splitAttachment(id, parent int, url string) string {
	return fmt.Sprintf("\t<item>\n\t\t<title>File %d</title>\n\t\t<dc:creator>bob</dc:creator>\n\t\t<wp:post_id>%d</wp:post_id>\n\t\t<wp:post_parent>%d</wp:post_parent>\n"+
		"\t\t<wp:post_type>attachment</wp:post_type>\n\t\t<wp:attachment_url>%s</wp:attachment_url>\n"+
		"\t\t<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>alt %d</wp:meta_value></wp:postmeta>\n"+
		"\t\t<wp:comment>\n\t\t\t<wp:comment_id>%d</wp:comment_id>\n\t\t</wp:comment>\n\t</item>\n", id, id, parent, url, id, 9000+id)
}

// splitDocs are exports whose every split point the tests try: items whose bodies and
// unknown elements hold "<item>" at a line's start, attachments before and after their
// posts and repeated, orphan replies, a creator seen in both halves, and files that go
// wrong after the middle.
func splitDocs() map[string]string {
	body := splitPost(1, "ann", "", [2]int{1, 0}, [2]int{2, 1}, [2]int{3, 99}) +
		splitAttachment(50, 2, "https://split.example/wp-content/uploads/2020/01/a.jpg") +
		splitPost(2, "bob", "\t\t<wp:unknown>\n<item>\n</item>\n</wp:unknown>\n", [2]int{4, 0}, [2]int{5, 5}) +
		splitPost(3, "carol", "", [2]int{6, 7}, [2]int{7, 0}) +
		splitAttachment(51, 3, "https://split.example/wp-content/uploads/2020/01/b.png") +
		splitPost(4, "bob", "", [2]int{8, 0}) +
		splitAttachment(50, 4, "https://split.example/wp-content/uploads/2020/02/a2.jpg") +
		splitPost(5, "dave", "", [2]int{10, 9}, [2]int{11, 10})
	tail := "</channel>\n</rss>\n"
	return map[string]string{
		"plain":         splitHead + body + tail,
		"category late": splitHead + body + "\t<wp:category><wp:category_nicename>late</wp:category_nicename></wp:category>\n" + splitPost(6, "erin", "") + tail,
		"author late":   splitHead + body + "\t<wp:author><wp:author_login>zed</wp:author_login></wp:author>\n" + tail,
		"namespace":     splitHead + body + "\t<item xmlns:wp=\"urn:other\">\n\t\t<wp:post_id>77</wp:post_id>\n\t</item>\n" + splitPost(7, "ann", "") + tail,
		"broken end":    splitHead + body + "\t<item><title>x</titel></item>\n" + tail,
		"unclosed":      splitHead + body,
		"bad char":      splitHead + body + "\t<item><title>\xff</title></item>\n" + tail,
	}
}

// scanSplitAt runs the first pass with the split point searched for from offset from (-1:
// one reader), and reports whether the halves were joined.
func scanSplitAt(t *testing.T, path string, from int64) (*plan, bool, error) {
	t.Helper()
	old, oldJoined := splitFile, halvesJoined
	defer func() { splitFile, halvesJoined = old, oldJoined }()
	splitFile = func(r *wxr.Reader, src io.ReaderAt, size int64) {
		if from >= 0 {
			r.SplitAt(src, from, size)
		}
	}
	joined := false
	halvesJoined = func() { joined = true }
	p, err := scan(context.Background(), path, Options{}, nil)
	return p, joined, err
}

// samePlan fails the test unless the plan and error read in two halves are those of one
// reader, and reports joined (the halves were joined) when they are.
func samePlan(t *testing.T, name string, from int64, want, got *plan, joined bool, wantErr, gotErr error) bool {
	t.Helper()
	if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
		t.Fatalf("%s, split from %d: error %v, want %v", name, from, gotErr, wantErr)
	}
	if wantErr != nil {
		return false
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("%s, split from %d: the plan differs from one reader's\n got %+v\nwant %+v", name, from, got, want)
	}
	return joined
}

// TestScanHalvesMatchOneReader: the first pass read in two halves gives one reader's plan,
// or its error, wherever the split falls (every '<' of the test exports, every item of the
// fixtures), and does join the halves where it can.
func TestScanHalvesMatchOneReader(t *testing.T) {
	dir := t.TempDir()
	joined := 0
	for name, doc := range splitDocs() {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".xml")
		must(t, os.WriteFile(path, []byte(doc), 0o644))
		want, _, wantErr := scanSplitAt(t, path, -1)
		for i := 0; i < len(doc); i++ {
			if doc[i] != '<' {
				continue
			}
			got, halves, err := scanSplitAt(t, path, int64(i))
			if samePlan(t, name, int64(i), want, got, halves, wantErr, err) {
				joined++
			}
		}
	}
	fixtures, err := filepath.Glob("../../testdata/wxr/*.xml")
	must(t, err)
	item := regexp.MustCompile(`\n[ \t]*<item>`)
	for _, path := range fixtures {
		doc, err := os.ReadFile(path)
		must(t, err)
		want, _, wantErr := scanSplitAt(t, path, -1)
		for _, m := range item.FindAllIndex(doc, -1) {
			got, halves, err := scanSplitAt(t, path, int64(m[0]))
			if samePlan(t, filepath.Base(path), int64(m[0]), want, got, halves, wantErr, err) {
				joined++
			}
		}
	}
	t.Logf("joined the halves %d times", joined)
	if joined < 20 {
		t.Errorf("the halves were joined %d times: the split is not being used", joined)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkFirstPass times the first pass over BROADSIDE_WXR_BENCH (a generated export,
// see TestGenerateWXR), read by one reader and in two halves.
func BenchmarkFirstPass(b *testing.B) {
	path := os.Getenv("BROADSIDE_WXR_BENCH")
	if path == "" {
		b.Skip("set BROADSIDE_WXR_BENCH to an export")
	}
	for _, mode := range []string{"one", "halves"} {
		b.Run(mode, func(b *testing.B) {
			old, oldJoined := splitFile, halvesJoined
			defer func() { splitFile, halvesJoined = old, oldJoined }()
			if mode == "one" {
				splitFile = func(*wxr.Reader, io.ReaderAt, int64) {}
			}
			var joined bool
			halvesJoined = func() { joined = true }
			for b.Loop() {
				joined = false
				_, err := scan(context.Background(), path, Options{}, nil)
				if err != nil {
					b.Fatal(err)
				}
				if joined != (mode == "halves") {
					b.Fatalf("read in halves: %v", joined)
				}
			}
		})
	}
}
