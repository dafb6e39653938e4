package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/wxr"
)

// upload posts a file to /admin/import the way a browser's form does.
func (b *browser) uploadWXR(name string, content []byte, dry bool) *response {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if dry {
		_ = mw.WriteField("dry_run", "1")
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.ta.Srv.URL+"/admin/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", b.ta.Srv.URL)
	return b.do(req)
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(wxrFixture(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAdminImportPage(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.signIn(ta.user("admin@example.org", broadside.RoleAdmin))
	editor := ta.signIn(ta.user("ed@example.org", broadside.RoleEditor))
	page := admin.get("/admin/import")
	wantOK(t, page)
	if !strings.Contains(page.Body, `enctype="multipart/form-data"`) || !strings.Contains(page.Body, `href="/admin/export"`) {
		t.Fatal("no upload form or export link")
	}
	if !strings.Contains(page.Body, `href="/admin/import" aria-current="page"`) {
		t.Error("the admin menu has no current Import & export entry")
	}
	for _, r := range []*response{editor.get("/admin/import"), editor.uploadWXR("x.xml", []byte("<rss/>"), false), editor.get("/admin/export")} {
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("an editor got %d from %s", r.StatusCode, r.Request.URL.Path)
		}
	}
	if r := ta.browser().get("/admin/import"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a stranger got %d", r.StatusCode)
	}
}

func TestAdminImportUpload(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.signIn(ta.user("admin@example.org", broadside.RoleAdmin))
	ctx := context.Background()

	// A malformed file: the error names the file, line and column; nothing is written.
	bad := admin.uploadWXR("importer-malformed.xml", readFixture(t, "importer-malformed.xml"), false)
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "importer-malformed.xml:90:") ||
		!strings.Contains(bad.Body, "closed by &lt;/channel&gt;") {
		t.Fatalf("malformed upload: %d\n%s", bad.StatusCode, bad.Body)
	}
	if n, _ := ta.App.Store.CountPosts(ctx); n != 0 {
		t.Fatalf("a failed import wrote %d posts", n)
	}
	// A dry run reports and writes nothing.
	tutd := readFixture(t, "themeunittestdata.wordpress.xml")
	dry := admin.uploadWXR("site.xml", tutd, true)
	wantOK(t, dry)
	if !strings.Contains(dry.Body, "Dry run: nothing was changed") || !strings.Contains(dry.Body, "<td>Posts</td><td>58</td>") {
		t.Fatalf("dry run page:\n%s", dry.Body)
	}
	if n, _ := ta.App.Store.CountPosts(ctx); n != 0 {
		t.Fatalf("a dry run wrote %d posts", n)
	}
	// Over the 2 MiB limit of ordinary forms: the import upload has its own.
	padded := append(bytes.Clone(tutd), []byte("<!--"+strings.Repeat("x", 3<<20)+"-->\n")...)
	real := admin.uploadWXR("site.xml", padded, false)
	wantOK(t, real)
	if !strings.Contains(real.Body, "<td>Posts</td><td>58</td>") || !strings.Contains(real.Body, "menu items") {
		t.Fatalf("import page:\n%.3000s", real.Body)
	}
	if n, _ := ta.App.Store.CountPosts(ctx); n != 79 {
		t.Fatalf("%d posts and pages after the import, want 79", n)
	}
	// An empty form explains itself.
	if r := admin.uploadWXR("", nil, false); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "Choose the export file") {
		t.Errorf("empty upload: %d", r.StatusCode)
	}
	// Other forms keep their limit.
	big := strings.NewReader("comment=" + strings.Repeat("x", 3<<20))
	req, _ := http.NewRequest(http.MethodPost, ta.Srv.URL+"/admin/settings", big)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if r := admin.do(req); r.StatusCode == http.StatusOK || r.StatusCode == http.StatusSeeOther {
		t.Errorf("a 3 MiB settings form was accepted: %d", r.StatusCode)
	}
}

func TestAdminExport(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.signIn(ta.user("admin@example.org", broadside.RoleAdmin))
	ta.importWXR(wxrFixture("importer-small-export.xml"), importerOptions())
	r := admin.get("/admin/export")
	wantOK(t, r)
	if !strings.HasPrefix(r.Header.Get("Content-Disposition"), `attachment; filename="broadside.wordpress.`) {
		t.Errorf("Content-Disposition %q", r.Header.Get("Content-Disposition"))
	}
	rd := wxr.NewReader(strings.NewReader(r.Body))
	items := 0
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the export does not read back: %v", err)
		}
		if _, ok := rec.(*wxr.Item); ok {
			items++
		}
	}
	if items != 11 {
		t.Errorf("%d items exported, want 11", items)
	}
}
