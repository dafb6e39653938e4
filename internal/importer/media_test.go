package importer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/testdb"
)

// TestMediaDir: files of a local wp-content/uploads copy are copied into the uploads
// directory, and the attachment, the featured image and the content point at the copies;
// what is missing keeps its original URL and is reported.
func TestMediaDir(t *testing.T) {
	src := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url>
<item><title>Photo</title><wp:post_id>7</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:post_parent>8</wp:post_parent><wp:attachment_url>https://old.example/wp-content/uploads/2019/04/a.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2019/04/a.jpg</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>A red door</wp:meta_value></wp:postmeta></item>
<item><title>Lost</title><wp:post_id>9</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://old.example/wp-content/uploads/2019/04/lost.jpg</wp:attachment_url></item>
<item><title>Post</title><wp:post_id>8</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2019-04-05 10:00:00</wp:post_date_gmt><wp:post_name>post</wp:post_name>
<content:encoded><![CDATA[<img src="https://old.example/wp-content/uploads/2019/04/a-300x200.jpg" alt="">
<img src="http://www.old.example/wp-content/uploads/2019/04/lost.jpg" alt="">
<a href="https://old.example/wp-content/uploads/2019/04/a.jpg">full size</a>]]></content:encoded>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>7</wp:meta_value></wp:postmeta></item>
</channel></rss>`
	dir := t.TempDir()
	path := filepath.Join(dir, "site.xml")
	must(t, os.WriteFile(path, []byte(src), 0o644))
	media := filepath.Join(dir, "uploads")
	must(t, os.MkdirAll(filepath.Join(media, "2019", "04"), 0o755))
	for _, f := range []string{"a.jpg", "a-300x200.jpg"} {
		must(t, os.WriteFile(filepath.Join(media, "2019", "04", f), []byte("jpeg "+f), 0o644))
	}
	e := newEnv(t, testdb.SQLite(t))
	// A dry run copies nothing.
	dry, err := e.svc.ImportFile(e.ctx, path, importer.Options{MediaDir: media, DryRun: true})
	must(t, err)
	if _, err := os.Stat(filepath.Join(e.svc.UploadsDir, "2019", "04", "a.jpg")); err == nil || dry.MediaMissing != 1 {
		t.Fatalf("dry run: copied files or missing=%d", dry.MediaMissing)
	}
	sum, err := e.svc.ImportFile(e.ctx, path, importer.Options{MediaDir: media})
	must(t, err)
	if sum.MediaCopied != 2 || sum.MediaMissing != 1 || len(sum.WarningsAbout("lost.jpg")) != 1 {
		t.Fatalf("copied %d, missing %d, warnings %v", sum.MediaCopied, sum.MediaMissing, sum.Warnings)
	}
	if b, err := os.ReadFile(filepath.Join(e.svc.UploadsDir, "2019", "04", "a-300x200.jpg")); err != nil || string(b) != "jpeg a-300x200.jpg" {
		t.Fatalf("copy: %q %v", b, err)
	}
	p := e.postByTitle("Post")
	if p.FeaturedImageURL != "/wp-content/uploads/2019/04/a.jpg" || p.FeaturedImageAlt != "A red door" {
		t.Errorf("featured image = %q %q", p.FeaturedImageURL, p.FeaturedImageAlt)
	}
	for _, want := range []string{`src="/wp-content/uploads/2019/04/a-300x200.jpg"`, `href="/wp-content/uploads/2019/04/a.jpg"`,
		`src="http://www.old.example/wp-content/uploads/2019/04/lost.jpg"`} {
		if !strings.Contains(p.RawBody, want) {
			t.Errorf("body lacks %s:\n%s", want, p.RawBody)
		}
	}
	a, err := e.st.AttachmentByID(e.ctx, 7)
	must(t, err)
	if a.File != "2019/04/a.jpg" || a.URL != "/wp-content/uploads/2019/04/a.jpg" || a.ParentID != 8 || a.MimeType != "image/jpeg" {
		t.Errorf("attachment = %+v", a)
	}
	// A second run copies nothing new.
	again, err := e.svc.ImportFile(e.ctx, path, importer.Options{MediaDir: media})
	must(t, err)
	if again.MediaCopied != 0 || again.Posts.Existing != 1 {
		t.Errorf("re-run copied %d, posts %+v", again.MediaCopied, again.Posts)
	}
}
