package comments

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/testdb"
)

// TestRateLimitHoldsAcrossNodes: one address sending comments through two nodes (two
// services, each with its own connections to the same database) gets the site's limit per
// minute in total, not the limit per node; refused comments leave no row; another address is
// unaffected; and once the window has moved on (an injected clock) the address may comment
// again. On the old code each node kept its own in-memory limiter, so twice the limit got
// through.
func TestRateLimitHoldsAcrossNodes(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		var now atomic.Pointer[time.Time]
		start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		now.Store(&start)
		clock := func() time.Time { return *now.Load() }
		advance := func(d time.Duration) { t := clock().Add(d); now.Store(&t) }

		nodes, st := twoNodes(t, dsn, clock)
		const limit = 3
		setDiscussion(t, st, func(d *broadside.Discussion) {
			d.ModerationMode = broadside.ModeratePublish
			d.RateLimitPerMinute = limit
			d.MinSubmitSeconds = 0
		})
		p := seedPost(t, st, start.Add(-time.Hour))

		var seq atomic.Int64
		// burst sends n comments from ip at once, alternating nodes, and returns how many
		// were accepted; every refusal must be the rate limit, saying when to retry.
		burst := func(ip string, n int) int {
			t.Helper()
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				node := nodes[i%2]
				sub := Submission{PostID: p.ID, Author: "Pat", Email: "pat@example.net", IP: ip, Via: ViaForm,
					Body: fmt.Sprintf("Comment %d", seq.Add(1)), Stamp: node.Stamp(p.ID, false)}
				wg.Add(1)
				go func() { defer wg.Done(); _, errs[i] = node.Submit(ctx, sub) }()
			}
			wg.Wait()
			ok := 0
			for i, err := range errs {
				switch {
				case err == nil:
					ok++
				case broadside.ErrorCode(err) != broadside.ETOOMANYREQUEST:
					t.Errorf("submission %d from %s: %v", i, ip, err)
				case broadside.RetryAfter(err) <= 0 || broadside.RetryAfter(err) > time.Minute+5*time.Second:
					t.Errorf("submission %d from %s: retry after %v", i, ip, broadside.RetryAfter(err))
				}
			}
			return ok
		}
		stored := func() int {
			t.Helper()
			cs, err := st.ThreadComments(ctx, p.ID, broadside.CommentStatuses, nil)
			if err != nil {
				t.Fatal(err)
			}
			return len(cs)
		}

		if got := burst("192.0.2.1", 4*limit); got != limit {
			t.Fatalf("one address through two nodes: %d comments accepted, want the site's limit %d", got, limit)
		}
		if got := stored(); got != limit {
			t.Fatalf("%d comments stored after %d were accepted: a refused comment must write nothing", got, limit)
		}
		if got := burst("198.51.100.7", 1); got != 1 {
			t.Fatalf("another address was refused: %d of 1 accepted", got)
		}
		// Half a minute later the first comments are still in the window.
		advance(30 * time.Second)
		if got := burst("192.0.2.1", 2); got != 0 {
			t.Fatalf("%d comments accepted 30 s into the window, want 0", got)
		}
		// Past the window (one minute plus one 4 s bucket) the address may comment again,
		// up to the limit: refused attempts were not counted against it.
		advance(35 * time.Second)
		if got := burst("192.0.2.1", 2*limit); got != limit {
			t.Fatalf("after the window moved on: %d comments accepted, want %d", got, limit)
		}
		if got := stored(); got != 2*limit+1 {
			t.Fatalf("%d comments stored, want %d", got, 2*limit+1)
		}
	})
}
