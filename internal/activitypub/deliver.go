package activitypub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/httpsig"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/store"
)

// JobDeliver is the job kind that POSTs one activity to one inbox.
const JobDeliver = "activitypub.deliver"

// Delivery policy defaults (Service fields override them).
const (
	// DefaultHostConcurrency is how many deliveries to one remote host run at once on a
	// node: a slow or hanging server holds at most that many of the lane's workers, and the
	// rest go on delivering to everyone else.
	DefaultHostConcurrency = 2
	// DefaultDeadAfter is how long a host may fail without a break before it is declared
	// dead: Mastodon's figure (a week), long enough for any maintenance or outage.
	DefaultDeadAfter = 7 * 24 * time.Hour
	// DefaultProbeEvery is how often one delivery to a dead host is let through to see
	// whether it is back.
	DefaultProbeEvery = 24 * time.Hour
	// deliveryTries bounds the tries of one delivery to a host that answers other
	// deliveries (so is not dead) but keeps failing this one: with retryDelay that is about
	// a week as well.
	deliveryTries = 40
	// slotWait is how long a delivery waits for a free slot of its host before it is
	// looked at again; meanwhile the workers deliver to other hosts.
	slotWait = time.Second
	// maxRetryAfter bounds a remote server's Retry-After.
	maxRetryAfter = 24 * time.Hour
	// DeliveryRetention is how long a post's ended deliveries stay on its delivery status:
	// long enough to look into a complaint about a post of last month, short enough that a
	// site with many followers does not keep one row per follower per post for ever.
	DeliveryRetention = 30 * 24 * time.Hour
)

// deliveryAttempts is the job's own bound on tries. Failures are retried by the handler
// (jobs.Again, which costs the job no attempt), so only a crash or a lost lease in the
// middle of a try counts against it.
const deliveryAttempts = 40

// delivery is a job's payload.
type delivery struct {
	Actor    string          `json:"actor"` // our actor signing it
	Inbox    string          `json:"inbox"`
	Activity json.RawMessage `json:"activity"`
	ID       string          `json:"id,omitempty"`      // the activity's id
	PostID   int64           `json:"post_id,omitempty"` // the post it is about, if any
}

// enqueue stores one delivery job per inbox for activity a by our actor name, in tx (the
// transaction of the write that caused it). A job's unique key is the activity id and the
// inbox, so enqueueing the same activity twice delivers it once.
func (s *Service) enqueue(ctx context.Context, tx *store.Store, name string, a Activity, inboxes []string) error {
	return s.enqueueFor(ctx, tx, 0, name, a, inboxes)
}

// enqueueFor is enqueue for an activity about post postID (0: none), whose deliveries the
// post's delivery status lists.
func (s *Service) enqueueFor(ctx context.Context, tx *store.Store, postID int64, name string, a Activity, inboxes []string) error {
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("activitypub: encode %s: %w", a.Type, err)
	}
	now := s.Now()
	for _, inbox := range interleave(inboxes) {
		payload, err := json.Marshal(delivery{Actor: name, Inbox: inbox, Activity: body, ID: a.ID, PostID: postID})
		if err != nil {
			return err
		}
		if err := tx.EnqueueJob(ctx, &store.Job{Kind: JobDeliver, UniqueKey: "ap:" + a.ID + " " + inbox,
			RunAt: now, Payload: payload, MaxAttempts: deliveryAttempts}); err != nil {
			return err
		}
		if err := tx.RecordDelivery(ctx, &store.Delivery{ActivityID: a.ID, Inbox: inbox, Host: Host(inbox), PostID: postID}, now); err != nil {
			return err
		}
	}
	return nil
}

// interleave orders inboxes round-robin over their hosts (the first inbox of each host, then
// the second of each…), keeping the order within a host. Jobs due at the same time are
// claimed in the order they were enqueued, so this spreads the first claims of a fan-out
// over many hosts instead of queueing one host's inboxes behind its per-host slots.
func interleave(inboxes []string) []string {
	var hosts []string
	by := map[string][]string{}
	for _, in := range inboxes {
		h := Host(in)
		if _, ok := by[h]; !ok {
			hosts = append(hosts, h)
		}
		by[h] = append(by[h], in)
	}
	if len(hosts) == len(inboxes) {
		return inboxes
	}
	out := make([]string, 0, len(inboxes))
	for round := 0; len(out) < len(inboxes); round++ {
		for _, h := range hosts {
			if round < len(by[h]) {
				out = append(out, by[h][round])
			}
		}
	}
	return out
}

