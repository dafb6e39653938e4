package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/subscriptions"
	"github.com/broadside/broadside/internal/testdb"
)

// The access table: every (content state × reader × channel) combination, over HTTP against
// the wired app (and its real SMTP server for the newsletter). What each reader may see is
// written out below by hand, independently of broadside.Access, so the table measures the
// channels against the rule instead of against itself.

// tableStates are the content states, in the order of the letters of tableLevels.
var tableStates = []string{"published", "protected", "private", "scheduled", "draft", "pending", "subonly", "trashed"}

// tableLevels is what each reader may see of each state, on a channel that knows everything
// about the reader: H hidden (does not exist), L locked (title and password form), T teaser,
// F full. Channels that know less about their reader read the row of the reader they see.
var tableLevels = map[string]string{
	//                published protected private scheduled draft pending subonly trashed
	"anonymous":       "FLHHHHTH",
	"pending sub":     "FLHHHHTH",
	"confirmed sub":   "FLHHHHFH",
	"password reader": "FFHHHHTH",
	"own author":      "FFFFFFFH",
	"other author":    "FLHHHHFH",
	"editor":          "FFFFFFFH",
	"admin":           "FFFFFFFH",
}

const tablePassword = "opensesame"

type tableReader struct {
	name       string
	b          *browser        // the web identity (cookies)
	user       *broadside.User // the REST identity (an Application Password); nil: anonymous
	email      string          // a mailbox, for the newsletter ("" for none)
	subscriber bool            // signed in as a subscriber (confirmed or pending)
	password   bool            // gave the protected post's password
}

type tablePost struct {
	state  string
	p      *broadside.Post
	path   string
	body   string // a word only the full body carries
	teaser string // a word of the teaser ("" for none)
	title  string // a word of the title
	seed   string // a word of the approved comment seeded on it
	seedID int64  // that comment's id
	note   string // a word of the comment approved after the confirmed subscriber asked for notices
}

type accessTable struct {
	t       *testing.T
	ta      *testApp
	srv     *mailtest.Server
	posts   []*tablePost
	readers []*tableReader
	now     time.Time
	author  string // the login of the posts' author
}

// sees is the level rd has on st through a channel that knows (or not) the reader's
// subscription, the password they gave, and who they are.
func (at *accessTable) sees(rd *tableReader, st string, knowsSub, takesPassword, knowsUser bool) byte {
	row := rd.name
	switch {
	case rd.user != nil && !knowsUser, rd.subscriber && !knowsSub, rd.password && !takesPassword:
		row = "anonymous"
	}
	for i, s := range tableStates {
		if s == st {
			return tableLevels[row][i]
		}
	}
	at.t.Fatalf("unknown state %s", st)
	return 0
}

func public(st string) bool { return st == "published" || st == "protected" || st == "subonly" }

// tableRow checks one channel for one post and reader.
type tableRow func(at *accessTable, tp *tablePost, rd *tableReader)

