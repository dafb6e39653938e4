package web_test

import (
	"context"
	"crypto/rsa"
	cryptotls "crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/aptest"
	"github.com/broadside/broadside/internal/testdb"
)

// onBothDatabases runs fn on SQLite and on PostgreSQL.
func onBothDatabases(t *testing.T, fn func(t *testing.T, opts ...appOption)) {
	t.Run("sqlite", func(t *testing.T) { fn(t) })
	t.Run("postgres", func(t *testing.T) { fn(t, withDSN(testdb.Postgres(t))) })
}

// namedHosts makes the site's federation client reach every *.example host at 127.0.0.1,
// on the port the URL names (or at the address tls names for HOST:443, served over TLS), so
// test peers can live on (sub)domains that domain blocks can name. Set before the first
// federation request of the test.
func namedHosts(ta *testApp, tls map[string]string) {
	d := &net.Dialer{Timeout: 10 * time.Second}
	ta.App.Federation.Client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &cryptotls.Config{InsecureSkipVerify: true}, // the test servers' certificates name no *.example host
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if to, ok := tls[addr]; ok {
				addr = to
			} else if err == nil && strings.HasSuffix(host, ".example") {
				addr = net.JoinHostPort("127.0.0.1", port)
			}
			return d.DialContext(ctx, network, addr)
		}}}
}

// namedPeerKey is the key every named peer signs with: generating one per peer would make
// a test with many followers slow, and which key signs matters only per actor.
var namedPeerKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := aptest.NewKey()
	if err != nil {
		panic(err)
	}
	return k
})

// newNamedPeer is a fediPeer (same inbox that verifies our signatures, same helpers) whose
// actor lives at http://HOST:PORT/users/bob and presents itself with username and name.
func newNamedPeer(t *testing.T, ta *testApp, host, username, name string) *fediPeer {
	p := startFediPeer(t, ta, namedPeerKey(), func(a *activitypub.Actor) {
		a.PreferredUsername, a.Name = username, name
		a.URL = activitypub.ID(strings.TrimSuffix(a.ID, "/users/bob") + "/@" + username)
	})
	_, port, _ := net.SplitHostPort(p.srv.Listener.Addr().String())
	p.srv.URL = "http://" + net.JoinHostPort(host, port)
	return p
}

// followSite sends a signed Follow of the site actor from p and returns it.
func followSite(t *testing.T, ta *testApp, p *fediPeer, n string) map[string]any {
	t.Helper()
	f := map[string]any{"@context": activitypub.ContextAS, "id": p.actor() + "#follow-" + n, "type": "Follow", "actor": p.actor(),
		"object": activitypub.ActorID(ta.Srv.URL, activitypub.SiteActor)}
	if res := p.send(t, "/inbox", f, true); res.StatusCode != http.StatusAccepted {
		t.Fatalf("follow from %s: %d\n%s", p.actor(), res.StatusCode, ta.Log.String())
	}
	return f
}

// fedForm is the federation settings form as a browser sends it.
func fedForm(kv ...string) url.Values {
	f := url.Values{"fed_enabled": {"on"}, "fed_object": {"article"}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			f.Del(kv[i])
		} else {
			f.Set(kv[i], kv[i+1])
		}
	}
	return f
}

func TestFederationSettingsForm(t *testing.T) {
	t.Parallel()
	onBothDatabases(t, runFederationSettingsForm)
}

