package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testimg"
)

// HTTP tests of a site imported from WordPress: every address the old site served keeps
// working, and the imported content renders as it should.

func wxrFixture(name string) string { return filepath.Join("..", "..", "testdata", "wxr", name) }

func (ta *testApp) importWXR(path string, opt importer.Options) *importer.Summary {
	ta.t.Helper()
	sum, err := ta.App.WordPress.ImportFile(context.Background(), path, opt)
	if err != nil {
		ta.t.Fatalf("import %s: %v", path, err)
	}
	return sum
}

func (ta *testApp) allPosts() []broadside.Post {
	ta.t.Helper()
	ps, err := ta.App.Store.ExportPosts(context.Background(), 0, 100000)
	if err != nil {
		ta.t.Fatal(err)
	}
	return ps
}

func (ta *testApp) titled(title string) *broadside.Post {
	ta.t.Helper()
	for _, p := range ta.allPosts() {
		if p.Title == title {
			return &p
		}
	}
	ta.t.Fatalf("no post titled %q", title)
	return nil
}

// wpID returns what a WordPress id became here.
func (ta *testApp) wpID(kind string, id int64) int64 {
	ta.t.Helper()
	local, err := ta.App.Store.ResolveWPID(context.Background(), kind, id)
	if err != nil {
		ta.t.Fatalf("WordPress %s %d was not imported: %v", kind, id, err)
	}
	return local
}

func want301(t *testing.T, r *response, to string) {
	t.Helper()
	if r.StatusCode != http.StatusMovedPermanently {
		t.Fatalf("%s: status %d, want 301 to %s", r.Request.URL, r.StatusCode, to)
	}
	loc := r.Header.Get("Location")
	if u, err := url.Parse(loc); err == nil && u.Host != "" && strings.HasPrefix(to, "/") {
		loc = u.RequestURI()
	}
	if loc != to {
		t.Fatalf("%s: Location %q, want %q", r.Request.URL, loc, to)
	}
}

func wantOK(t *testing.T, r *response) {
	t.Helper()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d, want 200\n%.500s", r.Request.URL, r.StatusCode, r.Body)
	}
}

func tutdApp(t *testing.T, opts ...appOption) *testApp {
	ta := newTestApp(t, opts...)
	ta.importWXR(wxrFixture("themeunittestdata.wordpress.xml"), importer.Options{})
	return ta
}

// TestOldQueryLinks: /?p=, /?page_id=, /?cat=, /?attachment_id=, /?author=, /?tag=, /?m=.
func TestOldQueryLinks(t *testing.T) {
	t.Parallel()
	ta := tutdApp(t)
	b := ta.browser()
	hello := ta.titled("Template: Comments")
	want301(t, b.get("/?p=1148"), ta.postPath(hello))
	wantOK(t, b.follow(b.get("/?p=1148")))
	// Other parameters survive (a reply link from the old site).
	want301(t, b.get("/?p=1148&replytocom=881"), ta.postPath(hello)+"?replytocom=881")

	about := ta.titled("About The Tests")
	want301(t, b.get("/?page_id="+strconv.FormatInt(about.ID, 10)), "/"+about.Slug+"/")

	ta.wpID(broadside.WPCategory, 54150) // "parent"'s WordPress term id
	want301(t, b.get("/?cat=54150"), "/category/parent/")
	want301(t, b.get("/?cat=1043329"), "/category/parent/child-1/child-2/")

	// An attachment's old page is its file.
	want301(t, b.get("/?attachment_id=611"), "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg")
	want301(t, b.get("/?p=611"), "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg")

	want301(t, b.get("/?tag=content"), "/tag/content/")
	want301(t, b.get("/?m=201301"), "/2013/01/")

	// Unknown ids get the helpful 404, which names what was asked for.
	for _, q := range []string{"/?p=999999", "/?p=abc", "/?cat=999999", "/?attachment_id=1", "/?author=999", "/?tag=nope", "/?m=20"} {
		r := b.get(q)
		if r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, "nothing lives at "+html.EscapeString(q)) {
			t.Errorf("%s: %d, and the 404 page should name the address", q, r.StatusCode)
		}
	}
	// A draft is not revealed by its id.
	draft := ta.titled("Draft")
	if r := b.get("/?p=" + strconv.FormatInt(draft.ID, 10)); r.StatusCode != http.StatusNotFound {
		t.Errorf("a draft's /?p= answered %d", r.StatusCode)
	}
}

