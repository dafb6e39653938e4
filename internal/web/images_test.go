package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testimg"
)

// Library images on the post page, in listings, in the OpenGraph tags and in the feeds carry
// their sizes: width/height, srcset/sizes, WebP sources, lazy loading except the featured
// image, the medium size in listings and the large one for cards and feeds.
func TestLibraryImagesRendered(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	ed := ta.user("ed@example.com", broadside.RoleEditor)
	m, err := ta.App.Media.Upload(ctx, ed, "harbour.jpg", bytes.NewReader(testimg.JPEG(t, 1600, 1200)))
	if err != nil {
		t.Fatal(err)
	}
	inBody, err := ta.App.Media.Upload(ctx, ed, "crowd.jpg", bytes.NewReader(testimg.JPEG(t, 900, 600)))
	if err != nil {
		t.Fatal(err)
	}
	ta.drainJobs()
	body := "Before.\n\n![the crowd](" + inBody.URL() + ")\n\n![elsewhere](https://elsewhere.example/a.jpg)\n"
	p := ta.publish(ed, "Harbour", body, func(in *posts.Input) {
		in.FeaturedImageURL, in.FeaturedImageAlt = ta.Srv.URL+m.URL(), "willsman"
	})
	b := ta.browser()
	page := b.get(ta.postPath(p))
	if page.StatusCode != http.StatusOK {
		t.Fatalf("post page: %d", page.StatusCode)
	}
	doc := parseHTML(t, page.Body)
	imgs := find(doc, func(n *html.Node) bool { return n.Data == "img" })
	var featured, crowd, other *html.Node
	for _, n := range imgs {
		switch attr(n, "alt") {
		case "willsman":
			featured = n
		case "the crowd":
			crowd = n
		case "elsewhere":
			other = n
		}
	}
	if featured == nil || crowd == nil || other == nil {
		t.Fatalf("images missing:\n%s", page.Body)
	}
	checkPicture := func(name string, n *html.Node, wantW int) {
		t.Helper()
		if attr(n, "width") != strconv.Itoa(wantW) || attr(n, "height") == "" || attr(n, "srcset") == "" || attr(n, "sizes") == "" {
			t.Errorf("%s img lacks width %d/height/srcset/sizes: %v", name, wantW, n.Attr)
		}
		if n.Parent == nil || n.Parent.Data != "picture" {
			t.Fatalf("%s img is not in a <picture>", name)
		}
		src := find(n.Parent, func(s *html.Node) bool { return s.Data == "source" })
		if len(src) != 1 || attr(src[0], "type") != "image/webp" || !strings.Contains(attr(src[0], "srcset"), ".webp ") {
			t.Errorf("%s: no WebP source", name)
		}
		// Every file the markup names answers.
		for _, set := range []string{attr(n, "srcset"), attr(src[0], "srcset")} {
			for _, c := range strings.Split(set, ",") {
				u := strings.Fields(c)[0]
				if r := b.get(u); r.StatusCode != http.StatusOK {
					t.Errorf("%s: %s answers %d", name, u, r.StatusCode)
				}
			}
		}
		if r := b.get(attr(n, "src")); r.StatusCode != http.StatusOK {
			t.Errorf("%s: src answers %d", name, r.StatusCode)
		}
	}
	checkPicture("featured", featured, 1024)
	if attr(featured, "loading") != "" || attr(featured, "fetchpriority") != "high" {
		t.Errorf("featured image: loading=%q fetchpriority=%q", attr(featured, "loading"), attr(featured, "fetchpriority"))
	}
	checkPicture("body", crowd, 768)
	if attr(crowd, "loading") != "lazy" {
		t.Errorf("body image not lazy")
	}
	if attr(other, "loading") != "lazy" || attr(other, "srcset") != "" {
		t.Errorf("external image: %v", other.Attr)
	}
	// The cropped thumbnail never appears in a srcset (it would be stretched).
	if strings.Contains(page.Body, "-150x150") {
		t.Error("srcset offers the cropped thumbnail")
	}

	// OpenGraph and Twitter: the large size, with its dimensions.
	meta := map[string]string{}
	for _, n := range find(doc, func(n *html.Node) bool { return n.Data == "meta" }) {
		meta[attr(n, "property")+attr(n, "name")] = attr(n, "content")
	}
	large := m.URL()[:len(m.URL())-len(".jpg")] + "-1024x768.jpg"
	if meta["og:image"] != ta.Srv.URL+large || meta["og:image:width"] != "1024" || meta["og:image:height"] != "768" ||
		meta["twitter:image"] != ta.Srv.URL+large {
		t.Errorf("card meta: %v", meta)
	}

	// The home page lists the post with the medium size.
	home := parseHTML(t, b.get("/").Body)
	var summary *html.Node
	for _, n := range find(home, func(n *html.Node) bool { return n.Data == "img" && hasClass(n, "summary-image") }) {
		summary = n
	}
	if summary == nil || attr(summary, "width") != "300" || attr(summary, "loading") != "lazy" ||
		!strings.Contains(attr(summary, "src"), "-300x225.jpg") || !strings.Contains(attr(summary, "sizes"), "300px") {
		t.Fatalf("listing image: %v", summary)
	}

	// Feeds carry the large size with its type and length.
	rss := b.get("/feed/").Body
	if !strings.Contains(rss, `<enclosure url="`+ta.Srv.URL+large+`" length="`) || !strings.Contains(rss, `type="image/jpeg"`) {
		t.Errorf("RSS enclosure missing:\n%s", rss)
	}
	var jf struct {
		Items []struct {
			Image   string `json:"image"`
			Content string `json:"content_html"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(b.get("/feed/json/").Body), &jf); err != nil || len(jf.Items) == 0 || jf.Items[0].Image != ta.Srv.URL+large {
		t.Errorf("JSON Feed image: %+v, %v", jf, err)
	}
	// The body's library image in the feed's content: its sizes too, every address absolute.
	var feedImg *html.Node
	for _, n := range find(parseHTML(t, jf.Items[0].Content), func(n *html.Node) bool { return n.Data == "img" && attr(n, "alt") == "the crowd" }) {
		feedImg = n
	}
	if feedImg == nil || attr(feedImg, "width") == "" || attr(feedImg, "height") == "" {
		t.Fatalf("feed content image lacks its size: %s", jf.Items[0].Content)
	}
	for _, c := range strings.Split(attr(feedImg, "srcset"), ",") {
		if f := strings.Fields(c); len(f) == 0 || !strings.HasPrefix(f[0], ta.Srv.URL+"/wp-content/uploads/") {
			t.Errorf("feed srcset candidate %q is not an absolute upload URL (srcset %q)", c, attr(feedImg, "srcset"))
		}
	}
}

// An image whose processing has not run yet is still shown with its dimensions, without a
// srcset; a relative body URL of a size (as imported posts have) finds its file.
func TestLibraryImageBeforeProcessingAndBySizeURL(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	ed := ta.user("ed@example.com", broadside.RoleEditor)
	m, err := ta.App.Media.Upload(ctx, ed, "pier.jpg", bytes.NewReader(testimg.JPEG(t, 800, 400)))
	if err != nil {
		t.Fatal(err)
	}
	p := ta.publish(ed, "Pier", "![pier]("+m.URL()+")")
	doc := parseHTML(t, ta.browser().get(ta.postPath(p)).Body)
	img := find(doc, func(n *html.Node) bool { return n.Data == "img" && attr(n, "alt") == "pier" })
	if len(img) != 1 || attr(img[0], "width") != "800" || attr(img[0], "height") != "400" || attr(img[0], "srcset") != "" {
		t.Fatalf("unprocessed image: %v", img)
	}
	ta.drainJobs()
	medium := strings.TrimSuffix(m.URL(), ".jpg") + "-300x150.jpg"
	p2 := ta.publish(ed, "Pier again", "![small pier]("+medium+")")
	doc = parseHTML(t, ta.browser().get(ta.postPath(p2)).Body)
	img = find(doc, func(n *html.Node) bool { return n.Data == "img" && attr(n, "alt") == "small pier" })
	if len(img) != 1 || attr(img[0], "srcset") == "" || attr(img[0], "width") != "768" {
		t.Fatalf("size URL not resolved: %v", img[0].Attr)
	}
}

// Admin → Media tells whether a file's sizes are being made, are there, or failed and why.
func TestMediaAdminShowsProcessing(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	ed := ta.user("ed@example.com", broadside.RoleEditor)
	good, err := ta.App.Media.Upload(ctx, ed, "fine.jpg", bytes.NewReader(testimg.JPEG(t, 400, 300)))
	if err != nil {
		t.Fatal(err)
	}
	j := testimg.JPEG(t, 400, 300)
	sos := bytes.Index(j, []byte{0xFF, 0xDA})
	bad, err := ta.App.Media.Upload(ctx, ed, "broken.jpg", bytes.NewReader(append(append([]byte{}, j[:sos]...), 0xFF, 0xDA, 0, 2, 0x13, 0xFF, 0xD9)))
	if err != nil {
		t.Fatal(err)
	}
	b := ta.signIn(ed)
	if page := b.get("/admin/media/" + strconv.FormatInt(good.ID, 10)).Body; !strings.Contains(page, "Being made") {
		t.Fatalf("pending not shown:\n%s", page)
	}
	ta.drainJobs()
	if page := b.get("/admin/media/" + strconv.FormatInt(good.ID, 10)).Body; !strings.Contains(page, "-300x225.webp") {
		t.Fatalf("sizes not listed:\n%s", page)
	}
	page := b.get("/admin/media/" + strconv.FormatInt(bad.ID, 10)).Body
	if !strings.Contains(page, "Sizes could not be made: The image could not be decoded") {
		t.Fatalf("failure not shown:\n%s", page)
	}
	for _, view := range []string{"grid", "list"} {
		if list := b.get("/admin/media?view=" + view).Body; !strings.Contains(list, "processing-failed") {
			t.Fatalf("%s view does not flag the failure", view)
		}
	}
}
