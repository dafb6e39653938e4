package web_test

import (
	"path/filepath"
	"testing"

	"github.com/broadside/broadside"
)

// A comment page out of range is answered the same way whether the discussion is read as
// one shared page (a long discussion, the fragment cache on) or as the whole thread (no
// cache): the same status for every page, the last one, the one past it and far past it.
// The query form (?cpage=N, WordPress's plain links) leads to the path form, as WordPress's
// redirect_canonical does, so a page out of range is a 404 there too, not page 1.
func TestCommentPageOutOfRangeSameOnBothPaths(t *testing.T) {
	t.Parallel()
	answers := map[string]map[string]int{}
	for _, kind := range []string{"shared", "whole"} {
		dir := t.TempDir()
		opts := []appOption{withDataDir(dir)}
		if kind == "shared" {
			opts = append(opts, withCache())
		}
		ta := newTestApp(t, opts...)
		ta.settings(func(s *broadside.Settings) { s.Discussion.PerPage = 5 })
		p := ta.publish(ta.user("author@example.org", broadside.RoleAuthor), "Talked about", "Its body.")
		bulkDiscussion(t, ta, filepath.Join(dir, "broadside.db"), p, 40) // 11 threads: 3 pages
		path := ta.postPath(p)
		answers[kind] = map[string]int{}
		for _, q := range []string{"", "comment-page-1/", "comment-page-3/", "comment-page-4/", "comment-page-999/",
			"comment-page-999/?replytocom=1"} {
			answers[kind][q] = ta.browser().get(path + q).StatusCode
		}
		// The query form: one hop to the path form, other parameters kept.
		for q, want := range map[string]string{"?cpage=3": "comment-page-3/", "?cpage=999&replytocom=1": "comment-page-999/?replytocom=1",
			"?cpage=1": "", "?cpage=x": ""} {
			b := ta.browser()
			r := b.get(path + q)
			if r.StatusCode != 301 || r.Header.Get("Location") != path+want {
				t.Errorf("%s: %s%s: %d to %q, want 301 to %s", kind, path, q, r.StatusCode, r.Header.Get("Location"), path+want)
				continue
			}
			answers[kind][q] = b.follow(r).StatusCode
		}
	}
	for q, want := range answers["whole"] {
		if got := answers["shared"][q]; got != want {
			t.Errorf("%q: %d on the shared page, %d on the whole thread", q, got, want)
		}
	}
	for _, q := range []string{"comment-page-3/", "?cpage=3"} {
		if answers["whole"][q] != 200 {
			t.Errorf("%s, the last page: %d", q, answers["whole"][q])
		}
	}
	for _, q := range []string{"comment-page-4/", "comment-page-999/", "?cpage=999&replytocom=1"} {
		if answers["whole"][q] != 404 {
			t.Errorf("%s, past the last page: %d, want 404", q, answers["whole"][q])
		}
	}
}
