package importer_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
)

const pingWXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url>
<item><title>Open</title><wp:post_id>5</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2019-04-05 10:00:00</wp:post_date_gmt><wp:post_name>open</wp:post_name>
<wp:comment_status>open</wp:comment_status><wp:ping_status>open</wp:ping_status>
<content:encoded><![CDATA[Pings were open.]]></content:encoded></item>
<item><title>Closed</title><wp:post_id>6</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2019-04-06 10:00:00</wp:post_date_gmt><wp:post_name>closed</wp:post_name>
<wp:comment_status>open</wp:comment_status><wp:ping_status>closed</wp:ping_status>
<content:encoded><![CDATA[Pings were closed.]]></content:encoded></item>
</channel></rss>`

// A post's ping_status comes through an import and goes out in the export as it was, so the
// REST API and WordPress's importer see what the old site had (issue 13, point 9f).
func TestImportKeepsPingStatus(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if _, err := e.importText("pings.xml", pingWXR, importer.Options{}); err != nil {
			t.Fatal(err)
		}
		open, err := e.st.PostBySlug(e.ctx, broadside.TypePost, "open")
		must(t, err)
		closed, err := e.st.PostBySlug(e.ctx, broadside.TypePost, "closed")
		must(t, err)
		if !open.PingsOpen || closed.PingsOpen {
			t.Fatalf("pings open: %v / %v", open.PingsOpen, closed.PingsOpen)
		}
		out := e.export()
		if n := bytes.Count(out, []byte("<wp:ping_status><![CDATA[open]]></wp:ping_status>")); n != 1 {
			t.Fatalf("%d open ping statuses in the export:\n%s", n, strings.SplitN(string(out), "<item>", 2)[1])
		}
	})
}
