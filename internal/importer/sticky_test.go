package importer_test

import (
	"testing"

	"github.com/broadside/broadside/internal/importer"
)

// TestStickyProtectedPostKeepsPassword: WordPress's editor refuses a post both sticky and
// password protected, but old databases hold such posts. The import keeps the password (it is
// what protects the post), drops sticky and says so, so the post can be edited afterwards.
func TestStickyProtectedPostKeepsPassword(t *testing.T) {
	const wxr = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url>
<item><title>Members only, on top</title><wp:post_id>5</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2019-04-05 10:00:00</wp:post_date_gmt><wp:post_name>members</wp:post_name><wp:post_password>enter</wp:post_password>
<wp:is_sticky>1</wp:is_sticky><content:encoded><![CDATA[Secret.]]></content:encoded></item>
</channel></rss>`
	each(t, func(t *testing.T, e *env) {
		sum, err := e.importText("site.xml", wxr, importer.Options{})
		must(t, err)
		p := e.postByTitle("Members only, on top")
		if p.Password != "enter" || p.Sticky {
			t.Fatalf("password %q sticky %v, want the password and not sticky", p.Password, p.Sticky)
		}
		if len(sum.WarningsAbout("no longer sticky")) != 1 {
			t.Errorf("the summary does not say the post lost sticky: %+v", sum.Warnings)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("the imported post cannot be saved again: %v", err)
		}
	})
}
