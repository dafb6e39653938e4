package web_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/cli"
	"github.com/broadside/broadside/internal/seed"
)

const seedFile = "../../testdata/seed/wordpress-post-with-comments.txt"

// loadSeed stores the seed post and its discussion, returning the parsed capture and the
// stored comments in page order.
func (ta *testApp) loadSeed() (*seed.Discussion, *broadside.Post, []broadside.Comment) {
	ta.t.Helper()
	f, err := os.Open(seedFile)
	if err != nil {
		ta.t.Fatal(err)
	}
	defer f.Close()
	d, err := seed.Parse(f)
	if err != nil {
		ta.t.Fatal(err)
	}
	p, _, err := cli.LoadDiscussion(context.Background(), ta.App, d, time.Date(2018, 9, 5, 9, 0, 0, 0, time.UTC))
	if err != nil {
		ta.t.Fatal(err)
	}
	return d, p, ta.comments(p.ID)
}

// TestSeedDiscussionRenders loads the discussion our users publish today and checks the
// rendered page: the count, every comment exactly once, each at its depth under its parent.
func TestSeedDiscussionRenders(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	d, p, stored := ta.loadSeed()
	if len(stored) != len(d.Comments) {
		t.Fatalf("stored %d comments, capture has %d", len(stored), len(d.Comments))
	}
	page := ta.browser().get(ta.postPath(p))
	if page.StatusCode != 200 {
		t.Fatalf("GET post: %d", page.StatusCode)
	}
	doc := parseHTML(t, page.Body)

	want := strconv.Itoa(len(d.Comments)) + " comments"
	if got := textOf(byID(doc, "comments-title")); got != want {
		t.Fatalf("comment count heading = %q, want %q", got, want)
	}
	lis := find(doc, func(n *html.Node) bool { return n.Data == "li" && hasClass(n, "comment") })
	if len(lis) != len(d.Comments) {
		t.Fatalf("%d comments rendered, want %d", len(lis), len(d.Comments))
	}
	idByRef := map[string]int64{}
	for i, sc := range d.Comments {
		idByRef[sc.Ref] = stored[i].ID
	}
	for i, sc := range d.Comments {
		id := stored[i].ID
		li := byID(doc, "comment-"+strconv.FormatInt(id, 10))
		if li == nil {
			t.Fatalf("comment %s (%s) missing", sc.Ref, sc.Author)
		}
		if got := commentDepth(li); got != sc.Depth {
			t.Errorf("comment %s at depth %d, want %d", sc.Ref, got, sc.Depth)
		}
		if !hasClass(li, "depth-"+strconv.Itoa(sc.Depth)) {
			t.Errorf("comment %s lacks class depth-%d", sc.Ref, sc.Depth)
		}
		if sc.ParentRef != "" {
			parentLi := li.Parent.Parent // li < ol.children < li
			if attr(parentLi, "id") != "comment-"+strconv.FormatInt(idByRef[sc.ParentRef], 10) {
				t.Errorf("comment %s not nested under %s", sc.Ref, sc.ParentRef)
			}
		}
		author := find(li, func(n *html.Node) bool { return hasClass(n, "comment-author") })
		if len(author) == 0 || textOf(author[0]) != sc.Author {
			t.Errorf("comment %s author wrong", sc.Ref)
		}
		// Every paragraph of the body appears once on the page.
		for _, para := range strings.Split(sc.Body, "\n\n") {
			words := strings.Join(strings.Fields(para), " ")
			want := 1
			if sc.Reconstructed {
				want = 2 // the two placeholders for comments the capture lost share their text
			}
			if n := strings.Count(textOf(doc), words); n != want {
				t.Errorf("comment %s paragraph appears %d times: %.60q", sc.Ref, n, words)
			}
		}
	}
	// The post keeps the seed's furniture: category, support appeal and reuse notice.
	for _, s := range []string{"Uncategorized", "needs your support", "reblog this post"} {
		if !strings.Contains(page.Body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	// Numbered threads: the top level is one ordered list, replies are nested ordered lists.
	top := find(doc, func(n *html.Node) bool { return n.Data == "ol" && hasClass(n, "comment-list") })
	if len(top) != 1 {
		t.Fatalf("want one ol.comment-list, got %d", len(top))
	}
	// Reply links are offered on every comment (the seed is 3 deep; the default limit is 5).
	replies := find(doc, func(n *html.Node) bool { return hasClass(n, "comment-reply-link") })
	if len(replies) != len(d.Comments) {
		t.Errorf("%d reply links for %d comments", len(replies), len(d.Comments))
	}
}

// TestDepthLimitRemovesReplyLink checks WordPress's rule: at the maximum depth no Reply
// link is offered.
func TestDepthLimitRemovesReplyLink(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(func(s *broadside.Settings) { s.Discussion.MaxDepth = 3 })
	d, p, stored := ta.loadSeed()
	doc := parseHTML(t, ta.browser().get(ta.postPath(p)).Body)
	for i, sc := range d.Comments {
		li := byID(doc, "comment-"+strconv.FormatInt(stored[i].ID, 10))
		body := find(li, func(n *html.Node) bool { return hasClass(n, "comment-body") })[0]
		has := len(find(body, func(n *html.Node) bool { return hasClass(n, "comment-reply-link") })) > 0
		if has != (sc.Depth < 3) {
			t.Errorf("comment %s at depth %d: reply link %v", sc.Ref, sc.Depth, has)
		}
	}
}
