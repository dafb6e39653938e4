package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/posts"
)

func yes() *bool { b := true; return &b }

// The subscriber-only post of these tests: a teaser, then the part for subscribers.
const (
	lockedTeaser = "Teaserword opens the story for everyone."
	lockedRest   = "Secretword is the scoop for subscribers."
	lockedBody   = lockedTeaser + "\n\n<!--more-->\n\n" + lockedRest
)

// channel is one place a post's text can reach a reader.
type channel struct {
	name, path string
	teaser     bool // the teaser must be there (it is not on every channel, e.g. titles-only lists)
	// forbid is what must not appear; "secretword" when empty (a search page repeats the
	// words searched for, so there the post's title must not appear instead).
	forbid string
}

// leaks fetches a channel as b and reports whether it carries the subscriber part.
func leaks(t *testing.T, b *browser, c channel) bool {
	t.Helper()
	r := b.get(c.path)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("%s: GET %s: %d\n%s", c.name, c.path, r.StatusCode, r.Body)
	}
	body := strings.ToLower(r.Body)
	if c.teaser && !strings.Contains(body, "teaserword") {
		t.Errorf("%s (%s) lacks the teaser", c.name, c.path)
	}
	if c.forbid == "" {
		c.forbid = "secretword"
	}
	return strings.Contains(body, strings.ToLower(c.forbid))
}

