package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// A post written by a WordPress app (body format "wordpress", issue 13 point 9a) shows
// WordPress's paragraphs on its page, and the editor says what its body is instead of
// calling it Markdown.
func TestWordPressFormatPost(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ed := ta.user("wp-ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "From an app", "Line one.\n\nLine two\nsame para.", func(in *posts.Input) {
		in.BodyFormat = broadside.FormatWordPress
	})
	b := ta.browser()
	page := b.get(ta.postPath(p))
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "<p>Line one.</p>") || !strings.Contains(page.Body, "same para.</p>") {
		t.Fatalf("page %d:\n%.3000s", page.StatusCode, page.Body)
	}
	edit := ta.signIn(ed).get("/admin/posts/" + strconv.FormatInt(p.ID, 10))
	if edit.StatusCode != http.StatusOK || !strings.Contains(edit.Body, "HTML from a WordPress app") || !strings.Contains(edit.Body, `data-format="wordpress"`) {
		t.Fatalf("editor %d:\n%.3000s", edit.StatusCode, edit.Body)
	}
}
