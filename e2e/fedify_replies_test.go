package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// fedifyReplies is TestFedifyPeer's part for replies from the fediverse: the peer replies to
// the seed post, and the reply is held in the moderation queue (a first comment from that
// account), marked as remote, and not on the page; the administrator approves it and it
// appears in the thread under the peer's name and handle; the peer's edit changes it and its delete
// removes it.
func fedifyReplies(t *testing.T, s *site, p *peer, base, handle string, post seedPost, secret string) {
	t.Helper()
	var reply struct{ ID string }
	p.must("reply", map[string]string{"handle": handle, "inReplyTo": base + post.path,
		"content": "<p>Greetings from the Fedify peer</p>"}, &reply)
	type comment struct {
		ID      int64  `json:"id"`
		Status  string `json:"status"`
		Author  string `json:"author_name"`
		Content struct{ Raw string }
		Remote  *struct{ Note, Actor, Handle string } `json:"broadside_remote"`
	}
	var held comment
	repliesWait(t, "the peer's reply in the moderation queue", func() bool {
		var cs []comment
		if !repliesHeld(t, s, secret, &cs) {
			return false
		}
		for _, c := range cs {
			if c.Remote != nil && c.Remote.Note == reply.ID {
				held = c
				return true
			}
		}
		return false
	})
	if held.Author != "Fedify Peer" || !strings.HasPrefix(held.Remote.Handle, "@peer@") || held.Content.Raw != "Greetings from the Fedify peer" {
		t.Errorf("the held reply: %+v %+v", held, *held.Remote)
	}
	if page := repliesPage(t, s.URL+post.path); strings.Contains(page, "Greetings from the Fedify peer") {
		t.Error("a held reply is on the page")
	}
	restJSON(t, s, secret, http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/comments/%d", held.ID), map[string]any{"status": "approve"}, nil)
	waitPage(t, s, post.path, "the approved reply in the thread with the peer's name", func(page string) bool {
		return strings.Contains(page, "Greetings from the Fedify peer") && strings.Contains(page, "Fedify Peer") &&
			strings.Contains(page, held.Remote.Handle)
	})

	p.must("edit", map[string]string{"handle": handle, "id": reply.ID, "content": "<p>Greetings, corrected</p>"}, nil)
	waitPage(t, s, post.path, "the peer's edit on the page", func(page string) bool {
		return strings.Contains(page, "Greetings, corrected") && !strings.Contains(page, "Greetings from the Fedify peer")
	})
	p.must("delete", map[string]string{"handle": handle, "id": reply.ID}, nil)
	waitPage(t, s, post.path, "the peer's reply gone after its delete", func(page string) bool {
		return !strings.Contains(page, "Greetings, corrected")
	})
}

// repliesHeld lists the held comments through the REST API as the administrator; false when
// the API asked to slow down (429), which a poll simply waits out.
func repliesHeld(t *testing.T, s *site, secret string, out any) bool {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+"/wp-json/wp/v2/comments?status=hold&context=edit&per_page=100", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("admin", secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusTooManyRequests {
		time.Sleep(time.Second)
		return false
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET held comments: %s %s", res.Status, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("held comments: %v in %s", err, b)
	}
	return true
}

// repliesWait waits, with a generous limit, until ok holds.
func repliesWait(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func repliesPage(t *testing.T, u string) string {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}
