package wpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// authorsCounter is the real store, counting the public-author queries asked of it.
type authorsCounter struct {
	*store.Store
	asked atomic.Int32
}

func (c *authorsCounter) PostAuthors(ctx context.Context, f broadside.PostFilter) (map[int64]bool, error) {
	c.asked.Add(1)
	return c.Store.PostAuthors(ctx, f)
}

type storeUsers struct{ *store.Store }

func (u storeUsers) List(ctx context.Context) ([]broadside.User, error) { return u.ListUsers(ctx) }
func (u storeUsers) ByID(ctx context.Context, id int64) (*broadside.User, error) {
	return u.UserByID(ctx, id)
}

// TestListUsersFillsPublished: the users listing asks once which users are public authors,
// and that answer (true and false alike) is what hasPublished answers later in the same
// response, without asking the store again user by user.
func TestListUsersFillsPublished(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.SQLiteMigrated(t))
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	author := &broadside.User{Email: "ann@example.org", Login: "ann", Role: broadside.RoleAuthor, CreatedAt: now}
	silent := &broadside.User{Email: "bob@example.org", Login: "bob", Role: broadside.RoleAuthor, CreatedAt: now}
	for _, u := range []*broadside.User{author, silent} {
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreatePost(ctx, &broadside.Post{Type: broadside.TypePost, AuthorID: author.ID, Title: "Hello", Slug: "hello",
		Status: broadside.StatusPublished, PublishedAt: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	counter := &authorsCounter{Store: st}
	a := New(Deps{Posts: &posts.Service{Store: counter, Now: func() time.Time { return now }}, Users: storeUsers{st}})
	r := httptest.NewRequest(http.MethodGet, "/wp-json/wp/v2/users", nil)
	q := &req{a: a, w: httptest.NewRecorder(), r: r, ctx: ctx, site: shapeSite{}, method: http.MethodGet,
		route: "/wp/v2/users", st: &state{}}
	if err := q.parseParams(); err != nil {
		t.Fatal(err)
	}
	if _, err := q.listUsers(); err != nil {
		t.Fatal(err)
	}
	if n := counter.asked.Load(); n != 1 {
		t.Fatalf("the listing asked for public authors %d times, want once", n)
	}
	for _, u := range []*broadside.User{author, silent} {
		pub, err := q.hasPublished(u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := u == author; pub != want {
			t.Errorf("hasPublished(%s) = %v, want %v", u.Login, pub, want)
		}
	}
	if n := counter.asked.Load(); n != 1 {
		t.Fatalf("hasPublished asked the store again after the listing: %d queries in all, want 1", n)
	}
}
