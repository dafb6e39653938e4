package comments

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/testdb"
)

// TestPageWithOwnMatchesThread: the page found from the kept approved thread plus a viewer's
// held comments is the page of the thread built whole (buildVisible + Thread.PageOf), over
// random discussions with replies, orphans (parents held, spam, missing, themselves),
// cycles, newest first, threading off, and held comments replying to held ones.
func TestPageWithOwnMatchesThread(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2026))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	statuses := []broadside.CommentStatus{broadside.CommentApproved, broadside.CommentApproved, broadside.CommentApproved,
		broadside.CommentPending, broadside.CommentSpam}
	fast := 0
	for round := range 3000 {
		n := 1 + rng.IntN(40)
		all := make([]broadside.Comment, n)
		for i := range all {
			c := broadside.Comment{ID: int64(i + 1), Status: statuses[rng.IntN(len(statuses))],
				CreatedAt: base.Add(time.Duration(rng.IntN(n)) * time.Minute)} // ties on time happen
			switch r := rng.IntN(10); {
			case r < 4:
			case r == 4:
				c.ParentID = int64(n + 1 + rng.IntN(3)) // missing
			case r == 5 && rng.IntN(4) == 0:
				c.ParentID = c.ID // itself
			default:
				c.ParentID = int64(1 + rng.IntN(n)) // any, later ones too: cycles are possible
			}
			all[i] = c
		}
		d := broadside.Discussion{MaxDepth: rng.IntN(6), NewestFirst: rng.IntN(2) == 0, PerPage: 1 + rng.IntN(4)}
		var approved, own []broadside.Comment
		var viewer []int64
		for _, c := range all {
			if c.Status == broadside.CommentApproved {
				approved = append(approved, c)
			} else if rng.IntN(2) == 0 {
				own = append(own, c)
				viewer = append(viewer, c.ID)
			}
		}
		sh := &approvedShape{}
		sh.t = buildVisible(slices.Clone(approved), d)
		sh.orphanParents = map[int64]bool{}
		for i := range sh.t.TopLevel() {
			if nd := sh.t.Top(i); nd.Orphan {
				sh.orphanParents[nd.Comment.ParentID] = true
			}
		}
		whole := buildVisible(append(slices.Clone(approved), own...), d)
		for _, c := range all {
			got, ok := sh.pageWithOwn(own, c.ID, d)
			if !ok {
				continue
			}
			fast++
			if want := max(1, whole.PageOf(c.ID, d.PerPage)); got != want {
				t.Fatalf("round %d, comment %d (%+v), viewer %v, %+v: page %d, the whole thread says %d\nrows: %+v",
					round, c.ID, c, viewer, d, got, want, all)
			}
		}
	}
	if fast == 0 {
		t.Fatal("the kept thread never answered")
	}
}

// shapeCountingStore counts the whole-thread reads.
type shapeCountingStore struct {
	Store
	threadShapes atomic.Int64
}

func (c *shapeCountingStore) ThreadShape(ctx context.Context, postID int64, alsoIDs []int64) ([]broadside.Comment, error) {
	c.threadShapes.Add(1)
	return c.Store.ThreadShape(ctx, postID, alsoIDs)
}

// TestPageOfReadsThreadOncePerChange: finding the page of each new held comment on a long
// discussion reads the whole thread once, not once per comment, and again only after a
// change to what is shown (an approval). The held comments are read by key.
func TestPageOfReadsThreadOncePerChange(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		st := openStore(t, dsn)
		cs := &shapeCountingStore{Store: st}
		svc := &Service{Store: cs, Now: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Settings: st.LoadSettings}
		p := seedPost(t, st, now.Add(-time.Hour))
		add := func(parent int64, status broadside.CommentStatus, at time.Time) *broadside.Comment {
			c := &broadside.Comment{PostID: p.ID, ParentID: parent, Kind: broadside.KindComment, AuthorName: "R",
				AuthorEmail: "r@example.org", RawBody: "b", Status: status, CreatedAt: at}
			if err := st.CreateComment(ctx, c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		var first *broadside.Comment
		for i := range 60 {
			c := add(0, broadside.CommentApproved, now.Add(time.Duration(i-100)*time.Minute))
			if i == 0 {
				first = c
			}
		}
		post, err := st.PostByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		d := broadside.Discussion{MaxDepth: 5, PerPage: 10}
		var held []int64
		for i := range 30 {
			parent := int64(0)
			if i%3 == 1 {
				parent = first.ID
			}
			c := add(parent, broadside.CommentPending, now.Add(time.Duration(i)*time.Second))
			held = append(held, c.ID)
			page, err := svc.PageOf(ctx, post, c.ID, d, held)
			if err != nil {
				t.Fatal(err)
			}
			want := 1 // a reply to the first thread
			if parent == 0 {
				want = (60+len(held)-countReplies(i))/10 + 1 - boolInt((60+len(held)-countReplies(i))%10 == 0)
			}
			if page != want {
				t.Fatalf("held comment %d (parent %d): page %d, want %d", i, parent, page, want)
			}
		}
		if n := cs.threadShapes.Load(); n != 1 {
			t.Fatalf("30 held comments read the whole thread %d times, want once", n)
		}
		if _, err := svc.SetStatus(ctx, held[:1], broadside.CommentApproved, &broadside.User{ID: 1, Role: broadside.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.PageOf(ctx, post, held[0], d, nil); err != nil {
			t.Fatal(err)
		}
		if n := cs.threadShapes.Load(); n != 2 {
			t.Fatalf("after an approval the whole thread was read %d times in all, want 2", n)
		}
	})
}

// countReplies returns how many of the first i+1 held comments of the test above are replies.
func countReplies(i int) int { return (i + 2) / 3 }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
