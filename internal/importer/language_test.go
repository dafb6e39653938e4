package importer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/importer"
)

// langWXR is a minimal export whose channel names the old site's language.
func langWXR(lang string) string {
	return `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>وبلاگ</title><link>http://old.example.org</link><language>` + lang + `</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>http://old.example.org</wp:base_site_url><wp:base_blog_url>http://old.example.org</wp:base_blog_url>
	<item><title>سلام</title><link>http://old.example.org/?p=5</link>
		<content:encoded><![CDATA[متن]]></content:encoded>
		<wp:post_id>5</wp:post_id><wp:post_date><![CDATA[2020-01-01 10:00:00]]></wp:post_date><wp:post_date_gmt><![CDATA[2020-01-01 10:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[salam]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type></item>
</channel>
</rss>
`
}

// TestImportAdoptsLanguage: `import wordpress` sets the site language from the channel's
// <language> when the site has none (WordPress's fa-IR becomes the shipped "fa"), keeps a
// language the publisher chose, leaves an unshipped language unset with a note, and the
// export names the site's language again.
func TestImportAdoptsLanguage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		write := func(lang string) string {
			p := filepath.Join(t.TempDir(), "site.xml")
			must(t, os.WriteFile(p, []byte(langWXR(lang)), 0o644))
			return p
		}
		// An unshipped language changes nothing and says so.
		sum, err := e.svc.ImportFile(e.ctx, write("it-IT"), importer.Options{})
		must(t, err)
		set, err := e.st.LoadSettings(e.ctx)
		must(t, err)
		if set.Language != "" || sum.Permalinks.Language != "" || !strings.Contains(strings.Join(sum.Permalinks.Notes, " "), "it-IT") {
			t.Fatalf("Italian: language %q, summary %+v", set.Language, sum.Permalinks)
		}
		// A second import of a Persian export into the same (not fresh) site adopts it.
		sum, err = e.svc.ImportFile(e.ctx, write("fa-IR"), importer.Options{})
		must(t, err)
		set, err = e.st.LoadSettings(e.ctx)
		must(t, err)
		if set.Language != "fa" || sum.Permalinks.Language != "fa" {
			t.Fatalf("Persian: language %q, summary %+v", set.Language, sum.Permalinks)
		}
		// The search index is rebuilt for the new language by a job queued with the settings
		// (Persian is indexed without English stemming).
		if n := e.rawCount("jobs WHERE kind = 'search.reindex'"); n != 1 {
			t.Errorf("%d search reindex jobs queued after adopting Persian, want 1", n)
		}
		var out strings.Builder
		sum.Write(&out)
		if !strings.Contains(out.String(), "Language: set to fa") {
			t.Errorf("summary does not say the language was set:\n%s", out.String())
		}
		// A language already set is the publisher's: a French export does not replace it.
		sum, err = e.svc.ImportFile(e.ctx, write("fr-FR"), importer.Options{})
		must(t, err)
		set, err = e.st.LoadSettings(e.ctx)
		must(t, err)
		if set.Language != "fa" || sum.Permalinks.Language != "" {
			t.Fatalf("French over Persian: language %q, summary %+v", set.Language, sum.Permalinks)
		}
		var wxr strings.Builder
		must(t, e.svc.Export(e.ctx, &wxr))
		if !strings.Contains(wxr.String(), "<language>fa</language>") {
			t.Errorf("export does not carry the site language")
		}
	})
}
