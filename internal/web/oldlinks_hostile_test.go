package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// attackURLs are addresses an export file may carry as an attachment's file that must
// never become a Location header.
var attackURLs = []string{
	"javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
	"//evil.example/wp-content/uploads/a.jpg", "/\\evil.example/a.jpg", "https:evil.example/a.jpg", "http://user@evil.example/",
	"vbscript:msgbox(1)", "file:///etc/passwd", "intent://evil#Intent;scheme=https;end",
}

func attachmentItem(id int, link, url string) string {
	return fmt.Sprintf(`<item><title>file %d</title><link>%s</link><guid isPermaLink="false">%s</guid>
<wp:post_id>%d</wp:post_id><wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt><wp:post_name>file-%d</wp:post_name>
<wp:status>inherit</wp:status><wp:post_parent>0</wp:post_parent><wp:post_type>attachment</wp:post_type>
<wp:attachment_url><![CDATA[%s]]></wp:attachment_url></item>
`, id, link, "https://old.example/?attachment_id="+fmt.Sprint(id), id, id, url)
}

// An attachment's old links (/?attachment_id=ID and its WordPress attachment page) redirect
// only to a path here or an http(s) URL: the importer skips a hostile file address, and an
// address stored before that check (or changed since) answers 404 instead of a redirect.
func TestAttachmentRedirectsRefuseHostileURLs(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Old</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://old.example</wp:base_site_url><wp:base_blog_url>https://old.example</wp:base_blog_url>
`)
	b.WriteString(attachmentItem(10, "https://old.example/photo/", "https://cdn.example.net/2020/01/photo.jpg"))
	for i, u := range attackURLs {
		b.WriteString(attachmentItem(100+i, fmt.Sprintf("https://old.example/evil-%d/", i), u))
	}
	b.WriteString("</channel></rss>\n")
	file := filepath.Join(t.TempDir(), "hostile.xml")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	sum := ta.importWXR(file, importerOptions())
	if n := len(sum.WarningsAbout("is not an http(s) address; skipped")); n != len(attackURLs) {
		t.Errorf("%d attachments skipped with a warning, want %d: %+v", n, len(attackURLs), sum.Warnings)
	}
	br := ta.browser()
	noRedirect := func(path, attack string) {
		t.Helper()
		r := br.get(path)
		if loc := r.Header.Get("Location"); loc != "" || r.StatusCode != http.StatusNotFound {
			t.Errorf("%s with file address %q: status %d, Location %q; want 404 and no redirect", path, attack, r.StatusCode, loc)
		}
	}
	for i, u := range attackURLs {
		noRedirect(fmt.Sprintf("/?attachment_id=%d", 100+i), u)
		noRedirect(fmt.Sprintf("/evil-%d/", i), u)
	}

	want301(t, br.get("/?attachment_id=10"), "https://cdn.example.net/2020/01/photo.jpg")
	want301(t, br.get("/photo/"), "https://cdn.example.net/2020/01/photo.jpg")
	// An address that got in some other way (an older import, a hand-edited database) is
	// still never a redirect.
	ctx := context.Background()
	a, err := ta.App.Store.AttachmentByID(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range attackURLs {
		a.URL = u
		if err := ta.App.Store.UpdateAttachment(ctx, a); err != nil {
			t.Fatal(err)
		}
		noRedirect("/?attachment_id=10", u)
		noRedirect("/photo/", u)
	}
}
