// Package jobs runs persisted background work: a worker claims due jobs from the database,
// runs their handler, and retries failures with exponential backoff. Jobs survive restarts
// because they are rows, not goroutines; several nodes can run workers on one database.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// Store is what the worker needs from storage.
type Store interface {
	EnqueueJob(ctx context.Context, j *store.Job) error
	ClaimJob(ctx context.Context, kinds []string, worker string, now time.Time, lease time.Duration) (*store.Job, error)
	RenewJob(ctx context.Context, id int64, worker string, now time.Time, lease time.Duration) error
	NextJobAt(ctx context.Context, kinds []string) (time.Time, error)
	CompleteJob(ctx context.Context, id int64, worker string) error
	RetryJob(ctx context.Context, id int64, worker string, runAt time.Time, errMsg string) error
	PauseJob(ctx context.Context, id int64, worker string, runAt time.Time, reason string) error
	FailJob(ctx context.Context, id int64, worker string, errMsg string) error
	// InTx runs fn in one transaction: the job's settling with the writes the handler
	// asked to make with it (WithOutcome).
	InTx(ctx context.Context, fn func(tx *store.Store) error) error
}

// Handler does one job. Returning an error retries the job later, up to its MaxAttempts.
// Handlers must be idempotent: a node that dies mid-job leaves it to be run again. Their
// context ends when the worker loses the job's lease (it could not renew it in time, or
// another worker took the job over): they must then stop, so a job never runs twice at once.
type Handler func(ctx context.Context, payload []byte) error

// Lane is a share of a worker's capacity. Each lane has its own goroutines, so work in one
// lane never waits for work in another: a newsletter to 100,000 people (Bulk) cannot hold
// up a sign-in link (Transactional).
type Lane string

// Lanes.
const (
	// Transactional is for short jobs someone is waiting for: confirmation and sign-in
	// mail, notices to the site's staff, scheduled publishing. The default lane.
	Transactional Lane = "transactional"
	// Bulk is for mail to many people (newsletters, comment notices to a post's followers).
	Bulk Lane = "bulk"
)

// Default timings. A running job's lease is renewed every Heartbeat and lasts Lease, so a
// worker that dies (kill -9, power loss, a partitioned node) gives its jobs up at most Lease
// after its last heartbeat, and an idle worker on this or any node takes them over then
// (it sleeps until the earliest lease ends: NextJobAt). 8 s keeps "a newsletter resumes
// within 10 s of a restart" with room to spare; a heartbeat of a quarter of it means the
// database may stall for up to 6 s (three missed renewals) before a live worker is told to
// stop, which on a healthy database never happens. A renewal is one indexed UPDATE per
// running job every 2 s: nothing next to the work the job itself does. Leases are compared
// on each node's clock, so a node whose clock runs more than 6 s ahead could take over a live
// job (whose handler would then stop at its next renewal): keep clocks in sync.
const (
	DefaultLease     = 8 * time.Second
	DefaultHeartbeat = 2 * time.Second
	DefaultPoll      = 2 * time.Second
)

// Worker claims and runs jobs until its context ends.
type Worker struct {
	Store Store
	Log   *slog.Logger
	Now   func() time.Time
	// Poll is the longest an idle worker waits before looking for due jobs again: work
	// enqueued by other nodes is found within Poll. Work this node enqueues calls Wake, and
	// work due later (retries, expiring leases) is waited for exactly.
	Poll time.Duration
	// Lease is how long a claimed job stays this worker's without a heartbeat; Heartbeat is
	// how often a running job's lease is renewed. Lease must exceed Heartbeat (NewWorker's
	// defaults: DefaultLease, DefaultHeartbeat).
	Lease     time.Duration
	Heartbeat time.Duration
	// Capacity is how many jobs of each lane run at once (lanes not listed: 1).
	Capacity map[Lane]int
	// ID names this worker in the jobs table; it must be unique among live workers, as
	// renewing and settling a job are allowed only to the worker holding it.
	ID string

	mu       sync.Mutex
	handlers map[string]registration
	wake     map[Lane]chan struct{}
}

