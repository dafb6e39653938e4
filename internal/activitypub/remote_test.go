package activitypub

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/aptest"
	"github.com/broadside/broadside/internal/httpsig"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// remote is a fediverse server run by a test: one actor, ann, with her own key, an inbox
// that records what it receives (after verifying the signature against our actor's key,
// verify), and a status the test sets for the inbox's answers.
type remote struct {
	t      *testing.T
	srv    *httptest.Server
	key    *rsa.PrivateKey
	verify func(keyID string) any // our public key by key id
	now    func() time.Time
	inbox  *aptest.Inbox

	mu       sync.Mutex
	status   int
	received []Activity
	keyGets  int
	notes    map[string]Object // served at their ids, for fetches by id
}

func newRemote(t *testing.T, now func() time.Time) *remote {
	k, err := aptest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	r := &remote{t: t, key: k, now: now, status: http.StatusAccepted}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/ann", func(w http.ResponseWriter, _ *http.Request) {
		r.mu.Lock()
		r.keyGets++
		pub := httpsig.PublicPEM(&r.key.PublicKey)
		r.mu.Unlock()
		w.Header().Set("Content-Type", ContentType)
		_ = json.NewEncoder(w).Encode(Actor{Context: Context, ID: r.actor(), Type: "Person", PreferredUsername: "ann",
			Name: "Ann Remote", URL: ID(r.srv.URL + "/@ann"), Icon: Images{{Type: "Image", URL: r.srv.URL + "/ann.png"}},
			Inbox: r.srv.URL + "/users/ann/inbox", Endpoints: &Endpoints{SharedInbox: r.srv.URL + "/inbox"},
			PublicKey: &PublicKey{ID: r.keyID(), Owner: r.actor(), PublicKeyPem: pub}})
	})
	r.inbox = &aptest.Inbox{Key: func(keyID string) any { return r.verify(keyID) }, Now: r.now,
		Accept: func(_ *http.Request, body []byte) int {
			var a Activity
			_ = json.Unmarshal(body, &a)
			r.mu.Lock()
			defer r.mu.Unlock()
			r.received = append(r.received, a)
			return r.status
		}}
	mux.Handle("POST /inbox", r.inbox)
	mux.Handle("POST /users/ann/inbox", r.inbox)
	mux.HandleFunc("GET /notes/{id}", func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		n, ok := r.notes[r.srv.URL+req.URL.Path]
		r.mu.Unlock()
		if !ok {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", ContentType)
		_ = json.NewEncoder(w).Encode(n)
	})
	r.srv = httptest.NewServer(mux)
	t.Cleanup(r.srv.Close)
	return r
}

func (r *remote) actor() string { return r.srv.URL + "/users/ann" }
func (r *remote) keyID() string { return r.actor() + "#main-key" }

// post signs an activity as ann (with key k, usually hers) and posts it to url.
func (r *remote) post(url string, v any, k *rsa.PrivateKey, tamper func(*http.Request)) int {
	res, err := aptest.Post(url, v, r.keyID(), k, r.now(), tamper)
	if err != nil {
		r.t.Fatal(err)
	}
	return res.StatusCode
}

// fixture is our site: the service on a real store, served by a real HTTP server whose
// inboxes call Receive, and a job worker for its deliveries.
type fixture struct {
	svc    *Service
	st     *store.Store
	srv    *httptest.Server
	worker *jobs.Worker
	set    broadside.Settings
	mu     sync.Mutex
}

func newFixture(t *testing.T, dsn string, now func() time.Time) *fixture {
	st := testdb.Open(t, dsn)
	// The site actor's key is one of aptest's, stored as the service would store a key it
	// generated: generating a 2048-bit key per fixture was a quarter of this package's CPU.
	// TestSiteKeyGeneratedOnce covers the generation.
	if _, _, err := st.ActorKey(context.Background(), SiteActor, now(), aptest.NewKeyPEM); err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, set: broadside.DefaultSettings()}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.svc = &Service{Store: st, Log: log, Now: now, Client: NewClient(true)}
	mux := http.NewServeMux()
	inbox := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(io.LimitReader(r.Body, MaxDocument))
			n := name
			if n == "*" {
				n = r.PathValue("name")
			}
			err := f.svc.Receive(r.Context(), r, body, n)
			switch broadside.ErrorCode(err) {
			case "":
				w.WriteHeader(http.StatusAccepted)
			case broadside.EUNAUTHORIZED:
				w.WriteHeader(http.StatusUnauthorized)
			case broadside.ENOTFOUND:
				w.WriteHeader(http.StatusNotFound)
			case broadside.EINVALID:
				w.WriteHeader(http.StatusBadRequest)
			case broadside.EFORBIDDEN:
				w.WriteHeader(http.StatusForbidden)
			case broadside.ETOOMANYREQUEST:
				w.WriteHeader(http.StatusTooManyRequests)
			default:
				t.Logf("inbox: %v", err)
				w.WriteHeader(http.StatusInternalServerError)
			}
		}
	}
	mux.HandleFunc("POST /inbox", inbox(""))
	mux.HandleFunc("POST /activitypub/site/inbox", inbox(SiteActor))
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.svc.Site = func(context.Context, *store.Store) (Site, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		return Site{Base: f.srv.URL, Settings: f.set}, nil
	}
	f.worker = jobs.NewWorker(st, log, now)
	f.worker.Handle(JobDeliver, f.svc.Deliver)
	return f
}

func (f *fixture) settings(fn func(*broadside.Federation)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(&f.set.Federation)
}

// drain runs due jobs until none is left.
func (f *fixture) drain(t *testing.T) {
	for range 50 {
		ran, err := f.worker.RunOne(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			return
		}
	}
	t.Fatal("jobs kept coming")
}

func (f *fixture) ourKey(keyID string) any {
	k, _, err := f.svc.Key(context.Background(), SiteActor)
	if err != nil || keyID != KeyID(f.srv.URL, SiteActor) {
		return nil
	}
	return &k.PublicKey
}

// TestSiteKeyGeneratedOnce: the first time the site actor's key is asked for, a 2048-bit RSA
// key is generated and stored; a service on the same database (another node, or this one
// restarted) signs with that same key.
func TestSiteKeyGeneratedOnce(t *testing.T) {
	t.Parallel()
	st := testdb.Open(t, testdb.SQLiteMigrated(t))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	first := &Service{Store: st, Log: log, Now: clockAt(testNow)}
	k, pub, err := first.Key(context.Background(), SiteActor)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Validate(); err != nil || k.N.BitLen() != 2048 {
		t.Fatalf("site key: %d bits, %v", k.N.BitLen(), err)
	}
	if pub != httpsig.PublicPEM(&k.PublicKey) {
		t.Fatalf("published key %q is not the signing key's", pub)
	}
	again := &Service{Store: st, Log: log, Now: clockAt(testNow)}
	k2, pub2, err := again.Key(context.Background(), SiteActor)
	if err != nil || !k2.Equal(k) || pub2 != pub {
		t.Fatalf("second service got another key (%v)", err)
	}
}

// TestAptestContentType: aptest, which cannot import this package, posts and fetches as
// ContentType.
func TestAptestContentType(t *testing.T) {
	if aptest.ContentType != ContentType {
		t.Fatalf("aptest.ContentType = %q, want %q", aptest.ContentType, ContentType)
	}
}
