package broadside

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

var threadEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// tc makes a comment with id and parent, created id minutes after the epoch.
func tc(id, parent int64) Comment {
	return Comment{ID: id, ParentID: parent, CreatedAt: threadEpoch.Add(time.Duration(id) * time.Minute)}
}

// chain returns n comments, each replying to the one before.
func chain(n int) []Comment {
	cs := make([]Comment, n)
	for i := range cs {
		cs[i] = tc(int64(i+1), int64(i))
	}
	return cs
}

// render shows the displayed tree: "id" per node, children in (), flags as suffixes:
// "^" flattened, "!" orphan, "x" no reply link. Depth and Number are checked by checkThread.
func render(nodes []*ThreadNode) string {
	var b strings.Builder
	var walk func([]*ThreadNode)
	walk = func(ns []*ThreadNode) {
		for i, n := range ns {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%d", n.Comment.ID)
			if n.Flattened {
				b.WriteByte('^')
			}
			if n.Orphan {
				b.WriteByte('!')
			}
			if !n.CanReply {
				b.WriteByte('x')
			}
			if len(n.Children) > 0 {
				b.WriteByte('(')
				walk(n.Children)
				b.WriteByte(')')
			}
		}
	}
	walk(nodes)
	return b.String()
}

// checkThread asserts the invariants every thread must keep, whatever the input.
func checkThread(t testing.TB, th *Thread, cs []Comment, maxDepth int) {
	t.Helper()
	if maxDepth < 1 {
		maxDepth = 1
	}
	if th.Count() != len(cs) {
		t.Fatalf("Count = %d, want %d", th.Count(), len(cs))
	}
	seen := make(map[*Comment]bool, len(cs))
	topSeen := 0
	var walk func(ns []*ThreadNode, depth, top int, parent *ThreadNode)
	walk = func(ns []*ThreadNode, depth, top int, parent *ThreadNode) {
		for i, n := range ns {
			if seen[n.Comment] {
				t.Fatalf("comment %d shown twice", n.Comment.ID)
			}
			seen[n.Comment] = true
			if n.Depth != depth {
				t.Fatalf("comment %d: Depth %d, want %d", n.Comment.ID, n.Depth, depth)
			}
			wantNum := i + 1
			if depth == 1 {
				wantNum = top + i + 1
			}
			if n.Number != wantNum {
				t.Fatalf("comment %d: Number %d, want %d", n.Comment.ID, n.Number, wantNum)
			}
			if n.CanReply != (depth < maxDepth) {
				t.Fatalf("comment %d: CanReply %v at depth %d/%d", n.Comment.ID, n.CanReply, depth, maxDepth)
			}
			if n.Parent != nil {
				if n.Orphan {
					t.Fatalf("comment %d: orphan with a parent", n.Comment.ID)
				}
				if n.Parent.Comment.ID != n.Comment.ParentID {
					t.Fatalf("comment %d: Parent %d, ParentID %d", n.Comment.ID, n.Parent.Comment.ID, n.Comment.ParentID)
				}
				// Displayed under its parent, or flattened.
				if parent != n.Parent && !n.Flattened {
					t.Fatalf("comment %d: displayed away from its parent without Flattened", n.Comment.ID)
				}
			} else {
				if n.Comment.ParentID != 0 && !n.Orphan {
					t.Fatalf("comment %d: parent %d lost but not Orphan", n.Comment.ID, n.Comment.ParentID)
				}
				if depth != 1 {
					t.Fatalf("comment %d: no parent but depth %d", n.Comment.ID, depth)
				}
			}
			if n.Flattened && depth != maxDepth {
				t.Fatalf("comment %d: flattened at depth %d/%d", n.Comment.ID, depth, maxDepth)
			}
			if len(n.Children) > 0 && depth >= maxDepth {
				t.Fatalf("comment %d: children at max depth", n.Comment.ID)
			}
			if th.PageOf(n.Comment.ID, 7) < 1 {
				t.Fatalf("comment %d: PageOf 0", n.Comment.ID)
			}
			// Replies are displayed oldest first (flattened runs are depth-first, so only
			// check real siblings).
			walk(n.Children, depth+1, top, n)
		}
	}
	pages := th.Pages(7)
	for p := 1; p <= pages; p++ {
		ns := th.Page(p, 7)
		if (len(ns) == 0 && th.TopLevel() > 0) || len(ns) > 7 {
			t.Fatalf("page %d has %d threads", p, len(ns))
		}
		walk(ns, 1, topSeen, nil)
		for _, n := range ns {
			for _, c := range allBelow(n) {
				if got := th.PageOf(c.Comment.ID, 7); got != p && th.Find(c.Comment.ID) == c {
					t.Fatalf("PageOf(%d) = %d, shown on %d", c.Comment.ID, got, p)
				}
			}
		}
		topSeen += len(ns)
	}
	if topSeen != th.TopLevel() {
		t.Fatalf("pages hold %d threads, TopLevel %d", topSeen, th.TopLevel())
	}
	if len(seen) != len(cs) {
		t.Fatalf("%d of %d comments shown", len(seen), len(cs))
	}
	for i := range cs {
		if !seen[&cs[i]] {
			t.Fatalf("comment %d (row %d) not shown", cs[i].ID, i)
		}
		if th.Find(cs[i].ID) == nil {
			t.Fatalf("Find(%d) = nil", cs[i].ID)
		}
	}
	if len(th.Page(0, 7)) != 0 || len(th.Page(pages+1, 7)) != 0 {
		t.Fatal("out-of-range page not empty")
	}
}