// Deliver is the JobDeliver handler. Every answer is classified (DESIGN.md, lesson 6):
//   - 2xx: delivered;
//   - 410 Gone: the inbox is gone for good: the followers behind it are removed, done;
//   - 429, 5xx, timeouts and network errors: temporary: tried again later (retryDelay,
//     or the server's Retry-After if longer), until the host has failed for DeadAfter
//     without a break: then it is dead and its deliveries stop, but for a probe a day;
//   - any other 4xx: permanent for this activity: recorded and dropped (retrying cannot
//     help, and it must not cost the follower);
//   - the host's slots on this node taken, or its rate limit reached: held back, not a
//     failure.
//
// Each outcome is recorded on the delivery (PostDeliveries).
func (s *Service) Deliver(ctx context.Context, payload []byte) error {
	var d delivery
	if err := json.Unmarshal(payload, &d); err != nil {
		return fmt.Errorf("activitypub: delivery payload: %w", err)
	}
	if d.ID == "" {
		var a struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(d.Activity, &a)
		d.ID = a.ID
	}
	host := Host(d.Inbox)
	if host == "" {
		s.Log.Warn("activitypub: delivery to a malformed inbox dropped", "inbox", d.Inbox)
		return nil
	}
	if blocked, err := s.deliveryBlocked(ctx, d.Inbox); err != nil {
		return err
	} else if blocked {
		// blocks.go: nothing leaves for a blocked host; recorded so the status page says why.
		return s.settle(ctx, &d, broadside.FederatedFailed, "host blocked by the site", false)
	}
	now := s.Now()
	// One read for the host's state and this delivery's tries so far (a failure needs both).
	failing, dead, tries, err := s.Store.DeliveryStart(ctx, host, d.ID, d.Inbox)
	if err != nil {
		return err
	}
	troubled := !failing.IsZero() || !dead.IsZero()
	if !dead.IsZero() {
		probe, err := s.Store.ClaimProbe(ctx, host, now, or(s.ProbeEvery, DefaultProbeEvery))
		if err != nil {
			return err
		}
		if !probe {
			return s.settle(ctx, &d, broadside.FederatedFailed, "host dead since "+dead.UTC().Format(time.RFC3339)+": not retried", false)
		}
		s.Log.Info("activitypub: probing a dead host", "host", host)
	}
	release, ok := s.slot(host)
	if !ok {
		return &jobs.Again{At: now.Add(slotWait), Reason: "deliveries in flight to " + host}
	}
	defer release()
	if s.Limits != nil {
		wait, err := s.Limits.MayDeliver(ctx, host)
		if err != nil {
			return err
		}
		if wait > 0 {
			return &jobs.Again{At: now.Add(wait), Reason: "delivery limit for " + host}
		}
	}
	st, err := s.Site(ctx, nil)
	if err != nil {
		return err
	}
	if st.Settings.Federation.Off {
		return s.settle(ctx, &d, broadside.FederatedFailed, "federation switched off", false)
	}
	res, err := s.post(ctx, st, &d)
	if err != nil && ctx.Err() != nil {
		return err // our lease or process ended: not the host's fault
	}
	if err == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
	}
	switch {
	case err == nil && res.StatusCode >= 200 && res.StatusCode < 300:
		if err := s.answered(ctx, host, troubled); err != nil {
			return err
		}
		return s.settle(ctx, &d, broadside.FederatedDelivered, "", true)
	case err == nil && res.StatusCode == http.StatusGone:
		if err := s.answered(ctx, host, troubled); err != nil {
			return err
		}
		n, err := s.Store.RemoveFollowersAt(ctx, d.Inbox)
		if err != nil {
			return err
		}
		s.Log.Info("activitypub: inbox gone, followers removed", "inbox", d.Inbox, "followers", n)
		return s.settle(ctx, &d, broadside.FederatedFailed, res.Status+": "+strconv.FormatInt(n, 10)+" followers removed", true)
	case err == nil && res.StatusCode != http.StatusTooManyRequests && res.StatusCode < 500:
		if err := s.answered(ctx, host, troubled); err != nil {
			return err
		}
		s.Log.Warn("activitypub: delivery refused for good", "inbox", d.Inbox, "status", res.Status)
		return s.settle(ctx, &d, broadside.FederatedFailed, "refused: "+res.Status, true)
	}
	// Temporary: a network error, a timeout, 429 or 5xx.
	why := ""
	var after time.Duration
	if err != nil {
		why = err.Error()
	} else {
		why = res.Status
		after = retryAfter(res.Header.Get("Retry-After"), now)
	}
	h, herr := s.Store.HostFailed(ctx, host, why, now, or(s.DeadAfter, DefaultDeadAfter))
	if herr != nil {
		return herr
	}
	if !h.DeadAt.IsZero() {
		s.Log.Warn("activitypub: host dead: failing since "+h.FailingSince.Format(time.RFC3339)+"; deliveries stop", "host", host)
		return s.settle(ctx, &d, broadside.FederatedFailed, "host dead: "+why, true)
	}
	tries++
	if tries >= deliveryTries {
		return s.settle(ctx, &d, broadside.FederatedFailed, "gave up after "+strconv.Itoa(tries)+" tries: "+why, true)
	}
	next := now.Add(max(retryDelay(tries), after))
	if err := s.record(ctx, d.ID, d.Inbox, broadside.FederatedFailing, 1, why, next, now); err != nil {
		return err
	}
	return &jobs.Again{At: next, Reason: "deliver to " + host + ": " + why}
}

