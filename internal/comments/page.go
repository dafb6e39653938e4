package comments

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/broadside/broadside"
)

// PageOf returns the comment page (1-based) on which comment id is shown to a viewer who also
// sees their own held comments viewerIDs. It asks the thread as the page renders it
// (broadside.Thread.PageOf), the one answer to "which page": a count kept beside it in SQL
// disagreed as soon as a reply's parent was marked spam (the reply is then shown as a
// top-level orphan, which such a count does not see).
//
// The approved part of the thread is built once per post and kept until the next change
// (Forget), so a comment POST on a long discussion reads only the viewer's own held comments
// by key: the held comments a POST adds change no one else's page.
func (s *Service) PageOf(ctx context.Context, post *broadside.Post, id int64, d broadside.Discussion, viewerIDs []int64) (int, error) {
	// Every visible comment fits on the first page: no thread to read. (A post's count is of
	// approved comments; the viewer's own held ones and the one just written may add to it.)
	if d.PerPage <= 0 || post.CommentCount+len(viewerIDs)+1 <= d.PerPage {
		return 1, nil
	}
	shape, err := s.shapes.get(ctx, s, post.ID, d)
	if err != nil {
		return 1, err
	}
	var own []broadside.Comment
	if ids := slices.DeleteFunc(slices.Clone(viewerIDs), func(v int64) bool { return shape.t.Find(v) != nil }); len(ids) > 0 {
		if own, err = s.Store.CommentShapes(ctx, post.ID, ids); err != nil {
			return 1, err
		}
	}
	if page, ok := shape.pageWithOwn(own, id, d); ok {
		return page, nil
	}
	// The viewer's held comments reshape the thread (one is the parent of an approved
	// orphan, or the data has a cycle): build it whole, as the page does.
	rows, err := s.Store.ThreadShape(ctx, post.ID, viewerIDs)
	if err != nil {
		return 1, err
	}
	return max(1, buildVisible(rows, d).PageOf(id, d.PerPage)), nil
}

// Forget drops the kept thread shapes; the app calls it on every change, local or announced
// by another node, as it purges its page cache.
func (s *Service) Forget() { s.shapes.gen.Add(1) }

// shapeTTL bounds how long a kept shape is trusted without a change being announced (a node
// that missed an announcement; the page cache keeps its pages as long).
const shapeTTL = 30 * time.Second

// maxShapes bounds the posts whose shape is kept, and maxShapeRows the comments in them
// (about 200 bytes each); past either they are all dropped. A post with more approved
// comments than maxShapeRows is never kept: its POSTs read the shape each time.
const (
	maxShapes    = 16
	maxShapeRows = 50_000
)

// shapeCache keeps the approved thread of recently commented posts.
type shapeCache struct {
	gen   atomic.Uint64
	mu    sync.Mutex
	posts map[shapeKey]*approvedShape
	rows  int // comments in posts
}

type shapeKey struct {
	post        int64
	maxDepth    int
	newestFirst bool
}

// approvedShape is a post's approved comments (shape only) built into a thread.
type approvedShape struct {
	gen   uint64
	built time.Time
	ready chan struct{} // closed once t is set (or err)
	err   error
	t     *broadside.Thread
	// orphanParents are the parent ids of the approved orphans: a held comment with one of
	// these ids would adopt them.
	orphanParents map[int64]bool
}

