package comments

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// openStore opens and migrates a store on dsn; it is closed when the test ends.
func openStore(t *testing.T, dsn string) *store.Store {
	t.Helper()
	st := testdb.Open(t, dsn)
	return st
}

// twoNodes opens two services on the same database, each with its own connections, as two
// nodes of one site would; it returns them and one of their stores.
func twoNodes(t *testing.T, dsn string, clock func() time.Time) ([2]*Service, *store.Store) {
	t.Helper()
	var nodes [2]*Service
	var st *store.Store
	for i := range nodes {
		st = openStore(t, dsn)
		nodes[i] = newService(st, clock)
	}
	return nodes, st
}

// newService is a comment service on st with the clock, a silent log and the site's settings.
func newService(st *store.Store, clock func() time.Time) *Service {
	return &Service{Store: st, Now: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Settings: st.LoadSettings, Secret: []byte("the same secret on every node")}
}

// setDiscussion changes the site's discussion settings through edit.
func setDiscussion(t *testing.T, st *store.Store, edit func(d *broadside.Discussion)) {
	t.Helper()
	ctx := context.Background()
	set, err := st.LoadSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	edit(&set.Discussion)
	if err := st.SaveSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
}

// seedPost creates an admin and a post by them, published at publishedAt and open for comments.
func seedPost(t *testing.T, st *store.Store, publishedAt time.Time) *broadside.Post {
	t.Helper()
	ctx := context.Background()
	u := &broadside.User{Email: "a@example.org", Login: "a", Role: broadside.RoleAdmin}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	p := &broadside.Post{Type: broadside.TypePost, AuthorID: u.ID, Title: "T", Slug: "t", BodyFormat: "markdown",
		Status: broadside.StatusPublished, PublishedAt: publishedAt, CommentsOpen: true}
	if err := st.CreatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	return p
}
