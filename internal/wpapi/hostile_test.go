package wpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// attacks are strings that must never come back as live markup in a rendered field.
var attacks = []string{
	`<script>alert("t")</script>`,
	`<img src=x onerror=alert(1)>`,
	`"><svg onload=alert(1)>`,
	`<a href="javascript:alert(1)">click</a>`,
	`<iframe src="https://evil.example/"></iframe>`,
	`</textarea><style>body{display:none}</style>`,
}

// live reports what in rendered HTML is still executable: a dangerous element, an event
// handler attribute or a javascript: URL ("" when nothing is). Escaped text is not live.
func live(fragment string) string {
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return "unparsable: " + err.Error()
	}
	var found string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "style", "svg", "object", "embed", "textarea":
				found = "<" + n.Data + ">"
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || strings.HasPrefix(v, "javascript:") {
					found = a.Key + "=" + a.Val
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return found
}

// TestHostileInput: attack strings in titles, bodies, excerpts, comments and names come back
// escaped or sanitized in every rendered field, and raw only in the edit context.
func TestHostileInput(t *testing.T) {
	for _, a := range attacks {
		if live(a) == "" || live(strings.ReplaceAll(a, "<", "&lt;")) != "" {
			t.Fatalf("the checker misjudges %q", a)
		}
	}
	s := newSite(t)
	ctx := context.Background()
	api := s.as(s.Admin)
	set, _ := s.App.Settings.Load(ctx)
	set.Discussion.ModerationMode = broadside.ModeratePublish
	set.Discussion.MaxLinks = -1
	set.Discussion.RateLimitPerMinute = 1000
	if err := s.App.Settings.Save(ctx, set, s.Admin); err != nil {
		t.Fatal(err)
	}
	for i, a := range attacks {
		r := api(http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{
			"title": "Title " + a, "content": "<p>Body</p>" + a, "excerpt": "Excerpt " + a, "status": "publish",
		})
		wantStatus(t, r, http.StatusCreated)
		id := num(r.obj()["id"])
		// The edit context gives the raw text back to its author.
		if raw := r.obj()["title"].(map[string]any)["raw"]; raw != "Title "+a {
			t.Errorf("title.raw = %q", raw)
		}
		// Readers get it rendered safely, in every representation.
		view := s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d", id)).obj()
		for _, f := range []string{"title", "content", "excerpt"} {
			m := view[f].(map[string]any)
			if _, has := m["raw"]; has {
				t.Errorf("%s.raw visible to a reader", f)
			}
			if bad := live(m["rendered"].(string)); bad != "" {
				t.Errorf("attack %d: %s.rendered contains %s: %q", i, f, bad, m["rendered"])
			}
		}
		for _, res := range s.get("/wp-json/wp/v2/search?search=Title&_fields=title").list() {
			if title := res.(map[string]any)["title"].(string); live(title) != "" {
				t.Errorf("search title not escaped: %s", title)
			}
		}
		c := s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/comments", body: map[string]any{
			"post": id, "author_name": "Mallory", "author_email": fmt.Sprintf("m%d@example.net", i), "content": "Hello " + a}})
		wantStatus(t, c, http.StatusCreated)
		// An anonymous API comment is always held (no form stamp); a moderator publishes it.
		wantStatus(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/comments/%d", num(c.obj()["id"])), map[string]any{"status": "approve"}), http.StatusOK)
		got := s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d", id)).list()
		if len(got) != 1 {
			t.Fatalf("comment not published: %v", got)
		}
		cm := got[0].(map[string]any)
		content := cm["content"].(map[string]any)
		if _, has := content["raw"]; has {
			t.Error("comment content.raw visible to a reader")
		}
		if bad := live(content["rendered"].(string)); bad != "" {
			t.Errorf("attack %d: comment rendered contains %s: %q", i, bad, content["rendered"])
		}
		edit := api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/comments/%d?context=edit", num(cm["id"])), nil).obj()
		if edit["content"].(map[string]any)["raw"] != "Hello "+a {
			t.Errorf("comment raw for the moderator = %q", edit["content"].(map[string]any)["raw"])
		}
	}
	// A term name with markup is data: the JSON string holds it as typed (as WordPress), and
	// the public archive link is escaped by the router, not by the API.
	r := api(http.MethodPost, "/wp-json/wp/v2/tags", map[string]any{"name": `<b>bold</b> tag`})
	wantStatus(t, r, http.StatusCreated)
	if slug := r.obj()["slug"]; slug != "b-bold-b-tag" && slug != "bold-tag" && !strings.Contains(slug.(string), "bold") {
		t.Errorf("slug of a marked-up name: %v", slug)
	}
	// Reflected input in errors is never HTML: the JSON content type and nosniff always.
	e := s.get(`/wp-json/wp/v2/posts?orderby=<script>`)
	if e.Header.Get("Content-Type") != "application/json; charset=UTF-8" || e.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("error headers %v", e.Header)
	}
	// Oversized and malformed bodies are refused cleanly.
	big := strings.Repeat("a", 3<<20)
	r = s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/comments", body: `{"content":"` + big + `"}`, header: map[string]string{"Content-Type": "application/json"}})
	if r.Status != http.StatusRequestEntityTooLarge && r.Status != http.StatusBadRequest {
		t.Errorf("3 MiB body: %d", r.Status)
	}
	r = s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/comments", body: `[1,2,3]`, header: map[string]string{"Content-Type": "application/json"}})
	wantError(t, r, http.StatusBadRequest, "rest_invalid_json")
}