func (c *shapeCache) get(ctx context.Context, s *Service, postID int64, d broadside.Discussion) (*approvedShape, error) {
	key := shapeKey{postID, d.MaxDepth, d.NewestFirst}
	gen, now := c.gen.Load(), s.Now()
	c.mu.Lock()
	e := c.posts[key]
	if e == nil || e.gen != gen || now.Sub(e.built) > shapeTTL || now.Before(e.built) {
		if c.posts == nil || len(c.posts) >= maxShapes || c.rows >= maxShapeRows {
			c.posts, c.rows = map[shapeKey]*approvedShape{}, 0
		}
		// Built from data read after gen was taken: a change after that bumps gen.
		e = &approvedShape{gen: gen, built: now, ready: make(chan struct{})}
		c.posts[key] = e
		c.mu.Unlock()
		e.build(ctx, s, postID, d)
		c.mu.Lock()
		if c.posts[key] == e {
			if e.err != nil || e.t.Count() > maxShapeRows {
				delete(c.posts, key) // failed, or too big to keep: used by this request only
			} else {
				c.rows += e.t.Count()
			}
		}
		c.mu.Unlock()
		return e, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if e.err != nil {
		return c.get(ctx, s, postID, d) // the builder failed (its request ended): try ourselves
	}
	return e, nil
}

func (e *approvedShape) build(ctx context.Context, s *Service, postID int64, d broadside.Discussion) {
	defer close(e.ready)
	rows, err := s.Store.ThreadShape(ctx, postID, nil)
	if err != nil {
		e.err = err
		return
	}
	e.t = buildVisible(rows, d)
	e.orphanParents = map[int64]bool{}
	for i := range e.t.TopLevel() {
		if nd := e.t.Top(i); nd.Orphan {
			e.orphanParents[nd.Comment.ParentID] = true
		}
	}
}

// pageWithOwn returns the page of comment id in the approved thread with the viewer's own
// held comments own added, as buildVisible would place them, or false when they change the
// approved comments' places (then the caller builds the whole thread). A held comment
// either hangs below a visible comment, which moves no top-level thread, or is a top-level
// thread of its own (no parent, or one the viewer cannot see), inserted by date.
func (e *approvedShape) pageWithOwn(own []broadside.Comment, id int64, d broadside.Discussion) (int, bool) {
	t := e.t
	held := make(map[int64]*broadside.Comment, len(own))
	for i := range own {
		c := &own[i]
		if c.Status == broadside.CommentApproved || e.orphanParents[c.ID] {
			return 0, false // approved since the shape was kept, or adopts an approved orphan
		}
		if c.Status == broadside.CommentPending {
			held[c.ID] = c
		}
	}
	threaded := max(d.MaxDepth, 1) > 1
	// root returns the held comment that is the top-level thread holding c, or the display
	// index of the approved top-level thread holding it.
	root := func(c *broadside.Comment) (*broadside.Comment, int, bool) {
		for hops := 0; threaded && c.ParentID != 0 && c.ParentID != c.ID; hops++ {
			if hops > len(held) {
				return nil, 0, false // a cycle among held comments
			}
			if i := t.TopIndex(c.ParentID); i >= 0 {
				return nil, i, true
			}
			p := held[c.ParentID]
			if p == nil {
				break // a parent the viewer cannot see: c is shown as a top-level orphan
			}
			c = p
		}
		return c, 0, true
	}
	var tops []*broadside.Comment // held top-level threads
	for _, c := range held {
		r, _, ok := root(c)
		if !ok {
			return 0, false
		}
		if r == c {
			tops = append(tops, c)
		}
	}
	// before reports whether a top-level thread starting with a is shown before one
	// starting with b.
	before := func(a, b *broadside.Comment) bool {
		older := a.CreatedAt.Before(b.CreatedAt) || a.CreatedAt.Equal(b.CreatedAt) && a.ID < b.ID
		return older != d.NewestFirst
	}
	var at *broadside.Comment // the first comment of the top-level thread holding id
	var idx int
	if i := t.TopIndex(id); i >= 0 {
		at, idx = t.Top(i).Comment, i
	} else if c := held[id]; c != nil {
		r, i, ok := root(c)
		if !ok {
			return 0, false
		}
		if r == nil {
			at, idx = t.Top(i).Comment, i
		} else {
			at = r
			// The approved top-level threads shown before it (they are in display order).
			idx = searchTop(t, func(nd *broadside.Comment) bool { return !before(nd, r) })
		}
	} else {
		return 1, true // not visible to this viewer: page 1, as Thread.PageOf's 0 gives
	}
	for _, c := range tops {
		if c != at && before(c, at) {
			idx++
		}
	}
	return idx/d.PerPage + 1, true
}

// searchTop returns the first display index i whose top-level comment satisfies f, which is
// false then true along the display order.
func searchTop(t *broadside.Thread, f func(*broadside.Comment) bool) int {
	lo, hi := 0, t.TopLevel()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !f(t.Top(m).Comment) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// changed drops what this service keeps and runs the Changed hook (the app's purge of every
// node's caches), after a change to comments has committed.
func (s *Service) changed() {
	s.Forget()
	if s.Changed != nil {
		s.Changed()
	}
}