// runFederationSettingsForm: the admin's form saves the federation settings through the
// settings service; bad input is refused with the field named and nothing saved; a
// cross-site POST is refused; editors may not see it; and switching federation off makes
// WebFinger, the actor, the inbox and a post's ActivityStreams form answer 404 (the post
// itself stays a web page).
func runFederationSettingsForm(t *testing.T, opts ...appOption) {
	ta := newTestApp(t, append(opts, withFederationToLoopback())...)
	admin := ta.user("admin@example.com", broadside.RoleAdmin)
	editor := ta.user("ed@example.com", broadside.RoleEditor)
	post := ta.publish(admin, "Federated", "Words.")
	b := ta.signIn(admin)
	ctx := context.Background()

	r := b.get("/admin/federation")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, `name="fed_enabled" value="on" checked`) || !strings.Contains(r.Body, `value="article" checked`) {
		t.Fatalf("form does not show the defaults (on, articles):\n%s", r.Body)
	}
	wantStatus(t, ta.signIn(editor).get("/admin/federation"), http.StatusForbidden)

	for _, tc := range []struct {
		form  url.Values
		field string
	}{
		{fedForm("fed_username", "Not a name!"), "fed_username"},
		{fedForm("fed_username", strings.Repeat("a", 31)), "fed_username"},
		{fedForm("fed_username", "<script>x</script>"), "fed_username"},
		{fedForm("fed_object", "video"), "fed_object"},
	} {
		r := b.post("/admin/federation", tc.form)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, `class="field-error"`) || !strings.Contains(r.Body, `name="`+tc.field+`"`) || strings.Contains(r.Body, "<script>x") {
			t.Fatalf("%v: no field error for %s, or typed text not escaped:\n%s", tc.form, tc.field, r.Body)
		}
	}
	if set, _ := ta.App.Settings.Load(ctx); set.Federation != (broadside.Federation{}) {
		t.Fatalf("a refused form changed the settings: %+v", set.Federation)
	}
	evil := map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
	wantStatus(t, b.postWith("/admin/federation", fedForm("fed_enabled", ""), evil), http.StatusForbidden)
	if set, _ := ta.App.Settings.Load(ctx); set.Federation.Off {
		t.Fatal("a cross-site POST switched federation off")
	}

	r = b.post("/admin/federation", fedForm("fed_username", "news", "fed_author_actors", "on", "fed_approve_follows", "on", "fed_object", "note"))
	wantRedirect(t, r, "/admin/federation")
	set, _ := ta.App.Settings.Load(ctx)
	if want := (broadside.Federation{Username: "news", AuthorActors: true, ApproveFollows: true, Notes: true}); set.Federation != want {
		t.Fatalf("saved %+v, want %+v", set.Federation, want)
	}
	if set.Title == "" {
		t.Fatal("saving the federation form lost the other settings")
	}

	host := strings.TrimPrefix(ta.Srv.URL, "http://")
	pub := ta.browser()
	peer := newFediPeer(t, ta)
	follow := map[string]any{"id": peer.actor() + "#f", "type": "Follow", "actor": peer.actor(), "object": activitypub.ActorID(ta.Srv.URL, activitypub.SiteActor)}
	webfinger := "/.well-known/webfinger?resource=acct:news@" + host
	if r, _ := pub.getAS(webfinger, "*/*"); r.StatusCode != http.StatusOK {
		t.Fatalf("webfinger while on: %d", r.StatusCode)
	}

	wantRedirect(t, b.post("/admin/federation", fedForm("fed_enabled", "", "fed_username", "news")), "/admin/federation")
	if set, _ := ta.App.Settings.Load(ctx); !set.Federation.Off || set.Federation.Username != "news" {
		t.Fatalf("switching off saved %+v", set.Federation)
	}
	for _, p := range []string{webfinger, "/activitypub/site", "/activitypub/site/outbox", "/.well-known/nodeinfo"} {
		if r, _ := pub.getAS(p, activitypub.ContentType); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s with federation off: %d, want 404", p, r.StatusCode)
		}
	}
	for _, p := range []string{"/inbox", "/activitypub/site/inbox"} {
		if res := peer.send(t, p, follow, true); res.StatusCode != http.StatusNotFound {
			t.Errorf("signed Follow to %s with federation off: %d, want 404", p, res.StatusCode)
		}
	}
	if r, _ := pub.getAS(ta.postPath(post), activitypub.ContentType); strings.Contains(r.Header.Get("Content-Type"), "activity+json") {
		t.Errorf("with federation off the post still answers as ActivityStreams")
	}
	if r := b.get("/admin/federation"); !strings.Contains(r.Body, `name="fed_enabled" value="on">`) {
		t.Errorf("the form does not show federation as off")
	}

	wantRedirect(t, b.post("/admin/federation", fedForm("fed_username", "news")), "/admin/federation")
	if r, _ := pub.getAS(webfinger, "*/*"); r.StatusCode != http.StatusOK {
		t.Fatalf("webfinger after switching back on: %d", r.StatusCode)
	}
}

