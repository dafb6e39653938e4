package web_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
)

// TestImportedFeedGUIDs: each imported post keeps the guid its old feed gave it (with that
// feed's isPermaLink) in RSS and Atom and in the export; a post written here keeps the
// current scheme (BASE/?p=ID, not a permalink).
func TestImportedFeedGUIDs(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.importWXR(writeWXR(t, "http://example.org", wxrItem(map[string]string{"title": "Old one", "post_id": "42", "post_name": "old-one",
		"link": "http://example.org/2012/05/10/old-one/", "content": "Old.",
		"guid": `<guid isPermaLink="false">http://example.org/?p=42</guid>`}, "")+
		wxrItem(map[string]string{"title": "Old two", "post_id": "43", "post_name": "old-two", "post_date": "2012-05-11 10:00:00",
			"link": "http://example.org/2012/05/11/old-two/", "content": "Two.",
			"guid": `<guid>http://example.org/2012/05/11/old-two/</guid>`}, "")), importer.Options{})
	author := ta.user("writer@example.org", broadside.RoleAdmin)
	mine := ta.publish(author, "Written here", "New.")
	b := ta.browser()
	rss := b.get("/feed/")
	wantOK(t, rss)
	ours := ta.Srv.URL + "/?p=" + itoa(mine.ID)
	for _, want := range []string{`<guid isPermaLink="false">http://example.org/?p=42</guid>`,
		`<guid isPermaLink="true">http://example.org/2012/05/11/old-two/</guid>`,
		`<guid isPermaLink="false">` + ours + `</guid>`} {
		if !strings.Contains(rss.Body, want) {
			t.Errorf("RSS misses %s\n%s", want, rss.Body)
		}
	}
	atom := b.get("/feed/atom/")
	wantOK(t, atom)
	for _, want := range []string{"<id>http://example.org/?p=42</id>", "<id>http://example.org/2012/05/11/old-two/</id>", "<id>" + ours + "</id>"} {
		if !strings.Contains(atom.Body, want) {
			t.Errorf("Atom misses %s", want)
		}
	}
	var out bytes.Buffer
	if err := ta.App.WordPress.Export(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<guid isPermaLink="false">http://example.org/?p=42</guid>`,
		`<guid isPermaLink="true">http://example.org/2012/05/11/old-two/</guid>`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the export misses %s", want)
		}
	}
}
