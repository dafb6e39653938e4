package comments

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
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
		nodes, st := twoNodes(t, dsn, clock)
		setDiscussion(t, st, func(d *broadside.Discussion) {
			d.ModerationMode = broadside.ModeratePublish
			d.RateLimitPerMinute = 1000
			d.MinSubmitSeconds = 0
		})
		p := seedPost(t, st, now.Add(-time.Hour))
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