func TestFederationFollowersAdmin(t *testing.T) {
	t.Parallel()
	onBothDatabases(t, runFederationFollowersAdmin)
}

// runFederationFollowersAdmin: with follows held for approval, requests are listed (a
// hostile display name escaped); Approve delivers an Accept the peer verifies with our
// published key, Reject delivers Reject(Follow) and drops the request; followers are
// counted, listed with handle, name, profile link and host, searched by handle or host,
// paged, and removed with a Reject; a cross-site POST removes nobody.
func runFederationFollowersAdmin(t *testing.T, opts ...appOption) {
	ta := newTestApp(t, append(opts, withFederationToLoopback())...)
	namedHosts(ta, nil)
	admin := ta.user("admin@example.com", broadside.RoleAdmin)
	b := ta.signIn(admin)
	wantRedirect(t, b.post("/admin/federation", fedForm("fed_approve_follows", "on")), "/admin/federation")

	const hostile = `<script>alert("pwned")</script><img src=x onerror=alert(1)>Alice`
	alice := newNamedPeer(t, ta, "one.example", "alice", hostile)
	bob := newNamedPeer(t, ta, "two.example", "bob", "Bob B.")
	aliceFollow := followSite(t, ta, alice, "1")
	bobFollow := followSite(t, ta, bob, "1")
	ta.runJobs(t)
	if got := alice.since(0); len(got) != 0 {
		t.Fatalf("a held follow was answered: %v", got)
	}

	r := b.get("/admin/federation/followers")
	wantStatus(t, r, http.StatusOK)
	requests := between(r.Body, `id="follow-requests"`, "</table>")
	if !strings.Contains(requests, "@alice@one.example") || !strings.Contains(requests, "@bob@two.example") || !strings.Contains(requests, "Bob B.") {
		t.Fatalf("follow requests not listed:\n%s", r.Body)
	}
	if strings.Contains(r.Body, "<script>alert") || strings.Contains(r.Body, "<img src=x") || !strings.Contains(r.Body, "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;") {
		t.Fatalf("the remote display name is not escaped:\n%s", requests)
	}
	if r := b.get("/admin/federation"); !strings.Contains(r.Body, "<strong>2</strong> follow requests") || !strings.Contains(r.Body, "<strong>0</strong> followers") {
		t.Fatalf("counts on the federation page:\n%s", between(r.Body, `id="federation-counts"`, "</ul>"))
	}

	act := func(path string, p *fediPeer) *response {
		return b.post(path, url.Values{"actor": {activitypub.SiteActor}, "follower": {p.actor()}})
	}
	wantRedirect(t, act("/admin/federation/followers/approve", alice), "/admin/federation/followers")
	wantRedirect(t, act("/admin/federation/followers/remove", bob), "/admin/federation/followers")
	ta.runJobs(t)
	site := activitypub.ActorID(ta.Srv.URL, activitypub.SiteActor)
	answered := func(p *fediPeer, typ string, follow map[string]any) bool {
		for _, a := range p.since(0) {
			if a["type"] == typ && a["actor"] == site && objectOf(a)["id"] == follow["id"] && objectOf(a)["type"] == "Follow" {
				return true
			}
		}
		return false
	}
	if !answered(alice, "Accept", aliceFollow) || len(alice.refusals()) > 0 {
		t.Fatalf("alice got %v (refused %v), want a verified Accept of her Follow", alice.since(0), alice.refusals())
	}
	if !answered(bob, "Reject", bobFollow) || len(bob.refusals()) > 0 {
		t.Fatalf("bob got %v (refused %v), want a verified Reject of his Follow", bob.since(0), bob.refusals())
	}
	pub := ta.browser()
	if _, v := pub.getAS("/activitypub/site/followers", activitypub.ContentType); v["totalItems"] != 1.0 {
		t.Fatalf("followers after approving one and rejecting one: %v", v)
	}

	r = b.get("/admin/federation/followers")
	list := between(r.Body, `id="followers-list"`, "</table>")
	if !strings.Contains(r.Body, "No follow requests are waiting.") || !strings.Contains(list, "@alice@one.example") ||
		!strings.Contains(list, `href="`+alice.srv.URL+`/@alice"`) || !strings.Contains(list, "one.example:") || strings.Contains(list, "two.example") {
		t.Fatalf("followers list after approval:\n%s", r.Body)
	}
	for q, want := range map[string]bool{"one.example": true, "ALICE": true, "two.example": false, "%": false} {
		r := b.get("/admin/federation/followers?q=" + url.QueryEscape(q))
		if got := strings.Contains(between(r.Body, `id="followers-list"`, "</table>"), "@alice@one.example"); got != want {
			t.Errorf("search %q finds alice: %v, want %v", q, got, want)
		}
	}

	// Paging: 60 more followers, 50 to a page.
	for i := range 60 {
		p := newNamedPeer(t, ta, "many.example", "fan"+strings.Repeat("x", i%3), "Fan")
		followSite(t, ta, p, "1")
		wantRedirect(t, act("/admin/federation/followers/approve", p), "/admin/federation/followers")
	}
	r = b.get("/admin/federation/followers")
	if n := strings.Count(between(r.Body, `id="followers-list"`, "</table>"), "<tr>") - 1; n != 50 || !strings.Contains(r.Body, "(61)") || !strings.Contains(r.Body, "page=2") {
		t.Fatalf("first page has %d rows (want 50 of 61, and a link to page 2)", n)
	}
	r = b.get("/admin/federation/followers?page=2")
	if n := strings.Count(between(r.Body, `id="followers-list"`, "</table>"), "<tr>") - 1; n != 11 {
		t.Fatalf("second page has %d rows, want 11", n)
	}

	evil := map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
	form := url.Values{"actor": {activitypub.SiteActor}, "follower": {alice.actor()}}
	wantStatus(t, b.postWith("/admin/federation/followers/remove", form, evil), http.StatusForbidden)
	wantStatus(t, ta.signIn(ta.user("ed@example.com", broadside.RoleEditor)).post("/admin/federation/followers/remove", form), http.StatusForbidden)
	if r := b.get("/admin/federation/followers?q=alice"); !strings.Contains(r.Body, "@alice@one.example") {
		t.Fatal("a refused POST removed alice")
	}
	ta.drainJobs()
	n := len(alice.since(0))
	wantRedirect(t, act("/admin/federation/followers/remove", alice), "/admin/federation/followers")
	ta.drainJobs()
	if got := alice.since(n); len(got) != 1 || !answered(alice, "Reject", aliceFollow) {
		t.Fatalf("removing alice sent %v, want one Reject of her Follow", got)
	}
	if r := b.get("/admin/federation/followers?q=alice"); strings.Contains(between(r.Body, `id="followers"`, "</main>"), "@alice@one.example") {
		t.Fatal("alice is still listed after removal")
	}
	if _, v := pub.getAS("/activitypub/site/followers", activitypub.ContentType); v["totalItems"] != 60.0 {
		t.Fatalf("followers after removing alice: %v", v["totalItems"])
	}
}

