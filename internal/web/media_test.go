package web_test

import (
	"bytes"
	"context"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testimg"
)

type upFile struct {
	name string
	body []byte
}

// upload posts the library's upload form with files, as a browser on the site does.
func (b *browser) upload(files ...upFile) *response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range files {
		w, _ := mw.CreateFormFile("files", f.name)
		w.Write(f.body)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.ta.Srv.URL+"/admin/media", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", b.ta.Srv.URL)
	return b.do(req)
}

func (ta *testApp) mediaFiles() []broadside.Media {
	ta.t.Helper()
	ms, _, err := ta.App.Store.ListMedia(context.Background(), broadside.MediaFilter{Limit: 100})
	if err != nil {
		ta.t.Fatal(err)
	}
	return ms
}

// uploadsLeft lists the files in the data directory's uploads/.
func uploadsLeft(t *testing.T, ta *testApp) []string {
	var out []string
	filepath.WalkDir(filepath.Join(ta.App.Config.DataDir, "uploads"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// Upload several files at once without JavaScript, list, search, edit, see where a file is
// used, and delete it after the warning; an author sees and manages only their own files.
func TestMediaLibraryOverHTTP(t *testing.T) { t.Parallel(); runMediaLibrary(t) }

// TestMediaLibraryOnPostgres runs the same on PostgreSQL.
func TestMediaLibraryOnPostgres(t *testing.T) {
	t.Parallel()
	runMediaLibrary(t, withDSN(testdb.Postgres(t)))
}

func runMediaLibrary(t *testing.T, opts ...appOption) {
	ta := newTestApp(t, opts...)
	author := ta.user("ann@example.com", broadside.RoleAuthor)
	other := ta.user("bob@example.com", broadside.RoleAuthor)
	editor := ta.user("eve@example.com", broadside.RoleEditor)
	ab, ob, eb := ta.signIn(author), ta.signIn(other), ta.signIn(editor)

	r := ab.upload(upFile{"willsman.jpg", testimg.JPEG(t, 40, 30)}, upFile{"Minutes 2026.pdf", []byte("%PDF-1.4\n%%EOF\n")})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", r.StatusCode, r.Body)
	}
	if page := ab.follow(r); !strings.Contains(page.Body, "2 files uploaded.") || !strings.Contains(page.Body, `href="/admin/media"`) {
		t.Fatalf("library after upload:\n%s", page.Body)
	}
	files := ta.mediaFiles()
	if len(files) != 2 {
		t.Fatalf("%d files", len(files))
	}
	var photo broadside.Media
	for _, m := range files {
		if m.MimeType == "image/jpeg" {
			photo = m
		}
	}
	if photo.Width != 40 || photo.Height != 30 || photo.AuthorID != author.ID {
		t.Fatalf("photo = %+v", photo)
	}
	if r := ob.upload(upFile{"bobs.jpg", testimg.JPEG(t, 4, 4)}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("bob's upload: %d", r.StatusCode)
	}

	// A mixed upload: the good file is kept, the bad one named in the answer.
	r = ab.upload(upFile{"ok.jpg", testimg.JPEG(t, 2, 2)}, upFile{"evil.jpg", []byte("<html><script>alert(1)</script>")})
	if r.StatusCode != http.StatusBadRequest && r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("mixed upload: %d", r.StatusCode)
	}
	doc := parseHTML(t, r.Body)
	if errs := byID(doc, "upload-errors"); errs == nil || !strings.Contains(textOf(errs), `"evil.jpg"`) || byID(doc, "uploaded") == nil {
		t.Fatalf("mixed upload page:\n%s", r.Body)
	}

	// The author's library: their files only, searchable and filterable.
	list := ab.get("/admin/media?view=list")
	wantOK(t, list)
	if !strings.Contains(list.Body, "willsman.jpg") || strings.Contains(list.Body, "bobs.jpg") {
		t.Fatalf("author's list:\n%s", list.Body)
	}
	if g := ab.get("/admin/media?q=minutes"); !strings.Contains(g.Body, "Minutes 2026.pdf") && !strings.Contains(g.Body, "Minutes 2026") || strings.Contains(g.Body, "willsman") {
		t.Fatalf("search:\n%s", g.Body)
	}
	if g := ab.get("/admin/media?type=image&month=2026-03"); !strings.Contains(g.Body, `src="`+photo.URL()+`"`) || strings.Contains(g.Body, "Minutes") {
		t.Fatalf("image filter:\n%s", g.Body)
	}
	if g := eb.get("/admin/media?view=list"); !strings.Contains(g.Body, "bobs.jpg") || !strings.Contains(g.Body, "willsman.jpg") {
		t.Fatalf("editor's list lacks files:\n%s", g.Body)
	}

	// Another author's file: not theirs to see, change or delete.
	editURL := "/admin/media/" + strconv.FormatInt(photo.ID, 10)
	if g := ob.get(editURL); g.StatusCode != http.StatusForbidden {
		t.Fatalf("bob opens ann's file: %d", g.StatusCode)
	}
	if p := ob.post(editURL, url.Values{"title": {"pwned"}}); p.StatusCode != http.StatusForbidden {
		t.Fatalf("bob edits ann's file: %d", p.StatusCode)
	}
	if p := ob.post(editURL+"/delete", nil); p.StatusCode != http.StatusForbidden {
		t.Fatalf("bob deletes ann's file: %d", p.StatusCode)
	}

	// Edit: title, alt, caption; too long an alt text is named.
	p := ab.post(editURL, url.Values{"title": {"Willsman"}, "alt": {"willsman"}, "caption": {"By the river."}})
	if p.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", p.StatusCode, p.Body)
	}
	edit := ab.follow(p)
	if !strings.Contains(edit.Body, `value="willsman"`) || !strings.Contains(edit.Body, ta.Srv.URL+photo.URL()) {
		t.Fatalf("edit page:\n%s", edit.Body)
	}
	if p := ab.post(editURL, url.Values{"alt": {strings.Repeat("x", 1001)}}); p.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(p.Body, "alt text must be at most 1000") {
		t.Fatalf("long alt: %d", p.StatusCode)
	}

	// Used as a featured image and in a body: the delete page warns with the count.
	ta.publish(author, "Portrait", "Text", func(in *posts.Input) { in.FeaturedImageURL, in.FeaturedImageAlt = photo.URL(), "willsman" })
	ta.publish(editor, "Gallery", "![w]("+ta.Srv.URL+photo.URL()+")")
	confirm := eb.get(editURL + "/delete")
	wantOK(t, confirm)
	if w := byID(parseHTML(t, confirm.Body), "usage-warning"); w == nil || !strings.Contains(textOf(w), "used in 2 posts") {
		t.Fatalf("delete page without warning:\n%s", confirm.Body)
	}
	if d := eb.post(editURL+"/delete", nil); d.StatusCode != http.StatusSeeOther {
		t.Fatalf("editor delete: %d", d.StatusCode)
	}
	if g := ab.get(photo.URL()); g.StatusCode != http.StatusNotFound {
		t.Fatalf("deleted file still served: %d", g.StatusCode)
	}
	if len(ta.mediaFiles()) != 3 || len(uploadsLeft(t, ta)) != 3 {
		t.Fatalf("after delete: %d rows, files %v", len(ta.mediaFiles()), uploadsLeft(t, ta))
	}

	// Signed out: no library, no upload.
	anon := ta.browser()
	if g := anon.get("/admin/media"); g.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous library: %d", g.StatusCode)
	}
	if g := anon.upload(upFile{"x.jpg", testimg.JPEG(t, 2, 2)}); g.StatusCode != http.StatusSeeOther || len(ta.mediaFiles()) != 3 {
		t.Fatalf("anonymous upload: %d", g.StatusCode)
	}
	// A cross-site form post is refused by the CSRF middleware.
	req, _ := http.NewRequest(http.MethodPost, ta.Srv.URL+"/admin/media", strings.NewReader(""))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	if g := ab.do(req); g.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site upload: %d", g.StatusCode)
	}
}

