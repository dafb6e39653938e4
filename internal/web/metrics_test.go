package web_test

import (
	"bufio"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/mail/mailtest"
)

const metricsToken = "a-metrics-token-of-some-length"

func withMetrics() appOption {
	return func(_ *app.Options, c *config.Config) { c.MetricsToken = metricsToken }
}

// sample is one line of the Prometheus text format.
var sampleRE = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|\+Inf|-Inf|NaN)$`)

// scrape GETs /metrics with token and parses every line: samples by their full name
// (name{labels}), failing on any line that is not a comment or a valid sample.
func scrape(t *testing.T, ta *testApp, token string) (int, map[string]float64) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ta.Srv.URL+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	r := ta.browser().do(req)
	if r.StatusCode != http.StatusOK {
		return r.StatusCode, nil
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("Content-Type %q", ct)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(r.Body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := sampleRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("not a Prometheus sample: %q", line)
		}
		v, err := strconv.ParseFloat(strings.TrimPrefix(m[3], "+"), 64)
		if err != nil {
			t.Fatalf("bad value in %q: %v", line, err)
		}
		out[m[1]+m[2]] = v
	}
	return r.StatusCode, out
}

// TestMetricsOffByDefault: without a configured token there is no endpoint.
func TestMetricsOffByDefault(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	if code, _ := scrape(t, ta, metricsToken); code != http.StatusNotFound {
		t.Fatalf("GET /metrics with no token configured: %d, want 404", code)
	}
}

// TestMetricsEndpoint: with a token, a scraper holding it gets request durations by route
// pattern (one series however many paths were asked for), the page cache's hits and
// misses, the job queue per lane, mail sent and newsletter deliveries; anyone else gets 401.
func TestMetricsEndpoint(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withCache(), withMetrics(), withMail(t, &srv))
	for _, bad := range []string{"", "wrong-token-of-the-same-size!!", metricsToken + "x", strings.ToUpper(metricsToken)} {
		if code, _ := scrape(t, ta, bad); code != http.StatusUnauthorized {
			t.Fatalf("GET /metrics with token %q: %d, want 401", bad, code)
		}
	}
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Counted", "A post to read.")
	anon := ta.browser()
	for range 3 {
		anon.get(ta.postPath(p))
	}
	for i := range 20 {
		anon.get("/no-such-page-" + strconv.Itoa(i) + "/")
	}
	// A subscription's confirmation queues a job (before the drain) and sends one message.
	r := anon.post("/subscribe", map[string][]string{"email": {"reader@example.org"}, "return": {"/"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("subscribe: %d", r.StatusCode)
	}
	_, before := scrape(t, ta, metricsToken)
	if got := before[`broadside_jobs_due{lane="transactional"}`]; got < 1 {
		t.Errorf("jobs due in the transactional lane before the worker ran: %v, want at least 1", got)
	}
	if _, ok := before[`broadside_jobs_oldest_due_seconds{lane="bulk"}`]; !ok {
		t.Error("no oldest-job age for the bulk lane")
	}
	ta.drainJobs()
	_, m := scrape(t, ta, metricsToken)

	route := `broadside_http_request_duration_seconds_count{route="GET /{path...}"}`
	if got := m[route]; got < 23 {
		t.Errorf("%s = %v, want the 23 public GETs", route, got)
	}
	for name := range m {
		if strings.Contains(name, "no-such-page") {
			t.Fatalf("a request path became a label: %s", name)
		}
	}
	if m[`broadside_page_cache_requests_total{result="hit"}`] < 2 || m[`broadside_page_cache_requests_total{result="miss"}`] < 1 {
		t.Errorf("page cache counts: hit %v, miss %v; want 2 hits and a miss at least",
			m[`broadside_page_cache_requests_total{result="hit"}`], m[`broadside_page_cache_requests_total{result="miss"}`])
	}
	if got := m[`broadside_jobs_due{lane="transactional"}`]; got != 0 {
		t.Errorf("jobs due after the worker drained them: %v", got)
	}
	if got := m[`broadside_mail_sent_total{stream="transactional"}`]; got != 1 {
		t.Errorf("mail sent: %v, want the one confirmation", got)
	}
	for _, st := range []string{"pending", "sent", "failed"} {
		if _, ok := m[`broadside_newsletter_deliveries{status="`+st+`"}`]; !ok {
			t.Errorf("no newsletter delivery count for %s", st)
		}
	}
	if _, ok := m[`broadside_http_request_duration_seconds_bucket{route="GET /{path...}",le="+Inf"}`]; !ok {
		t.Error("the route histogram has no +Inf bucket")
	}
}
