package web_test

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// feedSite is a small site with every kind of post a feed must handle.
type feedSite struct {
	ta                           *testApp
	ed                           *broadside.User
	news, local                  *broadside.Category
	first, second, third, about  *broadside.Post
	protected, members, draft    *broadside.Post
	scheduled                    *broadside.Post
	approved, pending, onMembers *broadside.Comment
}

func newFeedSite(t *testing.T, opts ...appOption) *feedSite {
	ta := newTestApp(t, opts...)
	ctx := context.Background()
	ta.settings(func(s *broadside.Settings) { s.Title = "Feed & Test"; s.Tagline = "All the <news>" })
	fs := &feedSite{ta: ta, ed: ta.user("ed@example.org", broadside.RoleEditor)}
	fs.ed.Login = "ed"
	fs.news = ta.category("News", 0)
	fs.local = ta.category("Local", fs.news.ID)
	day := func(d int) time.Time { return time.Date(2026, 2, d, 10, 0, 0, 0, time.UTC) }
	fs.first = ta.publish(fs.ed, "First story", "One [link](/about/) and ![pic](/wp-content/uploads/a.jpg).", func(in *posts.Input) {
		in.PublishedAt, in.CategoryIDs = day(1), []int64{fs.news.ID}
	})
	fs.second = ta.publish(fs.ed, "Second story", "Two.\n\n<!--more-->\n\nThe rest of two.", func(in *posts.Input) {
		in.PublishedAt, in.CategoryIDs, in.Tags = day(14), []int64{fs.local.ID}, []string{"Council"}
		in.FeaturedImageURL, in.FeaturedImageAlt = "https://img.example/council.jpg", "The council chamber"
	})
	fs.third = ta.publish(fs.ed, "Third story", "Three.", func(in *posts.Input) { in.PublishedAt, in.Excerpt = day(20), "Hand-written excerpt." })
	fs.about = ta.publish(fs.ed, "About us", "We report.", func(in *posts.Input) { in.Type, in.PublishedAt = broadside.TypePage, day(1) })
	fs.protected = ta.publish(fs.ed, "Protected story", "Secret protected body.", func(in *posts.Input) { in.PublishedAt = day(21) })
	fs.protected.Password = "letmein"
	if err := ta.App.Store.UpdatePost(ctx, fs.protected); err != nil {
		t.Fatal(err)
	}
	yes := true
	fs.members = ta.publish(fs.ed, "Members story", "Free teaser.\n\n<!--more-->\n\nPaid part.", func(in *posts.Input) {
		in.PublishedAt, in.SubscribersOnly = day(22), &yes
	})
	fs.draft = ta.publish(fs.ed, "Draft story", "Unpublished.", func(in *posts.Input) { in.Status = broadside.StatusDraft })
	fs.scheduled = ta.publish(fs.ed, "Scheduled story", "Later.", func(in *posts.Input) {
		in.Status, in.PublishedAt = broadside.StatusScheduled, ta.Clock.Now().Add(24*time.Hour)
	})
	fs.approved = ta.seedComment(fs.second, "Alice", "I **agree**.", broadside.CommentApproved)
	fs.pending = ta.seedComment(fs.second, "Held Harry", "Hold me.", broadside.CommentPending)
	fs.onMembers = ta.seedComment(fs.members, "Member Mo", "Members only talk.", broadside.CommentApproved)
	ta.seedComment(fs.protected, "Pat", "Protected talk.", broadside.CommentApproved)
	ta.seedComment(fs.first, "Bob", "On the first.", broadside.CommentApproved)
	return fs
}

// getFeed fetches and parses a feed, checking status and content type.
func getFeed(t *testing.T, b *browser, path, ctype string) (*gofeed.Feed, *response) {
	t.Helper()
	r := b.get(path)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%.500s", path, r.StatusCode, r.Body)
	}
	if got := r.Header.Get("Content-Type"); got != ctype {
		t.Fatalf("GET %s: Content-Type %q, want %q", path, got, ctype)
	}
	if ctype != jsonType {
		d := xml.NewDecoder(strings.NewReader(r.Body))
		d.Strict = true
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("GET %s: not well-formed: %v", path, err)
			}
		}
	}
	f, err := gofeed.NewParser().ParseString(r.Body)
	if err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, r.Body)
	}
	return f, r
}

const (
	rssType  = "application/rss+xml; charset=UTF-8"
	atomType = "application/atom+xml; charset=UTF-8"
	jsonType = "application/feed+json; charset=UTF-8"
)

