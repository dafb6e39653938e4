package newsletter_test

import (
	"context"
	"fmt"
	htmltemplate "html/template"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/cputime"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/newsletter"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// BenchmarkFanout sends one newsletter to BROADSIDE_BENCH_SUBSCRIBERS confirmed subscribers
// (default 2,000; docs/benchmarks.md uses 100,000) through the real SMTP sender into an
// in-process SMTP sink that discards what it receives, on SQLite (or PostgreSQL with
// BROADSIDE_BENCH_DSN=postgres). Pacing is off, so this measures Broadside's own cost per
// message: claiming and recording each delivery (two durable commits), rendering, and the SMTP
// conversation. It reports messages per second and the peak Go heap and process RSS.
// BROADSIDE_BENCH_CONNECTIONS and BROADSIDE_BENCH_BATCH set the sender's Connections and
// Batch (defaults: as the app sets them, config.DefaultSMTPConnections and
// newsletter.InFlight at this unpaced rate; 1 and 1 is how it sent before batching).
func BenchmarkFanout(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("BROADSIDE_BENCH_SUBSCRIBERS")); err == nil && v > 0 {
		n = v
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dsn := testdb.SQLite(b)
		if os.Getenv("BROADSIDE_BENCH_DSN") == "postgres" {
			dsn = testdb.Postgres(b)
		}
		e := newBenchEnv(b, dsn, n)
		runtime.GC()
		peak := watchHeap()
		b.StartTimer()
		start, cpu0 := time.Now(), cputime.Process()
		e.drain()
		el, cpu := time.Since(start), cputime.Process()-cpu0
		b.StopTimer()
		heap := peak()
		if got := e.smtp.Count(); got != n {
			b.Fatalf("the sink received %d messages, want %d", got, n)
		}
		// The reference, measured in the same run: the same SMTP sender and sink with no
		// database at all, one pre-built message sent over and over.
		ref := smtpOnlyRate(b, e, min(n, 20000))
		b.ReportMetric(ref, "smtp-only-msgs/s")
		b.ReportMetric(float64(n)/el.Seconds(), "msgs/s")
		// CPU per message (this process: Broadside and the in-process sink) moves far less
		// with the machine's load than the rate does.
		b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/msg")
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(rssPeakKiB())/1024, "peak-rss-MiB")
		b.Logf("%d messages in %s: %.0f msgs/s (SMTP alone, no database: %.0f msgs/s), peak heap %.1f MiB, peak RSS %.1f MiB (%s)",
			n, el.Round(time.Millisecond), float64(n)/el.Seconds(), ref, float64(heap)/(1<<20), float64(rssPeakKiB())/1024, e.st.Dialect())
	}
}

// newBenchEnv is env with a discarding sink, no pacing and n confirmed subscribers, and the
// newsletter already queued.
func newBenchEnv(b *testing.B, dsn string, n int) *env {
	e := &env{t: b, dsn: dsn, clk: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, log: &strings.Builder{}}
	ctx := context.Background()
	st := testdb.Open(b, dsn)
	e.st = st
	e.smtp = mailtest.Start(b, mailtest.Discard())
	e.conns = config.DefaultSMTPConnections
	if v, err := strconv.Atoi(os.Getenv("BROADSIDE_BENCH_CONNECTIONS")); err == nil && v > 0 {
		e.conns = v
	}
	e.batch = newsletter.InFlight(1e9, e.conns)
	if v, err := strconv.Atoi(os.Getenv("BROADSIDE_BENCH_BATCH")); err == nil && v > 0 {
		e.batch = v
	}
	b.Logf("batch %d, connections %d", e.batch, e.conns)
	snd, err := mail.NewSMTP(mail.SMTPConfig{Host: e.smtp.Host, Port: e.smtp.Port, TLS: mail.TLSNone, From: "news@example.org",
		Timeout: 10 * time.Second, Connections: e.conns})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { snd.Close() })
	e.sender = snd
	e.wire()
	e.nl.Rate = 1e9
	e.nl.Slice = time.Minute
	u := &broadside.User{Email: "ann@example.org", Login: "ann", DisplayName: "Ann Author", Role: broadside.RoleAdmin, CreatedAt: e.clk.Now()}
	if err := st.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	e.author = u
	const batch = 5000
	for done := 0; done < n; done += batch {
		err := st.InTx(ctx, func(tx *store.Store) error {
			for i := done; i < min(n, done+batch); i++ {
				s := &broadside.Subscriber{Email: fmt.Sprintf("reader%06d@example.net", i), Status: broadside.SubscriberConfirmed,
					Source: broadside.SourceImport, CreatedAt: e.clk.Now(), ConfirmedAt: e.clk.Now(), UpdatedAt: e.clk.Now()}
				if _, err := tx.AddSubscriberIfNew(ctx, s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	body := strings.Repeat("A paragraph of a typical newsletter, long enough to be realistic. ", 40)
	in := benchInput(body)
	if _, err := e.posts.Save(ctx, 0, in, u); err != nil {
		b.Fatal(err)
	}
	return e
}

func benchInput(body string) posts.Input {
	return posts.Input{Type: broadside.TypePost, Title: "A newsletter", Body: body, Status: broadside.StatusPublished,
		CommentsOpen: true, SendNewsletter: yes()}
}

// smtpOnlyRate sends n copies of one message through the env's sender into its sink.
func smtpOnlyRate(b *testing.B, e *env, n int) float64 {
	m, err := mail.Compose("reader@example.net", &mail.Content{Subject: "x", SiteName: "S", SiteURL: "https://example.org/",
		BodyHTML: htmltemplate.HTML("<p>" + strings.Repeat("A paragraph of a typical newsletter, long enough to be realistic. ", 40) + "</p>")})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		if _, err := e.sender.Send(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

// watchHeap samples the live Go heap every 20ms until the returned function is called, which
// returns the largest sample.
func watchHeap() func() uint64 {
	var mu sync.Mutex
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapAlloc)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// rssPeakKiB reads the process's peak resident set (VmHWM) on Linux; 0 elsewhere.
func rssPeakKiB() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			n, _ := strconv.Atoi(strings.Fields(l)[1])
			return n
		}
	}
	return 0
}
