// Package jobs runs persisted background work: a worker claims due jobs from the database,
// runs their handler, and retries failures with exponential backoff. Jobs survive restarts
// because they are rows, not goroutines; several nodes can run workers on one database.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// Store is what the worker needs from storage.
type Store interface {
	EnqueueJob(ctx context.Context, j *store.Job) error
	ClaimJob(ctx context.Context, kinds []string, worker string, now time.Time, lease time.Duration) (*store.Job, error)
	CompleteJob(ctx context.Context, id int64) error
	RetryJob(ctx context.Context, id int64, runAt time.Time, errMsg string) error
	FailJob(ctx context.Context, id int64, errMsg string) error
}

// Handler does one job. Returning an error retries the job later, up to its MaxAttempts.
// Handlers must be idempotent: a node that dies mid-job leaves it to be run again.
type Handler func(ctx context.Context, payload []byte) error

// Worker claims and runs jobs until its context ends.
type Worker struct {
	Store Store
	Log   *slog.Logger
	Now   func() time.Time
	// Poll is how long an idle worker waits before looking for due jobs again. Wake cuts the
	// wait short when this node enqueued something.
	Poll  time.Duration
	Lease time.Duration
	ID    string

	mu       sync.Mutex
	handlers map[string]Handler
	// interruptible kinds get a context that ends when the worker stops (HandleInterruptible).
	interruptible map[string]bool
	wake          chan struct{}
}

// NewWorker returns a worker with sensible defaults.
func NewWorker(s Store, log *slog.Logger, now func() time.Time) *Worker {
	host, _ := os.Hostname()
	return &Worker{
		Store: s, Log: log, Now: now,
		Poll: 2 * time.Second, Lease: 5 * time.Minute,
		ID:       host + ":" + strconv.Itoa(os.Getpid()),
		handlers: map[string]Handler{},
		wake:     make(chan struct{}, 1),

		interruptible: map[string]bool{},
	}
}

// Handle registers the handler for a kind of job.
func (w *Worker) Handle(kind string, h Handler) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handlers[kind] = h
}

// HandleInterruptible registers the handler of a long job (a newsletter to thousands): its
// context ends when the worker stops, and the handler must then save its progress and return
// (usually Again(now)) so the job resumes on the next start or on another node. Ordinary
// handlers are never interrupted.
func (w *Worker) HandleInterruptible(kind string, h Handler) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handlers[kind] = h
	w.interruptible[kind] = true
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

// Wake makes an idle worker look for jobs now.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *Worker) kinds() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	ks := make([]string, 0, len(w.handlers))
	for k := range w.handlers {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Run processes jobs until ctx is done. A job in progress when ctx ends is finished first
// when it finishes quickly, otherwise its lease expires and another worker takes it over.
func (w *Worker) Run(ctx context.Context) {
	w.Log.Info("job worker started", "worker", w.ID, "kinds", w.kinds())
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			w.Log.Info("job worker stopped", "worker", w.ID)
			return
		case <-t.C:
		case <-w.wake:
		}
		for ctx.Err() == nil {
			ran, err := w.runOne(context.WithoutCancel(ctx), ctx)
			if err != nil {
				w.Log.Error("job queue", "err", err)
				break
			}
			if !ran {
				break
			}
		}
		t.Reset(w.Poll)
	}
}

// RunOne claims and runs a single due job, reporting whether there was one.
func (w *Worker) RunOne(ctx context.Context) (bool, error) { return w.runOne(ctx, ctx) }

// runOne runs a job with ctx; interruptible handlers also stop when stop ends.
func (w *Worker) runOne(ctx, stop context.Context) (bool, error) {
	j, err := w.Store.ClaimJob(ctx, w.kinds(), w.ID, w.Now(), w.Lease)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	w.mu.Lock()
	h := w.handlers[j.Kind]
	hctx := ctx
	if w.interruptible[j.Kind] {
		hctx = stop // ctx is stop without its cancellation: same values, and it ends with the worker
	}
	w.mu.Unlock()
	log := w.Log.With("job_id", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	start := time.Now()
	runErr := safeRun(hctx, h, j.Payload)
	if runErr == nil {
		log.Info("job done", "duration", time.Since(start))
		return true, w.Store.CompleteJob(ctx, j.ID)
	}
	var again *Again
	if errors.As(runErr, &again) {
		log.Info("job paused", "reason", again.Reason, "continue_at", again.At, "duration", time.Since(start))
		return true, w.Store.RetryJob(ctx, j.ID, again.At, again.Reason)
	}
	if j.Attempts >= j.MaxAttempts {
		log.Error("job failed permanently", "err", runErr)
		return true, w.Store.FailJob(ctx, j.ID, runErr.Error())
	}
	next := w.Now().Add(Backoff(j.Attempts))
	log.Warn("job failed, will retry", "err", runErr, "retry_at", next)
	return true, w.Store.RetryJob(ctx, j.ID, next, runErr.Error())
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