// tableRows has a row for every channel in broadside.Channels.
var tableRows = map[broadside.Channel]tableRow{
	broadside.ChannelFederation: federationRow,
	broadside.ChannelPostPage: func(at *accessTable, tp *tablePost, rd *tableReader) {
		want := at.sees(rd, tp.state, true, true, true)
		r := rd.b.get(tp.path)
		at.expectBody(rd, tp, "post page", r, want, true)
		if want == 'L' && !strings.Contains(r.Body, `name="post_password"`) {
			at.t.Errorf("post page, %s, %s: no password form", tp.state, rd.name)
		}
		if has := strings.Contains(strings.ToLower(r.Body), tp.seed); has != (want == 'F') {
			at.t.Errorf("post page, %s, %s: discussion shown = %v, want %v", tp.state, rd.name, has, want == 'F')
		}
	},
	broadside.ChannelListings: func(at *accessTable, tp *tablePost, rd *tableReader) {
		// Listings are shared by every reader (and cached), so they show what PublicBody
		// allows: the anonymous reader's row.
		want := at.sees(rd, tp.state, false, false, false)
		for _, path := range []string{"/", "/category/uncategorized/", "/author/" + at.author + "/", "/2026/03/"} {
			at.expectBody(rd, tp, "listing "+path, rd.b.get(path), want, false)
		}
	},
	broadside.ChannelCommentForm: func(at *accessTable, tp *tablePost, rd *tableReader) {
		want := at.sees(rd, tp.state, true, true, true)
		f := url.Values{"comment_post_ID": {strconv.FormatInt(tp.p.ID, 10)}, "comment": {"Form comment by " + rd.name + " on " + tp.state}}
		if rd.user == nil {
			f.Set("author", "Reader "+rd.name)
			f.Set("email", "reader@example.net")
		}
		code := rd.b.post("/comments", f).StatusCode
		at.expectAct(rd, tp, "comment form", code, want, http.StatusSeeOther)
	},
	broadside.ChannelRESTPost: func(at *accessTable, tp *tablePost, rd *tableReader) {
		want := at.sees(rd, tp.state, false, true, true)
		code, v := at.ta.api(rd.user, http.MethodGet, "/wp/v2/posts/"+strconv.FormatInt(tp.p.ID, 10)+at.pwQuery(rd, "?"), nil)
		at.expectJSON(rd, tp, "REST post", code, v, want)
	},
	broadside.ChannelRESTPosts: func(at *accessTable, tp *tablePost, rd *tableReader) {
		want := at.sees(rd, tp.state, false, false, true)
		_, v := at.ta.api(rd.user, http.MethodGet, "/wp/v2/posts?per_page=100", nil)
		var item any
		for _, it := range asList(v) {
			if o, _ := it.(map[string]any); o != nil && int64(num(o["id"])) == tp.p.ID {
				item = o
			}
		}
		if !public(tp.state) || want == 'H' {
			if item != nil {
				at.t.Errorf("REST posts, %s, %s: listed", tp.state, rd.name)
			}
			return
		}
		if item == nil {
			at.t.Errorf("REST posts, %s, %s: not listed", tp.state, rd.name)
			return
		}
		at.expectJSON(rd, tp, "REST posts", http.StatusOK, item, want)
	},
	broadside.ChannelRESTComment: func(at *accessTable, tp *tablePost, rd *tableReader) {
		want := at.sees(rd, tp.state, false, true, true)
		body := map[string]any{"post": tp.p.ID, "content": "API comment by " + rd.name + " on " + tp.state}
		if rd.user == nil {
			body["author_name"], body["author_email"] = "Reader "+rd.name, "reader@example.net"
		}
		if rd.password {
			body["password"] = tablePassword
		}
		code, _ := at.ta.api(rd.user, http.MethodPost, "/wp/v2/comments", body)
		at.expectAct(rd, tp, "REST comment", code, want, http.StatusCreated)
	},
	broadside.ChannelRESTComments: func(at *accessTable, tp *tablePost, rd *tableReader) {
		want := at.sees(rd, tp.state, false, true, true)
		_, v := at.ta.api(rd.user, http.MethodGet, "/wp/v2/comments?post="+strconv.FormatInt(tp.p.ID, 10)+at.pwQuery(rd, "&"), nil)
		if has := strings.Contains(strings.ToLower(toJSON(v)), tp.seed); has != (want == 'F') {
			at.t.Errorf("REST comments, %s, %s: discussion shown = %v, want %v", tp.state, rd.name, has, want == 'F')
		}
	},
	broadside.ChannelFeeds: func(at *accessTable, tp *tablePost, rd *tableReader) {
		want := at.sees(rd, tp.state, false, false, false)
		for _, path := range []string{"/feed/", "/feed/atom/", "/feed/json/"} {
			r := rd.b.get(path)
			at.expectBody(rd, tp, "feed "+path, r, want, false)
		}
	},
	broadside.ChannelCommentFeed: func(at *accessTable, tp *tablePost, rd *tableReader) {
		want := at.sees(rd, tp.state, false, false, false)
		if has := strings.Contains(strings.ToLower(rd.b.get("/comments/feed/").Body), tp.seed); has != (want == 'F') {
			at.t.Errorf("comments feed, %s, %s: discussion shown = %v, want %v", tp.state, rd.name, has, want == 'F')
		}
		r := rd.b.get(tp.path + "feed/")
		if has := r.StatusCode == http.StatusOK && strings.Contains(strings.ToLower(r.Body), tp.seed); has != (want == 'F') {
			at.t.Errorf("post comment feed, %s, %s: %d, discussion shown = %v, want %v", tp.state, rd.name, r.StatusCode, has, want == 'F')
		}
	},
	broadside.ChannelSearch: func(at *accessTable, tp *tablePost, rd *tableReader) {
		want := at.sees(rd, tp.state, false, false, false)
		found := func(word string) bool {
			doc := parseHTML(at.t, rd.b.get("/search?q="+word).Body)
			for _, li := range find(doc, func(n *html.Node) bool { return hasClass(n, "search-result") }) {
				if strings.Contains(strings.ToLower(textOf(li)), tp.title) {
					return true
				}
			}
			return false
		}
		at.expectFound(rd, tp, "search page", found, want)
	},
	broadside.ChannelRESTSearch: func(at *accessTable, tp *tablePost, rd *tableReader) {
		want := at.sees(rd, tp.state, false, false, false)
		found := func(word string) bool {
			_, v := at.ta.api(rd.user, http.MethodGet, "/wp/v2/search?search="+word, nil)
			return strings.Contains(strings.ToLower(toJSON(v)), tp.title)
		}
		at.expectFound(rd, tp, "REST search", found, want)
	},
	broadside.ChannelSitemap: func(at *accessTable, tp *tablePost, rd *tableReader) {
		// Sitemaps list what a search engine may index: the readable posts, with at least a
		// teaser (a password-protected page shows nothing to index, as in WordPress).
		want := at.sees(rd, tp.state, false, false, false)
		if has := strings.Contains(rd.b.get("/sitemap-posts.xml").Body, tp.path); has != (want == 'F' || want == 'T') {
			at.t.Errorf("sitemap, %s, %s: listed = %v", tp.state, rd.name, has)
		}
	},
	broadside.ChannelNewsletterEmail: func(at *accessTable, tp *tablePost, rd *tableReader) {
		// Newsletters go to confirmed subscribers only, with what they may read in full; a
		// post they may not read whole is not mailed (see newsletter.mailable).
		want := byte('H')
		if rd.name == "confirmed sub" {
			want = at.sees(rd, tp.state, true, false, false)
		}
		got := false
		if rd.email != "" {
			for _, m := range at.srv.To(rd.email) {
				pm := mailtest.Parse(at.t, m.Data)
				text := strings.ToLower(pm.Text + pm.HTML)
				// A newsletter is titled with the post (comment notices are not).
				if strings.EqualFold(pm.Subject(), tp.title) || strings.Contains(text, tp.body) || (tp.teaser != "" && strings.Contains(text, tp.teaser)) {
					got = true
					if want == 'F' && !strings.Contains(text, tp.body) {
						at.t.Errorf("newsletter, %s, %s: mailed without its body", tp.state, rd.name)
					}
				}
			}
		}
		if got != (want == 'F') {
			at.t.Errorf("newsletter, %s, %s: mailed = %v, want %v", tp.state, rd.name, got, want == 'F')
		}
	},
	broadside.ChannelCommentNotice: func(at *accessTable, tp *tablePost, rd *tableReader) {
		// The confirmed subscriber asked to hear of new comments on every post; a notice
		// carries the comment only when they may read the discussion, and there is none for
		// a post that is not public.
		want := byte('H')
		if rd.name == "confirmed sub" {
			want = at.sees(rd, tp.state, true, false, false)
		}
		notices, text := 0, false
		if rd.email != "" {
			for _, m := range at.srv.To(rd.email) {
				pm := mailtest.Parse(at.t, m.Data)
				if strings.Contains(strings.ToLower(pm.Subject()), "new comment on \""+tp.title) {
					notices++
					text = text || strings.Contains(strings.ToLower(pm.Text+pm.HTML), tp.note)
				}
			}
		}
		if text != (want == 'F') || (notices > 0) != (want != 'H') {
			at.t.Errorf("comment notice, %s, %s: %d notices, with the comment = %v", tp.state, rd.name, notices, text)
		}
	},
}

