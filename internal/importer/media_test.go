package importer_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testimg"
	"github.com/broadside/broadside/internal/wxr"
)

const mediaWXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url>
<item><title>Photo</title><wp:post_id>7</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:post_date_gmt>2019-04-03 08:30:00</wp:post_date_gmt><excerpt:encoded><![CDATA[The door in spring]]></excerpt:encoded>
<wp:post_parent>8</wp:post_parent><wp:attachment_url>https://old.example/wp-content/uploads/2019/04/a.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2019/04/a.jpg</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>A red door</wp:meta_value></wp:postmeta></item>
<item><title>Big</title><wp:post_id>12</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://old.example/wp-content/uploads/2019/04/Big_Photo-scaled.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2019/04/Big_Photo-scaled.jpg</wp:meta_value></wp:postmeta></item>
<item><title>Lost</title><wp:post_id>9</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://old.example/wp-content/uploads/2019/04/lost.jpg</wp:attachment_url></item>
<item><title>Evil</title><wp:post_id>10</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://old.example/wp-content/uploads/2019/04/evil.jpg</wp:attachment_url></item>
<item><title>Post</title><wp:post_id>8</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2019-04-05 10:00:00</wp:post_date_gmt><wp:post_name>post</wp:post_name>
<content:encoded><![CDATA[<img src="https://old.example/wp-content/uploads/2019/04/a-300x200.jpg" alt="">
<img src="http://www.old.example/wp-content/uploads/2019/04/lost.jpg" alt="">
<img src="//old.example/wp-content/uploads/2019/04/Big_Photo-1024x768.jpg" alt="">
<img src="/wp-content/uploads/2019/04/a-150x150.jpg" alt="">
<img src="https://old.example/wp-content/uploads/2019/04/evil.jpg" alt="">
<img src="https://elsewhere.example/wp-content/uploads/2019/04/a.jpg" alt="">
<a href="https://old.example/wp-content/uploads/2019/04/a.jpg">full size</a>]]></content:encoded>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>7</wp:meta_value></wp:postmeta></item>
</channel></rss>`

// mediaSite writes the export and a wp-content/uploads copy holding a.jpg, its resized copy,
// Big_Photo-scaled.jpg and an HTML file named evil.jpg (lost.jpg is missing).
func mediaSite(t *testing.T) (xml, dir string) {
	d := t.TempDir()
	xml = filepath.Join(d, "site.xml")
	must(t, os.WriteFile(xml, []byte(mediaWXR), 0o644))
	dir = filepath.Join(d, "uploads")
	must(t, os.MkdirAll(filepath.Join(dir, "2019", "04"), 0o755))
	for name, b := range map[string][]byte{"a.jpg": testimg.JPEG(t, 40, 30), "a-300x200.jpg": testimg.JPEG(t, 4, 3),
		"Big_Photo-scaled.jpg": testimg.JPEG(t, 64, 48), "evil.jpg": []byte("<html><script>alert(1)</script></html>")} {
		must(t, os.WriteFile(filepath.Join(dir, "2019", "04", name), b, 0o644))
	}
	return xml, dir
}

// TestMediaDir: the attachments' files in --media-dir become media library files (WordPress
// ids, titles, alt text, captions, dates and paths kept), stored through the library's
// storage after the upload checks; featured images and content, resized copies included,
// point at the originals; what is missing or refused keeps its original URL and is reported.
func TestMediaDir(t *testing.T) {
	path, dir := mediaSite(t)
	e := newEnv(t, testdb.SQLite(t))
	var processed []int64
	e.svc.ProcessMedia = func(_ context.Context, _ *store.Store, m *broadside.Media) error {
		processed = append(processed, m.ID)
		return nil
	}
	// A dry run stores nothing but reports what would be refused.
	dry, err := e.svc.ImportFile(e.ctx, path, importer.Options{MediaDir: dir, DryRun: true})
	must(t, err)
	if _, err := os.Stat(filepath.Join(e.uploads, "2019", "04", "a.jpg")); err == nil || dry.MediaMissing != 1 || dry.MediaRefused != 1 {
		t.Fatalf("dry run: stored files, or missing=%d refused=%d", dry.MediaMissing, dry.MediaRefused)
	}
	processed = nil // the dry run's transaction, and what it enqueued, was rolled back
	var seen []importer.Progress
	sum, err := e.svc.ImportFile(e.ctx, path, importer.Options{MediaDir: dir, Progress: func(p importer.Progress) { seen = append(seen, p) }})
	must(t, err)
	if sum.MediaCopied != 2 || sum.MediaRows != 2 || sum.MediaMissing != 1 || sum.MediaRefused != 1 ||
		len(sum.WarningsAbout("lost.jpg")) != 1 || len(sum.WarningsAbout("evil.jpg")) != 1 {
		t.Fatalf("stored %d, rows %d, missing %d, refused %d, warnings %v", sum.MediaCopied, sum.MediaRows, sum.MediaMissing, sum.MediaRefused, sum.Warnings)
	}
	if last := seen[len(seen)-1]; !hasPass(seen, importer.PassMedia) || last.Done != last.Total {
		t.Errorf("progress: %+v", seen)
	}
	if len(processed) != 2 {
		t.Errorf("processing enqueued for %v", processed)
	}
	m, err := e.st.MediaByID(e.ctx, 7)
	must(t, err)
	if m.Key != "2019/04/a.jpg" || m.Title != "Photo" || m.Alt != "A red door" || m.Caption != "The door in spring" || m.MimeType != "image/jpeg" ||
		m.Width != 40 || m.Height != 30 || !m.CreatedAt.Equal(time.Date(2019, 4, 3, 8, 30, 0, 0, time.UTC)) || m.FileName != "a.jpg" {
		t.Errorf("media 7 = %+v", m)
	}
	big, err := e.st.MediaByID(e.ctx, 12)
	must(t, err)
	if big.Key != "2019/04/Big_Photo-scaled.jpg" || big.Width != 64 {
		t.Errorf("media 12 = %+v", big)
	}
	for _, name := range []string{"a-300x200.jpg", "evil.jpg"} {
		if _, err := os.Stat(filepath.Join(e.uploads, "2019", "04", name)); err == nil {
			t.Errorf("%s was stored", name)
		}
	}
	if _, err := e.st.MediaByKey(e.ctx, "2019/04/evil.jpg"); err == nil {
		t.Error("the refused file is in the library")
	}
	p := e.postByTitle("Post")
	if p.FeaturedImageURL != "/wp-content/uploads/2019/04/a.jpg" || p.FeaturedImageAlt != "A red door" {
		t.Errorf("featured image = %q %q", p.FeaturedImageURL, p.FeaturedImageAlt)
	}
	for _, want := range []string{`src="/wp-content/uploads/2019/04/a.jpg"`, `href="/wp-content/uploads/2019/04/a.jpg"`,
		`src="/wp-content/uploads/2019/04/Big_Photo-scaled.jpg"`, `src="http://www.old.example/wp-content/uploads/2019/04/lost.jpg"`,
		`src="https://old.example/wp-content/uploads/2019/04/evil.jpg"`, `src="https://elsewhere.example/wp-content/uploads/2019/04/a.jpg"`} {
		if !strings.Contains(p.RawBody, want) {
			t.Errorf("body lacks %s:\n%s", want, p.RawBody)
		}
	}
	if strings.Contains(p.RawBody, "300x200") || strings.Contains(p.RawBody, "150x150") || strings.Contains(p.RawBody, "1024x768") {
		t.Errorf("a resized copy is still referenced:\n%s", p.RawBody)
	}
	// The attachment stays, for old attachment links, and points at the library file.
	a, err := e.st.AttachmentByID(e.ctx, 7)
	must(t, err)
	if a.File != "2019/04/a.jpg" || a.URL != "/wp-content/uploads/2019/04/a.jpg" || a.ParentID != 8 || a.MimeType != "image/jpeg" {
		t.Errorf("attachment = %+v", a)
	}
	// A second run stores and adds nothing.
	again, err := e.svc.ImportFile(e.ctx, path, importer.Options{MediaDir: dir})
	must(t, err)
	if again.MediaCopied != 0 || again.MediaRows != 0 || again.Posts.Existing != 1 {
		t.Errorf("re-run stored %d, rows %d, posts %+v", again.MediaCopied, again.MediaRows, again.Posts)
	}
}

func hasPass(ps []importer.Progress, pass int) bool {
	for _, p := range ps {
		if p.Pass == pass {
			return true
		}
	}
	return false
}

// A failed import leaves neither rows nor stored files.
func TestMediaDirFailedImportRemovesFiles(t *testing.T) {
	path, dir := mediaSite(t)
	e := newEnv(t, testdb.SQLite(t))
	e.svc.ProcessMedia = func(context.Context, *store.Store, *broadside.Media) error { return errors.New("queue broken") }
	if _, err := e.svc.ImportFile(e.ctx, path, importer.Options{MediaDir: dir}); err == nil {
		t.Fatal("the import succeeded")
	}
	var left []string
	filepath.WalkDir(e.uploads, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) != 0 {
		t.Errorf("files left behind: %v", left)
	}
	if _, err := e.st.MediaByID(e.ctx, 7); err == nil {
		t.Error("a media row survived the failed import")
	}
	if len(e.all()) != 0 {
		t.Error("posts survived the failed import")
	}
}

// TestMediaExport: library files are exported as WordPress attachments (attachment_url,
// _wp_attached_file, _wp_attachment_image_alt, caption as excerpt, parent), once each, the
// attachments without a file as before; the export imports again with the files' fields.
func TestMediaExport(t *testing.T) {
	path, dir := mediaSite(t)
	e := newEnv(t, testdb.SQLite(t))
	e.svc.BaseURL = "https://new.example"
	_, err := e.svc.ImportFile(e.ctx, path, importer.Options{MediaDir: dir})
	must(t, err)
	m, err := e.st.MediaByID(e.ctx, 7)
	must(t, err)
	u, err := e.st.UserByID(e.ctx, m.AuthorID)
	must(t, err)
	up, err := e.svc.Media.Upload(e.ctx, u, "Chart.jpg", bytes.NewReader(testimg.JPEG(t, 10, 10)))
	must(t, err)
	_, err = e.svc.Media.Update(e.ctx, u, up.ID, media.Details{Title: "Chart", Alt: "A rising line", Caption: "Sales"})
	must(t, err)

	out := e.export()
	items := map[string]*wxr.Item{}
	rd := wxr.NewReader(bytes.NewReader(out))
	for {
		rec, err := rd.Next()
		if err != nil {
			break
		}
		if it, ok := rec.(*wxr.Item); ok && it.Type == "attachment" {
			if items[it.AttachmentURL] != nil {
				t.Errorf("%s exported twice", it.AttachmentURL)
			}
			items[it.AttachmentURL] = it
		}
	}
	meta := func(it *wxr.Item, k string) string { v, _ := it.MetaValue(k); return v }
	a := items["https://new.example/wp-content/uploads/2019/04/a.jpg"]
	if a == nil || a.ID != 7 || a.Parent != 8 || a.Title != "Photo" || a.Excerpt != "The door in spring" ||
		meta(a, "_wp_attached_file") != "2019/04/a.jpg" || meta(a, "_wp_attachment_image_alt") != "A red door" || a.PostDateGMT != "2019-04-03 08:30:00" {
		t.Errorf("imported file exported as %+v (items %v)", a, keys(items))
	}
	c := items["https://new.example"+up.URL()]
	if c == nil || c.Title != "Chart" || c.Excerpt != "Sales" || meta(c, "_wp_attached_file") != up.Key ||
		meta(c, "_wp_attachment_image_alt") != "A rising line" || c.Creator != u.Login || c.ID == 7 || c.ID == 8 {
		t.Errorf("uploaded file exported as %+v", c)
	}
	if items["https://old.example/wp-content/uploads/2019/04/lost.jpg"] == nil {
		t.Errorf("an attachment without its file is not exported: %v", keys(items))
	}
	if len(items) != 5 {
		t.Errorf("attachments exported: %v", keys(items))
	}
	// The export reads back as a WordPress export, without warnings.
	file := filepath.Join(t.TempDir(), "export.xml")
	must(t, os.WriteFile(file, out, 0o644))
	again := newEnv(t, testdb.SQLite(t))
	sum, err := again.svc.ImportFile(again.ctx, file, importer.Options{})
	must(t, err)
	if sum.Attachments.New != 5 || sum.WarningsTotal != 0 {
		t.Errorf("re-import: attachments %+v, warnings %v", sum.Attachments, sum.Warnings)
	}
	ra, err := again.st.AttachmentByID(again.ctx, 7)
	must(t, err)
	if ra.Alt != "A red door" || ra.Caption != "The door in spring" || ra.ParentID != 8 {
		t.Errorf("re-imported attachment = %+v", ra)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
