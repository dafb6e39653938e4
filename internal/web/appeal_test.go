package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
)

// asideText returns the text of the post page's aside with this class, "" when there is none,
// and the aside's links.
func aside(t *testing.T, body, class string) (string, []*html.Node) {
	t.Helper()
	as := find(parseHTML(t, body), func(n *html.Node) bool { return n.Data == "aside" && hasClass(n, class) })
	if len(as) == 0 {
		return "", nil
	}
	return strings.Join(strings.Fields(textOf(as[0])), " "), find(as[0], func(n *html.Node) bool { return n.Data == "a" })
}

// TestFreshSiteShowsNoAppealOrNotice: nobody set up an appeal or a reuse notice, so a
// fresh site asks readers for nothing.
func TestFreshSiteShowsNoAppealOrNotice(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	p := ta.publish(admin, "Plain", "Just a post.")
	r := ta.browser().get(ta.postPath(p))
	wantStatus(t, r, http.StatusOK)
	if txt, _ := aside(t, r.Body, "support-appeal"); txt != "" || strings.Contains(r.Body, "donation") {
		t.Fatalf("a fresh site shows an appeal: %q", txt)
	}
	if txt, _ := aside(t, r.Body, "license-notice"); txt != "" || strings.Contains(r.Body, "reblog") {
		t.Fatalf("a fresh site shows a reuse notice: %q", txt)
	}

	// The publisher's own site-wide text is shown once written (and kept as saved).
	ctx := context.Background()
	set, err := ta.App.Settings.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.Support.Text, set.License.Text = "Please support us.", "Reblog freely."
	if err := ta.App.Settings.Save(ctx, set, admin); err != nil {
		t.Fatal(err)
	}
	r = ta.browser().get(ta.postPath(p))
	if txt, _ := aside(t, r.Body, "support-appeal"); !strings.Contains(txt, "Please support us.") {
		t.Fatalf("site-wide appeal not shown: %q", txt)
	}
	if txt, _ := aside(t, r.Body, "license-notice"); txt != "Reblog freely." {
		t.Fatalf("site-wide notice not shown: %q", txt)
	}
}

// TestPostOwnAppealAndNotice: a post's own appeal and notice, written in the editor as
// Markdown, replace the site's and keep their inline links ("please click here" to PayPal),
// sanitized like any post body.
func TestPostOwnAppealAndNotice(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	ctx := context.Background()
	set, _ := ta.App.Settings.Load(ctx)
	set.Support.Text, set.License.Text = "The site's appeal.", "The site's notice."
	if err := ta.App.Settings.Save(ctx, set, admin); err != nil {
		t.Fatal(err)
	}
	b := ta.signIn(admin)
	f := editorForm("With appeal", "Body.", "published")
	appeal := "The SKWAWKBOX needs your support. If you can afford to, please [click here](https://www.paypal.com/donate/?hosted_button_id=X) to arrange a donation via PayPal.<script>alert(1)</script>"
	f.Set("appeal", appeal)
	f.Set("notice", "If you wish to reblog this post for non-commercial use, you are welcome to do so – see [here](https://example.org/reblog) for more.")
	r := b.post("/admin/posts/new", f)
	id := idFromLocation(t, r)
	p, err := ta.App.Posts.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Appeal != appeal || !strings.HasPrefix(p.Notice, "If you wish to reblog") {
		t.Fatalf("stored appeal %q notice %q", p.Appeal, p.Notice)
	}

	r = ta.browser().get(ta.postPath(p))
	txt, links := aside(t, r.Body, "support-appeal")
	if !strings.Contains(txt, "please click here to arrange") || strings.Contains(txt, "The site's appeal") || strings.Contains(r.Body, "<script>alert") {
		t.Fatalf("post's appeal: %q", txt)
	}
	if len(links) != 1 || attr(links[0], "href") != "https://www.paypal.com/donate/?hosted_button_id=X" || textOf(links[0]) != "click here" {
		t.Fatalf("appeal link: %d links", len(links))
	}
	txt, links = aside(t, r.Body, "license-notice")
	if !strings.Contains(txt, "see here for more.") || len(links) != 1 || attr(links[0], "href") != "https://example.org/reblog" {
		t.Fatalf("post's notice: %q", txt)
	}

	// The editor shows them again, and emptying them falls back to the site's.
	doc := parseHTML(t, b.get(fmt.Sprintf("/admin/posts/%d", id)).Body)
	if got := textOf(byID(doc, "appeal")); got != appeal {
		t.Fatalf("editor appeal %q", got)
	}
	f.Set("appeal", "")
	f.Set("notice", "  ")
	idFromLocation(t, b.post(fmt.Sprintf("/admin/posts/%d", id), f))
	r = ta.browser().get(ta.postPath(p))
	if txt, _ := aside(t, r.Body, "support-appeal"); txt != "The site's appeal." {
		t.Fatalf("emptied appeal: %q", txt)
	}
	if txt, _ := aside(t, r.Body, "license-notice"); txt != "The site's notice." {
		t.Fatalf("emptied notice: %q", txt)
	}

	// Too long is refused, naming the field.
	f.Set("appeal", strings.Repeat("x", broadside.MaxAppealLen+1))
	r = b.post(fmt.Sprintf("/admin/posts/%d", id), f)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if attr(byID(parseHTML(t, r.Body), "appeal"), "aria-invalid") != "true" {
		t.Fatal("appeal not marked invalid")
	}
}
