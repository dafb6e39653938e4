package cli_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const photoWXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url>
<item><title>Photo</title><wp:post_id>7</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://old.example/wp-content/uploads/2019/04/a.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2019/04/a.jpg</wp:meta_value></wp:postmeta></item>
</channel></rss>`

// TestImportMakesImageSizes: `import wordpress --media-dir` stores the originals and makes
// their sizes (and WebP copies) before it returns, saying so, instead of leaving the backlog
// to the server.
func TestImportMakesImageSizes(t *testing.T) {
	dir, site := t.TempDir(), t.TempDir()
	xml := filepath.Join(site, "site.xml")
	if err := os.WriteFile(xml, []byte(photoWXR), 0o644); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for x := range 400 {
		img.Set(x, x%300, color.RGBA{200, 10, 10, 255})
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	uploads := filepath.Join(site, "uploads")
	if err := os.MkdirAll(filepath.Join(uploads, "2019", "04"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(uploads, "2019", "04", "a.jpg"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", nil, "import", "wordpress", "--data", dir, "--media-dir", uploads, xml)
	if r.code != 0 || !strings.Contains(r.stdout, "image sizes and WebP copies made for 1 files") {
		t.Fatalf("import: %+v", r)
	}
	made, _ := filepath.Glob(filepath.Join(dir, "uploads", "2019", "04", "a-*"))
	var jpgs, webps int
	for _, m := range made {
		switch filepath.Ext(m) {
		case ".jpg":
			jpgs++
		case ".webp":
			webps++
		}
	}
	if jpgs == 0 || webps == 0 {
		t.Fatalf("sizes made: %v", made)
	}
}
