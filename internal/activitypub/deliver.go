package activitypub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/broadside/broadside/internal/httpsig"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/store"
)

// JobDeliver is the job kind that POSTs one activity to one inbox.
const JobDeliver = "activitypub.deliver"

// deliveryAttempts bounds the retries of one delivery: with jobs.Backoff (10 s doubling,
// capped at an hour) 40 attempts span about a day and a half, long enough for a server that
// is down for maintenance, short enough that a dead host stops costing us.
const deliveryAttempts = 40

// delivery is a job's payload.
type delivery struct {
	Actor    string          `json:"actor"` // our actor signing it
	Inbox    string          `json:"inbox"`
	Activity json.RawMessage `json:"activity"`
}

// enqueue stores one delivery job per inbox for activity a by our actor name, in tx (the
// transaction of the write that caused it). A job's unique key is the activity id and the
// inbox, so enqueueing the same activity twice delivers it once.
func (s *Service) enqueue(ctx context.Context, tx *store.Store, name string, a Activity, inboxes []string) error {
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("activitypub: encode %s: %w", a.Type, err)
	}
	for _, inbox := range inboxes {
		payload, err := json.Marshal(delivery{Actor: name, Inbox: inbox, Activity: body})
		if err != nil {
			return err
		}
		if err := tx.EnqueueJob(ctx, &store.Job{Kind: JobDeliver, UniqueKey: "ap:" + a.ID + " " + inbox,
			RunAt: s.Now(), Payload: payload, MaxAttempts: deliveryAttempts}); err != nil {
			return err
		}
	}
	return nil
}

// Deliver is the JobDeliver handler. Every answer is classified (DESIGN.md, lesson 6):
//   - 2xx: delivered;
//   - 410 Gone: the inbox is gone for good: the followers behind it are removed, done;
//   - 429, 5xx, timeouts and network errors: temporary: an error, so the job retries with
//     backoff;
//   - any other 4xx: permanent for this activity: logged and dropped (retrying cannot
//     help, and it must not cost the follower);
//   - the per-host limit reached: paused until the host may take more, not a failure.
func (s *Service) Deliver(ctx context.Context, payload []byte) error {
	var d delivery
	if err := json.Unmarshal(payload, &d); err != nil {
		return fmt.Errorf("activitypub: delivery payload: %w", err)
	}
	host := Host(d.Inbox)
	if host == "" {
		s.Log.Warn("activitypub: delivery to a malformed inbox dropped", "inbox", d.Inbox)
		return nil
	}
	if blocked, err := s.deliveryBlocked(ctx, d.Inbox); blocked || err != nil {
		return err // blocks.go: nothing leaves for a blocked host
	}
	if s.Limits != nil {
		wait, err := s.Limits.MayDeliver(ctx, host)
		if err != nil {
			return err
		}
		if wait > 0 {
			return &jobs.Again{At: s.Now().Add(wait), Reason: "delivery limit for " + host}
		}
	}
	st, err := s.Site(ctx)
	if err != nil {
		return err
	}
	if st.Settings.Federation.Off {
		return nil // switched off meanwhile: nothing leaves the site
	}
	key, _, err := s.Key(ctx, d.Actor)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Inbox, bytes.NewReader(d.Activity))
	if err != nil {
		s.Log.Warn("activitypub: delivery to a malformed inbox dropped", "inbox", d.Inbox, "err", err)
		return nil
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("Accept", ContentType)
	req.Header.Set("User-Agent", userAgent(st))
	if err := httpsig.Sign(req, d.Activity, KeyID(st.Base, d.Actor), key, s.Now()); err != nil {
		return err
	}
	res, err := s.Client.Do(req)
	if err != nil {
		return fmt.Errorf("activitypub: deliver to %s: %w", host, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	switch c := res.StatusCode; {
	case c >= 200 && c < 300:
		return nil
	case c == http.StatusGone:
		n, err := s.Store.RemoveFollowersAt(ctx, d.Inbox)
		if err != nil {
			return err
		}
		s.Log.Info("activitypub: inbox gone, followers removed", "inbox", d.Inbox, "followers", n)
		return nil
	case c == http.StatusTooManyRequests || c >= 500:
		return &temporary{host: host, status: res.Status}
	default:
		s.Log.Warn("activitypub: delivery refused for good", "inbox", d.Inbox, "status", res.Status)
		return nil
	}
}

type temporary struct{ host, status string }

func (t *temporary) Error() string { return "activitypub: deliver to " + t.host + ": " + t.status }

// IsTemporary reports whether err is a delivery failure worth retrying.
func IsTemporary(err error) bool {
	var t *temporary
	return errors.As(err, &t)
}

// Lane is the job lane of deliveries: their own, so fan-out to many inboxes never waits
// behind, or delays, transactional work.
const Lane jobs.Lane = "federation"
