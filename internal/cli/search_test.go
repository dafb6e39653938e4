package cli_test

import (
	"strings"
	"testing"
)

func TestSearchRebuild(t *testing.T) {
	dir := t.TempDir()
	if r := run(t, "", nil, "demo", "--data", dir, "--seed", "../../testdata/seed/wordpress-post-with-comments.txt"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	r := run(t, "", nil, "search", "rebuild", "--data", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "Search index rebuilt: 1 posts and pages indexed") {
		t.Fatalf("search rebuild: %+v", r)
	}
	for _, args := range [][]string{{"search"}, {"search", "reindex"}} {
		if r := run(t, "", nil, args...); r.code != 2 || !strings.Contains(r.stderr, "broadside search rebuild") {
			t.Fatalf("%v: %+v", args, r)
		}
	}
	if r := run(t, "", nil); !strings.Contains(r.stdout, "search rebuild") {
		t.Fatalf("usage does not list search: %s", r.stdout)
	}
}
