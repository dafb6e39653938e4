package web_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/posts"
)

// getAS GETs path asking for ActivityStreams (accept as given) and decodes the JSON.
func (b *browser) getAS(path, accept string) (*response, map[string]any) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.ta.Srv.URL+path, nil)
	req.Header.Set("Accept", accept)
	r := b.do(req)
	var v map[string]any
	_ = json.Unmarshal([]byte(r.Body), &v)
	return r, v
}

// federation changes the site's federation settings.
func (ta *testApp) federation(admin *broadside.User, fn func(*broadside.Federation)) {
	ta.t.Helper()
	ctx := context.Background()
	set, err := ta.App.Settings.Load(ctx)
	if err != nil {
		ta.t.Fatal(err)
	}
	fn(&set.Federation)
	if err := ta.App.Settings.Save(ctx, set, admin); err != nil {
		ta.t.Fatal(err)
	}
}

func siteUsername(ta *testApp) string {
	u, _ := url.Parse(ta.Srv.URL)
	return broadside.Federation{}.SiteUsername(u.Host)
}

// TestActivityPubDiscovery: WebFinger finds the site actor (and an author's, only when
// author actors are on and the author has published), NodeInfo 2.1 counts what is public,
// host-meta points at WebFinger, and switching federation off hides all of it.
func TestActivityPubDiscovery(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("admin@example.com", broadside.RoleAdmin)
	ann := ta.user("ann@example.com", broadside.RoleAuthor)
	ta.publish(ann, "Hello fediverse", "Body words.")
	ta.publish(ann, "Draft", "x", func(in *posts.Input) { in.Status = broadside.StatusDraft })
	b := ta.browser()
	host := strings.TrimPrefix(ta.Srv.URL, "http://")
	site := activitypub.ActorID(ta.Srv.URL, activitypub.SiteActor)

	r, v := b.getAS("/.well-known/webfinger?resource=acct:"+siteUsername(ta)+"@"+host, "application/jrd+json")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"href":"`+site+`"`) || v["subject"] != "acct:"+siteUsername(ta)+"@"+host {
		t.Fatalf("webfinger site: %d %s", r.StatusCode, r.Body)
	}
	for _, res := range []string{"acct:ann@" + host, "acct:" + siteUsername(ta) + "@elsewhere.example", "acct:nobody@" + host} {
		if r, _ := b.getAS("/.well-known/webfinger?resource="+url.QueryEscape(res), "*/*"); r.StatusCode != http.StatusNotFound {
			t.Errorf("webfinger %s: %d, want 404", res, r.StatusCode)
		}
	}
	ta.federation(admin, func(f *broadside.Federation) { f.AuthorActors = true })
	r, _ = b.getAS("/.well-known/webfinger?resource=acct:ann@"+host, "*/*")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, activitypub.ActorID(ta.Srv.URL, activitypub.AuthorActor(ann.ID))) {
		t.Fatalf("webfinger ann: %d %s", r.StatusCode, r.Body)
	}
	// An author who has published nothing has no actor.
	if r, _ := b.getAS("/.well-known/webfinger?resource=acct:admin@"+host, "*/*"); r.StatusCode != http.StatusNotFound {
		t.Errorf("webfinger of an author without posts: %d", r.StatusCode)
	}

	r, v = b.getAS("/.well-known/nodeinfo", "application/json")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, ta.Srv.URL+"/nodeinfo/2.1") {
		t.Fatalf("nodeinfo links: %d %s", r.StatusCode, r.Body)
	}
	r, v = b.getAS("/nodeinfo/2.1", "application/json")
	usage, _ := v["usage"].(map[string]any)
	users, _ := usage["users"].(map[string]any)
	if r.StatusCode != http.StatusOK || v["version"] != "2.1" || usage["localPosts"] != 1.0 || users["total"] != 1.0 {
		t.Fatalf("nodeinfo: %d %s", r.StatusCode, r.Body)
	}
	if r := b.get("/.well-known/host-meta"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `template="`+ta.Srv.URL+`/.well-known/webfinger?resource={uri}"`) {
		t.Fatalf("host-meta: %d %s", r.StatusCode, r.Body)
	}

	ta.federation(admin, func(f *broadside.Federation) { f.Off = true })
	for _, p := range []string{"/.well-known/webfinger?resource=acct:" + siteUsername(ta) + "@" + host, "/.well-known/nodeinfo", "/nodeinfo/2.1", "/activitypub/site"} {
		if r := b.get(p); r.StatusCode != http.StatusNotFound {
			t.Errorf("federation off: %s answered %d", p, r.StatusCode)
		}
	}
	if r, _ := b.getAS("/", activitypub.ContentType); strings.Contains(r.Header.Get("Content-Type"), "activity") {
		t.Errorf("federation off: home answered %s", r.Header.Get("Content-Type"))
	}
}

// TestActivityPubActorsAndObjects: the site actor (by its id and by content negotiation
// on the home page), an author actor, the outbox of Create activities, followers and
// featured collections, and a post's permalink as an Article with its hashtags, featured
// image and alt text; pages link to their ActivityStreams form.
func TestActivityPubActorsAndObjects(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("admin@example.com", broadside.RoleAdmin)
	ann := ta.user("ann@example.com", broadside.RoleAuthor)
	sticky := true
	p := ta.publish(ann, "Reblog this post", "First paragraph with *emphasis*.\n\n<script>alert(1)</script>", func(in *posts.Input) {
		in.Tags = []string{"Open Web", "go"}
		in.FeaturedImageURL = "/wp-content/uploads/2026/03/cat.jpg"
		in.FeaturedImageAlt = "A cat on a keyboard"
		in.Excerpt = "Why reblogs matter."
		in.Sticky = &sticky
	})
	ta.publish(ann, "Second post", "More.")
	b := ta.browser()
	site := activitypub.ActorID(ta.Srv.URL, activitypub.SiteActor)

	for _, accept := range []string{activitypub.ContentType, activitypub.ProfileLD} {
		r, v := b.getAS("/", accept)
		if r.StatusCode != http.StatusOK || v["id"] != site || v["type"] != "Service" || !strings.HasPrefix(r.Header.Get("Content-Type"), activitypub.ContentType) {
			t.Fatalf("home as %s: %d %s", accept, r.StatusCode, r.Body)
		}
	}
	r, v := b.getAS("/activitypub/site", activitypub.ContentType)
	key, _ := v["publicKey"].(map[string]any)
	pemText, _ := key["publicKeyPem"].(string)
	blk, _ := pem.Decode([]byte(pemText))
	if blk == nil {
		t.Fatalf("site actor has no PEM key: %s", r.Body)
	}
	if _, err := x509.ParsePKIXPublicKey(blk.Bytes); err != nil || key["id"] != site+"#main-key" || key["owner"] != site {
		t.Fatalf("site actor key: %v %v", err, key)
	}
	ep, _ := v["endpoints"].(map[string]any)
	if v["inbox"] != site+"/inbox" || ep["sharedInbox"] != ta.Srv.URL+"/inbox" || v["followers"] != site+"/followers" ||
		v["preferredUsername"] != siteUsername(ta) || v["url"] != ta.Srv.URL+"/" || strings.Contains(r.Body, "PRIVATE") {
		t.Fatalf("site actor: %s", r.Body)
	}
	// The key is stable: asked again, the same one.
	if _, v2 := b.getAS("/activitypub/site", activitypub.ContentType); v2["publicKey"].(map[string]any)["publicKeyPem"] != pemText {
		t.Fatal("the site actor's key changed between requests")
	}

	// Author actors are off: the author page is HTML, the actor 404.
	if r, _ := b.getAS("/author/"+ann.Login+"/", activitypub.ContentType); !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("author page with author actors off: %s", r.Header.Get("Content-Type"))
	}
	ta.federation(admin, func(f *broadside.Federation) { f.AuthorActors = true })
	annID := activitypub.ActorID(ta.Srv.URL, activitypub.AuthorActor(ann.ID))
	if r, v := b.getAS("/author/"+ann.Login+"/", activitypub.ContentType); r.StatusCode != http.StatusOK || v["id"] != annID || v["type"] != "Person" {
		t.Fatalf("author actor: %d %s", r.StatusCode, r.Body)
	}

	r, v = b.getAS("/activitypub/site/outbox", activitypub.ContentType)
	if v["totalItems"] != 2.0 || v["first"] != site+"/outbox?page=1" {
		t.Fatalf("outbox: %s", r.Body)
	}
	r, v = b.getAS("/activitypub/site/outbox?page=1", activitypub.ContentType)
	items, _ := v["orderedItems"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["type"] != "Create" {
		t.Fatalf("outbox page: %s", r.Body)
	}
	if r, v := b.getAS("/activitypub/site/followers", activitypub.ContentType); v["totalItems"] != 0.0 || strings.Contains(r.Body, "orderedItems") {
		t.Errorf("followers: %s", r.Body)
	}
	if r, v := b.getAS("/activitypub/site/featured", activitypub.ContentType); v["totalItems"] != 1.0 || !strings.Contains(r.Body, "Reblog this post") {
		t.Errorf("featured: %s", r.Body)
	}

	path := ta.postPath(p)
	r, v = b.getAS(path, activitypub.ContentType)
	if r.StatusCode != http.StatusOK || v["type"] != "Article" || v["id"] != ta.Srv.URL+path || v["name"] != "Reblog this post" ||
		v["attributedTo"] != annID || v["summary"] != "Why reblogs matter." {
		t.Fatalf("post as Article: %d %s", r.StatusCode, r.Body)
	}
	content, _ := v["content"].(string)
	if !strings.Contains(content, "<em>emphasis</em>") || strings.Contains(content, "<script") {
		t.Errorf("content not through the renderer/sanitizer: %q", content)
	}
	for _, want := range []string{`"type":"Hashtag"`, `"name":"#OpenWeb"`, `"href":"` + ta.Srv.URL + `/tag/open-web/"`,
		`"url":"` + ta.Srv.URL + `/wp-content/uploads/2026/03/cat.jpg"`, `"name":"A cat on a keyboard"`, `"mediaType":"image/jpeg"`,
		`"replies":"` + ta.Srv.URL + `/activitypub/posts/`, `"https://www.w3.org/ns/activitystreams#Public"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("Article lacks %s:\n%s", want, r.Body)
		}
	}
	if r, v := b.getAS("/activitypub/posts/"+strconv.FormatInt(p.ID, 10)+"/replies", activitypub.ContentType); r.StatusCode != http.StatusOK || v["totalItems"] != 0.0 {
		t.Errorf("replies: %d %s", r.StatusCode, r.Body)
	}

	// The HTML page links to its ActivityStreams form (html/template writes + as &#43;).
	page := b.get(path)
	if !strings.Contains(page.Body, `<link rel="alternate" type="application/activity&#43;json" title="Reblog this post" href="`+ta.Srv.URL+path+`">`) {
		t.Errorf("post page lacks the activity+json alternate link")
	}
	if home := b.get("/"); !strings.Contains(home.Body, `type="application/activity&#43;json"`) || !strings.Contains(home.Body, `href="`+site+`"`) {
		t.Errorf("home page lacks the actor link")
	}

	ta.federation(admin, func(f *broadside.Federation) { f.Notes = true })
	if _, v := b.getAS(path, activitypub.ContentType); v["type"] != "Note" || v["summary"] != nil || !strings.Contains(v["content"].(string), "Reblog this post") {
		t.Errorf("post as Note: %v", v)
	}
}
