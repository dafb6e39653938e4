// Package limits enforces the site-wide request limits that no feature service owns: REST
// API requests per credential and per address, and federation deliveries per remote host.
// The comment, subscription and sign-in limits live in their own services; all of them count
// in the same database-backed sliding windows (store.HitRateWithin), so a limit holds for the
// whole site however many nodes serve it, and each is one setting for the whole site.
package limits

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// Counter is the shared counter the limits count in.
type Counter interface {
	HitRateWithin(ctx context.Context, key string, window time.Duration, now time.Time, limit int) (store.RateHistory, bool, error)
	Reserver
}

// Rate is a limit: at most Limit events in any span of Window. A zero Limit means no limit.
type Rate struct {
	Limit  int
	Window time.Duration
}

// PerMinute is a Rate of n events a minute.
func PerMinute(n int) Rate { return Rate{Limit: n, Window: time.Minute} }

// Service counts and refuses.
type Service struct {
	Store Counter
	Now   func() time.Time
	// API bounds the REST API requests of one signed-in user (by Application Password or
	// session), whichever node they reach.
	API Rate
	// APIAnonymous bounds the anonymous REST API requests of one client address.
	APIAnonymous Rate
	// Delivery bounds the federation deliveries to one remote host, so several nodes do not
	// together flood a small server (the same reasoning as the site-wide SMTP rate).
	Delivery Rate
	// Inbox bounds the signed activities one remote host may post to our inboxes.
	Inbox Rate

	api     leases // places in the API windows reserved by this node (lease.go)
	deliver leases // places in the delivery windows reserved by this node
}

const msgAPI = "Too many requests. Wait %s and try again."

// APIRequest counts one REST API request of user (nil when anonymous) from ip and refuses
// it with ETOOMANYREQUEST, carrying when to retry, once the limit is reached. A refused
// request is not counted, so a client that backs off as told gets through. Places are
// reserved in blocks, so a busy client does not cost a database write per request; see
// lease.go for the bounded imprecision that buys.
func (s *Service) APIRequest(ctx context.Context, user *broadside.User, ip string) error {
	key, r := "api-ip:"+ip, s.APIAnonymous
	if user != nil {
		key, r = "api-user:"+strconv.FormatInt(user.ID, 10), s.API
	}
	if r.Limit <= 0 || r.Window <= 0 {
		return nil
	}
	wait, err := s.api.take(ctx, s.Store, key, r, s.Now())
	if err != nil || wait == 0 {
		return err
	}
	return broadside.TooManyRequests(wait, msgAPI, wait.Round(time.Second))
}

// MayDeliver counts one delivery to host (a federation peer; the port, if any, is part of
// it) and returns 0 when it may go now, or how long to wait before trying again, in which
// case nothing was counted and the caller reschedules the delivery (a job's retry) rather
// than sleeping in a worker.
//
// Places are reserved in blocks like the API's (lease.go): a fan-out to thousands of inboxes
// would otherwise cost a database write per delivery on top of the delivery's own.
func (s *Service) MayDeliver(ctx context.Context, host string) (time.Duration, error) {
	if s.Delivery.Limit <= 0 || s.Delivery.Window <= 0 {
		return 0, nil
	}
	return s.deliver.take(ctx, s.Store, "deliver-host:"+strings.ToLower(strings.TrimSuffix(host, ".")), s.Delivery, s.Now())
}

// MayReceive counts one activity posted to an inbox by host (the remote server, as its
// key id names it) and refuses it with ETOOMANYREQUEST, carrying when to retry, once the
// host's limit is reached.
func (s *Service) MayReceive(ctx context.Context, host string) error {
	wait, err := s.hit(ctx, "inbox-host:"+strings.ToLower(strings.TrimSuffix(host, ".")), s.Inbox)
	if err != nil || wait == 0 {
		return err
	}
	return broadside.TooManyRequests(wait, "Too many activities from %s. Retry in %s.", host, wait.Round(time.Second))
}

func (s *Service) hit(ctx context.Context, key string, r Rate) (time.Duration, error) {
	if r.Limit <= 0 || r.Window <= 0 {
		return 0, nil
	}
	h, ok, err := s.Store.HitRateWithin(ctx, key, r.Window, s.Now(), r.Limit)
	if err != nil || ok {
		return 0, err
	}
	return max(h.RetryAfter(r.Limit), time.Second), nil
}
