package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/broadside/broadside"
)

// ErrLeaseLost is the cause of a handler's context ending because another worker took the
// job over (this worker's lease had expired).
var ErrLeaseLost = errors.New("jobs: lease lost to another worker")

// ErrLeaseStalled is the cause of a handler's context ending because the lease could not be
// renewed before it would have run out (the database did not answer in time).
var ErrLeaseStalled = errors.New("jobs: lease not renewed in time")

// keepLease renews the lease of job id every Heartbeat until ctx ends (the handler returned).
// When a renewal finds the job held by another worker, or when no renewal has succeeded for
// Lease-Heartbeat, it calls lose: the handler must stop before anyone else may start the job.
// claimed is when the claim (which set the first lease) was sent.
//
// The deadline runs on the monotonic clock from the moment each successful renewal was sent:
// the lease it wrote ends Lease later, and one Heartbeat of margin leaves the handler time to
// stop and absorbs clock differences between nodes.
func (w *Worker) keepLease(ctx context.Context, id int64, claimed time.Time, lose func(cause error), log *slog.Logger) {
	margin := w.Lease - w.Heartbeat
	guard := time.AfterFunc(margin-time.Since(claimed), func() {
		log.Warn("job lease not renewed in time; stopping the handler", "lease", w.Lease)
		lose(ErrLeaseStalled)
	})
	defer guard.Stop()
	t := time.NewTicker(w.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sent := time.Now()
		err := w.Store.RenewJob(ctx, id, w.ID, w.Now(), w.Lease)
		switch {
		case err == nil:
			// Renewals go on even after the guard fired: while they succeed nobody else can
			// start the job, which covers a handler that is slow to stop.
			guard.Reset(margin - time.Since(sent))
		case broadside.ErrorCode(err) == broadside.ENOTFOUND:
			log.Warn("job lease lost to another worker; stopping the handler")
			lose(ErrLeaseLost)
			return
		case ctx.Err() != nil:
			return
		default:
			log.Warn("could not renew a job's lease; trying again", "err", err)
		}
	}
}
