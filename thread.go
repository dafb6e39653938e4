package broadside

import (
	"slices"
)

// ThreadNode is one comment as displayed in a thread.
type ThreadNode struct {
	Comment *Comment
	// Parent is the real parent (nil for top-level comments and orphans). For a flattened
	// node it is the comment it replies to, not the node it is displayed under.
	Parent *ThreadNode
	// Depth is the DISPLAY depth: 1 for top-level, capped at the thread's max depth.
	Depth int
	// Number is the 1-based position among the displayed siblings. Top-level numbers are
	// global (page 2 of 50 starts at 51) and follow the display order, so with newest first
	// the newest thread is number 1.
	Number int
	// CanReply is Depth < maxDepth: like WordPress, no Reply link at the deepest level.
	CanReply bool
	// Flattened marks a node shown at the max depth although it is really deeper (or, with
	// threading off, a reply shown in the flat list): show "in reply to NAME".
	Flattened bool
	// Orphan marks a comment whose parent is not in the set (held, deleted, another post,
	// itself, or a parent cycle in imported data); it is shown as top-level, like WordPress.
	Orphan bool
	// Children are the displayed children in display order.
	Children []*ThreadNode

	kids []*ThreadNode // real children, oldest first
	top  int           // index of the displayed top-level thread holding this node
	ord  int           // index in chronological order
}

// Thread is a post's comments built into a tree for display.
type Thread struct {
	all  []*ThreadNode // every node, oldest first
	top  []*ThreadNode // displayed top-level nodes, in display order
	byID map[int64]*ThreadNode
}

// BuildThread turns flat comment rows into a display tree in O(n) (plus a sort when the rows
// are not already oldest first by (CreatedAt, ID)). The nodes point into comments, which must
// not be modified while the thread is in use.
//
// Replies are shown oldest first at every level; newestFirst reverses only the order of the
// top-level threads. maxDepth < 1 is treated as 1, which turns threading off: every comment is
// a top-level entry in date order (replies marked Flattened). Comments deeper than maxDepth
// are shown at maxDepth the way WordPress's Walker_Comment does it: a max-depth node's
// descendants follow it as its siblings, depth first, oldest first, Flattened and without a
// Reply link. Comments whose parent is missing, themselves, or on a parent cycle become
// top-level orphans. Every comment appears exactly once; nothing loops or panics.
func BuildThread(comments []Comment, maxDepth int, newestFirst bool) *Thread {
	if maxDepth < 1 {
		maxDepth = 1
	}
	n := len(comments)
	t := &Thread{
		all:  make([]*ThreadNode, n),
		byID: make(map[int64]*ThreadNode, n),
	}
	nodes := make([]ThreadNode, n) // one allocation for all nodes
	for i := range comments {
		nodes[i].Comment = &comments[i]
		t.all[i] = &nodes[i]
	}
	if !commentsSorted(comments) {
		slices.SortStableFunc(t.all, func(a, b *ThreadNode) int {
			if c := a.Comment.CreatedAt.Compare(b.Comment.CreatedAt); c != 0 {
				return c
			}
			return cmpInt64(a.Comment.ID, b.Comment.ID)
		})
	}
	// Index in chronological order so that, with duplicate ids, the oldest row wins.
	for _, nd := range t.all {
		if _, dup := t.byID[nd.Comment.ID]; !dup {
			t.byID[nd.Comment.ID] = nd
		}
	}
	t.linkParents()

	// Real children, oldest first, and the real top level.
	var roots []*ThreadNode
	for _, nd := range t.all {
		if nd.Parent != nil {
			nd.Parent.kids = append(nd.Parent.kids, nd)
		} else {
			roots = append(roots, nd)
		}
	}

	if maxDepth == 1 {
		// Threading off: everything flat, in date order.
		t.top = slices.Clone(t.all)
		for _, nd := range t.top {
			nd.Flattened = nd.Parent != nil
		}
	} else {
		t.top = roots
	}
	if newestFirst {
		slices.Reverse(t.top)
	}
	for i, nd := range t.top {
		nd.Depth = 1
		nd.Number = i + 1
		nd.top = i
		nd.CanReply = 1 < maxDepth
	}
	if maxDepth > 1 {
		t.layout(maxDepth)
	}
	return t
}

