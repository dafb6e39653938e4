package comments

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// countingStore counts transactions, to see that concurrent writes share them.
type countingStore struct {
	*store.Store
	txs atomic.Int64
}

func (c *countingStore) InTx(ctx context.Context, fn func(tx *store.Store) error) error {
	c.txs.Add(1)
	return c.Store.InTx(ctx, fn)
}

func TestGroupCommitSharesTransactionsAndIsolatesFailures(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := openStore(t, dsn)
		p := seedPost(t, st, time.Now())
		cs := &countingStore{Store: st}
		var g groupCommit
		const n = 60
		boom := errors.New("this write fails")
		// write sends n comments at once. Write 0 goes first and holds its transaction until
		// the other n-1 are queued behind it, as they are when a post goes viral: how many
		// arrive during one commit must not depend on how busy the machine is.
		write := func(fail int) []error {
			errs := make([]error, n)
			var wg sync.WaitGroup
			leading, release := make(chan struct{}), make(chan struct{})
			send := func(i int) {
				defer wg.Done()
				c := &broadside.Comment{PostID: p.ID, Kind: broadside.KindComment, AuthorName: "r", RawBody: "x",
					Status: broadside.CommentApproved, CreatedAt: time.Now()}
				first := i == 0
				errs[i] = g.run(ctx, cs, func(tx *store.Store, _ *batch) error {
					if first {
						first = false
						close(leading)
						<-release
					}
					c.ID = 0
					if err := tx.CreateComment(ctx, c); err != nil {
						return err
					}
					if i == fail {
						return boom
					}
					return nil
				})
			}
			wg.Add(n)
			go send(0)
			<-leading
			for i := 1; i < n; i++ {
				go send(i)
			}
			deadline := time.Now().Add(time.Minute)
			for queued := 0; queued < n-1; {
				g.mu.Lock()
				queued = len(g.pending)
				g.mu.Unlock()
				if time.Now().After(deadline) {
					t.Fatalf("only %d of %d writes queued behind the first after a minute", queued, n-1)
				}
				time.Sleep(time.Millisecond)
			}
			close(release)
			wg.Wait()
			return errs
		}
		// Concurrent writes share transactions.
		for i, err := range write(-1) {
			if err != nil {
				t.Fatalf("write %d: %v", i, err)
			}
		}
		if txs := cs.txs.Load(); txs != 2 {
			t.Fatalf("%d concurrent writes took %d transactions, want 2 (the first, then the %d queued behind it)", n, txs, n-1)
		}
		t.Logf("%d concurrent writes in %d transactions", n, cs.txs.Load())
		// A failing write fails alone; its neighbours are committed.
		for i, err := range write(7) {
			if (i == 7) != errors.Is(err, boom) {
				t.Fatalf("write %d: %v", i, err)
			}
		}
		got, err := st.ThreadComments(ctx, p.ID, []broadside.CommentStatus{broadside.CommentApproved}, nil)
		if err != nil || len(got) != 2*n-1 {
			t.Fatalf("%d comments stored, want %d (%v)", len(got), 2*n-1, err)
		}
		post, _ := st.PostByID(ctx, p.ID)
		if post.CommentCount != 2*n-1 {
			t.Fatalf("comment count %d, want %d", post.CommentCount, 2*n-1)
		}
	})
}

// TestGroupCommitSurvivesAPanic: a write that panics fails alone with an error, and the next
// writes are still committed. Before, the panic left the group without a leader for good (net/http
// recovers a handler's panic), so every later comment on the site waited forever.
func TestGroupCommitSurvivesAPanic(t *testing.T) {
	st := openStore(t, testdb.SQLite(t))
	var g groupCommit
	if err := runWithin(t, &g, st, func(*store.Store, *batch) error { panic("a bug in one write") },
		"the panicking write never returned"); err == nil || !strings.Contains(err.Error(), "a bug in one write") {
		t.Fatalf("the panicking write returned %v, want an error naming the panic", err)
	}
	if err := runWithin(t, &g, st, func(*store.Store, *batch) error { return nil },
		"the write after a panicking one never returned: the group lost its leader"); err != nil {
		t.Fatalf("the write after the panic: %v", err)
	}
}

// TestGroupCommitSurvivesAPanicAfterTheCommit: a panic in the leader outside the writes
// themselves — here in the store's change hook (the app's cache purge), which runs inside
// InTx once the batch has committed — is that batch's error, and the group keeps a leader.
// Before, the panic unwound the leader with the group still marked as led, so every later
// comment on the site waited forever (the shape of the hung internal/web run in CI).
func TestGroupCommitSurvivesAPanicAfterTheCommit(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, testdb.SQLite(t))
	var panicked atomic.Bool
	st.OnChanged(func([]string) {
		if panicked.CompareAndSwap(false, true) {
			panic("a bug in the change hook")
		}
	})
	var g groupCommit
	announce := func(tx *store.Store, _ *batch) error { return tx.NotifyChanged(ctx, "post-1") }
	if err := runWithin(t, &g, st, announce, "the write whose commit panicked never returned"); err == nil ||
		!strings.Contains(err.Error(), "a bug in the change hook") {
		t.Errorf("the write whose commit panicked returned %v, want an error naming the panic", err)
	}
	if err := runWithin(t, &g, st, announce, "the write after a panicking commit never returned: the group lost its leader"); err != nil {
		t.Fatalf("the write after the panic: %v", err)
	}
}

// runWithin runs fn through g on a goroutine of its own, as a request's handler would, and
// returns its error; a panic that reaches the caller is recovered (as net/http does) and
// returned as an error. When fn has not returned after a minute, t fails with never.
func runWithin(t *testing.T, g *groupCommit, st Store, fn func(*store.Store, *batch) error, never string) error {
	t.Helper()
	finished := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				finished <- errors.New("the panic unwound the leader")
			}
		}()
		finished <- g.run(context.Background(), st, fn)
	}()
	select {
	case err := <-finished:
		return err
	case <-time.After(time.Minute):
		t.Fatal(never)
		return nil
	}
}
