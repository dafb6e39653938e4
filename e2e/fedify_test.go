package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// TestFedifyPeer: a fediverse server built with Fedify (e2e/fedify/peer.mjs, an implementation
// nobody here wrote) finds the blog by WebFinger over https, reads a post by content
// negotiation on its permalink, and follows the blog. Every request between them is signed:
// Broadside verifies the peer's Follow (Fedify signs RFC 9421 first and falls back to
// draft-cavage), and the peer accepts Broadside's Accept only when its draft-cavage signature
// and Digest verify against the key it fetched from the blog's actor.
func TestFedifyPeer(t *testing.T) {
	t.Parallel()
	base, target, ca := tlsFront(t)
	s := startSite(t, "--base-url", base, "--trusted-proxies", "127.0.0.1/32", "--federation-allow-private")
	target(s.URL)
	p := startPeer(t, ca)

	host := strings.TrimPrefix(base, "https://")
	handle := "acct:" + broadside.Federation{}.SiteUsername(host) + "@" + host

	// Discovery, as a Mastodon user typing the handle: WebFinger over https, then the actor.
	var actor struct {
		ID, Type, Inbox, SharedInbox string
		PreferredUsername            string
	}
	p.must("lookup", map[string]string{"handle": handle}, &actor)
	if !strings.HasPrefix(actor.ID, base+"/") || !strings.HasPrefix(actor.Inbox, base+"/") {
		t.Fatalf("the blog's actor as the peer found it: %+v (want ids under %s)", actor, base)
	}

	// The seed post, fetched from its permalink by content negotiation.
	post := firstPost(t, s)
	var article map[string]any
	p.must("fetch", map[string]string{"url": base + post.path}, &article)
	if article["type"] != "Article" || article["attributedTo"] == nil || !strings.Contains(fmt.Sprint(article["content"]), post.word) {
		t.Fatalf("the post as an ActivityStreams object: %v", article)
	}

	// Follow, and the blog's signed Accept comes back to the peer's inbox.
	var follow struct{ ID, Object string }
	p.must("follow", map[string]string{"handle": handle}, &follow)
	if follow.Object != actor.ID {
		t.Fatalf("followed %s, want %s", follow.Object, actor.ID)
	}
	accept := p.waitReceived("the blog's Accept of the Follow", func(r received) bool {
		if r.Type != "Accept" || r.Actor != actor.ID {
			return false
		}
		// The Accept names the Follow, embedded or by id.
		return r.JSON["object"] == follow.ID || r.object()["id"] == follow.ID
	})
	t.Logf("Accept received: %v", accept.JSON)

	// Likes and boosts from the peer are counted on the post's page, and its Undo takes them
	// back (fedify_reactions_test.go).
	fedifyReactions(t, s, p, base, handle, post.path)

	// The @socialweb.coop/activitypub-testing checks that apply, on the actor and a post
	// (aptesting_test.go).
	activityPubTestingChecks(t, p, ca, base, s, post.path)

	// Publishing sends the post to the follower as a Create of an Article; an edit sends an
	// Update, and the trash a Delete. Each arrives with a signature Fedify verified.
	secret := appPassword(t, s.Data, "fedify-test")
	var created struct {
		ID   int64  `json:"id"`
		Link string `json:"link"`
	}
	restJSON(t, s, secret, http.MethodPost, "/wp-json/wp/v2/posts", map[string]any{
		"title": "Across the fediverse", "content": "A post for every follower.", "status": "publish"}, &created)
	link := strings.Replace(created.Link, s.URL, base, 1)
	create := p.waitReceived("a Create of the new post", func(r received) bool {
		return r.Type == "Create" && strings.Contains(fmt.Sprint(r.object()["content"]), "A post for every follower.")
	})
	if o := create.object(); o["type"] != "Article" || o["name"] != "Across the fediverse" || fmt.Sprint(o["url"]) != link {
		t.Errorf("the Create's object: %v", o)
	}
	objectID := fmt.Sprint(create.object()["id"])
	restJSON(t, s, secret, http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", created.ID), map[string]any{
		"content": "A post for every follower, corrected."}, nil)
	p.waitReceived("an Update of the edited post", func(r received) bool {
		return r.Type == "Update" && r.object()["id"] == objectID && strings.Contains(fmt.Sprint(r.object()["content"]), "corrected")
	})
	restJSON(t, s, secret, http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/posts/%d", created.ID), nil, nil)
	p.waitReceived("a Delete of the trashed post", func(r received) bool {
		return r.Type == "Delete" && (r.JSON["object"] == objectID || r.object()["id"] == objectID)
	})

	fedifyReplies(t, s, p, base, handle, post, secret) // replies from the fediverse (fedify_replies_test.go)
	// Replies go back (fedify_replies_test.go).
	fedifyRepliesGoBack(t, s, p, base, post)
}

// restJSON calls the site's REST API as the administrator with an Application Password.
func restJSON(t *testing.T, s *site, secret, method, path string, body any, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("admin", secret)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %s %s", method, path, res.Status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
}

type seedPost struct {
	id         int64
	path, word string
}

// firstPost finds the demo's newest post through the REST API: its id, its path and a word
// of its body.
func firstPost(t *testing.T, s *site) seedPost {
	t.Helper()
	res, err := http.Get(s.URL + "/wp-json/wp/v2/posts?per_page=1&_fields=id,link,excerpt")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var ps []struct {
		ID      int64
		Link    string
		Excerpt struct{ Rendered string }
	}
	if err := json.NewDecoder(res.Body).Decode(&ps); err != nil || len(ps) == 0 {
		t.Fatalf("the site lists no post: %v", err)
	}
	u, err := url.Parse(ps[0].Link)
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Fields(stripTags(ps[0].Excerpt.Rendered))
	if len(words) < 3 {
		t.Fatalf("the post's excerpt has no words: %q", ps[0].Excerpt.Rendered)
	}
	return seedPost{id: ps[0].ID, path: u.Path, word: words[2]}
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}
