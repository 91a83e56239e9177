// Package observe owns what an operator watches of a running revolver:
// the Prometheus metrics (one registry per process, never the global
// one), the request log (one JSON line per request, with its request id),
// the liveness and readiness endpoints and their checks. It holds no
// business rules: the use cases, the store and the transports tell it
// what happened, through plain methods that do nothing on a nil *Metrics.
package observe

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every metric.
const namespace = "revolver"

// Metrics are a process's metrics in their own registry.
type Metrics struct {
	reg *prometheus.Registry

	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec

	storeTx *prometheus.HistogramVec

	signInFailures *prometheus.CounterVec

	cobRuns     *prometheus.CounterVec
	cobDuration prometheus.Histogram
	cobDone     prometheus.Gauge
	cobTotal    prometheus.Gauge
	cobLast     prometheus.Gauge

	jobsStarted  *prometheus.CounterVec
	jobsFinished *prometheus.CounterVec
	jobDuration  *prometheus.HistogramVec

	deliveries *prometheus.CounterVec
}

// latency buckets in seconds, from 1 ms to 30 s.
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// New returns the metrics, registered in a new registry with the Go
// runtime's and the process's own collectors.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status."}, []string{"route", "method", "status"})
	m.requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "http_request_duration_seconds",
		Help: "Time to answer an HTTP request, by route pattern, method and status.", Buckets: latencyBuckets}, []string{"route", "method", "status"})
	m.storeTx = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "store_transaction_duration_seconds",
		Help: "Write transactions of the store, from begin (waiting for the lock included) to commit or rollback, by name and outcome.", Buckets: latencyBuckets},
		[]string{"name", "outcome"})
	m.signInFailures = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "sign_in_failures_total",
		Help: "Sign-ins refused, by reason (unauthorized: wrong email or password; rate_limited: too many failures)."}, []string{"reason"})
	m.cobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "close_of_business_runs_total",
		Help: "Close-of-business runs finished in this process, by outcome (done or failed)."}, []string{"outcome"})
	m.cobDuration = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: namespace, Name: "close_of_business_duration_seconds",
		Help: "Time a close-of-business run took.", Buckets: []float64{.1, .5, 1, 5, 10, 30, 60, 300, 900, 3600}})
	m.cobDone = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace, Name: "close_of_business_facilities_done",
		Help: "Facilities the running (or last) close of business has computed."})
	m.cobTotal = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace, Name: "close_of_business_facilities",
		Help: "Facilities the running (or last) close of business examines."})
	m.cobLast = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace, Name: "close_of_business_last_success_timestamp_seconds",
		Help: "When the last close of business that succeeded in this process finished (Unix time)."})
	m.jobsStarted = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "jobs_started_total",
		Help: "Background jobs started, by kind."}, []string{"kind"})
	m.jobsFinished = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "jobs_finished_total",
		Help: "Background jobs finished, by kind and outcome (done or failed)."}, []string{"kind", "outcome"})
	m.jobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: "job_duration_seconds",
		Help: "Time a background job ran, by kind and outcome.", Buckets: []float64{.01, .05, .1, .5, 1, 5, 10, 30, 60, 300, 900, 3600}},
		[]string{"kind", "outcome"})
	m.deliveries = newDeliveries()
	m.reg.MustRegister(m.deliveries)
	m.reg.MustRegister(m.requests, m.requestDuration, m.storeTx, m.signInFailures,
		m.cobRuns, m.cobDuration, m.cobDone, m.cobTotal, m.cobLast,
		m.jobsStarted, m.jobsFinished, m.jobDuration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is the metrics' registry (for more collectors, and for tests).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, ErrorLog: nil})
}

// methods bounds the method label: any other method is OTHER.
var methods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true}