// Hostile files over HTTP leave no row and no file; the answer names each.
func TestMediaHostileUploadsOverHTTP(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	b := ta.signIn(ta.user("ann@example.com", broadside.RoleAuthor))
	r := b.upload(upFile{"../../etc/passwd.jpg", []byte("root:x:0:0\n")}, upFile{"x.svg", []byte(`<svg onload="alert(1)"/>`)},
		upFile{"empty.png", nil}, upFile{"cut.jpg", testimg.JPEG(t, 20, 20)[:100]})
	if r.StatusCode < 400 {
		t.Fatalf("status %d", r.StatusCode)
	}
	for _, want := range []string{`&#34;passwd.jpg&#34;`, "SVG", `&#34;empty.png&#34; is empty`, `&#34;cut.jpg&#34;`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("answer lacks %s", want)
		}
	}
	if strings.Contains(r.Body, "etc/passwd") {
		t.Error("the answer repeats the path")
	}
	if len(ta.mediaFiles()) != 0 || len(uploadsLeft(t, ta)) != 0 {
		t.Fatalf("left behind: %v", uploadsLeft(t, ta))
	}
}

// Serving: type from the bytes, nosniff, validators, Range, long caching.
func TestMediaServing(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	author := ta.user("ann@example.com", broadside.RoleAuthor)
	body := testimg.JPEG(t, 64, 48)
	m, err := ta.App.Media.Upload(context.Background(), author, "photo.png", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b := ta.browser()
	r := b.get(m.URL())
	wantOK(t, r)
	h := r.Header
	if h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Disposition") != "" ||
		!strings.Contains(h.Get("Cache-Control"), "immutable") || h.Get("ETag") == "" || h.Get("Last-Modified") == "" ||
		h.Get("Accept-Ranges") != "bytes" || r.Body != string(body) {
		t.Fatalf("headers: %v", h)
	}
	req, _ := http.NewRequest(http.MethodGet, ta.Srv.URL+m.URL(), nil)
	req.Header.Set("Range", "bytes=2-9")
	part := b.do(req)
	if part.StatusCode != http.StatusPartialContent || part.Body != string(body[2:10]) ||
		part.Header.Get("Content-Range") != "bytes 2-9/"+strconv.Itoa(len(body)) {
		t.Fatalf("range: %d %q %v", part.StatusCode, part.Body, part.Header)
	}
	req, _ = http.NewRequest(http.MethodGet, ta.Srv.URL+m.URL(), nil)
	req.Header.Set("If-None-Match", h.Get("ETag"))
	if nm := b.do(req); nm.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", nm.StatusCode)
	}
	for _, bad := range []string{"/wp-content/uploads/../broadside.db", "/wp-content/uploads/%2e%2e/broadside.db",
		"/wp-content/uploads/" + m.Key + "/", "/wp-content/uploads/2026/03/.upload-x"} {
		if r := b.get(bad); r.StatusCode == http.StatusOK {
			t.Errorf("%s served", bad)
		}
	}
}

