package activitypub

import (
	"context"
	"crypto/rsa"
	"net/http"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/aptest"
	"github.com/broadside/broadside/internal/testdb"
)

var testNow = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func clockAt(t time.Time) func() time.Time { return func() time.Time { return t } }

// TestInboxFollowAcceptUndo: a remote actor with its own key follows the site actor over
// real HTTP; the follower is stored with its shared inbox, an Accept is delivered signed by
// our key and verified by the remote; Undo removes the follower. Unsigned, tampered,
// foreign-signed and stale requests are refused with 401 and change nothing.
func TestInboxFollowAcceptUndo(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		now := clockAt(testNow)
		f := newFixture(t, dsn, now)
		r := newRemote(t, now)
		r.verify = f.ourKey
		site := ActorID(f.srv.URL, SiteActor)
		follow := Activity{Context: ContextAS, ID: r.actor() + "#follows/1", Type: "Follow", Actor: ID(r.actor()), Object: ID(site)}

		other, _ := aptest.NewKey()
		for name, tc := range map[string]struct {
			k      *rsa.PrivateKey
			tamper func(*http.Request)
		}{
			"unsigned":   {nil, nil},
			"other key":  {other, nil},
			"tampered":   {r.key, func(q *http.Request) { q.Header.Set("Digest", "SHA-256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=") }},
			"stale date": {r.key, func(q *http.Request) { q.Header.Set("Date", testNow.Add(-3*time.Hour).Format(http.TimeFormat)) }},
		} {
			if code := r.post(f.srv.URL+"/inbox", follow, tc.k, tc.tamper); code != http.StatusUnauthorized {
				t.Errorf("%s follow: status %d, want 401", name, code)
			}
		}
		// Signed by ann, claiming to be someone else.
		forged := follow
		forged.Actor = ID("https://elsewhere.example/users/eve")
		if code := r.post(f.srv.URL+"/inbox", forged, r.key, nil); code != http.StatusUnauthorized {
			t.Errorf("forged actor: status %d, want 401", code)
		}
		if n, _ := f.st.CountFollowers(ctx, SiteActor, ""); n != 0 {
			t.Fatalf("refused requests stored %d followers", n)
		}

		if code := r.post(f.srv.URL+"/inbox", follow, r.key, nil); code != http.StatusAccepted {
			t.Fatalf("follow: status %d", code)
		}
		fl, err := f.st.Follower(ctx, SiteActor, r.actor())
		if err != nil || fl.Status != broadside.FollowAccepted || fl.SharedInbox != r.srv.URL+"/inbox" || fl.FollowID != follow.ID {
			t.Fatalf("follower = %+v, %v", fl, err)
		}
		f.drain(t)
		r.mu.Lock()
		if len(r.received) != 1 || r.received[0].Type != "Accept" || r.received[0].Object.ID != follow.ID || r.received[0].Actor.ID != site {
			t.Fatalf("remote received %+v (signature errors %v)", r.received, r.inbox.Refusals())
		}
		r.mu.Unlock()

		// The same Follow again (a retry by the remote) keeps one follower and one Accept.
		if code := r.post(f.srv.URL+"/inbox", follow, r.key, nil); code != http.StatusAccepted {
			t.Fatalf("repeated follow: status %d", code)
		}
		f.drain(t)

		// Key rotation: the cached key fails, the new one is fetched once and verifies.
		r.mu.Lock()
		r.key, _ = aptest.NewKey()
		gets := r.keyGets
		r.mu.Unlock()
		like := Activity{ID: r.actor() + "#likes/1", Type: "Like", Actor: ID(r.actor()), Object: ID(f.srv.URL + "/2026/12/04/hello/")}
		if code := r.post(f.srv.URL+"/activitypub/site/inbox", like, r.key, nil); code != http.StatusAccepted {
			t.Fatalf("like after key rotation: status %d", code)
		}
		r.mu.Lock()
		if r.keyGets != gets+1 {
			t.Errorf("key fetched %d times after rotation, want once", r.keyGets-gets)
		}
		r.mu.Unlock()

		undo := Activity{ID: r.actor() + "#undo/1", Type: "Undo", Actor: ID(r.actor())}
		undo.Object, _ = Embed(follow.ID, follow)
		if code := r.post(f.srv.URL+"/inbox", undo, r.key, nil); code != http.StatusAccepted {
			t.Fatalf("undo: status %d", code)
		}
		if n, _ := f.st.CountFollowers(ctx, "", ""); n != 0 {
			t.Fatalf("after Undo: %d followers", n)
		}

		// Following an actor that does not exist, or an author actor while they are off.
		follow.Object = ID(ActorID(f.srv.URL, AuthorActor(1)))
		if code := r.post(f.srv.URL+"/inbox", follow, r.key, nil); code != http.StatusNotFound {
			t.Errorf("follow of a disabled author actor: status %d, want 404", code)
		}
	})
}

