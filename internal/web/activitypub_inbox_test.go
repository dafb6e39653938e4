package web_test

import (
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/aptest"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/httpsig"
)

func withFederationToLoopback() appOption {
	return func(_ *app.Options, c *config.Config) { c.FederationAllowPrivate = true }
}

// fediPeer is a remote server with one actor, bob, and his key. Its inbox verifies what it
// receives against the key our actor document publishes, fetched over HTTP.
type fediPeer struct {
	ta    *testApp
	srv   *httptest.Server
	key   *rsa.PrivateKey
	inbox *aptest.Inbox

	mu       sync.Mutex
	received []map[string]any
}

func newFediPeer(t *testing.T, ta *testApp) *fediPeer {
	k, err := aptest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return startFediPeer(t, ta, k, nil)
}

// startFediPeer serves a fediPeer with key k: bob's actor document (which dress, when not
// nil, adds to) and the inboxes, personal and shared, that verify our signatures.
func startFediPeer(t *testing.T, ta *testApp, k *rsa.PrivateKey, dress func(*activitypub.Actor)) *fediPeer {
	p := &fediPeer{ta: ta, key: k}
	pub := httpsig.PublicPEM(&k.PublicKey)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/bob", func(w http.ResponseWriter, _ *http.Request) {
		a := activitypub.Actor{ID: p.actor(), Type: "Person", Inbox: p.srv.URL + "/users/bob/inbox",
			Endpoints: &activitypub.Endpoints{SharedInbox: p.srv.URL + "/inbox"},
			PublicKey: &activitypub.PublicKey{ID: p.actor() + "#main-key", Owner: p.actor(), PublicKeyPem: pub}}
		if dress != nil {
			dress(&a)
		}
		w.Header().Set("Content-Type", activitypub.ContentType)
		_ = json.NewEncoder(w).Encode(a)
	})
	p.inbox = &aptest.Inbox{Key: aptest.FetchKey, Now: ta.Clock.Now, Accept: func(_ *http.Request, body []byte) int {
		var v map[string]any
		_ = json.Unmarshal(body, &v)
		p.mu.Lock()
		defer p.mu.Unlock()
		p.received = append(p.received, v)
		return http.StatusAccepted
	}}
	mux.Handle("POST /users/bob/inbox", p.inbox)
	mux.Handle("POST /inbox", p.inbox)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *fediPeer) actor() string { return p.srv.URL + "/users/bob" }

// send signs v as bob (when sign) and posts it to path on our site.
func (p *fediPeer) send(t *testing.T, path string, v any, sign bool) *http.Response {
	var k *rsa.PrivateKey
	if sign {
		k = p.key
	}
	res, err := aptest.Post(p.ta.Srv.URL+path, v, p.actor()+"#main-key", k, p.ta.Clock.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// runJobs runs up to 20 due jobs (drainJobs with a bound).
func (ta *testApp) runJobs(t *testing.T) {
	t.Helper()
	ta.runDue(t, 20)
}

// TestInboxOverTheWiredApp: through the site's real routes and middleware, an unsigned
// Follow is refused with 401, a signed one is accepted (202), the follower counted, and the
// Accept delivered by the job worker, signed so that the peer verifies it with the key our
// actor document publishes. Undo ends the follow; an oversized body is refused with 413.
// With the page cache on, the ActivityStreams and HTML forms of a page never mix.
func TestInboxOverTheWiredApp(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withFederationToLoopback(), withCache())
	ann := ta.user("ann@example.com", broadside.RoleAuthor)
	post := ta.publish(ann, "Cached or not", "Words.")
	peer := newFediPeer(t, ta)
	site := activitypub.ActorID(ta.Srv.URL, activitypub.SiteActor)
	follow := map[string]any{"@context": activitypub.ContextAS, "id": peer.actor() + "#follow-1", "type": "Follow", "actor": peer.actor(), "object": site}

	if res := peer.send(t, "/inbox", follow, false); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned follow: %d, want 401", res.StatusCode)
	}
	if res := peer.send(t, "/activitypub/site/inbox", follow, true); res.StatusCode != http.StatusAccepted {
		t.Fatalf("signed follow: %d\n%s", res.StatusCode, ta.Log.String())
	}
	b := ta.browser()
	if _, v := b.getAS("/activitypub/site/followers", activitypub.ContentType); v["totalItems"] != 1.0 {
		t.Fatalf("followers after follow: %v", v)
	}
	ta.runJobs(t)
	// The peer gets the Accept (and the Create of the post published before it followed:
	// the fan-out runs after the follow, and sends to the followers it finds).
	accepted := false
	for _, a := range peer.since(0) {
		accepted = accepted || a["type"] == "Accept" && a["actor"] == site && objectOf(a)["id"] == follow["id"]
	}
	if refused := peer.refusals(); !accepted || len(refused) > 0 {
		t.Fatalf("peer received %v, refused %v", peer.since(0), refused)
	}

	undo := map[string]any{"id": peer.actor() + "#undo-1", "type": "Undo", "actor": peer.actor(), "object": follow}
	if res := peer.send(t, "/inbox", undo, true); res.StatusCode != http.StatusAccepted {
		t.Fatalf("undo: %d", res.StatusCode)
	}
	if _, v := b.getAS("/activitypub/site/followers", activitypub.ContentType); v["totalItems"] != 0.0 {
		t.Fatalf("followers after undo: %v", v)
	}
	huge := map[string]any{"type": "Create", "actor": peer.actor(), "content": strings.Repeat("x", activitypub.MaxDocument)}
	if res := peer.send(t, "/inbox", huge, true); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized activity: %d, want 413", res.StatusCode)
	}
	if res := peer.send(t, "/activitypub/users/999/inbox", follow, true); res.StatusCode != http.StatusNotFound {
		t.Errorf("inbox of a missing actor: %d, want 404", res.StatusCode)
	}

	path := ta.postPath(post)
	for i := 0; i < 2; i++ {
		if r := b.get(path); !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("HTML request %d got %s", i, r.Header.Get("Content-Type"))
		}
		if r, v := b.getAS(path, activitypub.ContentType); v["type"] != "Article" {
			t.Fatalf("AS request %d got %s", i, r.Header.Get("Content-Type"))
		}
	}
}
