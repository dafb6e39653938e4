package comments

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/broadside/broadside/internal/store"
)

// groupCommit batches concurrent comment writes into one transaction. Durability costs an
// fsync per commit (synchronous=FULL on SQLite, WAL flush on PostgreSQL); when a post goes
// viral, comments arrive faster than one fsync each allows. The first writer to arrive
// becomes the leader and commits everything queued while the previous commit ran; the others
// wait for that commit, so each request is still acknowledged only after its comment is on
// disk. No goroutine outlives a request.
type groupCommit struct {
	mu      sync.Mutex
	pending []*groupWrite
	leading bool
}

type groupWrite struct {
	fn       func(tx *store.Store, b *batch) error
	done     chan error
	answered bool // done was sent to; only the leader reads and sets it
}

// batch is what the writes sharing one transaction share.
type batch struct {
	done map[string]bool
}

// once reports whether key is new in this transaction: work that is the same for every write
// of a batch (queueing the post's held-comment notice) is done by the first one only.
func (b *batch) once(key string) bool {
	if b.done[key] {
		return false
	}
	if b.done == nil {
		b.done = map[string]bool{}
	}
	b.done[key] = true
	return true
}

// maxBatch bounds one transaction, so one slow batch cannot hold the writer for long.
const maxBatch = 64

// run executes fn in a transaction shared with other concurrent callers. fn must be safe to
// run twice: when a shared transaction fails, each write is retried alone so one bad write
// cannot fail its neighbours.
func (g *groupCommit) run(ctx context.Context, st Store, fn func(tx *store.Store, b *batch) error) error {
	w := &groupWrite{fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, w)
	if g.leading {
		g.mu.Unlock()
		return <-w.done
	}
	g.leading = true
	// The batch must not fail because the leader's client went away.
	ctx = context.WithoutCancel(ctx)
	for len(g.pending) > 0 {
		n := min(len(g.pending), maxBatch)
		batch := g.pending[:n:n]
		g.pending = g.pending[n:]
		g.mu.Unlock()
		commitBatch(ctx, st, batch)
		g.mu.Lock()
	}
	g.leading = false
	g.pending = nil
	g.mu.Unlock()
	return <-w.done
}

// commitBatch answers every write of writes once. A panic in the leader outside the writes
// themselves (in InTx, or in the store's change hook, the app's cache purge, which runs in
// InTx once the batch has committed) is the error of the writes not answered yet: unwinding
// the leader would leave the group led by no one, and every later comment waiting forever.
// (Such a batch may have committed; its writers are told of the failure all the same.)
func commitBatch(ctx context.Context, st Store, writes []*groupWrite) {
	defer func() {
		if r := recover(); r != nil {
			err := fmt.Errorf("comments: a comment commit panicked: %v\n%s", r, debug.Stack())
			for _, w := range writes {
				w.answer(err)
			}
		}
	}()
	if len(writes) > 1 {
		err := st.InTx(ctx, func(tx *store.Store) error {
			// Every write of the batch runs the same statements: on SQLite each is parsed
			// once per batch instead of once per comment (pgx keeps statements prepared
			// itself).
			if tx.Dialect() == store.DialectSQLite {
				cached, release := tx.CachingStatements()
				defer release()
				tx = cached
			}
			b := &batch{}
			for _, w := range writes {
				if err := w.call(tx, b); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			for _, w := range writes {
				w.answer(nil)
			}
			return
		}
	}
	for _, w := range writes {
		w.answer(st.InTx(ctx, func(tx *store.Store) error { return w.call(tx, &batch{}) }))
	}
}

// answer gives the write its outcome, unless it has one already.
func (w *groupWrite) answer(err error) {
	if !w.answered {
		w.answered = true
		w.done <- err
	}
}

// call runs the write, turning a panic into its error: the leader runs other requests'
// writes, and a panic unwinding it would leave them, and every later write, waiting forever.
func (w *groupWrite) call(tx *store.Store, b *batch) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("comments: a comment write panicked: %v\n%s", r, debug.Stack())
		}
	}()
	return w.fn(tx, b)
}