// post signs and sends the delivery.
func (s *Service) post(ctx context.Context, st Site, d *delivery) (*http.Response, error) {
	key, _, err := s.Key(ctx, d.Actor)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Inbox, bytes.NewReader(d.Activity))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("Accept", ContentType)
	req.Header.Set("User-Agent", userAgent(st))
	if err := httpsig.Sign(req, d.Activity, KeyID(st.Base, d.Actor), key, s.Now()); err != nil {
		return nil, err
	}
	res, err := s.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("activitypub: deliver to %s: %w", Host(d.Inbox), err)
	}
	return res, nil
}

// settle records the final state of a delivery, tried once more than before if tried.
func (s *Service) settle(ctx context.Context, d *delivery, state, why string, tried bool) error {
	tries := 0
	if tried {
		tries = 1
	}
	return s.record(ctx, d.ID, d.Inbox, state, tries, why, time.Time{}, s.Now())
}

// record writes a delivery's state in the transaction that settles its job (one commit per
// delivery instead of two; the fan-out's bound on SQLite), or at once when Deliver runs
// outside a worker.
func (s *Service) record(ctx context.Context, activityID, inbox, state string, tries int, why string, next, now time.Time) error {
	write := func(ctx context.Context, tx *store.Store) error {
		return tx.SetDeliveryState(ctx, activityID, inbox, state, tries, why, next, now)
	}
	if jobs.WithOutcome(ctx, write) {
		return nil
	}
	return write(ctx, s.Store)
}

// answered records that host answered; a dead one lives again. Nothing is written for a host
// that was not known to fail (troubled false), which is nearly every delivery.
func (s *Service) answered(ctx context.Context, host string, troubled bool) error {
	if !troubled {
		return nil
	}
	was, err := s.Store.HostAnswered(ctx, host, s.Now())
	if err == nil && was {
		s.Log.Info("activitypub: host answers again", "host", host)
	}
	return err
}

// heardFrom is called when host posted a verified activity to our inbox: it is alive.
func (s *Service) heardFrom(ctx context.Context, host string) {
	failing, dead, err := s.Store.HostState(ctx, host)
	if err == nil {
		err = s.answered(ctx, host, !failing.IsZero() || !dead.IsZero())
	}
	if err != nil {
		s.Log.Warn("activitypub: could not record that a host answers", "host", host, "err", err)
	}
}

// retryDelay is the wait after the tries-th failed try: 30 s doubling, at most 6 h, so a
// short outage is bridged within minutes and a long one costs four tries a day.
func retryDelay(tries int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < tries && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// retryAfter reads a Retry-After header (seconds or an HTTP date) as a wait from now,
// bounded by maxRetryAfter; 0 when absent or unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(v); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// hostSlots counts the deliveries in flight per host on this node.
type hostSlots struct {
	mu sync.Mutex
	n  map[string]int
}

// slot takes one of host's delivery slots, reporting false when all are taken; release
// gives it back.
func (s *Service) slot(host string) (release func(), ok bool) {
	limit := s.HostConcurrency
	if limit <= 0 {
		limit = DefaultHostConcurrency
	}
	s.slots.mu.Lock()
	defer s.slots.mu.Unlock()
	if s.slots.n == nil {
		s.slots.n = map[string]int{}
	}
	if s.slots.n[host] >= limit {
		return nil, false
	}
	s.slots.n[host]++
	return func() {
		s.slots.mu.Lock()
		defer s.slots.mu.Unlock()
		if s.slots.n[host]--; s.slots.n[host] <= 0 {
			delete(s.slots.n, host)
		}
	}, true
}

// Lane is the job lane of deliveries: their own, so fan-out to many inboxes never waits
// behind, or delays, transactional work.
const Lane jobs.Lane = "federation"

// PostDelivery is the delivery status of post id's activities (its Create, Updates,
// Delete and the site's Announce) for the site's administrators only.
func (s *Service) PostDelivery(ctx context.Context, id int64, u *broadside.User) (*broadside.PostDelivery, error) {
	if !u.CanManageSite() {
		return nil, broadside.Errorf(broadside.EFORBIDDEN, "Only administrators can see where posts were delivered.")
	}
	hs, err := s.Store.PostDeliveries(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &broadside.PostDelivery{AllHosts: len(hs)}
	for _, h := range hs {
		d.Waiting, d.Delivered, d.Failing, d.Failed = d.Waiting+h.Waiting, d.Delivered+h.Delivered, d.Failing+h.Failing, d.Failed+h.Failed
	}
	d.Hosts = hs[:min(len(hs), broadside.DeliveryHostLimit)]
	return d, nil
}

// PurgeDeliveries forgets the deliveries that ended more than DeliveryRetention ago (the
// housekeeping runs it; any node may, the DELETE is the same on each).
func (s *Service) PurgeDeliveries(ctx context.Context) (int64, error) {
	return s.Store.PurgeDeliveries(ctx, s.Now().Add(-DeliveryRetention))
}