// An oversized file is refused by the configured limit while it streams, and a JPEG carrying
// HTML inside is served as an image that the browser will not sniff or run.
func TestMediaLimitAndPolyglotOverHTTP(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, func(_ *app.Options, c *config.Config) { c.Limits.MediaUploadMiB = 1 })
	b := ta.signIn(ta.user("ann@example.com", broadside.RoleAuthor))
	big := append([]byte("%PDF-1.7\n"), make([]byte, 3<<19)...)
	r := b.upload(upFile{"big.pdf", big})
	if r.StatusCode != http.StatusBadRequest && r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "larger than the limit of 1 MiB") {
		t.Fatalf("oversized: %d\n%s", r.StatusCode, r.Body)
	}
	if len(ta.mediaFiles()) != 0 || len(uploadsLeft(t, ta)) != 0 {
		t.Fatalf("left behind: %v", uploadsLeft(t, ta))
	}
	j := testimg.JPEG(t, 8, 8)
	com := []byte("<html><script>alert(document.domain)</script></html>")
	poly := append(append(append([]byte{}, j[:2]...), append([]byte{0xFF, 0xFE, 0, byte(len(com) + 2)}, com...)...), j[2:]...)
	if r := b.upload(upFile{"poly.html", poly}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("polyglot upload: %d\n%s", r.StatusCode, r.Body)
	}
	m := ta.mediaFiles()[0]
	s := ta.browser().get(m.URL())
	wantOK(t, s)
	if s.Header.Get("Content-Type") != "image/jpeg" || s.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(s.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("polyglot served with %v", s.Header)
	}
}
