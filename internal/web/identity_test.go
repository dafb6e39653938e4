package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
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
	t.Parallel()
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
	if len(icons) != 3 || attr(icons[0], "sizes") != "32x32" || !strings.HasPrefix(attr(icons[0], "href"), "/wp-content/uploads/") {
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

// TestSiteIconSizes: a site icon gets the squares browsers and phones ask for, cut from its
// centre by the media library's resizing: a 32-px favicon, Apple's 180-px touch icon, and
// the 192 and 512 px icons of the web app manifest, all linked from every page's head. A
// small icon is not blown up: what it is too small for uses the original.
func TestSiteIconSizes(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	ab := ta.signIn(admin)
	r := ab.postMultipart("/admin/settings/identity", map[string]upFile{"icon": {"icon.png", testPNG(t, 800, 600)}}, nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload the icon: %d\n%s", r.StatusCode, r.Body)
	}
	doc := parseHTML(t, ta.browser().get("/").Body)
	links := map[string]string{} // rel sizes -> href
	for _, n := range find(doc, func(n *html.Node) bool { return n.Data == "link" }) {
		links[attr(n, "rel")+" "+attr(n, "sizes")] = attr(n, "href")
	}
	fetchSize := func(href string) (int, int) {
		t.Helper()
		res := ta.browser().get(href)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("GET %s: %d %s", href, res.StatusCode, res.Header.Get("Content-Type"))
		}
		cfg, err := png.DecodeConfig(strings.NewReader(res.Body))
		if err != nil {
			t.Fatalf("GET %s: %v", href, err)
		}
		return cfg.Width, cfg.Height
	}
	for _, want := range []struct {
		rel string
		px  int
	}{{"icon", 32}, {"icon", 192}, {"apple-touch-icon", 180}} {
		key := fmt.Sprintf("%s %dx%d", want.rel, want.px, want.px)
		href := links[key]
		if href == "" {
			t.Fatalf("no <link rel=%q sizes=\"%dx%d\">: %v", want.rel, want.px, want.px, links)
		}
		if w, h := fetchSize(href); w != want.px || h != want.px {
			t.Errorf("%s is %dx%d", key, w, h)
		}
	}
	if links["manifest "] != "/manifest.webmanifest" {
		t.Fatalf("no manifest link: %v", links)
	}
	res := ta.browser().get("/manifest.webmanifest")
	var m struct {
		Name  string
		Icons []struct{ Src, Sizes, Type string }
	}
	if err := json.Unmarshal([]byte(res.Body), &m); err != nil || res.Header.Get("Content-Type") != "application/manifest+json" {
		t.Fatalf("manifest: %v %s\n%s", err, res.Header.Get("Content-Type"), res.Body)
	}
	if len(m.Icons) != 2 || m.Icons[0].Sizes != "192x192" || m.Icons[1].Sizes != "512x512" || m.Icons[1].Type != "image/png" {
		t.Fatalf("manifest icons: %+v", m.Icons)
	}
	if w, h := fetchSize(m.Icons[1].Src); w != 512 || h != 512 {
		t.Errorf("the manifest's 512 icon is %dx%d", w, h)
	}

	// A 100-px icon: a 32-px favicon is made, the larger ones are the original.
	r = ab.postMultipart("/admin/settings/identity", map[string]upFile{"icon": {"small.png", testPNG(t, 100, 100)}}, nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload the small icon: %d\n%s", r.StatusCode, r.Body)
	}
	doc = parseHTML(t, ta.browser().get("/").Body)
	var got []string
	for _, n := range find(doc, func(n *html.Node) bool { return attr(n, "rel") == "icon" || attr(n, "rel") == "apple-touch-icon" }) {
		got = append(got, attr(n, "rel")+" "+attr(n, "sizes"))
	}
	if strings.Join(got, "|") != "icon 32x32|icon 100x100|apple-touch-icon 100x100" {
		t.Errorf("small icon links: %v", got)
	}
}

// TestNestedMenu: the menu editor's Level makes sub-menus; the header renders them as lists
// inside their items (what screen readers announce as a nested list), leaves out an item
// whose page is not public together with its sub-items, and refuses a sub-item with
// nothing above it.
func TestNestedMenu(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	ab := ta.signIn(admin)
	about := ta.publish(admin, "About us", "Who we are", func(in *posts.Input) { in.Type = broadside.TypePage })
	draft := ta.publish(admin, "Unfinished", "x", func(in *posts.Input) { in.Type = broadside.TypePage; in.Status = broadside.StatusDraft })
	r := ab.post("/admin/settings/menu", url.Values{
		"pos":    {"1", "2", "3", "4", "5", "6"},
		"kind":   {"page", "link", "link", "page", "link", "link"},
		"target": {strconv.FormatInt(about.ID, 10), "", "", strconv.FormatInt(draft.ID, 10), "", ""},
		"url":    {"", "/team/", "/team/ann/", "", "/hidden/", "/contact/"},
		"label":  {"", "Team", "Ann", "", "Hidden", "Contact"},
		"depth":  {"0", "1", "2", "0", "1", "0"},
	})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the nested menu: %d\n%s", r.StatusCode, r.Body)
	}
	doc := parseHTML(t, ta.browser().get("/").Body)
	nav := find(doc, func(n *html.Node) bool { return n.Data == "nav" && attr(n, "aria-label") == "Menu" })
	if len(nav) != 1 {
		t.Fatal("no <nav aria-label=Menu>")
	}
	var show func(ul *html.Node) string
	show = func(ul *html.Node) string {
		var parts []string
		for li := ul.FirstChild; li != nil; li = li.NextSibling {
			if li.Type != html.ElementNode || li.Data != "li" {
				t.Fatalf("a %s directly in a menu list", li.Data)
			}
			s := ""
			for c := li.FirstChild; c != nil; c = c.NextSibling {
				switch c.Data {
				case "a":
					s += textOf(c)
				case "ul":
					s += "(" + show(c) + ")"
				}
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, " ")
	}
	if got := show(nav[0].FirstChild); got != "About us(Team(Ann)) Contact" {
		t.Fatalf("menu = %q", got)
	}
	r = ab.get(identityPathForTest)
	if !strings.Contains(r.Body, `<option value="2" selected>Sub-sub-item</option>`) {
		t.Errorf("the editor does not show the saved levels")
	}
	r = ab.post("/admin/settings/menu", url.Values{"pos": {"1"}, "kind": {"link"}, "url": {"/x/"}, "label": {"X"}, "depth": {"1"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "The first item cannot be a sub-item.") {
		t.Fatalf("a sub-item first: %d\n%s", r.StatusCode, r.Body)
	}
}

const identityPathForTest = "/admin/settings/identity"