// TestFollowHeldForApproval: with approval on, a follow is stored pending and nothing is
// sent until the publisher approves it.
func TestFollowHeldForApproval(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		now := clockAt(testNow)
		f := newFixture(t, dsn, now)
		f.settings(func(fd *broadside.Federation) { fd.ApproveFollows = true })
		r := newRemote(t, now)
		r.verify = f.ourKey
		follow := Activity{ID: r.actor() + "#follows/2", Type: "Follow", Actor: ID(r.actor()), Object: ID(ActorID(f.srv.URL, SiteActor))}
		if code := r.post(f.srv.URL+"/inbox", follow, r.key, nil); code != http.StatusAccepted {
			t.Fatalf("follow: status %d", code)
		}
		f.drain(t)
		if fl, err := f.st.Follower(ctx, SiteActor, r.actor()); err != nil || fl.Status != broadside.FollowPending {
			t.Fatalf("follower = %+v, %v", fl, err)
		}
		if len(r.received) != 0 {
			t.Fatalf("held follow got %+v", r.received)
		}
		if err := f.svc.Approve(ctx, SiteActor, r.actor()); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		if len(r.received) != 1 || r.received[0].Type != "Accept" || r.received[0].Object.ID != follow.ID {
			t.Fatalf("after approval remote got %+v (%v)", r.received, r.inbox.Refusals())
		}
	})
}

// TestDeliveryOutcomes: 5xx and 429 are retried later, other 4xx are dropped without
// touching the follower, 410 Gone removes the followers behind the inbox.
func TestDeliveryOutcomes(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		now := clockAt(testNow)
		f := newFixture(t, dsn, now)
		r := newRemote(t, now)
		r.verify = f.ourKey
		before := 0
		for i, tc := range []struct {
			status        int
			wantQueued    bool
			wantFollowers int
		}{
			{http.StatusServiceUnavailable, true, 1},
			{http.StatusTooManyRequests, true, 1},
			{http.StatusBadRequest, false, 1},
			{http.StatusGone, false, 0},
		} {
			r.mu.Lock()
			r.status = tc.status
			r.mu.Unlock()
			follow := Activity{ID: r.actor() + "#follows/o" + http.StatusText(tc.status), Type: "Follow", Actor: ID(r.actor()), Object: ID(ActorID(f.srv.URL, SiteActor))}
			if code := r.post(f.srv.URL+"/inbox", follow, r.key, nil); code != http.StatusAccepted {
				t.Fatalf("%d: follow: status %d", i, code)
			}
			f.drain(t)
			queued := countQueued(t, f) - before
			before += queued
			if (queued > 0) != tc.wantQueued {
				t.Errorf("answer %d: %d deliveries still queued, want queued=%v", tc.status, queued, tc.wantQueued)
			}
			if n, _ := f.st.CountFollowers(ctx, SiteActor, ""); n != tc.wantFollowers {
				t.Errorf("answer %d: %d followers, want %d", tc.status, n, tc.wantFollowers)
			}
		}
	})
}

func countQueued(t *testing.T, f *fixture) int {
	js, err := f.st.ListJobs(context.Background(), "queued", 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range js {
		if j.Kind == JobDeliver {
			n++
		}
	}
	return n
}

// TestClientRefusesPrivateAddresses: without the test flag, the remote client will not
// connect to loopback (a key id pointing into the site's own network).
func TestClientRefusesPrivateAddresses(t *testing.T) {
	t.Parallel()
	r := newRemote(t, clockAt(testNow))
	res, err := NewClient(false).Get(r.actor())
	if err == nil {
		res.Body.Close()
		t.Fatal("fetched from a loopback address")
	}
	res, err = NewClient(true).Get(r.actor())
	if err != nil {
		t.Fatalf("with private addresses allowed: %v", err)
	}
	res.Body.Close()
}
