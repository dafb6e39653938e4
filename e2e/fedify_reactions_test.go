package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// fedifyReactions: the Fedify peer likes and boosts the post at base+path, signed as
// Fedify signs; the counts appear on the post's public page; the peer's Undo of each takes
// them away again. handle is the blog's acct: handle, which the peer delivers to.
func fedifyReactions(t *testing.T, s *site, p *peer, base, handle, path string) {
	t.Helper()
	var like, boost struct{ ID string }
	p.must("like", map[string]string{"handle": handle, "object": base + path}, &like)
	p.must("announce", map[string]string{"handle": handle, "object": base + path}, &boost)
	waitPage(t, s, path, "the peer's like and boost counted on the post page", func(body string) bool {
		return strings.Contains(body, `<span class="likes">1 like</span> · <span class="boosts">1 boost</span>`)
	})
	p.must("undo", map[string]string{"handle": handle, "id": like.ID}, nil)
	p.must("undo", map[string]string{"handle": handle, "id": boost.ID}, nil)
	waitPage(t, s, path, "the counts gone after the peer's Undo", func(body string) bool {
		return strings.Contains(body, `class="entry-content"`) && !strings.Contains(body, "post-reactions")
	})
}

// waitPage polls the site's page at path (generously: the machine is busy) until ok
// accepts its body.
func waitPage(t *testing.T, s *site, path, what string, ok func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	last := ""
	for {
		res, err := http.Get(s.URL + path)
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			last = string(b)
			if res.StatusCode == http.StatusOK && ok(last) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("never saw %s on %s; last page:\n%s", what, path, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