type registration struct {
	h    Handler
	lane Lane
	// interruptible kinds get a context that also ends when the worker stops.
	interruptible bool
}

// Option adjusts a handler's registration.
type Option func(*registration)

// InLane runs the kind's jobs in lane l (default Transactional).
func InLane(l Lane) Option { return func(r *registration) { r.lane = l } }

// NewWorker returns a worker with sensible defaults.
func NewWorker(s Store, log *slog.Logger, now func() time.Time) *Worker {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &Worker{
		Store: s, Log: log, Now: now,
		Poll: DefaultPoll, Lease: DefaultLease, Heartbeat: DefaultHeartbeat,
		Capacity: map[Lane]int{Transactional: 2, Bulk: 2},
		// The random part keeps IDs apart where host and pid repeat: containers (pid 1 in
		// each) and several nodes in one test process.
		ID:       host + ":" + strconv.Itoa(os.Getpid()) + ":" + hex.EncodeToString(b),
		handlers: map[string]registration{},
		wake:     map[Lane]chan struct{}{},
	}
}

// Handle registers the handler for a kind of job.
func (w *Worker) Handle(kind string, h Handler, opts ...Option) {
	r := registration{h: h, lane: Transactional}
	for _, o := range opts {
		o(&r)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handlers[kind] = r
}

// HandleInterruptible registers the handler of a long job (a newsletter to thousands): its
// context ends when the worker stops, and the handler must then save its progress and return
// (usually Again(now)) so the job resumes on the next start or on another node. Ordinary
// handlers are interrupted only when their lease is lost.
func (w *Worker) HandleInterruptible(kind string, h Handler, opts ...Option) {
	w.Handle(kind, h, append(opts, func(r *registration) { r.interruptible = true })...)
}

// Again is returned by a handler that made progress but is not finished: the job runs again
// at At. It is not a failure and does not count against MaxAttempts.
type Again struct {
	At     time.Time
	Reason string
}

func (a *Again) Error() string {
	return "not finished, continue at " + a.At.Format(time.RFC3339) + ": " + a.Reason
}

// Wake makes idle workers look for jobs now.
func (w *Worker) Wake() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for l, ch := range w.wake {
		close(ch)
		delete(w.wake, l)
	}
}

// wakeLane wakes the idle goroutines of one lane.
func (w *Worker) wakeLane(l Lane) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ch, ok := w.wake[l]; ok {
		close(ch)
		delete(w.wake, l)
	}
}

// woken returns a channel closed by the next Wake of lane l. Taken before looking for jobs,
// so a Wake that comes while looking is not missed.
func (w *Worker) woken(l Lane) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch, ok := w.wake[l]
	if !ok {
		ch = make(chan struct{})
		w.wake[l] = ch
	}
	return ch
}

// kinds lists the kinds of lane l, or of every lane when l is "".
func (w *Worker) kinds(l Lane) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	ks := make([]string, 0, len(w.handlers))
	for k, r := range w.handlers {
		if l == "" || r.lane == l {
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	return ks
}

func (w *Worker) lanes() map[Lane]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[Lane]int{}
	for _, r := range w.handlers {
		out[r.lane] = max(1, w.Capacity[r.lane])
	}
	return out
}

// Run processes jobs until ctx is done, with Capacity[lane] goroutines per lane. Ordinary
// jobs in progress when ctx ends are finished first (their leases kept alive meanwhile);
// interruptible ones are told to stop.
func (w *Worker) Run(ctx context.Context) {
	lanes := w.lanes()
	w.Log.Info("job worker started", "worker", w.ID, "lanes", lanes, "kinds", w.kinds(""))
	var wg sync.WaitGroup
	for l, n := range lanes {
		for range n {
			wg.Add(1)
			go func() { defer wg.Done(); w.loop(ctx, l) }()
		}
	}
	wg.Wait()
	w.Log.Info("job worker stopped", "worker", w.ID)
}