// between returns the part of s from the first from to the next to after it ("" if absent).
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

func TestFederationBlocks(t *testing.T) { t.Parallel(); onBothDatabases(t, runFederationBlocks) }

// runFederationBlocks: a domain block, added in the admin, removes the followers on that
// domain and its subdomains, stops deliveries already queued for them, and makes the inbox
// drop (202, no work) a signed Follow and a signed Create from the domain and from a
// subdomain; an actor block, typed as @user@host and resolved by WebFinger, does the same
// for one account and leaves its server's other accounts alone; bad input is refused with
// the field named and nothing stored; WebFinger and our objects are still served; lifting a
// block lets the server follow again.
func runFederationBlocks(t *testing.T, opts ...appOption) {
	ta := newTestApp(t, append(opts, withFederationToLoopback())...)
	admin := ta.user("admin@example.com", broadside.RoleAdmin)
	post := ta.publish(admin, "Blockable", "Words.")
	b := ta.signIn(admin)

	spam := newNamedPeer(t, ta, "social.blocked.example", "spam", "Spam")
	sub := newNamedPeer(t, ta, "deep.sub.blocked.example", "sub", "Sub")
	troll := newNamedPeer(t, ta, "ok.example", "troll", "Troll")
	friend := newNamedPeer(t, ta, "friend.example", "friend", "Friend")
	neighbour := newNamedPeer(t, ta, "ok.example", "neighbour", "Neighbour")
	wf := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/webfinger" || r.URL.Query().Get("resource") != "acct:troll@ok.example" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/jrd+json")
		_ = json.NewEncoder(w).Encode(map[string]any{"subject": "acct:troll@ok.example",
			"links": []map[string]string{{"rel": "self", "type": activitypub.ContentType, "href": troll.actor()}}})
	}))
	t.Cleanup(wf.Close)
	namedHosts(ta, map[string]string{"ok.example:443": wf.Listener.Addr().String()})

	for _, p := range []*fediPeer{troll, friend, neighbour} {
		followSite(t, ta, p, "1")
	}
	ta.drainJobs()
	// Their Accepts are queued, not yet sent, when the block comes.
	followSite(t, ta, spam, "1")
	followSite(t, ta, sub, "1")
	pub := ta.browser()
	followers := func() float64 {
		_, v := pub.getAS("/activitypub/site/followers", activitypub.ContentType)
		return v["totalItems"].(float64)
	}
	if n := followers(); n != 5 {
		t.Fatalf("followers before blocking: %v", n)
	}

	evil := map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
	wantStatus(t, b.postWith("/admin/federation/blocks", url.Values{"kind": {"domain"}, "value": {"blocked.example"}}, evil), http.StatusForbidden)
	for _, tc := range []struct {
		kind, value, field string
	}{
		{"domain", "not a domain", "value"},
		{"domain", "com", "value"},
		{"domain", "", "value"},
		{"domain", "<b>x</b>.example", "value"},
		{"domain", strings.TrimPrefix(ta.Srv.URL, "http://"), "value"}, // our own
		{"actor", "@nobody@nowhere.example", "value"},
		{"actor", "just-a-word", "value"},
		{"actor", friend.srv.URL + "/not-an-actor", "value"},
		{"server", "blocked.example", "kind"},
	} {
		r := b.post("/admin/federation/blocks", url.Values{"kind": {tc.kind}, "value": {tc.value}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `class="field-error"`) || strings.Contains(r.Body, "<b>x</b>") {
			t.Errorf("block %s %q: %d, want 422 with a field error\n%s", tc.kind, tc.value, r.StatusCode, between(r.Body, `id="block-add"`, "</form>"))
		}
	}
	if r := b.get("/admin/federation/blocks"); !strings.Contains(r.Body, "Nothing is blocked.") {
		t.Fatal("refused input stored a block")
	}

	r := b.post("/admin/federation/blocks", url.Values{"kind": {"domain"}, "value": {"https://Blocked.Example/@someone"}, "note": {"spam wave"}})
	wantRedirect(t, r, "/admin/federation/blocks")
	if r := b.follow(r); !strings.Contains(r.Body, "Blocked blocked.example. Removed 2 follower(s)") || !strings.Contains(r.Body, "spam wave") {
		t.Fatalf("after blocking the domain:\n%s", r.Body)
	}
	wantStatus(t, b.post("/admin/federation/blocks", url.Values{"kind": {"domain"}, "value": {"blocked.example"}}), http.StatusConflict)
	ta.drainJobs()
	if got := append(spam.since(0), sub.since(0)...); len(got) != 0 {
		t.Fatalf("deliveries queued before the block reached the blocked hosts: %v", got)
	}
	if n := followers(); n != 3 {
		t.Fatalf("followers after the domain block: %v, want 3", n)
	}

	postURL := ta.Srv.URL + ta.postPath(post)
	create := func(p *fediPeer) map[string]any {
		return map[string]any{"@context": activitypub.ContextAS, "id": p.actor() + "/statuses/1/activity", "type": "Create", "actor": p.actor(),
			"to": []string{activitypub.Public}, "object": map[string]any{"id": p.actor() + "/statuses/1", "type": "Note", "attributedTo": p.actor(),
				"inReplyTo": postURL, "content": "<p>Buy now</p>", "to": []string{activitypub.Public}}}
	}
	for _, p := range []*fediPeer{spam, sub} {
		followSite(t, ta, p, "2")
		if res := p.send(t, "/inbox", create(p), true); res.StatusCode != http.StatusAccepted {
			t.Fatalf("Create from blocked %s: %d, want 202 (dropped)", p.actor(), res.StatusCode)
		}
		if !strings.Contains(ta.Log.String(), "blocked sender dropped") || !strings.Contains(ta.Log.String(), p.actor()) {
			t.Fatalf("the inbox did not drop %s's activities for the block", p.actor())
		}
	}
	ta.drainJobs()
	if n := followers(); n != 3 {
		t.Fatalf("blocked servers could follow: %v followers", n)
	}
	if got := append(spam.since(0), sub.since(0)...); len(got) != 0 {
		t.Fatalf("blocked hosts were answered: %v", got)
	}
	if cs := ta.comments(post.ID); len(cs) != 0 {
		t.Fatalf("a blocked server's reply became a comment: %+v", cs[0])
	}
	// Public documents are still public.
	if r, _ := pub.getAS("/activitypub/site", activitypub.ContentType); r.StatusCode != http.StatusOK {
		t.Errorf("actor with a block in place: %d", r.StatusCode)
	}

	r = b.post("/admin/federation/blocks", url.Values{"kind": {"actor"}, "value": {"@troll@ok.example"}})
	wantRedirect(t, r, "/admin/federation/blocks")
	if r := b.follow(r); !strings.Contains(r.Body, "Blocked "+troll.actor()+". Removed 1 follower(s)") {
		t.Fatalf("after blocking the account:\n%s", r.Body)
	}
	followSite(t, ta, troll, "2")
	followSite(t, ta, neighbour, "2") // same server, not blocked
	if n := followers(); n != 2 {
		t.Fatalf("followers after the actor block: %v, want friend and neighbour", n)
	}
	if r := b.get("/admin/federation/followers"); strings.Contains(r.Body, "@troll@") || !strings.Contains(r.Body, "@neighbour@ok.example") {
		t.Fatalf("followers list after the actor block:\n%s", between(r.Body, `id="followers-list"`, "</table>"))
	}

	// Lifting the domain block lets the server follow again.
	r = b.get("/admin/federation/blocks")
	m := regexp.MustCompile(`(?s)<code>blocked\.example</code>.*?action="(/admin/federation/blocks/\d+/delete)"`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no Lift button for the domain block:\n%s", r.Body)
	}
	wantRedirect(t, b.post(m[1], nil), "/admin/federation/blocks")
	followSite(t, ta, spam, "3")
	if n := followers(); n != 3 {
		t.Fatalf("followers after lifting the block: %v, want 3", n)
	}
}
