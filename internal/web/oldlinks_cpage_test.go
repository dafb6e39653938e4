package web_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/broadside/broadside"
)

// TestOldPostIDWithCommentPageOneHop: WordPress's plain link to a comment page,
// /?p=ID&cpage=N, reaches the comment page's address in one redirect (it took two: to the
// post with ?cpage=N, then to its comment-page-N/), other parameters kept; a page number
// past any discussion is a 404 at once.
func TestOldPostIDWithCommentPageOneHop(t *testing.T) {
	dir := t.TempDir()
	ta := newTestApp(t, withDataDir(dir))
	ta.settings(func(s *broadside.Settings) { s.Discussion.PerPage = 5 })
	p := ta.publish(ta.user("author@example.org", broadside.RoleAuthor), "Talked about", "Its body.")
	bulkDiscussion(t, ta, filepath.Join(dir, "broadside.db"), p, 40) // 11 threads: 3 pages
	path, id := ta.postPath(p), strconv.FormatInt(p.ID, 10)
	for q, want := range map[string]string{"cpage=3": "comment-page-3/", "cpage=3&replytocom=1": "comment-page-3/?replytocom=1",
		"cpage=1": "", "cpage=x": ""} {
		r := ta.browser().get("/?p=" + id + "&" + q)
		if r.StatusCode != 301 || r.Header.Get("Location") != path+want {
			t.Errorf("/?p=%s&%s: %d to %q, want 301 to %s", id, q, r.StatusCode, r.Header.Get("Location"), path+want)
		}
	}
	if r := ta.browser().get("/?p=" + id + "&cpage=2000000"); r.StatusCode != 404 {
		t.Errorf("/?p=%s&cpage=2000000: %d, want 404", id, r.StatusCode)
	}
}