func allBelow(n *ThreadNode) []*ThreadNode {
	out := []*ThreadNode{n}
	for i := 0; i < len(out); i++ {
		out = append(out, out[i].Children...)
	}
	return out
}

func TestBuildThreadBasic(t *testing.T) {
	cs := []Comment{tc(1, 0), tc(2, 1), tc(3, 0), tc(4, 2), tc(5, 1), tc(6, 3)}
	th := BuildThread(cs, 5, false)
	checkThread(t, th, cs, 5)
	if got, want := render(th.Page(1, 0)), "1(2(4) 5) 3(6)"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if th.Count() != 6 || th.TopLevel() != 2 {
		t.Fatalf("Count %d TopLevel %d", th.Count(), th.TopLevel())
	}
	n5 := th.Find(5)
	if n5.Number != 2 || n5.Depth != 2 || n5.Parent != th.Find(1) || n5.Comment != &cs[4] {
		t.Fatalf("node 5: %+v", n5)
	}
	if th.Find(3).Number != 2 || th.Find(4).Depth != 3 {
		t.Fatal("numbers/depths")
	}
	if th.Find(99) != nil {
		t.Fatal("Find(99) not nil")
	}
}

func TestBuildThreadEmpty(t *testing.T) {
	for _, cs := range [][]Comment{nil, {}} {
		th := BuildThread(cs, 5, false)
		if th.Count() != 0 || th.TopLevel() != 0 || th.Pages(10) != 1 || th.Pages(0) != 1 {
			t.Fatal("empty thread counts")
		}
		if len(th.Page(1, 10)) != 0 || th.PageOf(1, 10) != 0 || th.Find(1) != nil {
			t.Fatal("empty thread lookups")
		}
	}
}