func itemTitles(f *gofeed.Feed) string {
	var out []string
	for _, it := range f.Items {
		out = append(out, it.Title)
	}
	return strings.Join(out, "|")
}

func TestFeeds(t *testing.T) {
	t.Parallel()
	fs := newFeedSite(t)
	ta, b := fs.ta, fs.ta.browser()
	base := ta.Srv.URL
	all := "Members story|Protected story|Third story|Second story|First story"

	for _, tc := range []struct{ path, ctype, titles string }{
		{"/feed/", rssType, all},
		{"/feed/rss2/", rssType, all},
		{"/feed/rdf/", rdfType, all},
		{"/feed/atom/", atomType, all},
		{"/feed/json/", jsonType, all},
		{"/?feed=rss2", rssType, all},
		{"/?feed=atom", atomType, all},
		{"/category/news/feed/", rssType, "Second story|First story"}, // with the subcategory's posts
		{"/category/news/local/feed/atom/", atomType, "Second story"},
		{"/tag/council/feed/json/", jsonType, "Second story"},
		{"/author/ed/feed/", rssType, all},
		{"/comments/feed/", rssType, "Comment on First story by Bob|Comment on Second story by Alice"},
		{"/comments/feed/atom/", atomType, "Comment on First story by Bob|Comment on Second story by Alice"},
		{"/?feed=comments-rss2", rssType, "Comment on First story by Bob|Comment on Second story by Alice"},
		{ta.postPath(fs.second) + "feed/", rssType, "By: Alice"},
		{ta.postPath(fs.second) + "feed/json/", jsonType, "By: Alice"},
		{ta.postPath(fs.members) + "feed/", rssType, ""},   // the discussion of a subscriber-only post is not public
		{ta.postPath(fs.protected) + "feed/", rssType, ""}, // nor that of a protected post
		{"/about-us/feed/", rssType, ""},
	} {
		f, _ := getFeed(t, b, tc.path, tc.ctype)
		if got := itemTitles(f); got != tc.titles {
			t.Errorf("GET %s: items %q, want %q", tc.path, got, tc.titles)
		}
	}

	// The site feed in detail: WordPress's channel and item elements.
	f, _ := getFeed(t, b, "/feed/", rssType)
	if f.Title != "Feed & Test" || f.Description != "All the <news>" || f.Link != base+"/" || f.FeedLink != base+"/feed/" ||
		f.Language != "en" || f.Updated != "Sun, 01 Mar 2026 12:00:00 +0000" {
		t.Fatalf("channel %+v", f)
	}
	items := map[string]*gofeed.Item{}
	for _, it := range f.Items {
		items[it.Title] = it
	}
	second := items["Second story"]
	if second.GUID != base+"/?p="+itoa(fs.second.ID) || second.Link != base+ta.postPath(fs.second) ||
		second.Authors[0].Name != "ed" || strings.Join(second.Categories, ",") != "Local,Council" ||
		!strings.Contains(second.Content, "The rest of two.") || second.Description != "Two.…" && second.Description != "Two." {
		t.Fatalf("second item %+v", second)
	}
	ext := second.Extensions
	if ext["slash"]["comments"][0].Value != "1" || ext["wfw"]["commentRss"][0].Value != base+ta.postPath(fs.second)+"feed/" {
		t.Fatalf("slash/wfw %v", ext)
	}
	if first := items["First story"]; !strings.Contains(first.Content, `href="`+base+`/about/"`) ||
		!strings.Contains(first.Content, `src="`+base+`/wp-content/uploads/a.jpg"`) {
		t.Fatalf("relative URLs not made absolute: %s", first.Content)
	}
	if third := items["Third story"]; third.Description != "Hand-written excerpt." {
		t.Fatalf("excerpt: %q", third.Description)
	}
	// broadside.PublicBody decides: nothing of a protected post, the teaser of a members' post.
	if p := items["Protected story"]; p.Content != "" || strings.Contains(p.Description, "Secret") || !strings.Contains(p.Description, "password protected") {
		t.Fatalf("protected item: %q / %q", p.Description, p.Content)
	}
	if m := items["Members story"]; !strings.Contains(m.Content, "Free teaser.") || strings.Contains(m.Content, "Paid part") ||
		strings.Contains(m.Description, "Paid part") || !strings.Contains(m.Content, "Continue reading") {
		t.Fatalf("members item: %q / %q", m.Description, m.Content)
	}

	// The post's comment feed: WordPress's shape, approved comments only.
	cf, _ := getFeed(t, b, ta.postPath(fs.second)+"feed/", rssType)
	if cf.Title != "Comments on: Second story" || cf.Link != base+ta.postPath(fs.second) || len(cf.Items) != 1 ||
		cf.Items[0].Link != base+ta.postPath(fs.second)+"#comment-"+itoa(fs.approved.ID) ||
		cf.Items[0].GUID != base+"/?p="+itoa(fs.second.ID)+"#comment-"+itoa(fs.approved.ID) ||
		cf.Items[0].Content != "<p>I **agree**.</p>" || cf.Items[0].Authors[0].Name != "Alice" {
		t.Fatalf("comment feed %+v %+v", cf, cf.Items)
	}
	if sf, _ := getFeed(t, b, "/comments/feed/", rssType); sf.Title != "Comments for Feed & Test" {
		t.Fatalf("site comment feed title %q", sf.Title)
	}

	// Not feeds: unknown formats, unknown archives, drafts, paged archive feeds.
	for _, path := range []string{"/feed/bogus/", "/comments/feed/x/", "/category/nope/feed/", "/tag/nope/feed/",
		"/author/nobody/feed/", "/category/news/page/2/feed/", ta.postPath(fs.draft) + "feed/", "/?feed=bogus", "/?feed="} {
		if r := b.get(path); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, r.StatusCode)
		}
	}
	if r := b.get("/feed"); r.StatusCode/100 != 3 || r.Header.Get("Location") != "/feed/" {
		t.Errorf("GET /feed: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	// Non-canonical archive and post paths redirect to the canonical feed.
	for from, to := range map[string]string{
		"/category/local/feed/atom/":    "/category/news/local/feed/atom/",
		"/" + fs.second.Slug + "/feed/": base + ta.postPath(fs.second) + "feed/",
	} {
		r := b.get(from)
		if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != to {
			t.Errorf("GET %s: %d → %q, want 301 → %q", from, r.StatusCode, r.Header.Get("Location"), to)
		}
	}

	// Settings: summaries only, and the number of items.
	ta.settings(func(s *broadside.Settings) { s.FeedFullText = false; s.FeedItems = 2 })
	f, r := getFeed(t, b, "/feed/", rssType)
	if len(f.Items) != 2 || f.Items[0].Content != "" || strings.Contains(r.Body, "content:encoded>") {
		t.Fatalf("summary feed: %d items, content %q", len(f.Items), f.Items[0].Content)
	}
	if j, _ := getFeed(t, b, "/feed/json/", jsonType); len(j.Items) != 2 || j.Items[0].Content != "Free teaser." || j.Items[1].Content != "This post is password protected." {
		t.Fatalf("summary JSON feed: %+v", j.Items)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestFeedConditionalGET: feeds carry an ETag and Last-Modified (the newest item), answer
// If-None-Match and If-Modified-Since with 304, with and without the page cache (which also
// serves /?feed=, uncached because of its query string).
func TestFeedConditionalGET(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []appOption
	}{{"uncached", nil}, {"cached", []appOption{withCache()}}} {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFeedSite(t, tc.opts...)
			ta, b := fs.ta, fs.ta.browser()
			for _, path := range []string{"/feed/", "/feed/atom/", "/feed/json/", "/?feed=rss2", "/comments/feed/",
				"/category/news/feed/", ta.postPath(fs.second) + "feed/", "/sitemap.xml"} {
				get := func(h map[string]string) *response {
					t.Helper()
					req, _ := http.NewRequest(http.MethodGet, ta.Srv.URL+path, nil)
					for k, v := range h {
						req.Header.Set(k, v)
					}
					return b.do(req)
				}
				first := get(nil)
				etag, lm := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
				if first.StatusCode != 200 || etag == "" || lm == "" {
					t.Fatalf("GET %s: %d, ETag %q, Last-Modified %q", path, first.StatusCode, etag, lm)
				}
				again := get(nil)
				if again.Header.Get("ETag") != etag || again.Body != first.Body {
					t.Fatalf("GET %s twice: ETag %q then %q", path, etag, again.Header.Get("ETag"))
				}
				for _, h := range []map[string]string{{"If-None-Match": etag}, {"If-None-Match": `"other", W/` + etag},
					{"If-Modified-Since": lm}, {"If-Modified-Since": time.Now().UTC().Format(http.TimeFormat)}} {
					if r := get(h); r.StatusCode != http.StatusNotModified || r.Body != "" {
						t.Errorf("GET %s with %v: %d, want 304", path, h, r.StatusCode)
					}
				}
				old := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat)
				for _, h := range []map[string]string{{"If-None-Match": `"stale"`}, {"If-Modified-Since": old},
					{"If-None-Match": `"stale"`, "If-Modified-Since": lm}} {
					if r := get(h); r.StatusCode != http.StatusOK {
						t.Errorf("GET %s with %v: %d, want 200", path, h, r.StatusCode)
					}
				}
			}
			// A new post changes the feed: new ETag, later Last-Modified, 200 for the old validators.
			r1 := b.get("/feed/")
			ta.Clock.Advance(time.Hour)
			ta.publish(fs.ed, "Fresh story", "New.", func(in *posts.Input) { in.PublishedAt = ta.Clock.Now() })
			req, _ := http.NewRequest(http.MethodGet, ta.Srv.URL+"/feed/", nil)
			req.Header.Set("If-None-Match", r1.Header.Get("ETag"))
			r2 := b.do(req)
			if r2.StatusCode != 200 || r2.Header.Get("ETag") == r1.Header.Get("ETag") ||
				r2.Header.Get("Last-Modified") == r1.Header.Get("Last-Modified") || !strings.Contains(r2.Body, "Fresh story") {
				t.Fatalf("after a new post: %d, ETag %q, Last-Modified %q", r2.StatusCode, r2.Header.Get("ETag"), r2.Header.Get("Last-Modified"))
			}
			// HEAD answers like GET without a body.
			req, _ = http.NewRequest(http.MethodHead, ta.Srv.URL+"/feed/", nil)
			if r := b.do(req); r.StatusCode != 200 || r.Body != "" || r.Header.Get("Content-Type") != rssType {
				t.Fatalf("HEAD /feed/: %d %q", r.StatusCode, r.Header.Get("Content-Type"))
			}
		})
	}
}

