package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Job statuses.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job is one unit of persisted background work. The worker pool lives in internal/jobs; the
// store only queues, claims and settles jobs.
type Job struct {
	ID      int64
	Kind    string
	Payload []byte // usually JSON
	// UniqueKey, when set, makes EnqueueJob idempotent while a job with the key is queued or
	// running. The key is released when the job finishes (done or failed).
	UniqueKey   string
	RunAt       time.Time
	Attempts    int
	MaxAttempts int
	LastError   string
	Status      string
	LockedBy    string
	LockedUntil time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

const jobCols = `id, kind, payload, COALESCE(unique_key, ''), run_at, attempts, max_attempts, last_error, status,
	locked_by, locked_until, created_at, updated_at`

func scanJob(r rowScanner, j *Job) error {
	var payload string
	err := r.Scan(&j.ID, &j.Kind, &payload, &j.UniqueKey, scanTime(&j.RunAt), &j.Attempts, &j.MaxAttempts,
		&j.LastError, &j.Status, &j.LockedBy, scanTime(&j.LockedUntil), scanTime(&j.CreatedAt), scanTime(&j.UpdatedAt))
	if err != nil {
		return err
	}
	j.Payload = []byte(payload)
	return nil
}

// EnqueueJob queues j and sets j.ID, j.Status and j.CreatedAt (RunAt defaults to now). When
// j.UniqueKey is set and a queued or running job has that key, nothing is queued and j.ID is
// set to the existing job's id.
func (s *Store) EnqueueJob(ctx context.Context, j *Job) error {
	now := time.Now()
	if j.CreatedAt.IsZero() {
		j.CreatedAt = now
	}
	if j.RunAt.IsZero() {
		j.RunAt = j.CreatedAt
	}
	j.UpdatedAt = j.CreatedAt
	j.Status = JobQueued
	return s.InTx(ctx, func(tx *Store) error {
		rows, err := tx.wr().QueryContext(ctx, `INSERT INTO jobs (kind, payload, unique_key, run_at, attempts, max_attempts,
	status, created_at, updated_at)
VALUES ($1, $2, $3, $4, 0, $5, 'queued', $6, $6)
ON CONFLICT (unique_key) DO NOTHING RETURNING id`,
			j.Kind, string(j.Payload), nullStr(j.UniqueKey), tx.ts(j.RunAt), j.MaxAttempts, tx.ts(j.CreatedAt))
		if err != nil {
			return fmt.Errorf("store: enqueue %s job: %w", j.Kind, err)
		}
		inserted := false
		for rows.Next() {
			if err := rows.Scan(&j.ID); err != nil {
				rows.Close()
				return fmt.Errorf("store: enqueue %s job: %w", j.Kind, err)
			}
			inserted = true
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("store: enqueue %s job: %w", j.Kind, err)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: enqueue %s job: %w", j.Kind, err)
		}
		if inserted {
			return nil
		}
		var existing Job
		if err := scanJob(tx.wr().QueryRowContext(ctx, "SELECT "+jobCols+" FROM jobs WHERE unique_key = $1", j.UniqueKey), &existing); err != nil {
			return fmt.Errorf("store: enqueue %s job: find job with key %q: %w", j.Kind, j.UniqueKey, err)
		}
		j.ID, j.Status = existing.ID, existing.Status
		return nil
	})
}

// ClaimJob atomically takes the oldest due job of one of kinds (any kind when kinds is empty):
// a queued job whose run_at has come, or else a running job whose lease expired (its worker
// died). The job becomes running, locked by worker until now+lease, with one more attempt.
// ENOTFOUND when there is nothing to do.
//
// It is one UPDATE on both dialects. Its candidates are the head of each kind's queue (one
// seek of jobs_status_kind_run_at each, however many jobs another lane has queued) and the
// oldest expired lease; of those it takes the queued one due first, by run_at and then id, so
// of two jobs due at once the one enqueued first runs first whatever their kinds (a welcome
// before a newsletter). On PostgreSQL each candidate is locked with SKIP LOCKED, so concurrent
// claims take different jobs instead of waiting on one another.
func (s *Store) ClaimJob(ctx context.Context, kinds []string, worker string, now time.Time, lease time.Duration) (*Job, error) {
	a := &args{}
	nowP := a.add(s.ts(now))
	untilP := a.add(s.ts(now.Add(lease)))
	workerP := a.add(worker)
	heads := s.jobHeads(a, kinds, nowP, s.skipLocked())
	q := `UPDATE jobs SET status = 'running', locked_by = ` + workerP + `, locked_until = ` + untilP + `,
	attempts = attempts + 1, updated_at = ` + nowP + `
WHERE id = (SELECT id FROM (` + heads + `) AS due ORDER BY pri, at, id LIMIT 1)
RETURNING ` + jobCols
	var j Job
	err := scanJob(s.wr().QueryRowContext(ctx, q, a.v...), &j)
	if isNoRows(err) {
		return nil, notFound("No job is due.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: claim job for %s: %w", worker, err)
	}
	return &j, nil
}

// jobHeads returns the candidates of a claim as a UNION ALL of rows (id, pri, at): the first
// queued job of each of kinds (of any kind when kinds is empty), pri 0 and at its run_at, and
// the first running job of kinds, pri 1 and at its locked_until. Each is its own probe in index
// order, followed by lock. With nowP, only the due ones: at <= nowP.
func (s *Store) jobHeads(a *args, kinds []string, nowP, lock string) string {
	var probes []string
	probe := func(pri int, cond, at string) {
		if nowP != "" {
			cond += " AND " + at + " <= " + nowP
		}
		probes = append(probes, fmt.Sprintf("SELECT * FROM (SELECT id, %[1]d AS pri, %[2]s AS at FROM jobs WHERE %[3]s ORDER BY %[2]s, id LIMIT 1%[4]s) AS h%[5]d",
			pri, at, cond, lock, len(probes)))
	}
	if len(kinds) == 0 {
		probe(0, "status = 'queued'", "run_at")
	}
	for _, k := range kinds {
		probe(0, "status = 'queued' AND kind = "+a.add(k), "run_at")
	}
	kindCond := ""
	if len(kinds) > 0 {
		kindCond = " AND kind IN " + in(a, kinds)
	}
	probe(1, "status = 'running'"+kindCond, "locked_until")
	return strings.Join(probes, "\nUNION ALL ")
}

// RenewJob extends the lease of a running job to now+lease: the heartbeat of a live worker.
// It succeeds only while worker still holds the job; ENOTFOUND means the lease was lost (the
// job finished, or another worker took it over after the lease expired) and the caller must
// stop working on it. Like the claim, it is one conditional UPDATE, so a renewal and a
// takeover can never both succeed.
func (s *Store) RenewJob(ctx context.Context, id int64, worker string, now time.Time, lease time.Duration) error {
	return s.settleJob(ctx, id, worker, `UPDATE jobs SET locked_until = $4, updated_at = $1
WHERE id = $2 AND status = 'running' AND locked_by = $3`, now, s.ts(now.Add(lease)))
}

// CompleteJob marks the job done and releases its unique key. Like every settling call, it
// applies only while worker holds the job: a worker that lost its lease cannot overwrite the
// state of the one that took over (ENOTFOUND).
func (s *Store) CompleteJob(ctx context.Context, id int64, worker string) error {
	return s.settleJob(ctx, id, worker, `UPDATE jobs SET status = 'done', unique_key = NULL, locked_by = '', locked_until = NULL,
	updated_at = $1 WHERE id = $2 AND status = 'running' AND locked_by = $3`, time.Now())
}

// RetryJob puts the job held by worker back in the queue to run at runAt, recording errMsg.
func (s *Store) RetryJob(ctx context.Context, id int64, worker string, runAt time.Time, errMsg string) error {
	return s.settleJob(ctx, id, worker, `UPDATE jobs SET status = 'queued', run_at = $4, last_error = $5, locked_by = '',
	locked_until = NULL, updated_at = $1 WHERE id = $2 AND status = 'running' AND locked_by = $3`, time.Now(), s.ts(runAt), errMsg)
}

// PauseJob puts the job held by worker back in the queue to continue at runAt, recording
// why. Unlike RetryJob it takes back the attempt its claim counted: a long job that pauses
// after each slice of work (a newsletter to 100,000 people pauses hundreds of times) has not
// failed, and must keep all its attempts for real failures.
func (s *Store) PauseJob(ctx context.Context, id int64, worker string, runAt time.Time, reason string) error {
	return s.settleJob(ctx, id, worker, `UPDATE jobs SET status = 'queued', run_at = $4, last_error = $5, locked_by = '',
	locked_until = NULL, attempts = attempts - 1, updated_at = $1 WHERE id = $2 AND status = 'running' AND locked_by = $3`,
		time.Now(), s.ts(runAt), reason)
}

// FailJob gives up for good on the job held by worker, recording errMsg, and releases its
// unique key.
func (s *Store) FailJob(ctx context.Context, id int64, worker string, errMsg string) error {
	return s.settleJob(ctx, id, worker, `UPDATE jobs SET status = 'failed', unique_key = NULL, last_error = $4, locked_by = '',
	locked_until = NULL, updated_at = $1 WHERE id = $2 AND status = 'running' AND locked_by = $3`, time.Now(), errMsg)
}

func (s *Store) settleJob(ctx context.Context, id int64, worker, q string, now time.Time, extra ...any) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx, q, append([]any{s.ts(now), id, worker}, extra...)...))
	if err != nil {
		return fmt.Errorf("store: update job %d: %w", id, err)
	}
	if n == 0 {
		return notFound(fmt.Sprintf("Job %d is not held by %s: it finished, or its lease expired and another worker took it over.", id, worker))
	}
	return nil
}