func TestBuildThreadOrphans(t *testing.T) {
	tests := []struct {
		name string
		cs   []Comment
		want string
	}{
		{"missing parent", []Comment{tc(1, 0), tc(2, 99), tc(3, 1)}, "1(3) 2!"},
		{"missing parent keeps its replies", []Comment{tc(1, 0), tc(2, 99), tc(3, 2), tc(4, 1)}, "1(4) 2!(3)"},
		{"negative parent", []Comment{tc(1, -5)}, "1!"},
		{"self parent", []Comment{tc(1, 0), tc(2, 2), tc(3, 2)}, "1 2!(3)"},
		{"two-cycle", []Comment{tc(1, 2), tc(2, 1), tc(3, 0)}, "1! 2! 3"},
		{"two-cycle with a tail", []Comment{tc(1, 2), tc(2, 1), tc(3, 1), tc(4, 3)}, "1!(3(4)) 2!"},
		{"three-cycle reached from a chain", []Comment{tc(1, 0), tc(2, 4), tc(3, 2), tc(4, 3), tc(5, 4), tc(6, 5)}, "1 2! 3! 4!(5(6))"},
		{"orphan sorted among roots by date", []Comment{tc(1, 0), tc(2, 1), tc(3, 50), tc(4, 0)}, "1(2) 3! 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := BuildThread(tt.cs, 5, false)
			checkThread(t, th, tt.cs, 5)
			if got := render(th.Page(1, 0)); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestBuildThreadDuplicateIDs(t *testing.T) {
	// Corrupt data: two rows with id 2. Both are shown; replies and Find go to the older.
	cs := []Comment{tc(1, 0), tc(2, 1), tc(3, 2)}
	dup := tc(2, 0)
	dup.CreatedAt = threadEpoch.Add(10 * time.Minute)
	cs = append(cs, dup)
	th := BuildThread(cs, 5, false)
	checkThread(t, th, cs, 5)
	if got, want := render(th.Page(1, 0)), "1(2(3)) 2"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if th.Find(2).Comment != &cs[1] {
		t.Fatal("Find(2) is not the oldest row")
	}
}

func TestBuildThreadUnsorted(t *testing.T) {
	sorted := []Comment{tc(1, 0), tc(2, 1), tc(3, 0), tc(4, 2), tc(5, 1), tc(6, 3), tc(7, 0)}
	want := render(BuildThread(sorted, 3, false).Page(1, 0))
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20; i++ {
		cs := slices.Clone(sorted)
		r.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
		th := BuildThread(cs, 3, false)
		checkThread(t, th, cs, 3)
		if got := render(th.Page(1, 0)); got != want {
			t.Fatalf("shuffled %v: got %s, want %s", ids(cs), got, want)
		}
	}
	// Equal times order by id; the input slice itself is not reordered.
	same := []Comment{{ID: 3}, {ID: 1}, {ID: 2, ParentID: 3}}
	th := BuildThread(same, 5, false)
	if got := render(th.Page(1, 0)); got != "1 3(2)" {
		t.Fatalf("equal times: %s", got)
	}
	if same[0].ID != 3 {
		t.Fatal("input slice was reordered")
	}
}

func ids(cs []Comment) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func TestBuildThreadDepthLimits(t *testing.T) {
	cs := chain(10) // the WordPress theme unit test's ten-level thread
	tests := []struct {
		maxDepth int
		want     string
	}{
		{-1, "1x 2^x 3^x 4^x 5^x 6^x 7^x 8^x 9^x 10^x"},
		{0, "1x 2^x 3^x 4^x 5^x 6^x 7^x 8^x 9^x 10^x"},
		{1, "1x 2^x 3^x 4^x 5^x 6^x 7^x 8^x 9^x 10^x"},
		{2, "1(2x 3^x 4^x 5^x 6^x 7^x 8^x 9^x 10^x)"},
		{3, "1(2(3x 4^x 5^x 6^x 7^x 8^x 9^x 10^x))"},
		{5, "1(2(3(4(5x 6^x 7^x 8^x 9^x 10^x))))"},
		{10, "1(2(3(4(5(6(7(8(9(10x)))))))))"},
		{11, "1(2(3(4(5(6(7(8(9(10)))))))))"},
	}
	for _, tt := range tests {
		th := BuildThread(cs, tt.maxDepth, false)
		checkThread(t, th, cs, tt.maxDepth)
		if got := render(th.Page(1, 0)); got != tt.want {
			t.Errorf("maxDepth %d: got %s, want %s", tt.maxDepth, got, tt.want)
		}
	}
	th := BuildThread(cs, 3, false)
	if n := th.Find(7); n.Depth != 3 || n.Number != 5 || n.Parent != th.Find(6) || !n.Flattened {
		t.Fatalf("node 7: depth %d number %d flattened %v", n.Depth, n.Number, n.Flattened)
	}
}

func TestBuildThreadFlatteningOrder(t *testing.T) {
	// 1
	// ├ 2
	// │ ├ 3
	// │ │ ├ 4
	// │ │ └ 7
	// │ └ 5
	// └ 6
	cs := []Comment{tc(1, 0), tc(2, 1), tc(3, 2), tc(4, 3), tc(5, 2), tc(6, 1), tc(7, 3), tc(8, 0)}
	tests := []struct {
		maxDepth int
		want     string
	}{
		// Walker_Comment: a max-depth node's descendants follow it, depth first, oldest first.
		{2, "1(2x 3^x 4^x 7^x 5^x 6x) 8"},
		{3, "1(2(3x 4^x 7^x 5x) 6) 8"},
		{4, "1(2(3(4x 7x) 5) 6) 8"},
		// Threading off: date order, not depth-first order.
		{1, "1x 2^x 3^x 4^x 5^x 6^x 7^x 8x"},
	}
	for _, tt := range tests {
		th := BuildThread(cs, tt.maxDepth, false)
		checkThread(t, th, cs, tt.maxDepth)
		if got := render(th.Page(1, 0)); got != tt.want {
			t.Errorf("maxDepth %d: got %s, want %s", tt.maxDepth, got, tt.want)
		}
	}
	// Replies are numbered within their displayed parent, flattened ones included.
	th := BuildThread(cs, 2, false)
	var nums []int
	for _, c := range th.Find(1).Children {
		nums = append(nums, c.Number)
	}
	if !slices.Equal(nums, []int{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("numbers %v", nums)
	}
}

func TestBuildThreadNewestFirst(t *testing.T) {
	cs := []Comment{tc(1, 0), tc(2, 1), tc(3, 0), tc(4, 1), tc(5, 0), tc(6, 3)}
	th := BuildThread(cs, 5, true)
	checkThread(t, th, cs, 5)
	if got, want := render(th.Page(1, 0)), "5 3(6) 1(2 4)"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if th.Find(5).Number != 1 || th.Find(1).Number != 3 {
		t.Fatal("top-level numbers should follow display order")
	}
	if th.PageOf(2, 2) != 2 || th.PageOf(5, 2) != 1 {
		t.Fatalf("PageOf newest first: %d %d", th.PageOf(2, 2), th.PageOf(5, 2))
	}
	// Threading off and newest first: all comments, newest first.
	th = BuildThread(cs, 1, true)
	checkThread(t, th, cs, 1)
	if got, want := render(th.Page(1, 0)), "6^x 5x 4^x 3x 2^x 1x"; got != want {
		t.Fatalf("flat newest first: got %s, want %s", got, want)
	}
}

func TestThreadPagination(t *testing.T) {
	// Five threads: top-level 1, 3, 5, 7, 9, each with one reply (id+1).
	var cs []Comment
	for i := int64(1); i <= 9; i += 2 {
		cs = append(cs, tc(i, 0), tc(i+1, i))
	}
	th := BuildThread(cs, 5, false)
	checkThread(t, th, cs, 5)
	if th.TopLevel() != 5 || th.Count() != 10 {
		t.Fatalf("TopLevel %d Count %d", th.TopLevel(), th.Count())
	}
	tests := []struct {
		perPage, pages int
		pageTexts      []string
	}{
		{2, 3, []string{"1(2) 3(4)", "5(6) 7(8)", "9(10)"}},
		{5, 1, []string{"1(2) 3(4) 5(6) 7(8) 9(10)"}},
		{50, 1, []string{"1(2) 3(4) 5(6) 7(8) 9(10)"}},
		{0, 1, []string{"1(2) 3(4) 5(6) 7(8) 9(10)"}},
		{-3, 1, []string{"1(2) 3(4) 5(6) 7(8) 9(10)"}},
		{1, 5, []string{"1(2)", "3(4)", "5(6)", "7(8)", "9(10)"}},
	}
	for _, tt := range tests {
		if got := th.Pages(tt.perPage); got != tt.pages {
			t.Errorf("Pages(%d) = %d, want %d", tt.perPage, got, tt.pages)
		}
		for i, want := range tt.pageTexts {
			if got := render(th.Page(i+1, tt.perPage)); got != want {
				t.Errorf("Page(%d, %d) = %s, want %s", i+1, tt.perPage, got, want)
			}
		}
		for _, p := range []int{-1, 0, tt.pages + 1, 1 << 40} {
			if got := th.Page(p, tt.perPage); len(got) != 0 {
				t.Errorf("Page(%d, %d) = %d nodes, want none", p, tt.perPage, len(got))
			}
		}
	}
	// Top-level numbers continue across pages.
	if p2 := th.Page(2, 2); p2[0].Number != 3 || p2[1].Number != 4 || p2[0].Children[0].Number != 1 {
		t.Fatalf("page 2 numbers %d %d", p2[0].Number, p2[1].Number)
	}
	for id, want := range map[int64]int{1: 1, 2: 1, 3: 1, 4: 1, 5: 2, 6: 2, 9: 3, 10: 3, 99: 0} {
		if got := th.PageOf(id, 2); got != want {
			t.Errorf("PageOf(%d, 2) = %d, want %d", id, got, want)
		}
	}
	if th.PageOf(10, 0) != 1 || th.PageOf(99, 0) != 0 {
		t.Fatal("PageOf with perPage 0")
	}
}

func TestThreadPaginationThreadingOff(t *testing.T) {
	cs := []Comment{tc(1, 0), tc(2, 1), tc(3, 0), tc(4, 2)}
	th := BuildThread(cs, 1, false)
	checkThread(t, th, cs, 1)
	if th.TopLevel() != 4 || th.Pages(3) != 2 || th.PageOf(4, 3) != 2 {
		t.Fatalf("TopLevel %d Pages %d PageOf %d", th.TopLevel(), th.Pages(3), th.PageOf(4, 3))
	}
	if n := th.Find(4); n.Parent != th.Find(2) || !n.Flattened || n.Number != 4 {
		t.Fatalf("node 4: %+v", n)
	}
}

// randomThread makes n comments whose parents are random earlier comments (or none).
func randomThread(n int, seed uint64) []Comment {
	r := rand.New(rand.NewPCG(seed, 7))
	cs := make([]Comment, n)
	for i := range cs {
		var parent int64
		if i > 0 && r.IntN(3) > 0 {
			parent = int64(r.IntN(i) + 1)
		}
		cs[i] = tc(int64(i+1), parent)
	}
	return cs
}

func TestBuildThreadLarge(t *testing.T) {
	for _, n := range []int{10_000, 100_000} {
		cs := randomThread(n, uint64(n))
		for _, maxDepth := range []int{1, 3, 5, 10} {
			th := BuildThread(cs, maxDepth, maxDepth == 3)
			checkThread(t, th, cs, maxDepth)
		}
	}
	// A 100,000-deep chain: flattening must not recurse.
	cs := chain(100_000)
	th := BuildThread(cs, 5, false)
	checkThread(t, th, cs, 5)
	if n := len(th.Find(4).Children); n != 100_000-4 {
		t.Fatalf("flattened under 4: %d", n)
	}
	// And a 100,000-long cycle.
	cs[0].ParentID = int64(len(cs))
	th = BuildThread(cs, 5, false)
	checkThread(t, th, cs, 5)
	if th.TopLevel() != len(cs) {
		t.Fatalf("cycle: TopLevel %d", th.TopLevel())
	}
}

// BenchmarkBuildThread shows the build is linear: compare ns/op with BenchmarkBuildThread100k
// (10x the comments should cost about 10x, not 100x). Wall-clock assertions would be flaky on
// shared machines, so linearity is left to the benchmarks.
func BenchmarkBuildThread(b *testing.B) {
	cs := randomThread(10_000, 42)
	b.ReportAllocs()
	for b.Loop() {
		BuildThread(cs, 5, false)
	}
}

func BenchmarkBuildThread100k(b *testing.B) {
	cs := randomThread(100_000, 42)
	b.ReportAllocs()
	for b.Loop() {
		BuildThread(cs, 5, false)
	}
}

func FuzzBuildThread(f *testing.F) {
	f.Add([]byte{}, uint8(5), false)
	f.Add([]byte{0, 1, 2, 3}, uint8(5), false)
	f.Add([]byte{2, 1, 0, 9, 9, 4}, uint8(1), true)
	f.Add([]byte{1, 2, 3, 1}, uint8(3), false) // cycles
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, uint8(10), false)
	f.Fuzz(func(t *testing.T, data []byte, depth uint8, newestFirst bool) {
		// Each pair of bytes is one comment: its parent (an id in 0..n+1, so missing,
		// self, forward and cyclic parents all occur) and its time (unsorted, with ties).
		// A high bit in the time byte duplicates the previous id.
		n := len(data) / 2
		cs := make([]Comment, n)
		for i := range cs {
			p, tm := data[2*i], data[2*i+1]
			id := int64(i + 1)
			if tm&0x80 != 0 && i > 0 {
				id = cs[i-1].ID
			}
			cs[i] = Comment{
				ID:        id,
				ParentID:  int64(int(p) % (n + 2)),
				CreatedAt: threadEpoch.Add(time.Duration(tm&0x7f) * time.Second),
			}
		}
		maxDepth := int(depth%12) - 1
		th := BuildThread(cs, maxDepth, newestFirst)
		checkThread(t, th, cs, maxDepth)
	})
}
