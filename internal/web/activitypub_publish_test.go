package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/posts"
)

// received returns what the peer received since n activities, as "Type:object-id-or-type".
func (p *fediPeer) since(n int) []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]map[string]any(nil), p.received[n:]...)
}

// refusals are the deliveries whose signature the peer refused.
func (p *fediPeer) refusals() []error { return p.inbox.Refusals() }

func objectOf(a map[string]any) map[string]any { o, _ := a["object"].(map[string]any); return o }

// TestPublishFederates: with a follower, publishing sends Create (the post as Article,
// through the access rule), editing sends Update, making it password protected sends
// Delete; a private post sends nothing; a subscriber-only post is created with its teaser
// only; trashing a public post sends Delete. Every delivery is signed and verified by the
// peer with our published key.
func TestPublishFederates(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withFederationToLoopback())
	ctx := context.Background()
	ann := ta.user("ann@example.com", broadside.RoleAuthor)
	peer := newFediPeer(t, ta)
	site := activitypub.ActorID(ta.Srv.URL, activitypub.SiteActor)
	follow := map[string]any{"id": peer.actor() + "#f", "type": "Follow", "actor": peer.actor(), "object": site}
	if res := peer.send(t, "/inbox", follow, true); res.StatusCode != http.StatusAccepted {
		t.Fatalf("follow: %d", res.StatusCode)
	}
	ta.runJobs(t)
	n := len(peer.since(0)) // the Accept

	p := ta.publish(ann, "Federated words", "The whole body is here.")
	ta.runJobs(t)
	got := peer.since(n)
	if len(got) != 1 || got[0]["type"] != "Create" || objectOf(got[0])["type"] != "Article" ||
		!strings.Contains(objectOf(got[0])["content"].(string), "The whole body is here.") || got[0]["actor"] != site {
		t.Fatalf("after publishing: %v (refused %v)", got, peer.refusals())
	}
	n += len(got)

	in := posts.Input{Type: broadside.TypePost, Title: "Federated words", Body: "The whole body, edited.", Status: broadside.StatusPublished,
		PublishedAt: p.PublishedAt, CommentsOpen: true}
	if _, err := ta.App.Posts.Save(ctx, p.ID, in, ann); err != nil {
		t.Fatal(err)
	}
	ta.runJobs(t)
	got = peer.since(n)
	if len(got) != 1 || got[0]["type"] != "Update" || !strings.Contains(objectOf(got[0])["content"].(string), "edited") {
		t.Fatalf("after editing: %v", got)
	}
	n += len(got)

	pw := "secret"
	in.Password = &pw
	if _, err := ta.App.Posts.Save(ctx, p.ID, in, ann); err != nil {
		t.Fatal(err)
	}
	ta.runJobs(t)
	got = peer.since(n)
	if len(got) != 1 || got[0]["type"] != "Delete" || objectOf(got[0])["type"] != "Tombstone" || strings.Contains(toJSON(got[0]), "edited") {
		t.Fatalf("after protecting with a password: %v", got)
	}
	n += len(got)

	ta.publish(ann, "Only for us", "Private words.", func(in *posts.Input) { in.Status = broadside.StatusPrivate })
	subOnly := true
	sp := ta.publish(ann, "Members post", "Free teaser.<!--more-->Paid secret.", func(in *posts.Input) { in.SubscribersOnly = &subOnly })
	ta.runJobs(t)
	got = peer.since(n)
	if len(got) != 1 || got[0]["type"] != "Create" {
		t.Fatalf("after a private and a subscriber-only post: %v", got)
	}
	if c := objectOf(got[0])["content"].(string); !strings.Contains(c, "Free teaser.") || strings.Contains(c, "Paid secret") || strings.Contains(toJSON(got[0]), "Private words") {
		t.Fatalf("subscriber-only Create: %s", c)
	}
	n += len(got)

	if _, err := ta.App.Posts.Trash(ctx, sp.ID, ann); err != nil {
		t.Fatal(err)
	}
	ta.runJobs(t)
	got = peer.since(n)
	if len(got) != 1 || got[0]["type"] != "Delete" || objectOf(got[0])["id"] != ta.Srv.URL+ta.postPath(sp) {
		t.Fatalf("after trashing: %v", got)
	}
	if refused := peer.refusals(); len(refused) > 0 {
		t.Fatalf("the peer refused deliveries: %v", refused)
	}
}

// TestAuthorActorPublishing: with author actors on, a follower of the author gets the
// author's Create; a follower of the site gets the site actor's Announce of it.
func TestAuthorActorPublishing(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withFederationToLoopback())
	admin := ta.user("admin@example.com", broadside.RoleAdmin)
	ann := ta.user("ann@example.com", broadside.RoleAuthor)
	ta.publish(ann, "First", "So that ann has published.")
	ta.federation(admin, func(f *broadside.Federation) { f.AuthorActors = true })
	ta.runJobs(t)
	annID := activitypub.ActorID(ta.Srv.URL, activitypub.AuthorActor(ann.ID))
	site := activitypub.ActorID(ta.Srv.URL, activitypub.SiteActor)
	fan, siteFan := newFediPeer(t, ta), newFediPeer(t, ta)
	for _, f := range []struct {
		p      *fediPeer
		object string
	}{{fan, annID}, {siteFan, site}} {
		follow := map[string]any{"id": f.p.actor() + "#f", "type": "Follow", "actor": f.p.actor(), "object": f.object}
		if res := f.p.send(t, "/inbox", follow, true); res.StatusCode != http.StatusAccepted {
			t.Fatalf("follow of %s: %d", f.object, res.StatusCode)
		}
	}
	ta.runJobs(t)
	n, m := len(fan.since(0)), len(siteFan.since(0))
	// Authors who have not published, and users who do not exist, have no actor to follow.
	for _, id := range []int64{admin.ID, 99999} {
		target := activitypub.ActorID(ta.Srv.URL, activitypub.AuthorActor(id))
		follow := map[string]any{"id": fan.actor() + "#x", "type": "Follow", "actor": fan.actor(), "object": target}
		if res := fan.send(t, "/inbox", follow, true); res.StatusCode != http.StatusNotFound {
			t.Errorf("follow of %s: %d, want 404", target, res.StatusCode)
		}
		if res := fan.send(t, "/activitypub/"+activitypub.AuthorActor(id)+"/inbox", follow, true); res.StatusCode != http.StatusNotFound {
			t.Errorf("inbox of %s: %d, want 404", target, res.StatusCode)
		}
	}

	p := ta.publish(ann, "By ann", "Ann's words.")
	ta.runJobs(t)
	got := fan.since(n)
	if len(got) != 1 || got[0]["type"] != "Create" || got[0]["actor"] != annID || objectOf(got[0])["attributedTo"] != annID {
		t.Fatalf("author's follower got %v (refused %v)", got, fan.refusals())
	}
	got = siteFan.since(m)
	if len(got) != 1 || got[0]["type"] != "Announce" || got[0]["actor"] != site || got[0]["object"] != ta.Srv.URL+ta.postPath(p) {
		t.Fatalf("site's follower got %v (refused %v)", got, siteFan.refusals())
	}
}
