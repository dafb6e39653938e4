package store_test

// Benchmarks of the store calls on the comment hot paths, on SQLite (the default): what one
// durable write transaction costs (synchronous=FULL: an fsync per commit), what the same
// inserts cost when several share a commit, and the two per-post reads whose cost grows with
// the size of a discussion. See docs/benchmarks.md.
//
//	go test -run '^$' -bench . -benchmem ./internal/store/

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

func benchStore(b *testing.B) (*store.Store, *broadside.Post) {
	b.Helper()
	s := openStore(b, filepath.Join(b.TempDir(), "bench.db"))
	u := mkUser(b, s, "ann")
	return s, mkPost(b, s, u, "post", broadside.StatusPublished, t0)
}

func benchComment(postID int64, i int, st broadside.CommentStatus) *broadside.Comment {
	return &broadside.Comment{PostID: postID, Kind: broadside.KindComment,
		AuthorName: fmt.Sprintf("Reader %d", i), AuthorEmail: fmt.Sprintf("reader%d@example.org", i),
		AuthorIP: "192.0.2.1", RawBody: fmt.Sprintf("Comment number %d, a sentence or two about the post.", i),
		Status: st, CreatedAt: t0.Add(time.Duration(i) * time.Second)}
}

// BenchmarkCreateCommentTx is one comment per transaction, as a comment POST commits it:
// the figure is bounded below by the disk's fsync latency.
func BenchmarkCreateCommentTx(b *testing.B) {
	s, p := benchStore(b)
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		i++
		if err := s.CreateComment(ctx, benchComment(p.ID, i, broadside.CommentPending)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateComment32PerTx inserts 32 comments per transaction and reports the time per
// comment: what grouping concurrent submissions into one commit (group commit) would cost.
func BenchmarkCreateComment32PerTx(b *testing.B) {
	s, p := benchStore(b)
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		err := s.InTx(ctx, func(tx *store.Store) error {
			for range 32 {
				i++
				if err := tx.CreateComment(ctx, benchComment(p.ID, i, broadside.CommentPending)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(i), "ns/comment")
}

// withComments stores n approved comments on p in one transaction.
func withComments(b *testing.B, s *store.Store, p *broadside.Post, n int) {
	b.Helper()
	ctx := context.Background()
	err := s.InTx(ctx, func(tx *store.Store) error {
		for i := range n {
			if err := tx.CreateComment(ctx, benchComment(p.ID, i, broadside.CommentApproved)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkDuplicateComment10k is the duplicate check every comment POST runs, on a post
// that already has 10,000 comments.
func BenchmarkDuplicateComment10k(b *testing.B) {
	s, p := benchStore(b)
	withComments(b, s, p, 10000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		dup, err := s.DuplicateComment(ctx, p.ID, "New Reader", "new@example.org", "A brand new comment.", 0)
		if err != nil || dup {
			b.Fatal(dup, err)
		}
	}
}

// BenchmarkThreadComments10k loads the flat rows of a 10,000-comment discussion, as every
// uncached view of the post (and every comment POST, to find the new comment's page) does.
func BenchmarkThreadComments10k(b *testing.B) {
	s, p := benchStore(b)
	withComments(b, s, p, 10000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		cs, err := s.ThreadComments(ctx, p.ID, nil, []int64{10001})
		if err != nil || len(cs) != 10000 {
			b.Fatal(len(cs), err)
		}
	}
}