// TestHiddenContent: subscriber-only and password-protected posts expose to the API only what
// broadside.PublicBody allows any reader, and everything to those who may edit them.
func TestHiddenContent(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	yes := true
	members := s.publish(s.Admin, "Members", "Teaser part<!--more-->Secret part", func(in *posts.Input) { in.SubscribersOnly = &yes })
	locked := s.publish(s.Admin, "Locked", "Locked words", func(in *posts.Input) { in.Excerpt = "Locked excerpt" })
	locked.Password = "sesame"
	if err := s.App.Store.UpdatePost(ctx, locked); err != nil {
		t.Fatal(err)
	}
	text := func(r *reply, field string) string {
		return r.obj()[field].(map[string]any)["rendered"].(string)
	}
	r := s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d", members.ID))
	if c := text(r, "content"); !strings.Contains(c, "Teaser part") || strings.Contains(c, "Secret") {
		t.Errorf("subscriber-only content for a stranger: %q", c)
	}
	if e := text(r, "excerpt"); strings.Contains(e, "Secret") {
		t.Errorf("subscriber-only excerpt for a stranger: %q", e)
	}
	if list := s.get("/wp-json/wp/v2/posts?search=Secret"); strings.Contains(list.Raw, "Secret part") {
		t.Errorf("search exposes the hidden part: %s", list.Raw)
	}
	if c := text(s.as(s.Admin)(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/posts/%d", members.ID), nil), "content"); !strings.Contains(c, "Secret part") {
		t.Errorf("subscriber-only content for the admin: %q", c)
	}
	r = s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d", locked.ID))
	if text(r, "content") != "" || text(r, "excerpt") != "" || r.obj()["content"].(map[string]any)["protected"] != true {
		t.Errorf("protected post for a stranger: %s", r.Raw)
	}
	if r := s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d?password=sesame", locked.ID)); !strings.Contains(text(r, "content"), "Locked words") {
		t.Errorf("protected post with its password: %s", r.Raw)
	}
	wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d?password=wrong", locked.ID)), http.StatusForbidden, "rest_post_incorrect_password")
	// A list does not take passwords (WordPress reads them on single posts only).
	if r := s.get(fmt.Sprintf("/wp-json/wp/v2/posts?password=sesame&include=%d", locked.ID)); strings.Contains(r.Raw, "Locked words") {
		t.Errorf("a list unlocked a protected post: %s", r.Raw)
	}
	// Guesses are throttled with the post page's budget (10 per address per post per 15 minutes).
	var last *reply
	for i := 0; i < 12; i++ {
		last = s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d?password=guess%d", locked.ID, i))
	}
	wantError(t, last, http.StatusTooManyRequests, "rest_post_password_throttled")
	wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d?password=sesame", locked.ID)), http.StatusTooManyRequests, "rest_post_password_throttled")
	// Retry-After says when the sliding window lets the next guess through, not a fixed 15
	// minutes: ten minutes later, at most about five remain.
	s.Clock.Advance(10 * time.Minute)
	later := s.get(fmt.Sprintf("/wp-json/wp/v2/posts/%d?password=guess", locked.ID))
	wantError(t, later, http.StatusTooManyRequests, "rest_post_password_throttled")
	if ra, err := strconv.Atoi(later.Header.Get("Retry-After")); err != nil || ra <= 0 || ra > 6*60 {
		t.Errorf("Retry-After %q ten minutes into a 15-minute window; want the remaining few minutes", later.Header.Get("Retry-After"))
	}
	if r := s.get("/wp-json/wp/v2/posts?per_page=100"); strings.Contains(r.Raw, "Locked words") || strings.Contains(r.Raw, "Locked excerpt") {
		t.Errorf("the list shows a protected body: %s", r.Raw)
	}

	// Their discussions are hidden as on the post page.
	for _, p := range []*broadside.Post{members, locked} {
		c := &broadside.Comment{PostID: p.ID, Kind: broadside.KindComment, AuthorName: "Insider", AuthorEmail: "in@example.net",
			RawBody: "Hidden discussion", Status: broadside.CommentApproved, CreatedAt: s.Clock.Now()}
		if err := s.App.Store.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d", p.ID)), http.StatusUnauthorized, "rest_cannot_read_post")
		wantError(t, s.get(fmt.Sprintf("/wp-json/wp/v2/comments/%d", c.ID)), http.StatusUnauthorized, "rest_cannot_read_post")
		wantError(t, s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/comments", body: map[string]any{
			"post": p.ID, "author_name": "Ann", "author_email": "ann@example.net", "content": "Let me in"}}), http.StatusUnauthorized, "rest_cannot_read_post")
		if r := s.as(s.Admin)(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/comments?post=%d", p.ID), nil); len(r.list()) != 1 {
			t.Errorf("the admin does not see the discussion of %q: %s", p.Title, r.Raw)
		}
	}
	if r := s.get("/wp-json/wp/v2/comments?per_page=100"); strings.Contains(r.Raw, "Hidden discussion") {
		t.Errorf("the site-wide list shows hidden discussions: %s", r.Raw)
	}
	s.Clock.Advance(16 * time.Minute) // past the window of the guesses above
	if r := s.get(fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&password=sesame", locked.ID)); len(r.list()) != 1 {
		t.Errorf("the password does not open the discussion: %s", r.Raw)
	}
}
