package activitypub

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/limits"
	"github.com/broadside/broadside/internal/testdb"
)

// TestPerHostLimits: a remote host posting more activities than the inbox limit gets 429;
// deliveries beyond the per-host limit wait (the job is paused for later, its attempts
// untouched) instead of going out or failing.
func TestPerHostLimits(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		now := clockAt(testNow)
		f := newFixture(t, dsn, now)
		f.svc.Limits = &limits.Service{Store: f.st, Now: now, Inbox: limits.PerMinute(2), Delivery: limits.PerMinute(1)}
		r := newRemote(t, now)
		r.verify = f.ourKey
		like := Activity{ID: r.actor() + "#like", Type: "Like", Actor: ID(r.actor()), Object: ID(f.srv.URL + "/x/")}
		for i, want := range []int{http.StatusAccepted, http.StatusAccepted, http.StatusTooManyRequests} {
			if code := r.post(f.srv.URL+"/inbox", like, r.key, nil); code != want {
				t.Fatalf("activity %d: %d, want %d", i, code, want)
			}
		}

		// Two follows from one host: two Accepts to one host, one allowed a minute.
		f.svc.Limits.Inbox = limits.Rate{}
		for i, id := range []string{"#f1", "#f2"} {
			follow := Activity{ID: r.actor() + id, Type: "Follow", Actor: ID(r.actor()), Object: ID(ActorID(f.srv.URL, SiteActor))}
			if code := r.post(f.srv.URL+"/inbox", follow, r.key, nil); code != http.StatusAccepted {
				t.Fatalf("follow %d: %d", i, code)
			}
		}
		f.drain(t)
		r.mu.Lock()
		got := len(r.received)
		r.mu.Unlock()
		if got != 1 {
			t.Fatalf("%d deliveries went out, want 1 (limit 1 a minute)", got)
		}
		js, err := f.st.ListJobs(ctx, "queued", 10)
		if err != nil || len(js) != 1 || js[0].Attempts != 0 || !js[0].RunAt.After(testNow) || js[0].RunAt.After(testNow.Add(2*time.Minute)) {
			t.Fatalf("held delivery: %d jobs, %v", len(js), err)
		}
	})
}