// TestOldPathLinks: archives with imported data, nested categories, attachment pages, links
// the old site served that moved (a renamed slug, a post that changed date), and feeds of
// old addresses.
func TestOldPathLinks(t *testing.T) {
	t.Parallel()
	ta := tutdApp(t)
	b := ta.browser()
	wantOK(t, b.get("/category/parent/child-1/child-2/"))
	wantOK(t, b.get("/category/parent/"))
	wantOK(t, b.get("/tag/content/"))
	wantOK(t, b.get("/author/themedemos/"))
	wantOK(t, b.get("/2013/01/"))
	wantOK(t, b.get("/2013/01/11/"))
	wantOK(t, b.get("/2012/"))
	align := ta.titled("Markup: Image Alignment")
	day := align.PublishedAt.UTC().Format("/2006/01/02/")
	list := b.get(day)
	wantOK(t, list)
	if !strings.Contains(list.Body, "Markup: Image Alignment") {
		t.Errorf("the day archive %s misses its imported post", day)
	}
	// The old site's links follow its structure, which the import adopted.
	hello := ta.titled("Template: Comments")
	wantOK(t, b.get(ta.postPath(hello)))
	// An attachment page under its post goes to the file.
	want301(t, b.get("/2010/09/10/post-format-gallery/canola2/"), "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg")
	// WordPress kept this link after the post's slug and date changed; it still works.
	moved := ta.titled("Block category: Formatting")
	want301(t, b.get("/2018/11/02/block-category-formatting/"), ta.postPath(moved))
	// … and so do its feed and a bare slug.
	want301(t, b.get("/2018/11/02/block-category-formatting/feed/"), ta.postPath(moved)+"feed/")
	sixOne := ta.titled("WP 6.1 Font size scale")
	want301(t, b.get("/wp-6-1-font-size-scale/"), ta.postPath(sixOne))
	// A page below its parent, as WordPress addressed it.
	lvl := ta.titled("Level 3")
	want301(t, b.get("/level-1/level-2/level-3/"), "/"+lvl.Slug+"/")
	// Nothing loops: an address that is already canonical and missing is a 404.
	if r := b.get("/2099/01/01/nothing-here/"); r.StatusCode != http.StatusNotFound {
		t.Errorf("missing post: %d", r.StatusCode)
	}
}

// TestCommentAnchorsKeepWordPressIDs: #comment-ID links from the old site land on the
// comment.
func TestCommentAnchorsKeepWordPressIDs(t *testing.T) {
	t.Parallel()
	ta := tutdApp(t)
	p := ta.titled("Template: Comments")
	page := ta.browser().get(ta.postPath(p))
	wantOK(t, page)
	for _, id := range []int{881, 899, 900, 901} {
		if !strings.Contains(page.Body, `id="comment-`+strconv.Itoa(id)+`"`) {
			t.Errorf("comment %d is not at #comment-%d", id, id)
		}
	}
}