// federationRow: a post fetched as ActivityStreams, as a remote server does. What leaves
// the site is readable by anyone there, so it is the anonymous reader's row whoever asks,
// and a password-protected post does not federate at all: H and L answer 404 (410 with a
// Tombstone for a published post moved to the trash) and show nothing of the post.
func federationRow(at *accessTable, tp *tablePost, rd *tableReader) {
	want := at.sees(rd, tp.state, false, false, false)
	// The discussion federates where the anonymous reader reads it all: the seeded comment's
	// Note, and the post's replies collection listing it.
	c, _ := rd.b.getAS("/activitypub/comments/"+strconv.FormatInt(tp.seedID, 10), activitypub.ContentType)
	if shown := c.StatusCode == http.StatusOK && strings.Contains(strings.ToLower(c.Body), tp.seed); shown != (want == 'F') {
		at.t.Errorf("federation, %s, %s: comment note shown = %v (%d), want %v", tp.state, rd.name, shown, c.StatusCode, want == 'F')
	}
	rc, _ := rd.b.getAS("/activitypub/posts/"+strconv.FormatInt(tp.p.ID, 10)+"/replies?page=1", activitypub.ContentType)
	if listed := rc.StatusCode == http.StatusOK && strings.Contains(rc.Body, activitypub.CommentID(at.ta.Srv.URL, tp.seedID)+`"`); listed != (want == 'F') {
		at.t.Errorf("federation, %s, %s: comment listed in replies = %v (%d), want %v", tp.state, rd.name, listed, rc.StatusCode, want == 'F')
	}
	r, _ := rd.b.getAS(tp.path, activitypub.ContentType)
	body := strings.ToLower(r.Body)
	if want == 'H' || want == 'L' {
		gone := tp.state == "trashed" && r.StatusCode == http.StatusGone && strings.Contains(r.Body, `"Tombstone"`)
		if r.StatusCode != http.StatusNotFound && !gone {
			at.t.Errorf("federation, %s, %s: %d, want 404", tp.state, rd.name, r.StatusCode)
		}
		if strings.Contains(body, tp.body) || (tp.teaser != "" && strings.Contains(body, tp.teaser)) {
			at.t.Errorf("federation, %s, %s: text of a post that must not federate", tp.state, rd.name)
		}
		return
	}
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"type":"Article"`) {
		at.t.Errorf("federation, %s, %s: %d, want an Article", tp.state, rd.name, r.StatusCode)
	}
	if has := strings.Contains(body, tp.body); has != (want == 'F') {
		at.t.Errorf("federation, %s, %s: full text shown = %v, want %v", tp.state, rd.name, has, want == 'F')
	}
	if tp.teaser != "" && !strings.Contains(body, tp.teaser) {
		at.t.Errorf("federation, %s, %s: no teaser", tp.state, rd.name)
	}
}

func (at *accessTable) pwQuery(rd *tableReader, sep string) string {
	if !rd.password {
		return ""
	}
	return sep + "password=" + tablePassword
}

// expectBody checks a page or feed against level want: the full body only at F, the teaser
// at T or F, and at H not even the title (a post page answers 404).
func (at *accessTable) expectBody(rd *tableReader, tp *tablePost, ch string, r *response, want byte, page bool) {
	at.t.Helper()
	body := strings.ToLower(r.Body)
	if page && want == 'H' {
		if r.StatusCode != http.StatusNotFound {
			at.t.Errorf("%s, %s, %s: %d, want 404", ch, tp.state, rd.name, r.StatusCode)
		}
	} else if r.StatusCode != http.StatusOK {
		at.t.Errorf("%s, %s, %s: %d, want 200", ch, tp.state, rd.name, r.StatusCode)
	}
	if has := strings.Contains(body, tp.body); has != (want == 'F') {
		at.t.Errorf("%s, %s, %s: full text shown = %v, want %v", ch, tp.state, rd.name, has, want == 'F')
	}
	if tp.teaser != "" && strings.Contains(body, tp.teaser) != (want == 'F' || want == 'T') {
		at.t.Errorf("%s, %s, %s: teaser shown = %v", ch, tp.state, rd.name, !(want == 'F' || want == 'T'))
	}
	if want == 'H' && strings.Contains(body, tp.title) {
		at.t.Errorf("%s, %s, %s: the title of a hidden post is shown", ch, tp.state, rd.name)
	}
}

// expectJSON checks a REST post object (or error) against level want.
func (at *accessTable) expectJSON(rd *tableReader, tp *tablePost, ch string, code int, v any, want byte) {
	at.t.Helper()
	text := strings.ToLower(toJSON(v))
	if want == 'H' {
		if code == http.StatusOK || strings.Contains(text, tp.title) {
			at.t.Errorf("%s, %s, %s: %d, want a refusal", ch, tp.state, rd.name, code)
		}
		return
	}
	if code != http.StatusOK {
		at.t.Errorf("%s, %s, %s: %d, want 200", ch, tp.state, rd.name, code)
		return
	}
	if has := strings.Contains(text, tp.body); has != (want == 'F') {
		at.t.Errorf("%s, %s, %s: full text shown = %v, want %v", ch, tp.state, rd.name, has, want == 'F')
	}
	if tp.teaser != "" && !strings.Contains(text, tp.teaser) {
		at.t.Errorf("%s, %s, %s: no teaser", ch, tp.state, rd.name)
	}
	o, _ := v.(map[string]any)
	content, _ := o["content"].(map[string]any)
	if p := content["protected"] == true; p != (tp.state == "protected") {
		at.t.Errorf("%s, %s, %s: content.protected = %v", ch, tp.state, rd.name, p)
	}
}

// expectAct checks an attempt to comment: accepted (ok) only on a published post the reader
// may read in full; otherwise refused without being stored.
func (at *accessTable) expectAct(rd *tableReader, tp *tablePost, ch string, code int, want byte, ok int) {
	at.t.Helper()
	if allowed := public(tp.state) && want == 'F'; allowed != (code == ok) {
		at.t.Errorf("%s, %s, %s: %d, allowed should be %v", ch, tp.state, rd.name, code, allowed)
	}
	if code != ok && code < 400 {
		at.t.Errorf("%s, %s, %s: refused with %d, want an error status", ch, tp.state, rd.name, code)
	}
}

// expectFound checks a search channel: the post is found by a word of its full body only at
// F, and by its title at T or F (a subscriber-only post is matched on its title, tags and
// excerpt, never on its body; a password-protected one not at all, as in WordPress).
func (at *accessTable) expectFound(rd *tableReader, tp *tablePost, ch string, found func(string) bool, want byte) {
	at.t.Helper()
	if got := found(tp.body); got != (want == 'F') {
		at.t.Errorf("%s, %s, %s: found by its body = %v, want %v", ch, tp.state, rd.name, got, want == 'F')
	}
	if got := found(tp.title); got != (want == 'F' || want == 'T') {
		at.t.Errorf("%s, %s, %s: found by its title = %v", ch, tp.state, rd.name, got)
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }

func num(v any) float64 { f, _ := v.(float64); return f }

// newAccessTable builds the site: one post in each state, all by the same author, each with
// an approved comment, and the readers.
func newAccessTable(t *testing.T, opts ...appOption) *accessTable {
	at := &accessTable{t: t}
	ta := newTestApp(t, append([]appOption{withMail(t, &at.srv)}, opts...)...)
	at.ta = ta
	ta.settings(func(s *broadside.Settings) {
		s.Discussion.RateLimitPerMinute = 1000 // every reader comments from 127.0.0.1
		s.Discussion.ModerationMode = broadside.ModeratePublish
	})
	own := ta.user("own@example.org", broadside.RoleAuthor)
	at.author = own.Login
	other := ta.user("other@example.org", broadside.RoleAuthor)
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	confirmed := ta.subscribe(at.srv, "confirmed@example.net", "")
	pending := ta.browser()
	if r := pending.post("/subscribe", url.Values{"email": {"pending@example.net"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("subscribe: %d", r.StatusCode)
	}
	ta.drainJobs()

	ctx := context.Background()
	sub, err := ta.App.Store.SubscriberByEmail(ctx, "confirmed@example.net")
	if err != nil {
		t.Fatal(err)
	}
	now := ta.Clock.Now()
	at.now = now
	pw := tablePassword
	for _, st := range tableStates {
		tp := &tablePost{state: st, body: "zq" + st + "body", title: "zq" + st + "title", seed: "zc" + st + "seed", note: "zn" + st + "note"}
		in := posts.Input{Type: broadside.TypePost, Title: strings.ToUpper(tp.title[:1]) + tp.title[1:], Body: tp.body + " is in the text.",
			Status: broadside.StatusPublished, PublishedAt: now.Add(-time.Hour), CommentsOpen: true,
			Slug:           "post-" + st, // not the title: a 404 page repeats the address
			SendNewsletter: yes()}        // as the editor sends it
		switch st {
		case "protected":
			in.Password = &pw
		case "private":
			in.Status = broadside.StatusPrivate
		case "scheduled":
			in.PublishedAt = now.Add(24 * time.Hour)
		case "draft":
			in.Status = broadside.StatusDraft
		case "pending":
			in.Status = broadside.StatusPending
		case "subonly":
			tp.teaser = "zqsubonlyteaser"
			in.Body = tp.teaser + " opens it.\n\n<!--more-->\n\n" + in.Body
			in.SubscribersOnly = yes()
		}
		p, err := ta.App.Posts.Save(ctx, 0, in, own)
		if err != nil {
			t.Fatalf("%s: %v", st, err)
		}
		c := &broadside.Comment{PostID: p.ID, AuthorName: "Seed", AuthorEmail: "seed@example.net", RawBody: tp.seed + " says hello.",
			Status: broadside.CommentApproved, CreatedAt: now.Add(-time.Minute)}
		if err := ta.App.Store.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		tp.seedID = c.ID
		tp.p, tp.path = p, ta.postPath(p)
		// The confirmed subscriber commented and asked to hear of every new comment.
		mine := &broadside.Comment{PostID: p.ID, AuthorName: "Confirmed", AuthorEmail: "confirmed@example.net", RawBody: "Mine.",
			Status: broadside.CommentApproved, CreatedAt: now.Add(-time.Minute)}
		if err := ta.App.Store.CreateComment(ctx, mine); err != nil {
			t.Fatal(err)
		}
		if err := ta.App.Subscriptions.RequestCommentNotices(ctx, subscriptions.CommentRequest{Post: p, Comment: mine, AllComments: true, Reader: sub}); err != nil {
			t.Fatal(err)
		}
		if st == "trashed" {
			// Moved to the trash (restorable for 30 days) before its newsletter job ran: it
			// and its discussion vanish from every channel, for its editors too.
			if _, err := ta.App.Posts.Trash(ctx, p.ID, own); err != nil {
				t.Fatal(err)
			}
		}
		at.posts = append(at.posts, tp)
	}
	ta.drainJobs() // the newsletters
	for _, tp := range at.posts {
		if tp.state == "trashed" {
			continue // nobody moderates the discussion of a trashed post
		}
		note := &broadside.Comment{PostID: tp.p.ID, AuthorName: "Noter", AuthorEmail: "noter@example.net", RawBody: tp.note + " is new.", CreatedAt: now}
		if err := ta.App.Store.CreateComment(ctx, note); err != nil {
			t.Fatal(err)
		}
		if _, err := ta.App.Comments.SetStatus(ctx, []int64{note.ID}, broadside.CommentApproved, admin); err != nil {
			t.Fatal(err)
		}
	}
	ta.drainJobs() // the comment notices
	unlocker := ta.browser()
	var protected *tablePost
	for _, tp := range at.posts {
		if tp.state == "protected" {
			protected = tp
		}
	}
	if r := unlocker.post("/post-password", url.Values{"post_id": {strconv.FormatInt(protected.p.ID, 10)}, "post_password": {pw}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("post password: %d", r.StatusCode)
	}
	at.readers = []*tableReader{
		{name: "anonymous", b: ta.browser()},
		{name: "pending sub", b: pending, email: "pending@example.net", subscriber: true},
		{name: "confirmed sub", b: confirmed, email: "confirmed@example.net", subscriber: true},
		{name: "password reader", b: unlocker, password: true},
		{name: "own author", b: ta.signIn(own), user: own, email: own.Email},
		{name: "other author", b: ta.signIn(other), user: other, email: other.Email},
		{name: "editor", b: ta.signIn(ed), user: ed, email: ed.Email},
		{name: "admin", b: ta.signIn(admin), user: admin, email: admin.Email},
	}
	return at
}

// TestAccessTable runs every channel for every content state and reader. It fails when a
// channel is registered in broadside.Channels without a row here.
func TestAccessTable(t *testing.T) { t.Parallel(); runAccessTable(t) }

// TestAccessTableOnPostgres runs the table on PostgreSQL, whose search and listing queries are
// its own SQL.
func TestAccessTableOnPostgres(t *testing.T) {
	t.Parallel()
	runAccessTable(t, withDSN(testdb.Postgres(t)))
}

func runAccessTable(t *testing.T, opts ...appOption) {
	for _, ch := range broadside.Channels {
		if tableRows[ch] == nil {
			t.Fatalf("channel %q has no row in the access table: add one to tableRows", ch)
		}
	}
	if len(tableRows) != len(broadside.Channels) {
		t.Fatalf("tableRows has %d channels, broadside.Channels %d", len(tableRows), len(broadside.Channels))
	}
	for name := range tableLevels {
		if len(tableLevels[name]) != len(tableStates) {
			t.Fatalf("row %q has %d states", name, len(tableLevels[name]))
		}
	}
	at := newAccessTable(t, opts...)
	if len(at.readers) != len(tableLevels) {
		t.Fatalf("%d readers, %d rows of levels", len(at.readers), len(tableLevels))
	}
	runs := map[broadside.Channel]int{}
	// Reading channels first, then the ones that act (comments), so what readers read is
	// the seeded site.
	order := append([]broadside.Channel{}, broadside.Channels...)
	acting := map[broadside.Channel]bool{broadside.ChannelCommentForm: true, broadside.ChannelRESTComment: true}
	for pass := 0; pass < 2; pass++ {
		for _, ch := range order {
			if acting[ch] != (pass == 1) {
				continue
			}
			for _, tp := range at.posts {
				for _, rd := range at.readers {
					tableRows[ch](at, tp, rd)
					runs[ch]++
				}
			}
		}
	}
	for _, ch := range broadside.Channels {
		if want := len(tableStates) * len(at.readers); runs[ch] != want {
			t.Errorf("channel %q ran %d combinations, want %d", ch, runs[ch], want)
		}
	}
	if t.Failed() {
		t.Log(fmt.Sprintf("levels: %v", tableLevels))
	}
}