// loop runs the jobs of one lane, one at a time, until ctx ends.
func (w *Worker) loop(ctx context.Context, l Lane) {
	for ctx.Err() == nil {
		woken := w.woken(l)
		ran, err := w.runOne(context.WithoutCancel(ctx), ctx, l)
		if err != nil {
			w.Log.Error("job queue", "lane", l, "err", err)
		}
		if ran && err == nil {
			continue // more may be due
		}
		wait := w.Poll
		if err == nil {
			wait = w.idle(ctx, l)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-woken:
		}
		t.Stop()
	}
}

// idle returns how long to wait for the next job of lane l: until the next known job is due
// (a retry, or the end of a dead worker's lease), at most Poll.
func (w *Worker) idle(ctx context.Context, l Lane) time.Duration {
	next, err := w.Store.NextJobAt(ctx, w.kinds(l))
	if err != nil {
		return w.Poll
	}
	// A job that looks due but was not claimable (another worker got it first, or on
	// PostgreSQL a row locked by a transaction) is looked at again shortly, without spinning.
	return min(max(next.Sub(w.Now()), w.Poll/20), w.Poll)
}

// RunOne claims and runs a single due job of any lane, reporting whether there was one.
func (w *Worker) RunOne(ctx context.Context) (bool, error) { return w.runOne(ctx, ctx, "") }

// RunOneIn is RunOne for the jobs of lane l only (a command doing one kind of work in the
// foreground, such as making an import's image sizes, leaves the rest to the server).
func (w *Worker) RunOneIn(ctx context.Context, l Lane) (bool, error) { return w.runOne(ctx, ctx, l) }

// runOne runs a job of lane l with ctx; interruptible handlers also stop when stop ends.
func (w *Worker) runOne(ctx, stop context.Context, l Lane) (bool, error) {
	if w.Heartbeat <= 0 || w.Heartbeat >= w.Lease {
		return false, fmt.Errorf("jobs: the heartbeat (%s) must be positive and shorter than the lease (%s)", w.Heartbeat, w.Lease)
	}
	kinds := w.kinds(l)
	if len(kinds) == 0 {
		return false, nil
	}
	claimed := time.Now()
	j, err := w.Store.ClaimJob(ctx, kinds, w.ID, w.Now(), w.Lease)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if l != "" {
		w.wakeLane(l) // an idle sibling may take the next job of the lane meanwhile
	}
	w.mu.Lock()
	r := w.handlers[j.Kind]
	w.mu.Unlock()
	log := w.Log.With("job_id", j.ID, "kind", j.Kind, "attempt", j.Attempts)

	// The handler's context ends when the lease is lost; an interruptible one's also when
	// the worker stops (derived from stop itself, so the handler sees the stop at once). The
	// lease is renewed until the handler has returned, even when the worker is stopping, so
	// a job finishing during a shutdown is not taken over.
	parent := ctx
	if r.interruptible {
		parent = stop
	}
	hctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	var lost atomic.Pointer[error]
	lose := func(cause error) {
		lost.CompareAndSwap(nil, &cause)
		cancel(cause)
	}
	beat, stopBeat := context.WithCancel(ctx)
	beating := make(chan struct{})
	go func() { defer close(beating); w.keepLease(beat, j.ID, claimed, lose, log) }()
	// Deferred so that even a handler that ends its goroutine (runtime.Goexit) stops the
	// heartbeat, as the death of its process would.
	defer func() { stopBeat(); <-beating }()

	start := time.Now()
	out := &outcome{}
	rctx := context.WithValue(context.WithValue(hctx, lastAttemptKey{}, j.Attempts >= j.MaxAttempts), outcomeKey{}, out)
	runErr := safeRun(rctx, r.h, j.Payload)
	stopBeat()
	<-beating
	var lostErr error
	if p := lost.Load(); p != nil {
		lostErr = *p
	}
	settled := w.settleWith(ctx, j, runErr, lostErr, log, time.Since(start), out.writes())
	if broadside.ErrorCode(settled) == broadside.ENOTFOUND {
		log.Warn("job lease lost: another worker has taken the job over, so this run's outcome is dropped", "run_err", runErr)
		return true, nil
	}
	return true, settled
}

