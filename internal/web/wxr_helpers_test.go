package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeWXR writes a minimal WordPress export of a site whose home is base, with the given
// channel elements (terms, authors) and items, and returns its path.
func writeWXR(t *testing.T, base, body string) string {
	t.Helper()
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old</title><link>` + base + `</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>` + base + `</wp:base_site_url><wp:base_blog_url>` + base + `</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[ann]]></wp:author_login><wp:author_email><![CDATA[ann@example.org]]></wp:author_email><wp:author_display_name><![CDATA[Ann]]></wp:author_display_name></wp:author>
` + body + "\n</channel></rss>\n"
	path := filepath.Join(t.TempDir(), "export.xml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// wxrItem is one <item>: fields are WXR element names without the wp: prefix where they
// have one (title, link, guid, content, excerpt, post_id, post_name, post_type, post_date,
// status, post_parent, menu_order, attachment_url), and extra is appended inside the item
// (categories, comments, postmeta).
func wxrItem(f map[string]string, extra string) string {
	get := func(k, def string) string {
		if v, ok := f[k]; ok {
			return v
		}
		return def
	}
	var b strings.Builder
	b.WriteString("<item><title>" + get("title", "") + "</title>")
	if l := get("link", ""); l != "" {
		b.WriteString("<link>" + l + "</link>")
	}
	if g := get("guid", ""); g != "" {
		b.WriteString(g)
	}
	b.WriteString("<dc:creator><![CDATA[ann]]></dc:creator>")
	b.WriteString("<content:encoded><![CDATA[" + get("content", "") + "]]></content:encoded>")
	b.WriteString("<excerpt:encoded><![CDATA[" + get("excerpt", "") + "]]></excerpt:encoded>")
	date := get("post_date", "2012-05-10 10:00:00")
	b.WriteString("<wp:post_id>" + get("post_id", "1") + "</wp:post_id><wp:post_date><![CDATA[" + date +
		"]]></wp:post_date><wp:post_date_gmt><![CDATA[" + date + "]]></wp:post_date_gmt>")
	b.WriteString("<wp:comment_status><![CDATA[open]]></wp:comment_status><wp:post_name><![CDATA[" + get("post_name", "") +
		"]]></wp:post_name><wp:status><![CDATA[" + get("status", "publish") + "]]></wp:status><wp:post_parent>" +
		get("post_parent", "0") + "</wp:post_parent><wp:menu_order>" + get("menu_order", "0") +
		"</wp:menu_order><wp:post_type><![CDATA[" + get("post_type", "post") + "]]></wp:post_type>")
	if u := get("attachment_url", ""); u != "" {
		b.WriteString("<wp:attachment_url><![CDATA[" + u + "]]></wp:attachment_url>")
	}
	b.WriteString(extra + "</item>\n")
	return b.String()
}

// wxrComment is one <wp:comment> of an item.
func wxrComment(id, parent, author, body string) string {
	return "<wp:comment><wp:comment_id>" + id + "</wp:comment_id><wp:comment_author><![CDATA[" + author +
		"]]></wp:comment_author><wp:comment_author_email><![CDATA[" + strings.ToLower(author) +
		"@example.org]]></wp:comment_author_email><wp:comment_date><![CDATA[2012-05-11 10:00:00]]></wp:comment_date>" +
		"<wp:comment_date_gmt><![CDATA[2012-05-11 10:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[" + body +
		"]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type>" +
		"<wp:comment_parent>" + parent + "</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>"
}