// linkParents sets Parent for every node whose parent is present, and marks orphans: a
// missing parent, a self-parent, or membership in a parent cycle. It walks each chain once
// (white/grey/black marking), so it is O(n) and never loops.
func (t *Thread) linkParents() {
	const (
		unseen = iota
		onPath
		done
	)
	n := len(t.all)
	for i, nd := range t.all {
		nd.ord = i
	}
	parent := make([]int, n) // index of the candidate parent, -1 for none
	for i, nd := range t.all {
		parent[i] = -1
		c := nd.Comment
		if c.ParentID == 0 {
			continue
		}
		p, ok := t.byID[c.ParentID]
		if !ok || c.ParentID == c.ID {
			nd.Orphan = true
			continue
		}
		parent[i] = p.ord
	}
	state := make([]uint8, n)
	pos := make([]int, n) // position on the current path
	var path []int
	for i := range t.all {
		if state[i] != unseen {
			continue
		}
		path = path[:0]
		for j := i; j >= 0 && state[j] != done; j = parent[j] {
			if state[j] == onPath {
				// path[pos[j]:] is a cycle: its members become orphans.
				for _, k := range path[pos[j]:] {
					parent[k] = -1
					t.all[k].Orphan = true
				}
				break
			}
			state[j] = onPath
			pos[j] = len(path)
			path = append(path, j)
		}
		for _, k := range path {
			state[k] = done
		}
	}
	for i, nd := range t.all {
		if parent[i] >= 0 {
			nd.Parent = t.all[parent[i]]
		}
	}
}

// layout fills the displayed children below the top level. It uses explicit stacks, not
// recursion, so a 100,000-deep reply chain cannot exhaust anything.
func (t *Thread) layout(maxDepth int) {
	work := slices.Clone(t.top) // displayed nodes at depth < maxDepth whose children to lay out
	var flat []*ThreadNode
	for len(work) > 0 {
		nd := work[len(work)-1]
		work = work[:len(work)-1]
		d := nd.Depth + 1
		for _, c := range nd.kids {
			c.Depth = d
			c.CanReply = d < maxDepth
			c.top = nd.top
			nd.Children = append(nd.Children, c)
			if d < maxDepth {
				work = append(work, c)
				continue
			}
			// c is at the max depth: its descendants follow it as siblings, depth first.
			flat = append(flat[:0], c.kids...)
			slices.Reverse(flat)
			for len(flat) > 0 {
				x := flat[len(flat)-1]
				flat = flat[:len(flat)-1]
				x.Depth = maxDepth
				x.Flattened = true
				x.top = nd.top
				nd.Children = append(nd.Children, x)
				for k := len(x.kids) - 1; k >= 0; k-- {
					flat = append(flat, x.kids[k])
				}
			}
		}
		for i, c := range nd.Children {
			c.Number = i + 1
		}
	}
}

func commentsSorted(cs []Comment) bool {
	for i := 1; i < len(cs); i++ {
		a, b := &cs[i-1], &cs[i]
		if c := a.CreatedAt.Compare(b.CreatedAt); c > 0 || c == 0 && a.ID > b.ID {
			return false
		}
	}
	return true
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Count returns the number of comments in the thread.
func (t *Thread) Count() int { return len(t.all) }

// TopLevel returns the number of displayed top-level threads (every comment when threading
// is off).
func (t *Thread) TopLevel() int { return len(t.top) }

// Find returns the node of the comment with id, or nil.
func (t *Thread) Find(id int64) *ThreadNode { return t.byID[id] }

// Pages returns how many pages of perPage top-level threads there are, at least 1.
// perPage <= 0 puts everything on one page.
func (t *Thread) Pages(perPage int) int {
	if perPage <= 0 || len(t.top) == 0 {
		return 1
	}
	return (len(t.top) + perPage - 1) / perPage
}

// PageOf returns the page holding the top-level thread of the comment with id, or 0 if the
// comment is not in the thread.
func (t *Thread) PageOf(id int64, perPage int) int {
	nd := t.byID[id]
	if nd == nil {
		return 0
	}
	if perPage <= 0 {
		return 1
	}
	return nd.top/perPage + 1
}

// TopIndex returns the display position (0-based) of the top-level thread holding the comment
// with id, or -1 if the comment is not in the thread. PageOf is TopIndex/perPage + 1.
func (t *Thread) TopIndex(id int64) int {
	nd := t.byID[id]
	if nd == nil {
		return -1
	}
	return nd.top
}

// Top returns the top-level node at display position i (0 <= i < TopLevel()).
func (t *Thread) Top(i int) *ThreadNode { return t.top[i] }

// Page returns the top-level nodes of page (1-based), replies attached to them. A page out of
// range gives an empty slice. perPage <= 0 puts everything on page 1.
func (t *Thread) Page(page, perPage int) []*ThreadNode {
	if page < 1 || page > t.Pages(perPage) {
		return nil
	}
	if perPage <= 0 {
		return t.top
	}
	lo := (page - 1) * perPage
	hi := min(lo+perPage, len(t.top))
	return t.top[lo:hi:hi]
}
