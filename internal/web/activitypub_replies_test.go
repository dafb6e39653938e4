package web_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
)

// TestFediverseReplyThroughTheSite: a signed reply from a fediverse account to a post's
// permalink goes through the site's inbox into the moderation queue — held as a first
// comment, marked "via the fediverse" for moderators, absent from the page — and once
// approved shows in the thread with the Note's hostile HTML sanitized; the REST API's edit
// context says where it came from. A reply to the ?p=ID shortlink threads under the same post.
func TestFediverseReplyThroughTheSite(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withFederationToLoopback())
	admin := ta.user("admin@example.com", broadside.RoleAdmin)
	post := ta.publish(admin, "Reply to me", "Words.")
	peer := newFediPeer(t, ta)
	noteID := peer.srv.URL + "/notes/1"
	note := map[string]any{"id": noteID, "type": "Note", "attributedTo": peer.actor(), "inReplyTo": ta.Srv.URL + ta.postPath(post),
		"to": []string{activitypub.Public}, "content": `<p>Nice post<script>alert(1)</script><img src=x onerror="alert(2)"> ` +
			`<a href="javascript:alert(3)">click me</a></p>`}
	create := map[string]any{"@context": activitypub.ContextAS, "id": noteID + "#create", "type": "Create", "actor": peer.actor(), "object": note}
	if res := peer.send(t, "/inbox", create, true); res.StatusCode != http.StatusAccepted {
		t.Fatalf("reply: %d\n%s", res.StatusCode, ta.Log.String())
	}
	var c broadside.Comment
	for _, x := range ta.comments(post.ID) {
		if x.RemoteID == noteID {
			c = x
		}
	}
	if c.ID == 0 || c.Status != broadside.CommentPending || c.RemoteActor != peer.actor() {
		t.Fatalf("stored reply = %+v", c)
	}
	b := ta.browser()
	if pg := b.get(ta.postPath(post)); strings.Contains(pg.Body, "Nice post") {
		t.Error("a held fediverse reply is on the page")
	}
	q := ta.signIn(admin).get("/admin/comments?status=pending")
	if !strings.Contains(q.Body, "via the fediverse · ") || !strings.Contains(q.Body, peer.actor()) {
		t.Errorf("the queue does not mark the reply as remote:\n%s", q.Body)
	}
	ta.approve(c.ID)
	pg := b.get(ta.postPath(post))
	if !strings.Contains(pg.Body, "Nice post") {
		t.Fatal("the approved reply is not on the page")
	}
	li := pg.Body[strings.Index(pg.Body, `id="comment-`+strconv.FormatInt(c.ID, 10)+`"`):]
	li = li[:strings.Index(li, "</li>")]
	for _, bad := range []string{"<script", "alert", "onerror", "javascript:", "<img src=\"x"} {
		if strings.Contains(li, bad) {
			t.Errorf("the reply on the page carries %q: %s", bad, li)
		}
	}
	code, v := ta.api(admin, "GET", "/wp/v2/comments/"+strconv.FormatInt(c.ID, 10)+"?context=edit", nil)
	raw, _ := json.Marshal(v)
	if r, _ := v.(map[string]any)["broadside_remote"].(map[string]any); code != 200 || r["note"] != noteID || r["actor"] != peer.actor() {
		t.Errorf("REST context=edit: %d %s", code, raw)
	}

	short := map[string]any{"id": peer.srv.URL + "/notes/2", "type": "Note", "attributedTo": peer.actor(),
		"inReplyTo": ta.Srv.URL + "/?p=" + strconv.FormatInt(post.ID, 10), "to": []string{activitypub.Public}, "content": "<p>By shortlink</p>"}
	create["id"], create["object"] = short["id"].(string)+"#create", short
	if res := peer.send(t, "/inbox", create, true); res.StatusCode != http.StatusAccepted {
		t.Fatalf("reply to the shortlink: %d", res.StatusCode)
	}
	found := false
	for _, x := range ta.comments(post.ID) {
		found = found || x.RemoteID == short["id"] && x.ParentID == 0
	}
	if !found {
		t.Error("the reply to the ?p=ID shortlink is not a comment on the post")
	}
}
