package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/aptest"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/httpsig"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testload"
)

// The federation benchmarks run `broadside serve` as a child process, as in production, and
// measure it from outside. They run the whole scenario once whatever b.N is (run them with
// -benchtime=1x); see docs/benchmarks.md. BROADSIDE_BENCH_DSN=postgres runs them on a
// throwaway PostgreSQL instead of SQLite.

func benchDB(b *testing.B) string {
	if os.Getenv("BROADSIDE_BENCH_DSN") == "postgres" {
		return testdb.Postgres(b)
	}
	return ""
}

// peakRSS is the peak resident set size of process pid in MiB (Linux: VmHWM).
func peakRSS(pid int) float64 {
	s, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(s), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// cpuSeconds is the user+system CPU time process pid has used (Linux: /proc/PID/stat).
func cpuSeconds(pid int) float64 {
	s, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(string(s[strings.LastIndexByte(string(s), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // clock ticks; 100 a second on Linux
}

// BenchmarkFanOut10k: one post fanned out to 10,000 followers (personal inboxes, so 10,000
// deliveries) on 1,000 simulated hosts, at a receiver that verifies every signature. Reports
// deliveries/s and the time from the server's start to the last inbox reached, and the
// server's peak RSS.
func BenchmarkFanOut10k(b *testing.B) {
	const n, hosts = 10000, 1000
	r := startReceiver(b, 0)
	cfg := config.Defaults()
	cfg.DataDir, cfg.DB, cfg.FederationAllowPrivate = b.TempDir(), benchDB(b), true
	fanOutSite(b, cfg, r, n, hosts)
	addr := testload.FreeAddr(b)
	b.ResetTimer()
	start := time.Now()
	cmd, out := startFedServe(b, cfg, addr, "http://"+addr)
	waitInboxes(b, r, n, 30*time.Minute, out)
	took := time.Since(start)
	b.StopTimer()
	rss, cpu := peakRSS(cmd.Process.Pid), cpuSeconds(cmd.Process.Pid)
	stopServe(cmd)
	if refused := r.refusals(); len(refused) > 0 {
		b.Fatalf("%d signatures refused: %s", len(refused), refused[0])
	}
	b.ReportMetric(float64(n)/took.Seconds(), "deliveries/s")
	b.ReportMetric(took.Seconds(), "s-to-finish")
	b.ReportMetric(rss, "peak-RSS-MiB")
	b.ReportMetric(cpu*1000/n, "server-CPU-ms/delivery")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkInboxSigned: 4,000 Like activities, each signed (draft-cavage rsa-sha256 with
// Digest) by one of 1,000 actors on 1,000 simulated hosts, posted by 16 clients at once to
// the shared inbox of a running server. The server fetches each actor's key once (from the
// simulated host) and verifies every signature. Requests are signed before the clock starts.
// Reports activities accepted (202) per second and the server's peak RSS.
func BenchmarkInboxSigned(b *testing.B) {
	const n, hosts, clients = 4000, 1000, 16
	key, err := aptest.NewKey()
	if err != nil {
		b.Fatal(err)
	}
	pub := httpsig.PublicPEM(&key.PublicKey)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	actor := func(i int) string { return fmt.Sprintf("http://h%d.localhost:%s/users/u%d", i%hosts, port, i%hosts) }
	// Every simulated host serves its actor's document (one key pair shared by all: the
	// server still fetches and verifies each key id on its own).
	actors := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := "http://" + r.Host + r.URL.Path
		w.Header().Set("Content-Type", activitypub.ContentType)
		_ = json.NewEncoder(w).Encode(activitypub.Actor{ID: id, Type: "Person", Inbox: id + "/inbox",
			PublicKey: &activitypub.PublicKey{ID: id + "#main-key", Owner: id, PublicKeyPem: pub}})
	})}
	go func() { _ = actors.Serve(ln) }()
	defer actors.Close()

	cfg := config.Defaults()
	cfg.DataDir, cfg.DB, cfg.FederationAllowPrivate = b.TempDir(), benchDB(b), true
	addr := testload.FreeAddr(b)
	base := "http://" + addr
	cmd, out := startFedServe(b, cfg, addr, base)
	waitWithin(b, 60*time.Second, "the server to answer", func() bool {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == http.StatusOK
	})

	reqs := make([]*http.Request, n)
	for i := range reqs {
		body, _ := json.Marshal(map[string]any{"@context": activitypub.ContextAS, "id": actor(i) + "#likes/" + strconv.Itoa(i),
			"type": "Like", "actor": actor(i), "object": base + "/"})
		req, _ := http.NewRequest(http.MethodPost, base+"/inbox", bytes.NewReader(body))
		req.Header.Set("Content-Type", activitypub.ContentType)
		if err := httpsig.Sign(req, body, actor(i)+"#main-key", key, time.Now()); err != nil {
			b.Fatal(err)
		}
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		reqs[i] = req
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: time.Minute}
	var next, accepted atomic.Int64
	codes := sync.Map{}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < n; i = next.Add(1) - 1 {
				res, err := client.Do(reqs[i])
				if err != nil {
					codes.Store("error: "+err.Error(), true)
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusAccepted {
					accepted.Add(1)
				} else {
					codes.Store(res.Status, true)
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	b.StopTimer()
	rss, cpu := peakRSS(cmd.Process.Pid), cpuSeconds(cmd.Process.Pid)
	stopServe(cmd)
	if accepted.Load() != n {
		var other []string
		codes.Range(func(k, _ any) bool { other = append(other, k.(string)); return true })
		s := out.String()
		b.Fatalf("%d of %d accepted; other answers %v\n%s", accepted.Load(), n, other, s[max(0, len(s)-3000):])
	}
	b.ReportMetric(float64(n)/took.Seconds(), "activities/s")
	b.ReportMetric(rss, "peak-RSS-MiB")
	b.ReportMetric(cpu*1000/n, "server-CPU-ms/activity")
	b.ReportMetric(0, "ns/op")
}
