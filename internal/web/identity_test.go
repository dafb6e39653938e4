package web_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

func testPNG(t testing.TB, w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// postMultipart submits a multipart form with files (field -> file) and plain fields.
func (b *browser) postMultipart(path string, files map[string]upFile, fields url.Values) *response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for field, f := range files {
		w, _ := mw.CreateFormFile(field, f.name)
		w.Write(f.body)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.ta.Srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", b.ta.Srv.URL)
	return b.do(req)
}

// TestSiteIdentity: a logo and an icon uploaded in Settings (through the media library)
// appear as the header's logo (alt = site title) and as icon links with sizes; the menu of a
// page, a category and a link replaces the page list in the header, in order; only
// administrators change them, and a bad link names the item.
func TestSiteIdentity(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	ab := ta.signIn(admin)

	if r := ta.signIn(ed).post("/admin/settings/menu", url.Values{"kind": {"link"}, "url": {"https://x.example"}, "label": {"X"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("editor saves the menu: %d", r.StatusCode)
	}

	r := ab.postMultipart("/admin/settings/identity", map[string]upFile{"logo": {"logo.png", testPNG(t, 300, 80)}, "icon": {"icon.png", testPNG(t, 512, 512)}}, nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload logo and icon: %d\n%s", r.StatusCode, r.Body)
	}
	if n := len(ta.mediaFiles()); n != 2 {
		t.Fatalf("logo and icon are not in the media library: %d files", n)
	}
	home := ta.browser().get("/")
	doc := parseHTML(t, home.Body)
	icons := find(doc, func(n *html.Node) bool {
		return n.Data == "link" && (attr(n, "rel") == "icon" || attr(n, "rel") == "apple-touch-icon")
	})
	if len(icons) != 2 || attr(icons[0], "sizes") != "512x512" || !strings.HasPrefix(attr(icons[0], "href"), "/wp-content/uploads/") {
		t.Fatalf("icon links: %d\n%s", len(icons), home.Body)
	}
	logo := find(doc, func(n *html.Node) bool { return n.Data == "img" && n.Parent != nil && hasClass(n.Parent, "site-logo") })
	set, _ := ta.App.Settings.Load(t.Context())
	if len(logo) != 1 || attr(logo[0], "alt") != set.Title || attr(logo[0], "width") != "300" {
		t.Fatalf("header logo: %v", logo)
	}

	about := ta.publish(admin, "About us", "Who we are", func(in *posts.Input) { in.Type = broadside.TypePage })
	cat := &broadside.Category{Name: "Politics"}
	if err := ta.App.Posts.SaveCategory(t.Context(), cat, admin); err != nil {
		t.Fatal(err)
	}
	r = ab.post("/admin/settings/menu", url.Values{
		"pos":    {"2", "1", "3", "4"},
		"kind":   {"category", "page", "link", ""},
		"target": {strconv.FormatInt(cat.ID, 10), strconv.FormatInt(about.ID, 10), "", ""},
		"url":    {"", "", "https://donate.example.org/", ""},
		"label":  {"", "", "Donate", ""},
	})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save menu: %d\n%s", r.StatusCode, r.Body)
	}
	doc = parseHTML(t, ta.browser().get("/").Body)
	nav := find(doc, func(n *html.Node) bool { return n.Data == "nav" && attr(n, "aria-label") == "Menu" })
	if len(nav) != 1 {
		t.Fatal("no <nav aria-label=Menu> in the header")
	}
	var got []string
	for _, a := range find(nav[0], func(n *html.Node) bool { return n.Data == "a" }) {
		got = append(got, textOf(a)+" "+attr(a, "href"))
	}
	want := "About us /about-us/|Politics /category/politics/|Donate https://donate.example.org/"
	if strings.Join(got, "|") != want {
		t.Fatalf("menu = %q\nwant   %q", strings.Join(got, "|"), want)
	}

	r = ab.post("/admin/settings/menu", url.Values{"pos": {"1"}, "kind": {"link"}, "url": {"javascript:alert(1)"}, "label": {"Bad"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Item 1") {
		t.Fatalf("bad link: %d\n%s", r.StatusCode, r.Body)
	}
}
