package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
)

// varies reports whether h's Vary lists field.
func varies(h http.Header, field string) bool {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), field) {
				return true
			}
		}
	}
	return false
}

// TestNegotiatedPagesVaryOnAccept: a URL that answers HTML to browsers and ActivityStreams
// to servers says so with Vary: Accept in both answers, from the page cache or not, so no
// shared cache in front of the site hands JSON to a browser or a page to a server.
func TestNegotiatedPagesVaryOnAccept(t *testing.T) {
	t.Parallel()
	for _, cache := range []bool{false, true} {
		opts := []appOption{}
		if cache {
			opts = append(opts, withCache())
		}
		ta := newTestApp(t, opts...)
		ann := ta.user("ann@example.com", broadside.RoleAuthor)
		p := ta.publish(ann, "Negotiated", "Words.")
		b := ta.browser()
		for _, path := range []string{ta.postPath(p), "/"} {
			for i := 0; i < 2; i++ { // the second from the cache, when it is on
				if r := b.get(path); r.StatusCode != http.StatusOK || !varies(r.Header, "Accept") {
					t.Errorf("cache %v: HTML %s (request %d, X-Cache %q): Vary %q", cache, path, i, r.Header.Get("X-Cache"), r.Header.Values("Vary"))
				}
				if r, _ := b.getAS(path, activitypub.ContentType); !varies(r.Header, "Accept") {
					t.Errorf("cache %v: ActivityStreams %s: Vary %q", cache, path, r.Header.Values("Vary"))
				}
			}
		}
	}
}

// TestTombstoneKeepsTheFormerType: when the site federates posts as Notes, a deleted post's
// Tombstone says it was a Note, both in the Delete sent to followers and in the 410 its
// permalink answers.
func TestTombstoneKeepsTheFormerType(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withFederationToLoopback())
	ctx := context.Background()
	admin := ta.user("admin@example.com", broadside.RoleAdmin)
	ta.federation(admin, func(f *broadside.Federation) { f.Notes = true })
	peer := newFediPeer(t, ta)
	site := activitypub.ActorID(ta.Srv.URL, activitypub.SiteActor)
	if res := peer.send(t, "/inbox", map[string]any{"id": peer.actor() + "#f", "type": "Follow", "actor": peer.actor(), "object": site}, true); res.StatusCode != http.StatusAccepted {
		t.Fatalf("follow: %d", res.StatusCode)
	}
	ta.runJobs(t)
	p := ta.publish(admin, "A short note", "Words.")
	ta.runJobs(t)
	n := len(peer.since(0))
	if _, err := ta.App.Posts.Trash(ctx, p.ID, admin); err != nil {
		t.Fatal(err)
	}
	ta.runJobs(t)
	got := peer.since(n)
	if len(got) != 1 || got[0]["type"] != "Delete" || objectOf(got[0])["formerType"] != "Note" {
		t.Fatalf("Delete of a Note: %v", got)
	}
	r, v := ta.browser().getAS(ta.postPath(p), activitypub.ContentType)
	if r.StatusCode != http.StatusGone || v["type"] != "Tombstone" || v["formerType"] != "Note" {
		t.Fatalf("permalink of a trashed Note: %d %s", r.StatusCode, r.Body)
	}
}