// Request counts an answered request: route is the pattern that matched
// ("GET /api/v1/facilities/{slug}"), never the raw path, so that the
// labels stay few.
func (m *Metrics) Request(route, method string, status int, took time.Duration) {
	if m == nil {
		return
	}
	if !methods[method] {
		method = "OTHER"
	}
	s := strconv.Itoa(status)
	m.requests.WithLabelValues(route, method, s).Inc()
	m.requestDuration.WithLabelValues(route, method, s).Observe(took.Seconds())
}

// StoreTx observes a store write transaction; it is a store.TxObserver.
func (m *Metrics) StoreTx(name string, took time.Duration, committed bool) {
	if m == nil {
		return
	}
	outcome := "committed"
	if !committed {
		outcome = "rolled_back"
	}
	m.storeTx.WithLabelValues(name, outcome).Observe(took.Seconds())
}

// SignInFailed counts a refused sign-in (reason: the refusal's code).
func (m *Metrics) SignInFailed(reason string) {
	if m == nil {
		return
	}
	m.signInFailures.WithLabelValues(reason).Inc()
}

// CloseOfBusinessProgress says how many of the run's facilities are
// computed.
func (m *Metrics) CloseOfBusinessProgress(done, total int) {
	if m == nil {
		return
	}
	m.cobDone.Set(float64(done))
	m.cobTotal.Set(float64(total))
}

// CloseOfBusinessFinished counts a run that ended, successfully or not.
func (m *Metrics) CloseOfBusinessFinished(took time.Duration, err error) {
	if m == nil {
		return
	}
	m.cobDuration.Observe(took.Seconds())
	if err != nil {
		m.cobRuns.WithLabelValues("failed").Inc()
		return
	}
	m.cobRuns.WithLabelValues("done").Inc()
	m.cobLast.SetToCurrentTime()
}

// Jobs is what a job engine tells the metrics: each job's start and end
// by kind (a bounded set: "close_of_business", "import", …). *Metrics is
// one; a nil *Metrics counts nothing.
type Jobs interface {
	JobStarted(kind string)
	JobFinished(kind string, took time.Duration, err error)
}

var _ Jobs = (*Metrics)(nil)

// JobStarted counts a background job of kind that started.
func (m *Metrics) JobStarted(kind string) {
	if m == nil {
		return
	}
	m.jobsStarted.WithLabelValues(kind).Inc()
}

// JobFinished counts a background job of kind that ended after took,
// failed when err is not nil.
func (m *Metrics) JobFinished(kind string, took time.Duration, err error) {
	if m == nil {
		return
	}
	outcome := "done"
	if err != nil {
		outcome = "failed"
	}
	m.jobsFinished.WithLabelValues(kind, outcome).Inc()
	m.jobDuration.WithLabelValues(kind, outcome).Observe(took.Seconds())
}

// AuditHead registers the audit chain's head, read at each scrape by
// head: revolver_audit_head_id is the newest record's id and
// revolver_audit_head_info{hash} is 1 with its hash, so that a removed or
// rewritten tail shows as an id going down or a hash that changed without
// the id growing. An error reading it is reported by the scrape.
func (m *Metrics) AuditHead(head func(ctx context.Context) (id int64, hash string, err error)) {
	m.reg.MustRegister(&auditHead{head: head})
}

type auditHead struct {
	head func(ctx context.Context) (int64, string, error)
}

var (
	auditHeadID = prometheus.NewDesc(namespace+"_audit_head_id",
		"The id of the newest audit record (the number of records of an intact chain).", nil, nil)
	auditHeadInfo = prometheus.NewDesc(namespace+"_audit_head_info",
		"1, with the hash of the newest audit record as the label hash.", []string{"hash"}, nil)
)

func (a *auditHead) Describe(ch chan<- *prometheus.Desc) {
	ch <- auditHeadID
	ch <- auditHeadInfo
}

func (a *auditHead) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	id, hash, err := a.head(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(auditHeadID, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(auditHeadID, prometheus.GaugeValue, float64(id))
	ch <- prometheus.MustNewConstMetric(auditHeadInfo, prometheus.GaugeValue, 1, hash)
}