// NextJobAt returns when the next job of one of kinds (any kind when kinds is empty) becomes
// claimable: the earliest run_at of a queued job or locked_until of a running one. An idle
// worker sleeps until then instead of a full poll interval, so a dead worker's job is taken
// over the moment its lease ends. ENOTFOUND when no job is queued or running. It reads the
// same candidates as ClaimJob, without their time limit.
func (s *Store) NextJobAt(ctx context.Context, kinds []string) (time.Time, error) {
	a := &args{}
	heads := s.jobHeads(a, kinds, "", "")
	var next time.Time
	if err := s.rd().QueryRowContext(ctx, "SELECT MIN(at) FROM ("+heads+") AS due", a.v...).Scan(scanTime(&next)); err != nil {
		return time.Time{}, fmt.Errorf("store: next job: %w", err)
	}
	if next.IsZero() {
		return next, notFound("No job is queued or running.")
	}
	return next, nil
}

// ListJobs returns up to limit jobs with status (any status when ""), most recently updated
// first; limit <= 0 means 100.
func (s *Store) ListJobs(ctx context.Context, status string, limit int) ([]Job, error) {
	if limit <= 0 {
		limit = 100
	}
	a := &args{}
	where := ""
	if status != "" {
		where = " WHERE status = " + a.add(status)
	}
	rows, err := s.rd().QueryContext(ctx, "SELECT "+jobCols+" FROM jobs"+where+" ORDER BY updated_at DESC, id DESC LIMIT "+a.add(limit), a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: list jobs: %w", err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		if err := scanJob(rows, &j); err != nil {
			return nil, fmt.Errorf("store: list jobs: %w", err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list jobs: %w", err)
	}
	return out, nil
}