// TestFeedHostileStrings: titles, names and comments written to break XML stay text.
func TestFeedHostileStrings(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(func(s *broadside.Settings) { s.Title = `Site </title> & "co" ]]>` })
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	const evil = `</title><script>alert(1)</script> & "q" ]]> <![CDATA[x]]> ` + "\x01\x0b"
	const evilClean = `</title><script>alert(1)</script> & "q" ]]> <![CDATA[x]]>`
	p := ta.publish(ed, evil, "Body ]]> with <script>alert(2)</script> and <b>bold</b>.", func(in *posts.Input) { in.Tags = []string{evil} })
	ta.seedComment(p, evil, "Comment ]]> <script>alert(3)</script>", broadside.CommentApproved)
	b := ta.browser()
	for _, tc := range []struct{ path, ctype, title string }{
		{"/feed/", rssType, evilClean}, {"/feed/atom/", atomType, evilClean}, {"/feed/json/", jsonType, evilClean},
		{"/comments/feed/", rssType, "Comment on " + evilClean + " by " + evilClean},
		{ta.postPath(p) + "feed/", rssType, "By: " + evilClean},
		{ta.postPath(p) + "feed/atom/", atomType, "By: " + evilClean},
	} {
		f, _ := getFeed(t, b, tc.path, tc.ctype)
		if len(f.Items) != 1 || strings.Join(strings.Fields(f.Items[0].Title), " ") != tc.title {
			t.Errorf("GET %s: title %q, want %q", tc.path, f.Items[0].Title, tc.title)
		}
		if strings.Contains(f.Items[0].Content, "<script") {
			t.Errorf("GET %s: script in content: %s", tc.path, f.Items[0].Content)
		}
	}
}