// TestSubscriberOnlyEveryChannel checks every channel against the one access rule
// (broadside.CanReadFull, and PublicBody for channels that do not know their reader): a
// visitor, a feed reader, a search engine and an API client get the teaser and never the
// rest; a confirmed subscriber signed in with a magic link and the site's users read it all;
// the newsletter carries all of it. The page cache is on, so a cached visitor's page can
// neither leak to nor hide from a subscriber.
func TestSubscriberOnlyEveryChannel(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv), withCache())
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Locked story", lockedBody, func(in *posts.Input) { in.SubscribersOnly = yes(); in.Tags = []string{"scoops"} })
	bare := ta.publish(ed, "No marker", "Secretword all the way, with no teaser at all.", func(in *posts.Input) { in.SubscribersOnly = yes() })
	// The rule, for the anonymous reader, is what every public channel must match.
	if e := broadside.PublicBody(p); e.Full || strings.Contains(e.Body, "Secretword") || !strings.Contains(e.Body, "Teaserword") {
		t.Fatalf("PublicBody: %+v", e)
	}
	if now := ta.Clock.Now(); broadside.CanReadFull(p, broadside.Reader{}, now) || !broadside.CanReadFull(p, broadside.Reader{Subscriber: &broadside.Subscriber{Status: broadside.SubscriberConfirmed}}, now) {
		t.Fatal("CanReadFull")
	}

	postPath := ta.postPath(p)
	year := strconv.Itoa(p.PublishedAt.Year())
	channels := []channel{
		{"post page", postPath, true, ""},
		{"home page", "/", true, ""},
		{"category archive", "/category/uncategorized/", true, ""},
		{"tag archive", "/tag/scoops/", true, ""},
		{"author archive", "/author/" + ed.Login + "/", true, ""},
		{"date archive", "/" + year + "/", true, ""},
		{"RSS feed", "/feed/", true, ""},
		{"Atom feed", "/feed/atom/", true, ""},
		{"JSON feed", "/feed/json/", true, ""},
		{"post comments feed", postPath + "feed/", false, ""},
		{"search for the teaser", "/search?q=teaserword", true, ""},
		{"search for the rest", "/search?q=secretword", false, ">1 result"},
		{"REST API list", "/wp-json/wp/v2/posts", true, ""},
		{"REST API post", "/wp-json/wp/v2/posts/" + strconv.FormatInt(p.ID, 10), true, ""},
		{"REST API search", "/wp-json/wp/v2/search?search=secretword", false, "Locked story"},
		{"post without a marker", ta.postPath(bare), false, ""},
		{"sitemap", "/sitemap-posts.xml", false, ""},
	}
	visitor := ta.browser()
	for _, c := range channels {
		if leaks(t, visitor, c) {
			t.Errorf("%s (%s) shows the subscriber part to a visitor", c.name, c.path)
		}
	}

	// The head of the post page: description, OpenGraph, Twitter card and JSON-LD.
	doc := parseHTML(t, visitor.get(postPath).Body)
	for _, m := range find(doc, func(n *html.Node) bool { return n.Data == "meta" }) {
		if strings.Contains(strings.ToLower(attr(m, "content")), "secretword") {
			t.Errorf("<meta %s%s> leaks the rest", attr(m, "name"), attr(m, "property"))
		}
	}
	lds := find(doc, func(n *html.Node) bool { return n.Data == "script" && attr(n, "type") == "application/ld+json" })
	if len(lds) != 1 {
		t.Fatalf("%d JSON-LD blocks", len(lds))
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(textOf(lds[0])), &ld); err != nil {
		t.Fatalf("JSON-LD: %v", err)
	}
	if ld["isAccessibleForFree"] != false {
		t.Errorf("JSON-LD isAccessibleForFree = %v, want false", ld["isAccessibleForFree"])
	}
	// The page shows the subscribe box where the rest would be, and no discussion.
	if byID(doc, "locked-email") == nil {
		t.Error("no subscribe box on the teaser")
	}
	if byID(doc, "commentform") != nil {
		t.Error("visitors are offered the comment form of a subscriber-only post")
	}
	// A comment posted anyway is refused.
	f := url.Values{"comment_post_ID": {strconv.FormatInt(p.ID, 10)}, "author": {"X"}, "email": {"x@example.org"}, "comment": {"hi"}}
	if r := visitor.post("/comments", f); r.StatusCode != http.StatusForbidden {
		t.Errorf("a visitor's comment on a subscriber-only post: %d", r.StatusCode)
	}

	// A confirmed subscriber reads it all (after the visitor's page was cached), and their
	// page does not end up in the cache.
	reader := ta.subscribe(srv, "reader@example.net", postPath)
	page := reader.get(postPath)
	if !strings.Contains(page.Body, "Secretword is the scoop") || strings.Contains(page.Body, `id="locked-email"`) {
		t.Fatalf("the subscriber does not see the whole post:\n%s", page.Body)
	}
	if !strings.Contains(page.Body, "Thank you: you are subscribed") {
		t.Error("no confirmation message on the post after subscribing")
	}
	if byID(parseHTML(t, page.Body), "commentform") == nil {
		t.Error("the subscriber has no comment form")
	}
	if leaks(t, visitor, channels[0]) {
		t.Fatal("the subscriber's page leaked into the cache")
	}
	if !leaks(t, reader, channel{"post without a marker, as a subscriber", ta.postPath(bare), false, ""}) {
		t.Error("the subscriber cannot read a post without a marker")
	}
	// Public channels stay public for the subscriber too (they are shared and cached).
	if leaks(t, reader, channel{"RSS feed as a subscriber", "/feed/", true, ""}) {
		t.Error("the feed shows the subscriber part")
	}
	// A user of the site reads everything.
	if !leaks(t, ta.signIn(ed), channel{"post page as its editor", postPath, true, ""}) {
		t.Error("the editor cannot read the post")
	}
	// A pending address is still a visitor.
	pending := ta.browser()
	pending.post("/subscribe", url.Values{"email": {"pending@example.net"}})
	if leaks(t, pending, channels[0]) {
		t.Error("an unconfirmed address reads the rest")
	}
}

// TestNewsletterCarriesTheFullText: a subscriber-only post sent by email arrives whole, with
// the appeal and the way out.
func TestNewsletterCarriesTheFullText(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	ta.subscribe(srv, "reader@example.net", "")
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Locked story", lockedBody, func(in *posts.Input) { in.SubscribersOnly, in.SendNewsletter = yes(), yes() })
	ta.drainJobs()
	m := lastMail(t, srv, "reader@example.net")
	if m.Subject() != "Locked story" || !strings.Contains(m.Text, lockedRest) || !strings.Contains(m.HTML, "Secretword is the scoop") {
		t.Fatalf("newsletter %q:\n%s", m.Subject(), m.Text)
	}
	if m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(m.Header.Get("List-Unsubscribe"), "mailto:") {
		t.Fatalf("headers %v", m.Header)
	}
	m.Link(t, ta.postPath(p))
}
