// Package metrics is what the /metrics endpoint reports, in Prometheus text format: request
// durations by route, the page cache's hits and misses, the job queue's depth and oldest
// age per lane, mail sent and failed, and newsletter deliveries. It is built on
// github.com/VictoriaMetrics/metrics, with one Set per app (no package-level registry), so
// several apps in one test process keep their own numbers.
package metrics

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	vm "github.com/VictoriaMetrics/metrics"

	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/store"
)

// Source is what the registry reads from the database at each scrape.
type Source interface {
	JobBacklogs(ctx context.Context, now time.Time) ([]store.JobBacklog, error)
	DeliveryCounts(ctx context.Context) (map[string]int, error)
}

// Registry holds one node's metrics.
type Registry struct {
	// Source, Lanes and Now feed the queue and delivery gauges; Source nil leaves them out.
	Source Source
	Lanes  func(kind string) jobs.Lane
	Now    func() time.Time
	// Cache returns the page cache's counts (web.PageCache.Counts); nil leaves them out.
	Cache func() (hits, misses, stale uint64)

	set *vm.Set
}

// New returns an empty registry.
func New() *Registry { return &Registry{set: vm.NewSet()} }

// ObserveRequest records one request answered by route: the route's pattern as the site's
// route table names it ("GET /category/{path...}"), never the request's path, so the
// number of series stays that of the table.
func (r *Registry) ObserveRequest(route string, d time.Duration) {
	r.set.GetOrCreatePrometheusHistogram(`broadside_http_request_duration_seconds{route=` + quote(route) + `}`).Update(d.Seconds())
}

// MailSent and MailFailed count one message handed to (or refused by) the mail server, by
// stream: "transactional" (sign-in links, notices) or "bulk" (newsletters, comment notices).
func (r *Registry) MailSent(stream string) {
	r.set.GetOrCreateCounter(`broadside_mail_sent_total{stream=` + quote(stream) + `}`).Inc()
}

// MailFailed counts one message the mail server did not take.
func (r *Registry) MailFailed(stream string) {
	r.set.GetOrCreateCounter(`broadside_mail_failed_total{stream=` + quote(stream) + `}`).Inc()
}

// WritePrometheus writes every metric to w. The database-backed gauges are read now, in
// two queries; if the database does not answer, they are left out and the error returned
// after the rest is written, so a scrape during an outage still shows the node's own numbers.
func (r *Registry) WritePrometheus(ctx context.Context, w io.Writer) error {
	r.set.WritePrometheus(w)
	if r.Cache != nil {
		hits, misses, stale := r.Cache()
		vm.WriteCounterUint64(w, `broadside_page_cache_requests_total{result="hit"}`, hits)
		vm.WriteCounterUint64(w, `broadside_page_cache_requests_total{result="miss"}`, misses)
		vm.WriteCounterUint64(w, `broadside_page_cache_requests_total{result="stale"}`, stale)
	}
	if r.Source == nil {
		return nil
	}
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	var errs []string
	if backlog, err := r.Source.JobBacklogs(ctx, now); err != nil {
		errs = append(errs, err.Error())
	} else {
		writeBacklog(w, backlog, r.Lanes, now)
	}
	if counts, err := r.Source.DeliveryCounts(ctx); err != nil {
		errs = append(errs, err.Error())
	} else {
		for _, st := range []string{"pending", "sending", "sent", "failed", "skipped"} {
			vm.WriteGaugeUint64(w, `broadside_newsletter_deliveries{status=`+quote(st)+`}`, uint64(counts[st]))
		}
	}
	if errs != nil {
		return fmt.Errorf("metrics: %s", strings.Join(errs, "; "))
	}
	return nil
}

// writeBacklog writes the due jobs and the age of the oldest per lane; every lane is
// written, with zeros when idle, so a dashboard's series do not come and go.
func writeBacklog(w io.Writer, backlog []store.JobBacklog, laneOf func(string) jobs.Lane, now time.Time) {
	type lane struct {
		due    int
		oldest time.Time
	}
	lanes := map[jobs.Lane]*lane{jobs.Transactional: {}, jobs.Bulk: {}}
	for _, b := range backlog {
		l := jobs.Transactional
		if laneOf != nil {
			l = laneOf(b.Kind)
		}
		if lanes[l] == nil {
			lanes[l] = &lane{}
		}
		lanes[l].due += b.Due
		if lanes[l].oldest.IsZero() || b.Oldest.Before(lanes[l].oldest) {
			lanes[l].oldest = b.Oldest
		}
	}
	names := make([]string, 0, len(lanes))
	for l := range lanes {
		names = append(names, string(l))
	}
	sort.Strings(names)
	for _, name := range names {
		l := lanes[jobs.Lane(name)]
		age := 0.0
		if !l.oldest.IsZero() {
			age = max(0, now.Sub(l.oldest).Seconds())
		}
		vm.WriteGaugeUint64(w, `broadside_jobs_due{lane=`+quote(name)+`}`, uint64(l.due))
		vm.WriteGaugeFloat64(w, `broadside_jobs_oldest_due_seconds{lane=`+quote(name)+`}`, age)
	}
}

// quote makes a label value: Go's quoting escapes what Prometheus needs (backslash, quote,
// newline) the same way.
func quote(s string) string { return strconv.Quote(s) }