// settleWith settles the job and makes the handler's outcome writes in one transaction, so
// they are recorded exactly when the job's state is (one commit instead of two, and a lost
// lease drops both).
func (w *Worker) settleWith(ctx context.Context, j *store.Job, runErr, lost error, log *slog.Logger, took time.Duration, writes []func(ctx context.Context, tx *store.Store) error) error {
	if len(writes) == 0 {
		return w.settle(w.Store, ctx, j, runErr, lost, log, took)
	}
	return w.Store.InTx(ctx, func(tx *store.Store) error {
		if err := w.settle(tx, ctx, j, runErr, lost, log, took); err != nil {
			return err
		}
		for _, write := range writes {
			if err := write(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
}

// settle records the outcome of a run in st (the store, or the transaction of settleWith).
func (w *Worker) settle(st Store, ctx context.Context, j *store.Job, runErr, lost error, log *slog.Logger, took time.Duration) error {
	if runErr == nil {
		log.Info("job done", "duration", took)
		return st.CompleteJob(ctx, j.ID, w.ID)
	}
	var again *Again
	if errors.As(runErr, &again) {
		log.Info("job paused", "reason", again.Reason, "continue_at", again.At, "duration", took)
		return st.PauseJob(ctx, j.ID, w.ID, again.At, again.Reason)
	}
	if lost != nil {
		// Stopped because its lease was in danger, not because the work failed: if the job
		// is still ours it runs again at once, without counting against the job.
		log.Warn("job stopped: its lease could not be renewed", "err", runErr, "cause", lost)
		return st.PauseJob(ctx, j.ID, w.ID, w.Now(), lost.Error())
	}
	if j.Attempts >= j.MaxAttempts {
		log.Error("job failed permanently", "err", runErr)
		return st.FailJob(ctx, j.ID, w.ID, runErr.Error())
	}
	next := w.Now().Add(Backoff(j.Attempts))
	log.Warn("job failed, will retry", "err", runErr, "retry_at", next)
	return st.RetryJob(ctx, j.ID, w.ID, next, runErr.Error())
}

type lastAttemptKey struct{}

type outcomeKey struct{}

// outcome collects a run's WithOutcome writes.
type outcome struct {
	mu sync.Mutex
	w  []func(ctx context.Context, tx *store.Store) error
}

func (o *outcome) writes() []func(ctx context.Context, tx *store.Store) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.w
}

// WithOutcome asks, inside a handler, that write be made in the transaction that settles the
// job (whatever the handler then returns: done, Again, an error). A handler recording the
// result of its work this way pays one commit for both, and its record never disagrees
// with the job's state. It reports false outside a worker's run (a handler called
// directly), where the caller must write itself.
func WithOutcome(ctx context.Context, write func(ctx context.Context, tx *store.Store) error) bool {
	o, _ := ctx.Value(outcomeKey{}).(*outcome)
	if o == nil {
		return false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.w = append(o.w, write)
	return true
}

// LastAttempt reports, inside a handler, whether this run is the job's last: an error now
// fails the job for good, so the handler may record why for the people waiting on it.
func LastAttempt(ctx context.Context) bool {
	last, _ := ctx.Value(lastAttemptKey{}).(bool)
	return last
}

func safeRun(ctx context.Context, h Handler, payload []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("job panicked: %v", r)
		}
	}()
	return h(ctx, payload)
}

// Backoff is the delay before retry number attempt+1: 10s, 20s, 40s … capped at one hour.
func Backoff(attempt int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Enqueue stores a job whose payload is v encoded as JSON. With a unique key, enqueueing
// the same work twice is a no-op.
func Enqueue(ctx context.Context, s Store, kind, uniqueKey string, runAt time.Time, v any) error {
	payload, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("jobs: encode %s payload: %w", kind, err)
	}
	return s.EnqueueJob(ctx, &store.Job{Kind: kind, UniqueKey: uniqueKey, RunAt: runAt, Payload: payload, MaxAttempts: 10})
}

// LaneOf returns the lane that kind's jobs run in on this worker (Transactional for a kind
// it does not handle).
func (w *Worker) LaneOf(kind string) Lane {
	w.mu.Lock()
	defer w.mu.Unlock()
	if r, ok := w.handlers[kind]; ok {
		return r.lane
	}
	return Transactional
}
