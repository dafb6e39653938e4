package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// TestPostDeliveryPage: after a post went out to a follower, its administrator sees the
// delivery per state and per server, linked from the editor; an editor and the post's own
// author see neither the link nor the page.
func TestPostDeliveryPage(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withFederationToLoopback())
	admin := ta.user("admin@example.com", broadside.RoleAdmin)
	ann := ta.user("ann@example.com", broadside.RoleAuthor)
	editor := ta.user("ed@example.com", broadside.RoleEditor)
	peer := newFediPeer(t, ta)
	follow := map[string]any{"id": peer.actor() + "#f", "type": "Follow", "actor": peer.actor(),
		"object": ta.Srv.URL + "/activitypub/site"}
	if res := peer.send(t, "/inbox", follow, true); res.StatusCode != http.StatusAccepted {
		t.Fatalf("follow: %d", res.StatusCode)
	}
	ta.runJobs(t)
	p := ta.publish(ann, "Going out", "To the fediverse.")
	edit := "/admin/posts/" + strconv.FormatInt(p.ID, 10)
	page := edit + "/delivery"

	b := ta.signIn(admin)
	ta.runJobs(t)
	r := b.get(page)
	host := strings.TrimPrefix(peer.srv.URL, "http://")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "<strong>1</strong> delivered · <strong>0</strong> waiting") ||
		!strings.Contains(r.Body, "<td>"+host) {
		t.Fatalf("after delivery: %d\n%s", r.StatusCode, r.Body)
	}
	if r := b.get(edit); !strings.Contains(r.Body, `href="`+page+`"`) {
		t.Fatal("the editor does not link to the delivery status")
	}
	for _, u := range []*broadside.User{ann, editor} {
		b := ta.signIn(u)
		if r := b.get(page); r.StatusCode != http.StatusForbidden {
			t.Errorf("%s: delivery page %d, want 403", u.Role, r.StatusCode)
		}
		if r := b.get(edit); strings.Contains(r.Body, page) {
			t.Errorf("%s: the editor links to the delivery status", u.Role)
		}
	}
}