// TestFeedSettingsForm: the admin's Settings screen edits the two feed settings.
func TestFeedSettingsForm(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	b := ta.signIn(ta.user("admin@example.org", broadside.RoleAdmin))
	v := formValues(t, b.get("/admin/settings").Body, "/admin/settings")
	if v.Get("feed_items") != "10" || v.Get("feed_full_text") != "on" {
		t.Fatalf("defaults in the form: items %q, full text %q", v.Get("feed_items"), v.Get("feed_full_text"))
	}
	v.Set("feed_items", "3")
	v.Del("feed_full_text")
	wantRedirect(t, b.post("/admin/settings", v), "/admin/settings")
	set, err := ta.App.Settings.Load(context.Background())
	if err != nil || set.FeedItems != 3 || set.FeedFullText {
		t.Fatalf("saved: items %d, full text %v, %v", set.FeedItems, set.FeedFullText, err)
	}
	for in, msg := range map[string]string{"0": "Feed items must be between 1 and 100.", "101": "Feed items must be between 1 and 100.",
		"ten": "Enter a whole number."} {
		v.Set("feed_items", in)
		r := b.post("/admin/settings", v)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, msg) || attr(byID(parseHTML(t, r.Body), "feed_items"), "value") != in {
			t.Errorf("feed_items %q: message or value missing", in)
		}
	}
}
