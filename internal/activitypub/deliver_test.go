package activitypub

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// clock is a test clock the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// inboxServer answers deliveries with the status (and Retry-After) the test sets, counting them.
type inboxServer struct {
	srv        *httptest.Server
	mu         sync.Mutex
	status     int
	retryAfter string
	got        int
}

func newInboxServer(t *testing.T) *inboxServer {
	s := &inboxServer{status: http.StatusServiceUnavailable}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.got++
		if s.retryAfter != "" {
			w.Header().Set("Retry-After", s.retryAfter)
		}
		w.WriteHeader(s.status)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *inboxServer) set(status int, retryAfter string) {
	s.mu.Lock()
	s.status, s.retryAfter = status, retryAfter
	s.mu.Unlock()
}

func (s *inboxServer) count() int { s.mu.Lock(); defer s.mu.Unlock(); return s.got }

// send enqueues one activity about post 7 to inbox and runs the due jobs.
func (f *fixture) send(t *testing.T, n int, inbox string) {
	t.Helper()
	a := Activity{ID: f.srv.URL + "/p/#Create-" + strconv.Itoa(n), Type: "Create", Actor: ID(ActorID(f.srv.URL, SiteActor))}
	if err := f.st.InTx(context.Background(), func(tx *store.Store) error {
		return f.svc.enqueueFor(context.Background(), tx, 7, SiteActor, a, []string{inbox})
	}); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
}

func hostRow(t *testing.T, f *fixture) broadside.DeliveryHost {
	t.Helper()
	hs, err := f.st.PostDeliveries(context.Background(), 7)
	if err != nil || len(hs) != 1 {
		t.Fatalf("delivery status: %+v, %v", hs, err)
	}
	return hs[0]
}

// TestDeliveryRetriesThenHostDies: a 503 is retried no sooner than the server's Retry-After
// (when longer than our backoff) and shows as failing with its error and next try; after a
// week of failures without a break the host is dead and its deliveries stop, but for one probe
// a day; a probe that gets through brings it back, as does a signed activity from it.
func TestDeliveryRetriesThenHostDies(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := &clock{t: testNow}
		f := newFixture(t, dsn, c.Now)
		in := newInboxServer(t)
		inbox := in.srv.URL + "/inbox"
		host := Host(inbox)

		in.set(http.StatusServiceUnavailable, "3600")
		f.send(t, 1, inbox)
		h := hostRow(t, f)
		if h.Failing != 1 || h.Attempts != 1 || h.LastError != "503 Service Unavailable" || !h.NextAt.Equal(testNow.Add(time.Hour)) {
			t.Fatalf("after a 503 with Retry-After 3600: %+v", h)
		}
		if js, _ := f.st.ListJobs(ctx, store.JobQueued, 10); len(js) != 1 || !js[0].RunAt.Equal(testNow.Add(time.Hour)) {
			t.Fatalf("the retry is not scheduled at the Retry-After: %+v", js)
		}

		// A week and a day later it still fails: the host is dead, the delivery given up.
		c.add(8 * 24 * time.Hour)
		f.drain(t)
		h = hostRow(t, f)
		if h.Failed != 1 || h.DeadAt.IsZero() || h.Attempts != 2 {
			t.Fatalf("after a week of failures: %+v", h)
		}
		if n := countQueued(t, f); n != 0 {
			t.Fatalf("%d deliveries to a dead host still queued", n)
		}

		// New deliveries to it: one probe a day goes out, the others are dropped unsent.
		before := in.count()
		f.send(t, 2, inbox)
		f.send(t, 3, inbox)
		if got := in.count() - before; got != 1 {
			t.Fatalf("%d requests to the dead host for two deliveries, want 1 (the probe)", got)
		}
		if h := hostRow(t, f); h.Failed != 3 {
			t.Fatalf("deliveries to a dead host: %+v", h)
		}

		// The next day's probe is answered: the host lives, deliveries flow again.
		in.set(http.StatusAccepted, "")
		c.add(25 * time.Hour)
		f.send(t, 4, inbox)
		f.send(t, 5, inbox)
		if _, dead, _ := f.st.HostState(ctx, host); !dead.IsZero() {
			t.Fatal("the host answered a probe but is still dead")
		}
		if h := hostRow(t, f); h.Delivered != 2 || !h.DeadAt.IsZero() {
			t.Fatalf("after the host came back: %+v", h)
		}

		// A dead host that posts a signed activity to our inbox lives again too.
		r := newRemote(t, c.Now)
		r.verify = f.ourKey
		rh := Host(r.actor())
		for range 2 {
			if _, err := f.st.HostFailed(ctx, rh, "timeout", c.Now(), 0); err != nil {
				t.Fatal(err)
			}
		}
		if _, dead, _ := f.st.HostState(ctx, rh); dead.IsZero() {
			t.Fatal("setup: the remote is not dead")
		}
		like := Activity{ID: r.actor() + "#like-1", Type: "Like", Actor: ID(r.actor()), Object: ID(f.srv.URL + "/p/")}
		if code := r.post(f.srv.URL+"/inbox", like, r.key, nil); code != http.StatusAccepted {
			t.Fatalf("like: %d", code)
		}
		if _, dead, _ := f.st.HostState(ctx, rh); !dead.IsZero() {
			t.Fatal("a host that posted to our inbox is still dead")
		}
	})
}

