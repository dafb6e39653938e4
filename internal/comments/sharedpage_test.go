package comments

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/testdb"
)

// shapeOf writes the nodes of a page as the page renders them: ids, depth, flattening and
// reply links, children in order.
func shapeOf(nodes []*broadside.ThreadNode) string {
	var b strings.Builder
	var walk func([]*broadside.ThreadNode)
	walk = func(ns []*broadside.ThreadNode) {
		for _, n := range ns {
			fmt.Fprintf(&b, "%d/%d/%v/%v", n.Comment.ID, n.Depth, n.Flattened, n.CanReply)
			if n.Parent != nil {
				fmt.Fprintf(&b, "^%d", n.Parent.Comment.ID)
			}
			if len(n.Children) > 0 {
				b.WriteString("(")
				walk(n.Children)
				b.WriteString(")")
			}
			b.WriteString(" ")
		}
	}
	walk(nodes)
	return b.String()
}

// TestSharedPageMatchesThread: the page read by SQL alone (the page's top-level threads, then
// their replies) is the page of the whole thread, over random discussions with held, spam
// and trashed parents (their approved replies shown as orphans), deep replies flattened at
// the maximum depth, newest or oldest first; and a post where a comment replies to a later
// one is left to the whole thread.
func TestSharedPageMatchesThread(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		st := openStore(t, dsn)
		svc := &Service{Store: st, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Settings: st.LoadSettings}
		rnd := rand.New(rand.NewPCG(7, 11))
		statuses := []broadside.CommentStatus{broadside.CommentApproved, broadside.CommentApproved, broadside.CommentApproved,
			broadside.CommentApproved, broadside.CommentPending, broadside.CommentSpam, broadside.CommentTrash}
		first := seedPost(t, st, now.Add(-time.Hour))
		newPost := func(i int) *broadside.Post {
			p := &broadside.Post{Type: broadside.TypePost, AuthorID: first.AuthorID, Title: "T", Slug: fmt.Sprintf("t%d", i),
				BodyFormat: "markdown", Status: broadside.StatusPublished, PublishedAt: now.Add(-time.Hour), CommentsOpen: true}
			if err := st.CreatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		rounds := 40
		if strings.HasPrefix(dsn, "postgres") {
			rounds = 10
		}
		for round := range rounds {
			p := newPost(round)
			var ids []int64
			for range rnd.IntN(90) {
				parent := int64(0)
				if len(ids) > 0 && rnd.IntN(3) != 0 {
					parent = ids[rnd.IntN(len(ids))]
				}
				c := &broadside.Comment{PostID: p.ID, ParentID: parent, Kind: broadside.KindComment, AuthorName: "R",
					AuthorEmail: "r@example.org", RawBody: "b", Status: statuses[rnd.IntN(len(statuses))],
					CreatedAt: now.Add(-time.Duration(rnd.IntN(3000)) * time.Second)}
				if err := st.CreateComment(ctx, c); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
			post, err := st.PostByID(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			d := broadside.Discussion{MaxDepth: 2 + rnd.IntN(5), PerPage: 1 + rnd.IntN(8), NewestFirst: rnd.IntN(2) == 0}
			whole, err := svc.Thread(ctx, post, nil, d)
			if err != nil {
				t.Fatal(err)
			}
			for page := 1; page <= whole.Pages(d.PerPage)+1; page++ {
				dp, ok, err := svc.SharedPage(ctx, post, page, d)
				if err != nil || !ok {
					t.Fatalf("round %d page %d: ok %v, %v", round, page, ok, err)
				}
				if dp.Pages != whole.Pages(d.PerPage) {
					t.Fatalf("round %d (%+v): %d pages, the thread has %d", round, d, dp.Pages, whole.Pages(d.PerPage))
				}
				want := whole.Page(page, d.PerPage)
				if page > whole.Pages(d.PerPage) || len(want) == 0 {
					if dp.Thread != nil && dp.Thread.TopLevel() > 0 {
						t.Fatalf("round %d: page %d past the end has %d threads", round, page, dp.Thread.TopLevel())
					}
					continue
				}
				got := dp.Thread.Page(1, 0)
				if g, w := shapeOf(got), shapeOf(want); g != w {
					t.Fatalf("round %d (%+v) page %d:\n got %s\nwant %s", round, d, page, g, w)
				}
				if dp.First != want[0].Number {
					t.Fatalf("round %d page %d: first number %d, want %d", round, page, dp.First, want[0].Number)
				}
			}
		}

		// A comment replying to a later one (an import's data can close a cycle): the whole
		// thread decides.
		p := newPost(-1)
		a := &broadside.Comment{PostID: p.ID, Kind: broadside.KindComment, AuthorName: "A", RawBody: "a", Status: broadside.CommentApproved, CreatedAt: now.Add(-time.Minute)}
		if err := st.CreateComment(ctx, a); err != nil {
			t.Fatal(err)
		}
		b := &broadside.Comment{PostID: p.ID, ParentID: a.ID, Kind: broadside.KindComment, AuthorName: "B", RawBody: "b", Status: broadside.CommentApproved, CreatedAt: now}
		if err := st.CreateComment(ctx, b); err != nil {
			t.Fatal(err)
		}
		a.ParentID = b.ID
		if err := st.UpdateComment(ctx, a); err != nil {
			t.Fatal(err)
		}
		post, _ := st.PostByID(ctx, p.ID)
		if _, ok, err := svc.SharedPage(ctx, post, 1, broadside.Discussion{MaxDepth: 5, PerPage: 1}); ok || err != nil {
			t.Fatalf("a parent cycle: ok %v, %v; want the whole thread", ok, err)
		}
	})
}
