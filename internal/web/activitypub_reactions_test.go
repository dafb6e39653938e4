package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/posts"
)

// TestFediverseLikesAndBoosts: a signed Like and Announce of a post (by id or embedded)
// show on its page as "1 like · 1 boost" — through the page cache, which the reaction
// purges — and in its object's likes and shares collections; a repeated Like counts once;
// Undo takes them back; a like of a private post, or one whose id is on another server, is
// not counted; a Delete of the actor removes what is left.
func TestFediverseLikesAndBoosts(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withFederationToLoopback(), withCache())
	ann := ta.user("ann@example.com", broadside.RoleAuthor)
	p := ta.publish(ann, "Liked post", "Words.")
	hidden := ta.publish(ann, "Private post", "Words.", func(in *posts.Input) { in.Status = broadside.StatusPrivate })
	peer := newFediPeer(t, ta)
	b := ta.browser()
	path := ta.postPath(p)
	obj := ta.Srv.URL + path
	send := func(v map[string]any, want int) {
		t.Helper()
		if res := peer.send(t, "/inbox", v, true); res.StatusCode != want {
			t.Fatalf("%s: %d, want %d\n%s", v["type"], res.StatusCode, want, ta.Log.String())
		}
	}
	page := func() string {
		t.Helper()
		r := b.get(path)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("post page: %d", r.StatusCode)
		}
		return r.Body
	}
	counts := func() (any, any) {
		t.Helper()
		_, v := b.getAS(path, activitypub.ContentType)
		l, _ := v["likes"].(map[string]any)
		s, _ := v["shares"].(map[string]any)
		return l["totalItems"], s["totalItems"]
	}
	if body := page(); strings.Contains(body, "post-reactions") {
		t.Fatal("a post nobody liked shows reactions")
	}
	if l, s := counts(); l != 0.0 || s != 0.0 {
		t.Fatalf("likes/shares of a new post: %v %v", l, s)
	}

	like := map[string]any{"@context": activitypub.ContextAS, "id": peer.actor() + "#like-1", "type": "Like", "actor": peer.actor(), "object": obj}
	send(like, http.StatusAccepted)
	send(map[string]any{"id": peer.actor() + "#like-2", "type": "Like", "actor": peer.actor(), "object": obj}, http.StatusAccepted)
	boost := map[string]any{"id": peer.actor() + "#boost-1", "type": "Announce", "actor": peer.actor(),
		"object": map[string]any{"id": obj, "type": "Article"}, "to": []string{activitypub.Public}}
	send(boost, http.StatusAccepted)
	send(map[string]any{"id": peer.actor() + "#like-3", "type": "Like", "actor": peer.actor(), "object": ta.Srv.URL + ta.postPath(hidden)}, http.StatusAccepted)
	send(map[string]any{"id": "https://elsewhere.example/likes/1", "type": "Like", "actor": peer.actor(), "object": obj}, http.StatusUnprocessableEntity)

	if body := page(); !strings.Contains(body, `<span class="likes">1 like</span> · <span class="boosts">1 boost</span>`) {
		t.Fatalf("post page after a like and a boost lacks the counts:\n%s", body)
	}
	if l, s := counts(); l != 1.0 || s != 1.0 {
		t.Fatalf("likes/shares: %v %v", l, s)
	}
	if r, v := b.getAS("/activitypub/posts/"+itoa(p.ID)+"/likes", activitypub.ContentType); r.StatusCode != http.StatusOK || v["totalItems"] != 1.0 || v["type"] != "Collection" {
		t.Fatalf("likes collection: %d %s", r.StatusCode, r.Body)
	}
	if r, _ := b.getAS("/activitypub/posts/"+itoa(hidden.ID)+"/likes", activitypub.ContentType); r.StatusCode != http.StatusNotFound {
		t.Fatalf("likes collection of a private post: %d", r.StatusCode)
	}

	// The post's editors see who, with what the activity told of its actor.
	admin := ta.signIn(ann)
	if r := admin.get("/admin/posts/" + itoa(p.ID)); !strings.Contains(r.Body, `id="reactions-link">Fediverse: 1 likes, 1 boosts</a>`) {
		t.Fatalf("editor lacks the reactions link: %d", r.StatusCode)
	}
	r := admin.get("/admin/posts/" + itoa(p.ID) + "/reactions")
	if r.StatusCode != http.StatusOK || strings.Count(r.Body, `href="`+peer.actor()+`"`) != 2 || !strings.Contains(r.Body, "<td>Boost</td>") {
		t.Fatalf("admin list of likes and boosts: %d\n%s", r.StatusCode, r.Body)
	}
	if r := b.get("/admin/posts/" + itoa(p.ID) + "/reactions"); r.StatusCode == http.StatusOK && strings.Contains(r.Body, peer.actor()) {
		t.Fatal("an anonymous reader sees who liked the post")
	}

	// Undo of the like by its id alone, and of the boost embedded.
	send(map[string]any{"id": peer.actor() + "#undo-1", "type": "Undo", "actor": peer.actor(), "object": like["id"]}, http.StatusAccepted)
	if body := page(); strings.Contains(body, `class="likes"`) || !strings.Contains(body, `<span class="boosts">1 boost</span>`) {
		t.Fatalf("post page after undoing the like:\n%s", body)
	}
	// The actor's account is deleted: its boost goes too.
	send(map[string]any{"id": peer.actor() + "#delete", "type": "Delete", "actor": peer.actor(), "object": peer.actor()}, http.StatusAccepted)
	if body := page(); strings.Contains(body, "post-reactions") {
		t.Fatalf("post page after the actor's deletion still shows reactions")
	}
	// An actor embedded in the activity tells its name, handle and icon; another actor's
	// Like cannot be undone by this one.
	send(map[string]any{"id": peer.actor() + "#like-4", "type": "Like", "object": obj, "actor": map[string]any{
		"id": peer.actor(), "type": "Person", "name": "Bob <b>Remote</b>", "preferredUsername": "bob", "inbox": peer.actor() + "/inbox",
		"icon": map[string]any{"type": "Image", "url": "https://cdn.example/bob.png"}}}, http.StatusAccepted)
	r = admin.get("/admin/posts/" + itoa(p.ID) + "/reactions")
	if !strings.Contains(r.Body, "Bob &lt;b&gt;Remote&lt;/b&gt;") || !strings.Contains(r.Body, "@bob@127.0.0.1") || !strings.Contains(r.Body, `src="https://cdn.example/bob.png"`) {
		t.Fatalf("admin list lacks the embedded actor's name, handle or icon:\n%s", r.Body)
	}
	send(map[string]any{"id": peer.actor() + "#undo-3", "type": "Undo", "actor": peer.actor(),
		"object": map[string]any{"id": "https://other.example/likes/9", "type": "Like", "actor": "https://other.example/users/eve", "object": obj}}, http.StatusUnauthorized)
	send(map[string]any{"id": peer.actor() + "#undo-4", "type": "Undo", "actor": peer.actor(), "object": peer.actor() + "#like-4"}, http.StatusAccepted)

	send(boost, http.StatusAccepted)
	send(map[string]any{"id": peer.actor() + "#undo-2", "type": "Undo", "actor": peer.actor(), "object": boost}, http.StatusAccepted)
	if l, s := counts(); l != 0.0 || s != 0.0 {
		t.Fatalf("likes/shares after undo: %v %v", l, s)
	}
}