// TestDeliveryRefusalsRecorded: a 4xx other than 429 is failed at once (one request, the
// status recorded); 410 says the followers were removed.
func TestDeliveryRefusalsRecorded(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		c := &clock{t: testNow}
		f := newFixture(t, dsn, c.Now)
		in := newInboxServer(t)
		in.set(http.StatusForbidden, "")
		f.send(t, 1, in.srv.URL+"/inbox")
		in.set(http.StatusGone, "")
		f.send(t, 2, in.srv.URL+"/inbox")
		if h := hostRow(t, f); h.Failed != 2 || in.count() != 2 {
			t.Fatalf("after 403 and 410: %+v, %d requests", h, in.count())
		}
	})
}

// TestSlowHostHoldsAtMostItsSlots: a host that never answers holds at most HostConcurrency
// of the lane's workers: deliveries to another host all go through meanwhile, and a job of
// the transactional lane (mail, scheduled publishing) runs while the federation lane is full.
func TestSlowHostHoldsAtMostItsSlots(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn, time.Now)
		f.svc.HostConcurrency = 2
		release := make(chan struct{})
		var inFlight, most atomic.Int32
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := inFlight.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			select {
			case <-release:
			case <-r.Context().Done():
			}
			inFlight.Add(-1)
			w.WriteHeader(http.StatusAccepted)
		}))
		t.Cleanup(slow.Close)
		var unblock sync.Once
		free := func() { unblock.Do(func() { close(release) }) }
		fast := newInboxServer(t)
		fast.set(http.StatusAccepted, "")

		var boxes []string
		for i := range 10 {
			boxes = append(boxes, slow.URL+"/users/"+strconv.Itoa(i)+"/inbox")
		}
		for i := range 10 {
			boxes = append(boxes, fast.srv.URL+"/users/"+strconv.Itoa(i)+"/inbox")
		}
		a := Activity{ID: f.srv.URL + "/p/#Create-1", Type: "Create", Actor: ID(ActorID(f.srv.URL, SiteActor))}
		if err := f.st.InTx(context.Background(), func(tx *store.Store) error {
			return f.svc.enqueueFor(context.Background(), tx, 7, SiteActor, a, boxes)
		}); err != nil {
			t.Fatal(err)
		}
		w := jobs.NewWorker(f.st, f.svc.Log, time.Now)
		w.Poll = 100 * time.Millisecond
		w.Capacity = map[jobs.Lane]int{Lane: 4, jobs.Transactional: 1}
		w.Handle(JobDeliver, f.svc.Deliver, jobs.InLane(Lane))
		mailed := make(chan struct{})
		var once sync.Once
		w.Handle("test.mail", func(context.Context, []byte) error { once.Do(func() { close(mailed) }); return nil })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); w.Run(ctx) }()
		t.Cleanup(func() { free(); cancel(); <-done })

		waitFor(t, "the fast host's ten deliveries", func() bool { return fast.count() == 10 })
		if err := jobs.Enqueue(context.Background(), f.st, "test.mail", "", time.Now(), nil); err != nil {
			t.Fatal(err)
		}
		w.Wake()
		select {
		case <-mailed:
		case <-time.After(30 * time.Second):
			t.Fatal("a transactional job waited behind the deliveries")
		}
		// The high-water mark, not the count in flight now: on a busy machine the slow
		// host's requests may already have hit FetchTimeout and be waiting out their retry.
		waitFor(t, "the slow host's two slots to fill", func() bool { return most.Load() >= 2 })
		if m := most.Load(); m != 2 {
			t.Fatalf("slow host: at most %d in flight at once, want 2 (its cap)", m)
		}
	})
}

// waitFor polls cond; the limit is generous because the machine may be busy (the tests run
// in parallel, and under -race), and nothing is timed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestInterleave(t *testing.T) {
	t.Parallel()
	in := []string{"https://a.example/1", "https://a.example/2", "https://a.example/3", "https://b.example/1", "https://c.example/1", "https://c.example/2"}
	want := "https://a.example/1 https://b.example/1 https://c.example/1 https://a.example/2 https://c.example/2 https://a.example/3"
	if got := strings.Join(interleave(in), " "); got != want {
		t.Fatalf("interleave = %s\nwant %s", got, want)
	}
}

// TestOldDeliveriesPurged: the deliveries that ended more than DeliveryRetention ago leave the
// status; recent ones stay, and so does one still waiting, however old.
func TestOldDeliveriesPurged(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := &clock{t: testNow}
		f := newFixture(t, dsn, c.Now)
		in := newInboxServer(t)
		in.set(http.StatusAccepted, "")
		inbox := in.srv.URL + "/inbox"
		f.send(t, 1, inbox)
		if err := f.st.RecordDelivery(ctx, &store.Delivery{ActivityID: f.srv.URL + "/p/#Update-2", Inbox: inbox, Host: Host(inbox), PostID: 7}, c.Now()); err != nil {
			t.Fatal(err)
		}
		c.add(DeliveryRetention + time.Hour)
		f.send(t, 3, inbox)
		n, err := f.svc.PurgeDeliveries(ctx)
		if err != nil || n != 1 {
			t.Fatalf("purged %d, %v; want 1", n, err)
		}
		if h := hostRow(t, f); h.Delivered != 1 || h.Waiting != 1 {
			t.Fatalf("after the purge: %+v; want the recent delivery and the waiting one", h)
		}
	})
}
