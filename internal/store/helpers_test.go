package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// t0 is the fixed "now" of the tests; nothing reads the wall clock.
var t0 = time.Date(2024, 3, 10, 12, 30, 15, 123456000, time.UTC)

func openStore(t testing.TB, dsn string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return s
}

// each runs fn against a fresh, migrated store of each dialect.
func each(t *testing.T, fn func(t *testing.T, ctx context.Context, s *store.Store)) {
	t.Helper()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		fn(t, context.Background(), openStore(t, dsn))
	})
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := broadside.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mkUser(t testing.TB, s *store.Store, login string) *broadside.User {
	t.Helper()
	u := &broadside.User{Email: login + "@example.com", Login: login, DisplayName: "User " + login,
		Role: broadside.RoleAuthor, CreatedAt: t0}
	must(t, s.CreateUser(context.Background(), u))
	return u
}

// mkPost creates a published post by author dated at.
func mkPost(t testing.TB, s *store.Store, author *broadside.User, slug string, status broadside.PostStatus, at time.Time, mods ...func(*broadside.Post)) *broadside.Post {
	t.Helper()
	p := &broadside.Post{Type: broadside.TypePost, AuthorID: author.ID, Title: "Title " + slug, Slug: slug,
		RawBody: "Body of " + slug, BodyFormat: broadside.FormatMarkdown, Status: status, PublishedAt: at,
		CreatedAt: t0, UpdatedAt: t0, CommentsOpen: true}
	for _, m := range mods {
		m(p)
	}
	must(t, s.CreatePost(context.Background(), p))
	return p
}

func mkComment(t testing.TB, s *store.Store, postID int64, name string, st broadside.CommentStatus, at time.Time, mods ...func(*broadside.Comment)) *broadside.Comment {
	t.Helper()
	c := &broadside.Comment{PostID: postID, Kind: broadside.KindComment, AuthorName: name,
		AuthorEmail: name + "@example.org", AuthorIP: "192.0.2.1", RawBody: "Hello from " + name,
		Status: st, CreatedAt: at}
	for _, m := range mods {
		m(c)
	}
	must(t, s.CreateComment(context.Background(), c))
	return c
}

func commentCount(t testing.TB, s *store.Store, postID int64) int {
	t.Helper()
	p, err := s.PostByID(context.Background(), postID)
	must(t, err)
	return p.CommentCount
}

func ids[T any](xs []T, id func(T) int64) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func postIDs(ps []broadside.Post) []int64 {
	return ids(ps, func(p broadside.Post) int64 { return p.ID })
}

func commentIDs(cs []broadside.Comment) []int64 {
	return ids(cs, func(c broadside.Comment) int64 { return c.ID })
}
