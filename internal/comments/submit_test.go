package comments

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestDuplicateCheckHoldsAcrossNodes: two nodes (two services, each with its own connections
// to the same database) receive the same comment many times at once; it is stored once.
// On PostgreSQL only the per-post lock taken in the write transaction makes this true.
func TestDuplicateCheckHoldsAcrossNodes(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		var nodes [2]*Service
		var st *store.Store
		for i := range nodes {
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			st = s
			nodes[i] = &Service{Store: s, Now: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Settings: s.LoadSettings, Secret: []byte("the same secret on every node")}
		}
		set, err := st.LoadSettings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		set.Discussion.ModerationMode = broadside.ModeratePublish
		set.Discussion.RateLimitPerMinute = 1000
		set.Discussion.MinSubmitSeconds = 0
		if err := st.SaveSettings(ctx, set); err != nil {
			t.Fatal(err)
		}
		u := &broadside.User{Email: "a@example.org", Login: "a", Role: broadside.RoleAdmin}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		p := &broadside.Post{Type: broadside.TypePost, AuthorID: u.ID, Title: "T", Slug: "t", BodyFormat: "markdown",
			Status: broadside.StatusPublished, PublishedAt: now.Add(-time.Hour), CommentsOpen: true}
		if err := st.CreatePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		const n = 40
		start := make(chan struct{})
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			node := nodes[i%2]
			sub := Submission{PostID: p.ID, Author: "Pat", Email: "pat@example.net", Body: "Once only", IP: "192.0.2.1",
				Via: ViaForm, Stamp: node.Stamp(p.ID, false)}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = node.Submit(ctx, sub)
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for i, err := range errs {
			switch code := broadside.ErrorCode(err); {
			case err == nil:
				ok++
			case code != broadside.ECONFLICT:
				t.Errorf("submission %d: %v", i, err)
			}
		}
		cs, err := st.ThreadComments(ctx, p.ID, broadside.CommentStatuses, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || ok != 1 {
			t.Fatalf("%d identical comments on two nodes: %d stored, %d accepted; want 1 and 1", n, len(cs), ok)
		}
	})
}
