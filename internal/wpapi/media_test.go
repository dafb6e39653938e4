package wpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testimg"
)

// uploadRaw sends a file as the WordPress apps do: the raw bytes, named by Content-Disposition.
func (s *site) uploadRaw(u *broadside.User, pw, name, ctype string, body []byte, query string) *reply {
	s.t.Helper()
	h := map[string]string{"Content-Type": ctype}
	if name != "" {
		h["Content-Disposition"] = `attachment; filename="` + name + `"`
	}
	return s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/media" + query, body: string(body), header: h, user: u.Login, pass: pw})
}

// uploadForm sends a file as a multipart form, with fields after the file (node-wpapi's order).
func (s *site) uploadForm(u *broadside.User, pw, name string, body []byte, fields map[string]string) *reply {
	s.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	return s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/media", body: buf.String(),
		header: map[string]string{"Content-Type": mw.FormDataContentType()}, user: u.Login, pass: pw})
}

func (s *site) mediaCount() int {
	s.t.Helper()
	_, n, err := s.App.Store.ListMedia(context.Background(), broadside.MediaFilter{Limit: 1})
	if err != nil {
		s.t.Fatal(err)
	}
	return n
}

// TestMediaEndpoints: wp/v2/media as WordPress's attachments controller answers it: upload
// (raw and multipart), list with filters and totals, get, update, delete with force, and
// WordPress's error codes; nothing is left behind by a refused upload.
func TestMediaEndpoints(t *testing.T) {
	s := newSite(t)
	pw := s.appPassword(s.Admin)
	api := func(method, path string, body any) *reply {
		return s.do(call{method: method, path: path, body: body, user: s.Admin.Login, pass: pw})
	}

	r := s.uploadRaw(s.Admin, pw, "Willsman.JPG", "image/jpeg", testimg.JPEG(t, 64, 48), "?title=Willsman&alt_text=A%20man%20with%20a%20will")
	wantStatus(t, r, http.StatusCreated)
	m := r.obj()
	id := num(m["id"])
	if r.Header.Get("Location") != fmt.Sprintf("%s/wp-json/wp/v2/media/%d", s.Srv.URL, id) {
		t.Errorf("Location = %q", r.Header.Get("Location"))
	}
	src, _ := m["source_url"].(string)
	if m["type"] != "attachment" || m["media_type"] != "image" || m["mime_type"] != "image/jpeg" || m["status"] != "inherit" ||
		m["alt_text"] != "A man with a will" || m["post"] != nil || !strings.HasPrefix(src, s.Srv.URL+"/wp-content/uploads/2026/03/willsman-") {
		t.Fatalf("created media:\n%s", r.Raw)
	}
	if title, _ := m["title"].(map[string]any); title["raw"] != "Willsman" || title["rendered"] != "Willsman" {
		t.Errorf("title = %v", m["title"])
	}
	det, _ := m["media_details"].(map[string]any)
	sizes, _ := det["sizes"].(map[string]any)
	full, _ := sizes["full"].(map[string]any)
	if det["width"] != float64(64) || det["height"] != float64(48) || det["filesize"] == nil ||
		!strings.HasPrefix(det["file"].(string), "2026/03/willsman-") || full["source_url"] != src || full["mime_type"] != "image/jpeg" {
		t.Fatalf("media_details = %v", det)
	}
	for _, k := range []string{"date", "date_gmt", "slug", "link", "author", "caption", "guid", "description", "missing_image_sizes"} {
		if _, ok := m[k]; !ok {
			t.Errorf("field %s missing", k)
		}
	}
	if res, err := http.Get(src); err != nil || res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("source_url: %v %v", res, err)
	}

	// Multipart with the fields after the file; a PDF is a "file".
	r = s.uploadForm(s.Admin, pw, "minutes.pdf", []byte("%PDF-1.4\n%%EOF\n"), map[string]string{"title": "Minutes", "caption": "March <b>meeting</b>"})
	wantStatus(t, r, http.StatusCreated)
	pdf := r.obj()
	pdfID := num(pdf["id"])
	if pdf["media_type"] != "file" || pdf["mime_type"] != "application/pdf" {
		t.Fatalf("pdf: %s", r.Raw)
	}
	if c, _ := pdf["caption"].(map[string]any); c["raw"] != "March <b>meeting</b>" || c["rendered"] != "<p>March &lt;b&gt;meeting&lt;/b&gt;</p>\n" {
		t.Errorf("caption = %v", pdf["caption"])
	}

	// The list: totals, search by title or file name, type filters, view context hides raw.
	r = api(http.MethodGet, "/wp-json/wp/v2/media", nil)
	wantStatus(t, r, http.StatusOK)
	if len(r.list()) != 2 || r.Header.Get("X-WP-Total") != "2" || r.Header.Get("X-WP-TotalPages") != "1" {
		t.Fatalf("list: %s %v", r.Raw, r.Header)
	}
	if first, _ := r.list()[0].(map[string]any); first["title"].(map[string]any)["raw"] != nil {
		t.Errorf("view context carries title.raw")
	}
	for query, want := range map[string]int64{
		"search=minutes": pdfID, "search=willsman": id, "media_type=image": id, "media_type=application": pdfID,
		"mime_type=application/pdf": pdfID, "per_page=1&page=2": id,
	} {
		r = api(http.MethodGet, "/wp-json/wp/v2/media?"+query, nil)
		wantStatus(t, r, http.StatusOK)
		if len(r.list()) != 1 || num(r.list()[0].(map[string]any)["id"]) != want {
			t.Errorf("?%s: %s", query, r.Raw)
		}
	}
	if r = api(http.MethodGet, "/wp-json/wp/v2/media?media_type=video", nil); len(r.list()) != 0 || r.Header.Get("X-WP-Total") != "0" {
		t.Errorf("video filter: %s", r.Raw)
	}
	wantError(t, api(http.MethodGet, "/wp-json/wp/v2/media?media_type=movie", nil), http.StatusBadRequest, "rest_invalid_param")

	// Update alt text, caption, title and the parent post; the parent filter finds it.
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/media/%d", id), map[string]any{
		"alt_text": "willsman", "caption": map[string]any{"raw": "Photo: archive"}, "title": "The willsman", "post": s.Seed.ID})
	wantStatus(t, r, http.StatusOK)
	if o := r.obj(); o["alt_text"] != "willsman" || num(o["post"]) != s.Seed.ID || o["caption"].(map[string]any)["raw"] != "Photo: archive" {
		t.Fatalf("update: %s", r.Raw)
	}
	if r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/media?parent=%d", s.Seed.ID), nil); len(r.list()) != 1 {
		t.Errorf("parent filter: %s", r.Raw)
	}
	if r = api(http.MethodGet, "/wp-json/wp/v2/media?parent=0", nil); len(r.list()) != 1 || num(r.list()[0].(map[string]any)["id"]) != pdfID {
		t.Errorf("parent=0 (unattached): %s", r.Raw)
	}
	wantError(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/media/%d", id), map[string]any{"post": 999999}), http.StatusBadRequest, "rest_invalid_param")
	r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/media/%d?context=edit", id), nil)
	if o := r.obj(); o["title"].(map[string]any)["raw"] != "The willsman" {
		t.Errorf("get: %s", r.Raw)
	}
	wantError(t, api(http.MethodGet, "/wp-json/wp/v2/media/999999", nil), http.StatusNotFound, "rest_post_invalid_id")

	// Refused uploads, in WordPress's codes, each leaving nothing behind.
	before := s.mediaCount()
	wantError(t, s.uploadRaw(s.Admin, pw, "", "image/jpeg", testimg.JPEG(t, 2, 2), ""), http.StatusBadRequest, "rest_upload_no_content_disposition")
	wantError(t, s.uploadRaw(s.Admin, pw, "x.jpg", "image/jpeg", nil, ""), http.StatusBadRequest, "rest_upload_no_data")
	wantError(t, s.uploadRaw(s.Admin, pw, "photo.jpg", "image/jpeg", []byte("<html><script>alert(1)</script></html>"), ""), http.StatusBadRequest, "rest_upload_sideload_error")
	wantError(t, s.uploadRaw(s.Admin, pw, "x.svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ""), http.StatusBadRequest, "rest_upload_sideload_error")
	wantError(t, api(http.MethodPost, "/wp-json/wp/v2/media", map[string]any{"title": "no file"}), http.StatusBadRequest, "rest_upload_no_data")
	// Details that fail validation take the file with them.
	wantError(t, s.uploadRaw(s.Admin, pw, "ok.jpg", "image/jpeg", testimg.JPEG(t, 2, 2), "?alt_text="+strings.Repeat("a", 1001)), http.StatusBadRequest, "rest_invalid_param")
	if n := s.mediaCount(); n != before {
		t.Fatalf("refused uploads left %d files", n-before)
	}

	// Discovery: the index lists the routes, and the attachment type leads to them.
	idx := s.get("/wp-json/")
	routes, _ := idx.obj()["routes"].(map[string]any)
	for _, route := range []string{"/wp/v2/media", `/wp/v2/media/(?P<id>[\d]+)`} {
		if routes[route] == nil {
			t.Errorf("the index lacks %s", route)
		}
	}
	if ty := s.get("/wp-json/wp/v2/types/attachment").obj(); ty["rest_base"] != "media" || ty["slug"] != "attachment" {
		t.Errorf("types/attachment = %v", ty)
	}

	// Delete: no trash for attachments, force=true deletes the row and the file.
	wantError(t, api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/media/%d", pdfID), nil), http.StatusNotImplemented, "rest_trash_not_supported")
	r = api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/media/%d?force=true", pdfID), nil)
	wantStatus(t, r, http.StatusOK)
	if o := r.obj(); o["deleted"] != true || num(o["previous"].(map[string]any)["id"]) != pdfID {
		t.Fatalf("delete: %s", r.Raw)
	}
	if res, err := http.Get(pdf["source_url"].(string)); err != nil || res.StatusCode != http.StatusNotFound {
		t.Fatalf("deleted file still served: %v %v", res, err)
	}
}

// TestFeaturedMedia: posts accept and return featured_media; the featured image URL and alt
// text the renderer uses follow the file.
func TestFeaturedMedia(t *testing.T) {
	s := newSite(t)
	pw := s.appPassword(s.Admin)
	api := func(method, path string, body any) *reply {
		return s.do(call{method: method, path: path, body: body, user: s.Admin.Login, pass: pw})
	}
	r := s.uploadRaw(s.Admin, pw, "willsman.jpg", "image/jpeg", testimg.JPEG(t, 30, 20), "?alt_text=willsman")
	wantStatus(t, r, http.StatusCreated)
	id := num(r.obj()["id"])
	src := r.obj()["source_url"].(string)

	r = api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "With picture", "status": "publish", "featured_media": id})
	wantStatus(t, r, http.StatusCreated)
	postID := num(r.obj()["id"])
	if num(r.obj()["featured_media"]) != id {
		t.Fatalf("featured_media = %v", r.obj()["featured_media"])
	}
	p, err := s.App.Posts.Get(context.Background(), postID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Srv.URL+p.FeaturedImageURL != src || p.FeaturedImageAlt != "willsman" || p.FeaturedMediaID != id {
		t.Fatalf("stored featured image: %q %q %d", p.FeaturedImageURL, p.FeaturedImageAlt, p.FeaturedMediaID)
	}
	// The page shows it; the post embeds it for clients that ask.
	page := s.get("/?p=" + fmt.Sprint(postID))
	if page.Status != http.StatusOK && page.Status != http.StatusMovedPermanently {
		t.Fatalf("post page: %d", page.Status)
	}
	r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d?_embed=wp:featuredmedia", postID), nil)
	emb, _ := r.obj()["_embedded"].(map[string]any)
	if fm, _ := emb["wp:featuredmedia"].([]any); len(fm) != 1 || fm[0].(map[string]any)["source_url"] != src {
		t.Fatalf("embedded featured media: %s", r.Raw)
	}
	// Anonymous clients embed it too (the post is public); a file no public post features
	// stays private.
	r = s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d?_embed=wp:featuredmedia", postID))
	emb, _ = r.obj()["_embedded"].(map[string]any)
	if fm, _ := emb["wp:featuredmedia"].([]any); len(fm) != 1 || fm[0].(map[string]any)["source_url"] != src || fm[0].(map[string]any)["alt_text"] != "willsman" {
		t.Fatalf("anonymous embedded featured media: %s", r.Raw)
	}
	wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/media/%d?context=edit", id)), http.StatusUnauthorized, "rest_forbidden_context")
	draft := s.uploadRaw(s.Admin, pw, "draft.jpg", "image/jpeg", testimg.JPEG(t, 3, 3), "")
	draftID := num(draft.obj()["id"])
	wantStatus(t, api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{"title": "Unpublished", "status": "draft", "featured_media": draftID}), http.StatusCreated)
	wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/media/%d", draftID)), http.StatusUnauthorized, "rest_forbidden")
	wantError(t, s.get("/wp-json/wp/v2/media/987654"), http.StatusUnauthorized, "rest_forbidden")

	// An update without featured_media keeps it; featured_media 0 removes it.
	wantStatus(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", postID), map[string]any{"title": "Renamed"}), http.StatusOK)
	if p, _ = s.App.Posts.Get(context.Background(), postID); p.FeaturedMediaID != id || p.FeaturedImageURL == "" {
		t.Fatalf("update dropped the featured image: %+v", p)
	}
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", postID), map[string]any{"featured_media": 0})
	wantStatus(t, r, http.StatusOK)
	if p, _ = s.App.Posts.Get(context.Background(), postID); p.FeaturedMediaID != 0 || p.FeaturedImageURL != "" || p.FeaturedImageAlt != "" {
		t.Fatalf("featured_media 0 kept: %+v", p)
	}
	// Unknown ids and non-images are refused in WordPress's words, and change nothing.
	wantError(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", postID), map[string]any{"featured_media": 424242}), http.StatusBadRequest, "rest_invalid_featured_media")
	r = s.uploadRaw(s.Admin, pw, "doc.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n"), "")
	wantStatus(t, r, http.StatusCreated)
	wantError(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", postID), map[string]any{"featured_media": num(r.obj()["id"])}), http.StatusBadRequest, "rest_invalid_featured_media")

	// Deleting the file makes the post forget its id.
	wantStatus(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", postID), map[string]any{"featured_media": id}), http.StatusOK)
	wantStatus(t, api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/media/%d?force=true", id), nil), http.StatusOK)
	if r = api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d", postID), nil); num(r.obj()["featured_media"]) != 0 {
		t.Fatalf("featured_media of a deleted file: %v", r.obj()["featured_media"])
	}
}

// TestMediaRoles: on the REST channel, authors upload and manage their own files, editors
// and administrators every file, anonymous readers nothing (the admin channel's table is in
// internal/web; both ask the media service).
func TestMediaRoles(t *testing.T) {
	s := newSite(t)
	author := s.user("ann@example.org", broadside.RoleAuthor)
	other := s.user("bob@example.org", broadside.RoleAuthor)
	editor := s.user("eve@example.org", broadside.RoleEditor)
	pws := map[int64]string{}
	for _, u := range []*broadside.User{s.Admin, author, other, editor} {
		pws[u.ID] = s.appPassword(u)
	}
	as := func(u *broadside.User, method, path string, body any) *reply {
		if u == nil {
			return s.do(call{method: method, path: path, body: body})
		}
		return s.do(call{method: method, path: path, body: body, user: u.Login, pass: pws[u.ID]})
	}
	up := func(u *broadside.User) int64 {
		r := s.uploadRaw(u, pws[u.ID], "f.jpg", "image/jpeg", testimg.JPEG(t, 4, 4), "")
		wantStatus(t, r, http.StatusCreated)
		return num(r.obj()["id"])
	}
	bobs := up(other)
	anns := up(author)

	// Anonymous: no upload, no list, no file.
	wantError(t, s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/media", body: string(testimg.JPEG(t, 2, 2)),
		header: map[string]string{"Content-Type": "image/jpeg", "Content-Disposition": `attachment; filename="a.jpg"`}}), http.StatusUnauthorized, "rest_cannot_create")
	wantError(t, as(nil, http.MethodGet, "/wp-json/wp/v2/media", nil), http.StatusUnauthorized, "rest_forbidden")
	wantError(t, as(nil, http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/media/%d", anns), nil), http.StatusUnauthorized, "rest_forbidden")
	wantError(t, as(nil, http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/media/%d", anns), map[string]any{"alt_text": "x"}), http.StatusUnauthorized, "rest_cannot_edit")
	wantError(t, as(nil, http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/media/%d?force=true", anns), nil), http.StatusUnauthorized, "rest_cannot_delete")

	// Anyone may list the files attached to a post they can read (a gallery: ?parent=ID),
	// and nothing else: not a draft's files, not the library.
	draft := s.publish(s.Admin, "Draft with a photo", "Body.", func(in *posts.Input) { in.Status = broadside.StatusDraft })
	wantStatus(t, as(s.Admin, http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/media/%d", anns), map[string]any{"post": s.Seed.ID}), http.StatusOK)
	wantStatus(t, as(s.Admin, http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/media/%d", bobs), map[string]any{"post": draft.ID}), http.StatusOK)
	if r := as(nil, http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/media?parent=%d", s.Seed.ID), nil); r.Status != http.StatusOK ||
		len(r.list()) != 1 || num(r.list()[0].(map[string]any)["id"]) != anns {
		t.Fatalf("a public post's files, anonymously: %d %s", r.Status, r.Raw)
	}
	wantError(t, as(nil, http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/media?parent=%d", draft.ID), nil), http.StatusUnauthorized, "rest_forbidden")
	wantError(t, as(nil, http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/media?parent=%d,%d", s.Seed.ID, draft.ID), nil), http.StatusUnauthorized, "rest_forbidden")
	wantError(t, as(nil, http.MethodGet, "/wp-json/wp/v2/media?parent=0", nil), http.StatusUnauthorized, "rest_forbidden")
	wantError(t, as(nil, http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/media?parent=%d&context=edit", s.Seed.ID), nil), http.StatusUnauthorized, "rest_forbidden_context")
	for _, id := range []int64{anns, bobs} { // detached again for the rest of the test
		wantStatus(t, as(s.Admin, http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/media/%d", id), map[string]any{"post": 0}), http.StatusOK)
	}

	// An author: their own file yes, another author's no, and their list holds only theirs.
	wantStatus(t, as(author, http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/media/%d", anns), map[string]any{"alt_text": "mine"}), http.StatusOK)
	wantError(t, as(author, http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/media/%d", bobs), nil), http.StatusForbidden, "rest_forbidden")
	wantError(t, as(author, http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/media/%d", bobs), map[string]any{"alt_text": "x"}), http.StatusForbidden, "rest_cannot_edit")
	wantError(t, as(author, http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/media/%d?force=true", bobs), nil), http.StatusForbidden, "rest_cannot_delete")
	if r := as(author, http.MethodGet, "/wp-json/wp/v2/media", nil); len(r.list()) != 1 || num(r.list()[0].(map[string]any)["id"]) != anns {
		t.Fatalf("author's list: %s", r.Raw)
	}
	if r := as(author, http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/media?author=%d", other.ID), nil); len(r.list()) != 0 {
		t.Fatalf("author sees another's files: %s", r.Raw)
	}
	// Attaching to a post needs the right to edit that post (the seed post is the admin's).
	wantError(t, as(author, http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/media/%d", anns), map[string]any{"post": s.Seed.ID}), http.StatusForbidden, "rest_cannot_edit")

	// Editors and administrators: every file.
	for _, u := range []*broadside.User{editor, s.Admin} {
		if r := as(u, http.MethodGet, "/wp-json/wp/v2/media", nil); len(r.list()) != 2 {
			t.Fatalf("%s's list: %s", u.Role, r.Raw)
		}
		wantStatus(t, as(u, http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/media/%d", bobs), map[string]any{"caption": string(u.Role)}), http.StatusOK)
		wantStatus(t, as(u, http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/media/%d", bobs), map[string]any{"post": s.Seed.ID}), http.StatusOK)
	}
	wantStatus(t, as(editor, http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/media/%d?force=true", bobs), nil), http.StatusOK)
	wantStatus(t, as(s.Admin, http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/media/%d?force=true", anns), nil), http.StatusOK)
	if n := s.mediaCount(); n != 0 {
		t.Fatalf("%d files left", n)
	}
}

// TestMediaUploadTooLarge: the site's size limit holds on the REST channel as on the admin
// form (one media service), with WordPress's error code and nothing stored.
func TestMediaUploadTooLarge(t *testing.T) {
	s := newSite(t, func(c *config.Config) { c.Limits.MediaUploadMiB = 1 })
	pw := s.appPassword(s.Admin)
	big := append(testimg.JPEG(t, 16, 16), make([]byte, 3<<20)...)
	r := s.uploadRaw(s.Admin, pw, "big.jpg", "image/jpeg", big, "")
	data := wantError(t, r, http.StatusBadRequest, "rest_upload_sideload_error")
	if msg, _ := r.obj()["message"].(string); !strings.Contains(msg, "larger than the limit of 1 MiB") {
		t.Errorf("message %q (data %v)", msg, data)
	}
	r = s.uploadForm(s.Admin, pw, "big.jpg", big, map[string]string{"title": "Big"})
	wantError(t, r, http.StatusBadRequest, "rest_upload_sideload_error")
	if n := s.mediaCount(); n != 0 {
		t.Fatalf("%d files stored", n)
	}
	// Just under the limit is fine.
	wantStatus(t, s.uploadRaw(s.Admin, pw, "ok.jpg", "image/jpeg", append(testimg.JPEG(t, 16, 16), make([]byte, 1<<19)...), ""), http.StatusCreated)
}
