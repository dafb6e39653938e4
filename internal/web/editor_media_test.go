package web_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/testimg"
)

// TestEditorFeaturedMedia: the editor's featured image as the picker fills it (a library file's
// id and URL) and as a person without JavaScript types it: the file's alt text fills an empty
// alt field, a URL changed by hand drops the file's id, a non-image is refused on the field,
// and the page round-trips the id in its hidden field with the picker's buttons hidden until
// the script shows them.
func TestEditorFeaturedMedia(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	author := ta.user("ann@example.org", broadside.RoleAuthor)
	b := ta.signIn(author)
	photo, err := ta.App.Media.Upload(ctx, author, "willsman.jpg", bytes.NewReader(testimg.JPEG(t, 40, 30)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ta.App.Media.Update(ctx, author, photo.ID, media.Details{Title: "Willsman", Alt: "willsman"}); err != nil {
		t.Fatal(err)
	}

	f := editorForm("With a picture", "Body.", "published")
	f.Set("featured_media", strconv.FormatInt(photo.ID, 10))
	f.Set("featured_image_url", photo.URL())
	r := b.post("/admin/posts/new", f)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.StatusCode, r.Body)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(r.Header.Get("Location"), "/admin/posts/"), 10, 64)
	p, err := ta.App.Posts.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.FeaturedMediaID != photo.ID || p.FeaturedImageURL != photo.URL() || p.FeaturedImageAlt != "willsman" {
		t.Fatalf("featured image: %d %q %q", p.FeaturedMediaID, p.FeaturedImageURL, p.FeaturedImageAlt)
	}
	page := b.get("/admin/posts/" + strconv.FormatInt(id, 10))
	doc := parseHTML(t, page.Body)
	if in := byID(doc, "featured_media"); in == nil || attr(in, "value") != strconv.FormatInt(photo.ID, 10) {
		t.Fatalf("the editor does not carry the file's id")
	}
	for _, id := range []string{"choose-featured", "insert-media"} {
		if btn := byID(doc, id); btn == nil || btn.Parent == nil || !hasAttr(btn.Parent, "hidden") {
			t.Errorf("#%s is missing or visible without JavaScript", id)
		}
	}
	if byID(doc, "media-picker") == nil {
		t.Error("no media picker dialog")
	}

	// Without JavaScript the id stays in the form while the URL is changed by hand: the URL wins.
	f = editorForm("With a picture", "Body.", "published")
	f.Set("featured_media", strconv.FormatInt(photo.ID, 10))
	f.Set("featured_image_url", "https://img.example/other.jpg")
	f.Set("featured_image_alt", "Another picture")
	if r := b.post("/admin/posts/"+strconv.FormatInt(id, 10), f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d\n%s", r.StatusCode, r.Body)
	}
	if p, _ = ta.App.Posts.Get(ctx, id); p.FeaturedMediaID != 0 || p.FeaturedImageURL != "https://img.example/other.jpg" {
		t.Fatalf("after a hand-typed URL: %d %q", p.FeaturedMediaID, p.FeaturedImageURL)
	}

	// A PDF is not an image.
	pdf, err := ta.App.Media.Upload(ctx, author, "minutes.pdf", strings.NewReader("%PDF-1.4\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	f = editorForm("With a PDF", "Body.", "published")
	f.Set("featured_media", strconv.FormatInt(pdf.ID, 10))
	r = b.post("/admin/posts/new", f)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "must be an image") {
		t.Fatalf("a PDF as featured image: %d\n%s", r.StatusCode, r.Body)
	}
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}
