package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/cputime"
	"github.com/broadside/broadside/internal/store"
)

// BenchmarkImportNewComments writes 40,000 comments 256 to a call on 400 posts in one
// transaction, as the import's writer does into a new site (statements kept, the comments'
// indexes deferred; the rebuild is not counted), and reports the CPU per comment.
//
//	go test -run '^$' -bench 'ImportNew' -count 5 ./internal/store/
func BenchmarkImportNewComments(b *testing.B) {
	const posts, comments, perCall = 400, 40000, 256
	benchImportRows(b, comments, func(ctx context.Context, tx *store.Store, author int64) error {
		var ps []store.ImportedPost
		for i := int64(1); i <= posts; i++ {
			ps = append(ps, store.ImportedPost{Post: benchImportPost(i, author, 100)})
		}
		if err := tx.ImportNewPosts(ctx, ps); err != nil {
			return err
		}
		cs := make([]*broadside.Comment, 0, perCall)
		for i := 1; i <= comments; i++ {
			c := benchComment(int64(1+i%posts), i, broadside.CommentApproved)
			c.ID = int64(i)
			c.AuthorURL = "https://reader.example/"
			c.RawBody = strings.Repeat(c.RawBody+" ", 2)
			cs = append(cs, c)
			if len(cs) == perCall || i == comments {
				if err := tx.ImportNewComments(ctx, cs); err != nil {
					return err
				}
				cs = cs[:0]
			}
		}
		return nil
	})
}

// BenchmarkImportNewPosts writes 2,000 posts of about 3 KB with a category and two tags
// each 64 to a call, as the import's writer does into a new site (the search index
// deferred), and reports the CPU per post.
func BenchmarkImportNewPosts(b *testing.B) {
	const posts, perCall = 2000, 64
	benchImportRows(b, posts, func(ctx context.Context, tx *store.Store, author int64) error {
		var cats []broadside.Category
		for i := range 10 {
			c := &broadside.Category{Name: fmt.Sprint("Category ", i), Slug: fmt.Sprint("category-", i)}
			if err := tx.CreateCategory(ctx, c); err != nil {
				return err
			}
			cats = append(cats, *c)
		}
		tags, err := tx.EnsureTags(ctx, []string{"one", "two", "three", "four", "five", "six", "seven"})
		if err != nil {
			return err
		}
		ps := make([]store.ImportedPost, 0, perCall)
		for i := int64(1); i <= posts; i++ {
			p := benchImportPost(i, author, 3000)
			p.Categories = []broadside.Category{cats[i%10]}
			p.Tags = []broadside.Tag{tags[i%7], tags[(i+3)%7]}
			ps = append(ps, store.ImportedPost{Post: p, SearchBody: strings.ToLower(p.RawBody)})
			if len(ps) == perCall || i == posts {
				if err := tx.ImportNewPosts(ctx, ps); err != nil {
					return err
				}
				ps = ps[:0]
			}
		}
		return nil
	})
}

func benchImportPost(i, author int64, size int) *broadside.Post {
	body := strings.Repeat(fmt.Sprintf("Sentence %d of a post that says something about the news. ", i), size/60+1)
	return &broadside.Post{ID: i, Type: broadside.TypePost, AuthorID: author, Title: fmt.Sprint("Post number ", i),
		Slug: fmt.Sprint("post-number-", i), RawBody: body, BodyFormat: "html", Status: broadside.StatusPublished,
		PublishedAt: t0.Add(time.Duration(i) * time.Minute), CreatedAt: t0, UpdatedAt: t0, CommentsOpen: true,
		GUID: fmt.Sprint("https://big.example/?p=", i)}
}

// benchImportRows runs write n rows in a transaction of a new SQLite store set up as an
// import into a new site sets it up, reports write's CPU per row, and rolls back.
func benchImportRows(b *testing.B, n int, write func(ctx context.Context, tx *store.Store, author int64) error) {
	ctx := context.Background()
	b.StopTimer()
	var cpu time.Duration
	done := errors.New("done")
	for i := 0; i < b.N; i++ {
		s := openStore(b, filepath.Join(b.TempDir(), "bench.db"))
		u := mkUser(b, s, "ann")
		_, err := s.InExclusiveTx(ctx, func(tx *store.Store) error {
			tx, release := tx.CachingStatements()
			defer release()
			if _, err := tx.DeferSearchIndex(ctx); err != nil {
				return err
			}
			for _, t := range []string{"comments", "wp_imports"} {
				if _, _, err := tx.DeferIndexes(ctx, t); err != nil {
					return err
				}
			}
			b.StartTimer()
			before := cputime.Process()
			err := write(ctx, tx, u.ID)
			cpu += cputime.Process() - before
			b.StopTimer()
			if err != nil {
				return err
			}
			return done
		})
		if !errors.Is(err, done) {
			b.Fatal(err)
		}
		s.Close()
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/row")
}
