package comments

import (
	"context"
	"sync"
	"time"

	"github.com/broadside/broadside"
)

// DiscussionPage is one page of a post's discussion as every reader without a held comment
// of their own sees it.
type DiscussionPage struct {
	Thread *broadside.Thread // the page's top-level threads with their replies, nothing else
	Pages  int               // comment pages in the whole discussion
	First  int               // the display number of the page's first top-level thread
}

// SharedPage returns page cpage of the post's discussion read by SQL alone: the page's
// top-level threads, then their replies, so a request on a post with 100,000 comments reads
// the rows it shows (issue 11, goal 3). The number of pages comes from a count of the
// top-level threads, kept until the next change. ok is false when the page cannot be read
// that way and the caller must build the whole thread: threading off (a reply's "in reply
// to" names a parent on another page), everything on one page, or a post with a comment
// replying to a later one (only those can form a parent cycle, which BuildThread shows as
// orphans). A page past the last has a nil Thread.
func (s *Service) SharedPage(ctx context.Context, post *broadside.Post, cpage int, d broadside.Discussion) (*DiscussionPage, bool, error) {
	if d.MaxDepth <= 1 || d.PerPage <= 0 {
		return nil, false, nil
	}
	if back, err := s.Store.DiscussionHasBackEdges(ctx, post.ID); err != nil || back {
		return nil, false, err
	}
	n, err := s.roots.count(ctx, s, post.ID)
	if err != nil {
		return nil, false, err
	}
	out := &DiscussionPage{Pages: max(1, (n+d.PerPage-1)/d.PerPage), First: (cpage-1)*d.PerPage + 1}
	if cpage < 1 || cpage > out.Pages {
		return out, true, nil
	}
	ids, err := s.Store.DiscussionRoots(ctx, post.ID, d.NewestFirst, (cpage-1)*d.PerPage, d.PerPage)
	if err != nil {
		return nil, false, err
	}
	rows, err := s.Store.DiscussionThreads(ctx, post.ID, ids)
	if err != nil {
		return nil, false, err
	}
	// The page's roots have no parent among these rows, so they are its top level, in the
	// same order; every reply hangs below its own root as in the whole thread.
	out.Thread = buildVisible(rows, d)
	return out, true, nil
}

// maxRootCounts bounds the posts whose count of top-level threads is kept.
const maxRootCounts = 1024

// rootCounts keeps each post's number of top-level threads until the next change (Forget
// bumps the shapes' generation) or shapeTTL.
type rootCounts struct {
	mu    sync.Mutex
	posts map[int64]rootCount
}

type rootCount struct {
	gen uint64
	at  time.Time
	n   int
}

func (c *rootCounts) count(ctx context.Context, s *Service, postID int64) (int, error) {
	gen, now := s.shapes.gen.Load(), s.Now()
	c.mu.Lock()
	e, ok := c.posts[postID]
	c.mu.Unlock()
	if ok && e.gen == gen && now.Sub(e.at) <= shapeTTL && !now.Before(e.at) {
		return e.n, nil
	}
	n, err := s.Store.DiscussionRootCount(ctx, postID) // read after gen: a change after it bumps gen
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	if c.posts == nil || len(c.posts) >= maxRootCounts {
		c.posts = map[int64]rootCount{}
	}
	c.posts[postID] = rootCount{gen: gen, at: now, n: n}
	c.mu.Unlock()
	return n, nil
}
