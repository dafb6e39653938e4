package app_test

import (
	"context"
	"net"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/aptest"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/subscriptions"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testload"
)

// TestFanOutSurvivesKill9 (SQLite) and TestFanOutSurvivesKill9Postgres kill a real server
// process with SIGKILL while it fans a post out to 300 followers on 100 simulated hosts, start
// it again, and check that every follower's inbox accepted the Create, signed: at least once,
// and twice only for the deliveries in flight at the kill (at most one per delivery worker),
// with the same activity id both times so the receiver can drop the copy.
func TestFanOutSurvivesKill9(t *testing.T)         { t.Parallel(); fanOutCrash(t, "") }
func TestFanOutSurvivesKill9Postgres(t *testing.T) { t.Parallel(); fanOutCrash(t, testdb.Postgres(t)) }

func fanOutCrash(t *testing.T, db string) {
	const n, hosts = 300, 100
	r := startReceiver(t, 30*time.Millisecond) // about 300*30ms/8 workers ≈ 1 s of fan-out
	cfg := config.Defaults()
	cfg.DataDir, cfg.DB, cfg.FederationAllowPrivate = dataDir(t, db), db, true
	fanOutSite(t, cfg, r, n, hosts)

	addr := testload.FreeAddr(t)
	base := "http://" + addr
	first, out1 := startFedServe(t, cfg, addr, base)
	waitWithin(t, 120*time.Second, "a quarter of the fan-out", func() bool { return len(r.inboxes()) >= n/4 })
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	atKill := len(r.inboxes())
	if atKill >= n {
		t.Fatalf("the fan-out finished (%d inboxes) before the kill: make the receiver slower", atKill)
	}
	second, out2 := startFedServe(t, cfg, addr, base)
	waitInboxes(t, r, n, 120*time.Second, out1, out2)
	t.Logf("killed after %d of %d inboxes; all reached after the restart", atKill, n)
	assertCreatesOnce(t, r, n, app.DeliveryWorkers)
	stopServe(second)
}

// TestFanOutTwoNodesClaimOnce runs two server processes on one PostgreSQL database: each
// delivery of a post fanned out to 300 followers is claimed by one of them, so every inbox
// accepts the Create exactly once.
func TestFanOutTwoNodesClaimOnce(t *testing.T) {
	t.Parallel()
	const n, hosts = 300, 100
	r := startReceiver(t, 20*time.Millisecond)
	cfg := config.Defaults()
	cfg.DataDir, cfg.DB, cfg.FederationAllowPrivate = t.TempDir(), testdb.Postgres(t), true
	fanOutSite(t, cfg, r, n, hosts)
	addr1, addr2 := testload.FreeAddr(t), testload.FreeAddr(t)
	base := "http://" + addr1 // one public URL for the site, whichever node serves
	var outs []*strings.Builder
	var cmds []*exec.Cmd
	for _, addr := range []string{addr1, addr2} {
		cmd, out := startFedServe(t, cfg, addr, base)
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	waitInboxes(t, r, n, 120*time.Second, outs...)
	// Let any second copy arrive before counting: the queue must be empty.
	waitWithin(t, 120*time.Second, "the delivery queue to empty", func() bool { return r.total.Load() >= n && queueEmpty(t, cfg) })
	assertCreatesOnce(t, r, n, 0)
	for i, out := range outs {
		t.Logf("node %d ran %d deliveries", i+1, countLines(out.String(), "job done", activitypub.JobDeliver))
	}
	for _, c := range cmds {
		stopServe(c)
	}
}

// assertCreatesOnce checks that each of the n inboxes accepted the one Create, and at most
// twice dup of them.
func assertCreatesOnce(t *testing.T, r *fedReceiver, n, dup int) {
	t.Helper()
	got := r.inboxes()
	if len(got) != n {
		t.Fatalf("%d inboxes reached, want %d", len(got), n)
	}
	var id string
	twice := 0
	for box, acts := range got {
		for _, a := range acts {
			if !strings.HasPrefix(a, "Create ") {
				t.Fatalf("%s accepted %q, want only the Create", box, a)
			}
			if id == "" {
				id = a
			} else if a != id {
				t.Fatalf("%s accepted %q, others %q: one activity id for every copy", box, a, id)
			}
		}
		switch len(acts) {
		case 1:
		case 2:
			twice++
		default:
			t.Errorf("%s accepted the Create %d times", box, len(acts))
		}
	}
	if twice > dup {
		t.Errorf("%d inboxes accepted the Create twice, at most %d may (the deliveries in flight at a kill)", twice, dup)
	}
	if refused := r.refusals(); len(refused) > 0 {
		t.Errorf("the receiver refused %d signatures: %v", len(refused), refused[0])
	}
	t.Logf("%d inboxes accepted %s; %d of them twice", len(got), id, twice)
}

func stopServe(c *exec.Cmd) {
	_ = c.Process.Signal(syscall.SIGTERM)
	_ = c.Wait()
}

// TestFanOutNeverDelaysSignInMail: while every delivery worker of the node is stuck on
// remote servers that do not answer, a sign-in link requested meanwhile is mailed: the
// federation lane has its own workers, the transactional lane its own.
func TestFanOutNeverDelaysSignInMail(t *testing.T) {
	// Not parallel: the sign-in mail must arrive before the stuck deliveries time out (10 s),
	// which other tests' servers competing for the CPU can push past on a busy machine.
	srv := mailtest.Start(t)
	cfg := mailSite(t, "", srv, 1000, 0)
	cfg.FederationAllowPrivate = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = "http://" + ln.Addr().String()
	r := startReceiver(t, 0)
	r.gate = make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(r.gate) }) }
	t.Cleanup(open)
	const n, hosts = 200, 50
	fanOutSite(t, cfg, r, n, hosts)
	a, err := app.Open(context.Background(), cfg, quietLog(), app.Options{NoCache: true, GenerateKey: aptest.NewKeyPEM})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// The site is served so the receiver can fetch the key that signs the deliveries.
	web := httptest.NewUnstartedServer(a.Web)
	web.Listener.Close()
	web.Listener = ln
	web.Start()
	defer web.Close()
	ctx, cancel := context.WithCancel(context.Background())
	bg := make(chan struct{})
	go func() { defer close(bg); a.RunBackground(ctx) }()
	defer func() { open(); cancel(); <-bg }()
	a.Worker.Wake()
	waitWithin(t, 120*time.Second, "every delivery worker to be stuck", func() bool { return int(r.held.Load()) == app.DeliveryWorkers })

	const reader = "reader@example.net"
	now := time.Now()
	if err := a.Store.CreateSubscriber(ctx, &broadside.Subscriber{Email: reader, Status: broadside.SubscriberConfirmed,
		Source: broadside.SourceForm, CreatedAt: now, UpdatedAt: now, ConfirmedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := a.Subscriptions.RequestSignIn(ctx, subscriptions.Request{Email: reader, IP: "192.0.2.7"}); err != nil {
		t.Fatal(err)
	}
	srv.Wait(t, 1, 60*time.Second)
	if got := r.total.Load(); got != 0 || int(r.held.Load()) != app.DeliveryWorkers {
		t.Fatalf("the fan-out moved on (%d delivered, %d held) before the check: the test proves nothing", got, r.held.Load())
	}
	open()
	waitInboxes(t, r, n, 120*time.Second)
}