// TestTenLevelThread: the theme unit test data's 10-level thread under our depth setting
// (5, WordPress's default): levels 6 to 10 are shown at level 5, every comment exactly once.
func TestTenLevelThread(t *testing.T) {
	t.Parallel()
	ta := tutdApp(t)
	p := ta.titled("Template: Comments")
	cs, err := ta.App.Store.ThreadComments(context.Background(), p.ID, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	page := ta.browser().get(ta.postPath(p))
	wantOK(t, page)
	doc := parseHTML(t, page.Body)
	lis := find(doc, func(n *html.Node) bool { return n.Data == "li" && hasClass(n, "comment") })
	seen := map[string]int{}
	deepest, flattened := 0, 0
	for _, li := range lis {
		seen[attr(li, "id")]++
		d := commentDepth(li)
		deepest = max(deepest, d)
		if d > 5 {
			t.Errorf("%s is nested %d deep, past the setting of 5", attr(li, "id"), d)
		}
		if len(find(li, func(n *html.Node) bool { return hasClass(n, "in-reply-to") })) > 0 && d == 5 {
			flattened++
		}
	}
	// 20 comments in the file, one of them held for moderation.
	if len(lis) != len(cs) || len(cs) != 19 {
		t.Fatalf("%d comments shown, %d approved in the database", len(lis), len(cs))
	}
	for _, c := range cs {
		if n := seen["comment-"+strconv.FormatInt(c.ID, 10)]; n != 1 {
			t.Errorf("comment %d shown %d times", c.ID, n)
		}
	}
	if deepest != 5 || flattened == 0 {
		t.Errorf("deepest level %d, %d flattened replies; want 5 and some", deepest, flattened)
	}
}

// TestImportedMarkupIsSafe: every imported post and page renders without scripts, frames,
// event handlers or style attributes, whatever the theme unit test data throws at it.
func TestImportedMarkupIsSafe(t *testing.T) {
	t.Parallel()
	ta := tutdApp(t)
	b := ta.browser()
	n := 0
	for _, p := range ta.allPosts() {
		if !p.IsPublic(ta.Clock.Now()) {
			continue
		}
		path := "/" + p.Slug + "/"
		if p.Type == broadside.TypePost {
			path = ta.postPath(&p)
		}
		r := b.get(path)
		wantOK(t, r)
		checkInert(t, r.Body)
		n++
	}
	if n < 70 {
		t.Fatalf("only %d imported pages checked", n)
	}
	// Captions became figures, galleries lists of the attachments' images.
	cap := b.get(ta.postPath(ta.titled("Markup: Image Alignment")))
	if !strings.Contains(cap.Body, "<figure") || !strings.Contains(cap.Body, "<figcaption") {
		t.Error("[caption] did not become a figure")
	}
	gal := b.get(ta.postPath(ta.titled("Post Format: Gallery")))
	if !strings.Contains(gal.Body, "wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg") {
		t.Error("[gallery] did not list the post's images")
	}
}

// TestPasswordProtectedPost: the body, comments and excerpt of the protected post stay off
// every public page until the password is typed; "enter" unlocks it for this browser only.
func TestPasswordProtectedPost(t *testing.T) {
	t.Parallel()
	ta := tutdApp(t, withCache())
	const secret = "should not be visible until the password is entered"
	p := ta.titled(`Template: Password Protected (the password is "enter")`)
	path := ta.postPath(p)
	b := ta.browser()
	page := b.get(path)
	wantOK(t, page)
	if strings.Contains(page.Body, secret) {
		t.Fatal("the protected body is in the public page")
	}
	if !strings.Contains(page.Body, `action="/post-password"`) || strings.Contains(page.Body, `id="commentform"`) {
		t.Fatal("no password form, or the discussion is shown")
	}
	for _, list := range []string{"/", "/2012/01/04/", "/category/uncategorized/"} {
		if r := b.get(list); strings.Contains(r.Body, secret) {
			t.Errorf("%s shows the protected body", list)
		}
	}
	for _, feed := range []string{"/feed/", "/comments/feed/"} {
		if r := b.get(feed); strings.Contains(r.Body, secret) {
			t.Errorf("%s shows the protected body", feed)
		}
	}
	// A wrong password: back to the form, with a message.
	r := b.post("/post-password", url.Values{"post_id": {strconv.FormatInt(p.ID, 10)}, "post_password": {"guess"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("wrong password: %d", r.StatusCode)
	}
	again := b.follow(r)
	if strings.Contains(again.Body, secret) || !strings.Contains(again.Body, "That password is not right") {
		t.Fatal("a wrong password unlocked the post or was not reported")
	}
	// Guessing is throttled: the eleventh try in 15 minutes is refused, even if right.
	guesser := ta.browser()
	for i := 0; i < 10; i++ {
		guesser.post("/post-password", url.Values{"post_id": {strconv.FormatInt(p.ID, 10)}, "post_password": {"guess" + strconv.Itoa(i)}})
	}
	if r := guesser.post("/post-password", url.Values{"post_id": {strconv.FormatInt(p.ID, 10)}, "post_password": {"enter"}}); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("eleventh password attempt: %d", r.StatusCode)
	}
	ta.Clock.Advance(16 * time.Minute)
	// The right one unlocks it for this browser, and not for others (nor the page cache).
	r = b.post("/post-password", url.Values{"post_id": {strconv.FormatInt(p.ID, 10)}, "post_password": {"enter"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path {
		t.Fatalf("right password: %d → %s", r.StatusCode, r.Header.Get("Location"))
	}
	unlocked := b.get(path)
	if !strings.Contains(unlocked.Body, secret) || strings.Contains(unlocked.Body, `action="/post-password"`) {
		t.Fatal("the password did not unlock the post")
	}
	if cc := unlocked.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("an unlocked page may be cached: Cache-Control %q", cc)
	}
	if r := ta.browser().get(path); strings.Contains(r.Body, secret) {
		t.Fatal("another browser sees the unlocked post")
	}
	// A cookie for another post or a changed password does not open it.
	ctx := context.Background()
	p2, _ := ta.App.Posts.Get(ctx, p.ID)
	p2.Password = "changed"
	if err := ta.App.Store.UpdatePost(ctx, p2); err != nil {
		t.Fatal(err)
	}
	if r := b.get(path); strings.Contains(r.Body, secret) {
		t.Fatal("changing the password did not lock the post again")
	}
	// Editors read it without the password.
	ed := ta.signIn(ta.user("ed@example.org", broadside.RoleEditor))
	if r := ed.get(path); !strings.Contains(r.Body, secret) {
		t.Error("an editor must see the protected post")
	}
}

// TestStickyAndPrivate: the sticky post leads the home page; a private post is for its
// editors only.
func TestStickyAndPrivate(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.importWXR(wxrFixture("importer-small-export.xml"), importer.Options{})
	ta.importWXR(wxrFixture("themeunittestdata.wordpress.xml"), importer.Options{})
	home := ta.browser().get("/")
	wantOK(t, home)
	doc := parseHTML(t, home.Body)
	titles := find(doc, func(n *html.Node) bool { return n.Data == "h2" && hasClass(n, "entry-title") })
	if len(titles) == 0 || textOf(titles[0]) != "Template: Sticky" {
		t.Fatalf("first post on the home page is not the sticky one")
	}
	priv := ta.titled("Private Post")
	path := ta.postPath(priv)
	if r := ta.browser().get(path); r.StatusCode != http.StatusNotFound {
		t.Errorf("a private post answered %d to a reader", r.StatusCode)
	}
	ed := ta.signIn(ta.user("ed@example.org", broadside.RoleEditor))
	if r := ed.get(path); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Private:") {
		t.Errorf("an editor reading a private post: %d", r.StatusCode)
	}
	if strings.Contains(home.Body, "Private Post") {
		t.Error("the private post is listed on the home page")
	}
}

// TestOldLinksIntoExistingSite: importing into a site that already has posts keeps its
// permalink structure; the imported posts' old /archives/ID links redirect.
func TestOldLinksIntoExistingSite(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.publish(ta.user("ann@example.org", broadside.RoleAdmin), "Already here", "Body.")
	src := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://old.example</wp:base_site_url><wp:base_blog_url>https://old.example</wp:base_blog_url>
<wp:author><wp:author_id>7</wp:author_id><wp:author_login>bob_smith</wp:author_login><wp:author_email>bob@example.org</wp:author_email></wp:author>
<item><title>Numbered</title><link>https://old.example/archives/1</link>
<dc:creator>bob_smith</dc:creator><content:encoded><![CDATA[Line one
line two

Para two]]></content:encoded><wp:post_id>1</wp:post_id><wp:post_date>2019-04-05 10:00:00</wp:post_date>
<wp:post_date_gmt>2019-04-05 08:00:00</wp:post_date_gmt><wp:post_name>numbered</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type><wp:comment_status>open</wp:comment_status>
<category domain="category" nicename="old_news"><![CDATA[Old News]]></category>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>C</wp:comment_author><wp:comment_content>hi</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_date_gmt>2019-04-05 09:00:00</wp:comment_date_gmt></wp:comment>
</item></channel></rss>`
	path := filepath.Join(t.TempDir(), "old.xml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := ta.importWXR(path, importer.Options{})
	if sum.Permalinks.Adopted || sum.Permalinks.Inferred != "/archives/%post_id%" || sum.IDsChanged != 1 {
		t.Fatalf("permalinks %+v, ids changed %d", sum.Permalinks, sum.IDsChanged)
	}
	p := ta.titled("Numbered")
	b := ta.browser()
	want301(t, b.get("/archives/1"), ta.postPath(p))
	// /?p=1 is the old post, not the post that has id 1 here.
	want301(t, b.get("/?p=1"), ta.postPath(p))
	// The category's slug changed (old_news -> old-news); its old archive redirects, and
	// so does the author archive under WordPress's nicename (bob_smith -> bob-smith).
	want301(t, b.get("/category/old_news/"), "/category/old-news/")
	want301(t, b.get("/author/bob_smith/"), "/author/bob-smith/")
	want301(t, b.get("/?author=7"), "/author/bob-smith/")
	wantOK(t, b.get("/author/bob-smith/"))
	page := b.get(ta.postPath(p))
	wantOK(t, page)
	if !strings.Contains(page.Body, "<p>Line one<br/>\nline two</p>") && !strings.Contains(page.Body, "<p>Line one<br>\nline two</p>") {
		t.Errorf("wpautop paragraphs not rendered:\n%s", page.Body)
	}
}

// TestUploadsServed: files from --media-dir become library files served where WordPress
// served them; files an earlier import copied without a library row are served too, images
// inline and anything else as a download, and nothing outside the directory.
func TestUploadsServed(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	media := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(media, "2008", "06"), 0o755))
	must(os.WriteFile(filepath.Join(media, "2008", "06", "canola2.jpg"), testimg.JPEG(t, 8, 6), 0o644))
	must(os.WriteFile(filepath.Join(media, "shell.php"), []byte("<?php"), 0o644))
	// What an import before the media library copied: a file with no library row.
	uploads := filepath.Join(ta.App.Config.DataDir, "uploads")
	must(os.MkdirAll(filepath.Join(uploads, "2008", "06"), 0o755))
	must(os.WriteFile(filepath.Join(uploads, "2008", "06", "page.html"), []byte("<script>alert(1)</script>"), 0o644))
	sum := ta.importWXR(wxrFixture("themeunittestdata.wordpress.xml"), importer.Options{MediaDir: media})
	if sum.MediaCopied != 1 || sum.MediaRows != 1 || sum.MediaMissing != 36 {
		t.Fatalf("stored %d, rows %d, missing %d", sum.MediaCopied, sum.MediaRows, sum.MediaMissing)
	}
	b := ta.browser()
	img := b.get("/wp-content/uploads/2008/06/canola2.jpg")
	wantOK(t, img)
	if img.Header.Get("Content-Type") != "image/jpeg" || !strings.Contains(img.Header.Get("Content-Security-Policy"), "sandbox") ||
		!strings.Contains(img.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("image headers: %v", img.Header)
	}
	htmlFile := b.get("/wp-content/uploads/2008/06/page.html")
	if !strings.HasPrefix(htmlFile.Header.Get("Content-Disposition"), "attachment") {
		t.Error("an HTML upload is served inline")
	}
	for _, bad := range []string{"/wp-content/uploads/shell.php", "/wp-content/uploads/../broadside.db", "/wp-content/uploads/%2e%2e/broadside.db",
		"/wp-content/uploads/2008/06/", "/wp-content/uploads/nope.jpg"} {
		if r := b.get(bad); r.StatusCode == http.StatusOK {
			t.Errorf("%s served", bad)
		}
	}
	// The attachment now points at the library file; one whose file was not there still
	// goes to its original address.
	want301(t, b.get("/?attachment_id=611"), "/wp-content/uploads/2008/06/canola2.jpg")
	want301(t, b.get("/2010/09/10/post-format-gallery/canola2/"), "/wp-content/uploads/2008/06/canola2.jpg")
}

// TestOldLinksOnPostgres runs the import and a few old links on PostgreSQL.
func TestOldLinksOnPostgres(t *testing.T) {
	t.Parallel()
	ta := tutdApp(t, withDSN(testdb.Postgres(t)))
	b := ta.browser()
	hello := ta.titled("Template: Comments")
	want301(t, b.get("/?p=1148"), ta.postPath(hello))
	want301(t, b.get("/2010/09/10/post-format-gallery/canola2/"), "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg")
	page := b.get(ta.postPath(hello))
	wantOK(t, page)
	if !strings.Contains(page.Body, `id="comment-881"`) {
		t.Error("comment anchors lost on PostgreSQL")
	}
}

func importerOptions() importer.Options { return importer.Options{} }
