package observe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestJobAndCloseOfBusinessMetrics(t *testing.T) {
	m := New()
	m.JobStarted("close_of_business")
	m.JobStarted("close_of_business")
	m.JobFinished("close_of_business", 2*time.Second, nil)
	m.JobFinished("close_of_business", time.Second, errors.New("boom"))
	m.CloseOfBusinessProgress(3, 10)
	m.CloseOfBusinessFinished(time.Second, nil)
	m.CloseOfBusinessFinished(time.Second, errors.New("conflict"))
	for _, c := range []struct {
		got  float64
		want float64
		what string
	}{
		{testutil.ToFloat64(m.jobsStarted.WithLabelValues("close_of_business")), 2, "jobs started"},
		{testutil.ToFloat64(m.jobsFinished.WithLabelValues("close_of_business", "done")), 1, "jobs done"},
		{testutil.ToFloat64(m.jobsFinished.WithLabelValues("close_of_business", "failed")), 1, "jobs failed"},
		{testutil.ToFloat64(m.cobDone), 3, "close of business facilities done"},
		{testutil.ToFloat64(m.cobTotal), 10, "close of business facilities total"},
		{testutil.ToFloat64(m.cobRuns.WithLabelValues("done")), 1, "close of business runs done"},
		{testutil.ToFloat64(m.cobRuns.WithLabelValues("failed")), 1, "close of business runs failed"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	if n := testutil.CollectAndCount(m.jobDuration); n != 2 {
		t.Errorf("job duration series = %d, want 2 (done, failed)", n)
	}
	if problems, err := testutil.GatherAndLint(m.Registry()); err != nil || len(problems) > 0 {
		t.Errorf("metric lint: %v %v", problems, err)
	}
	// A nil *Metrics does nothing (a process without metrics).
	var none *Metrics
	none.JobStarted("x")
	none.Request("GET /", "GET", 200, time.Millisecond)
}

// TestMiddlewarePanic: a panicking handler is answered 500 and logged at
// error level with its stack, the request id answered.
func TestMiddlewarePanic(t *testing.T) {
	var buf bytes.Buffer
	m := New()
	h := Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		NoteRoute(r.Context(), "GET /boom")
		panic("boom")
	}), m, slog.New(slog.NewJSONHandler(&buf, nil)))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/boom?secret=x", nil))
	if w.Code != 500 {
		t.Fatalf("status %d, want 500", w.Code)
	}
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log %q: %v", buf.String(), err)
	}
	if line["level"] != "ERROR" || line["panic"] != "boom" || !strings.Contains(line["stack"].(string), "observe_test.go") || line["route"] != "GET /boom" {
		t.Errorf("log line %v", line)
	}
	if line["request_id"] != w.Header().Get("X-Request-ID") || w.Header().Get("X-Request-ID") == "" {
		t.Errorf("request id logged %v, answered %q", line["request_id"], w.Header().Get("X-Request-ID"))
	}
	if strings.Contains(buf.String(), "secret") {
		t.Errorf("the query was logged: %s", buf.String())
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("GET /boom", "GET", "500")); got != 1 {
		t.Errorf("requests{GET /boom, 500} = %v, want 1", got)
	}
}

// TestReadyChecks: /ready runs every registered check, names the failing
// one without saying why.
func TestReadyChecks(t *testing.T) {
	var h Health
	h.Add("database", func(ctx context.Context) error { return nil })
	h.Add("workers", func(ctx context.Context) error { return errors.New("postgres://user:pw@host: no workers") })
	w := httptest.NewRecorder()
	h.Ready(w, httptest.NewRequest("GET", "/ready", nil))
	if w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("status %d Retry-After %q, want 503 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
	var a Answer
	json.Unmarshal(w.Body.Bytes(), &a)
	if a.Status != "unavailable" || a.Checks["database"] != "ok" || a.Checks["workers"] != "failing" {
		t.Errorf("answer %s", w.Body)
	}
	if strings.Contains(w.Body.String(), "pw") {
		t.Errorf("the answer says why: %s", w.Body)
	}
	h.Add("workers", func(ctx context.Context) error { return nil })
	w = httptest.NewRecorder()
	h.Ready(w, httptest.NewRequest("GET", "/ready", nil))
	if w.Code != 200 {
		t.Errorf("all checks pass: %d %s", w.Code, w.Body)
	}
}
