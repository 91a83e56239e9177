package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"revolver/app"
	"revolver/date"
	"revolver/observe"
	"revolver/store"
	"revolver/store/testdb"
)

// syncBuffer is a log destination the server may write from any goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logLines parses the log: one JSON object a line.
func logLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

// scrape reads /metrics and parses it as Prometheus text.
func scrape(t *testing.T, m *observe.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// sample is the metric of a family with the labels, nil if none.
func sample(fams map[string]*dto.MetricFamily, name string, labels map[string]string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
next:
	for _, m := range f.Metric {
		got := map[string]string{}
		for _, l := range m.Label {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if got[k] != v {
				continue next
			}
		}
		return m
	}
	return nil
}

func eachStore(t *testing.T, f func(t *testing.T, st store.Store)) {
	t.Run("sqlite", func(t *testing.T) { f(t, testdb.SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, testdb.Postgres(t)) })
}

// TestObservedServer: real requests through the server's handler are
// counted by route pattern and status, logged one JSON line each with the
// request id answered, and /ready fails once the database is closed
// while /health still answers.
func TestObservedServer(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		m := observe.New()
		observeStore(m, st)
		var logBuf syncBuffer
		h, _, err := newHandler(st, time.Now, newLog(&logBuf), false, m, nil)
		if err != nil {
			t.Fatal(err)
		}
		svc := service(st)
		svc.Now = time.Now // the handler's clock: the token's lifetime is counted on it
		u, err := svc.AddUser(cliContext(ctx, "test"), app.NewUser{Email: "admin@lender.example", Role: store.RoleLenderAdmin, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := svc.CreateToken(cliContext(ctx, "test"), u.Email, 0)
		if err != nil {
			t.Fatal(err)
		}
		do := func(method, path, body string, hdr ...string) *httptest.ResponseRecorder {
			t.Helper()
			r := httptest.NewRequest(method, path, strings.NewReader(body))
			for i := 0; i+1 < len(hdr); i += 2 {
				r.Header.Set(hdr[i], hdr[i+1])
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}
		for range 2 {
			if w := do("GET", "/api/v1/facilities", "", "Authorization", "Bearer "+tok); w.Code != 200 {
				t.Fatalf("GET /api/v1/facilities: %d %s", w.Code, w.Body)
			}
		}
		list := do("GET", "/api/v1/facilities", "", "Authorization", "Bearer "+tok, "X-Request-ID", "trace-42")
		if got := list.Header().Get("X-Request-ID"); got != "trace-42" {
			t.Errorf("X-Request-ID answered %q, want the client's trace-42", got)
		}
		if w := do("POST", "/api/v1/session", `{"email":"admin@lender.example","password":"wrong password 1"}`, "Content-Type", "application/json"); w.Code != 401 {
			t.Fatalf("wrong password: %d %s", w.Code, w.Body)
		}
		if w := do("GET", "/api/v1/facilities/no-such-one/x/y/z", "", "Authorization", "Bearer "+tok); w.Code != 404 {
			t.Fatalf("unknown API path: %d", w.Code)
		}
		page := do("GET", "/sign-in", "")
		if page.Code != 200 {
			t.Fatalf("GET /sign-in: %d", page.Code)
		}
		if w := do("GET", "/health", ""); w.Code != 200 || !strings.Contains(w.Body.String(), `"status":"ok"`) {
			t.Fatalf("GET /health: %d %s", w.Code, w.Body)
		}
		if w := do("GET", "/ready", ""); w.Code != 200 || !strings.Contains(w.Body.String(), `"database":"ok"`) {
			t.Fatalf("GET /ready: %d %s", w.Code, w.Body)
		}

		// A close of business run by the use cases told to m.
		cob := &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}, Now: time.Now, Observe: m}
		if _, err := cob.CloseOfBusiness(cliContext(ctx, "cob"), date.FromTime(time.Now())); err != nil {
			t.Fatal(err)
		}
		fams := scrape(t, m)
		if s := sample(fams, "revolver_close_of_business_runs_total", map[string]string{"outcome": "done"}); s == nil || s.GetCounter().GetValue() != 1 {
			t.Errorf("close of business runs done: %v, want 1", s)
		}
		if s := sample(fams, "revolver_close_of_business_last_success_timestamp_seconds", nil); s == nil || s.GetGauge().GetValue() < float64(time.Now().Add(-time.Minute).Unix()) {
			t.Errorf("close of business last success: %v, want about now", s)
		}
		if problems, err := testutil.GatherAndLint(m.Registry()); err != nil || len(problems) > 0 {
			t.Errorf("metric lint: %v %v", problems, err)
		}
		reqs := "revolver_http_requests_total"
		for _, c := range []struct {
			route, status string
			want          float64
		}{
			{"GET /api/v1/facilities", "200", 3},
			{"POST /api/v1/session", "401", 1},
			{"GET /sign-in", "200", 1},
			{"GET /health", "200", 1},
			{"GET /ready", "200", 1},
			{"unmatched", "404", 1},
		} {
			s := sample(fams, reqs, map[string]string{"route": c.route, "status": c.status})
			if s == nil || s.GetCounter().GetValue() != c.want {
				t.Errorf("%s{route=%q,status=%q} = %v, want %v", reqs, c.route, c.status, s, c.want)
			}
		}
		for _, mt := range fams[reqs].Metric {
			for _, l := range mt.Label {
				if l.GetName() == "route" && strings.Contains(l.GetValue(), "no-such-one") {
					t.Errorf("a raw path became a route label: %q", l.GetValue())
				}
			}
		}
		if s := sample(fams, "revolver_http_request_duration_seconds", map[string]string{"route": "GET /api/v1/facilities", "status": "200"}); s == nil || s.GetHistogram().GetSampleCount() != 3 {
			t.Errorf("request duration of GET /api/v1/facilities: %v, want 3 observations", s)
		}
		if s := sample(fams, "revolver_sign_in_failures_total", map[string]string{"reason": "unauthorized"}); s == nil || s.GetCounter().GetValue() != 1 {
			t.Errorf("sign-in failures: %v, want 1", s)
		}
		// The sign-in reserved its attempt and appended its record in
		// write transactions; the token's creation too.
		for _, name := range []string{"reserve_sign_in", "add_token"} {
			if s := sample(fams, "revolver_store_transaction_duration_seconds", map[string]string{"name": name, "outcome": "committed"}); s == nil || s.GetHistogram().GetSampleCount() == 0 {
				t.Errorf("store transaction %s: %v, want observations", name, s)
			}
		}
		head, err := st.(store.AuditHeader).AuditHead(ctx)
		if err != nil || head.ID == 0 {
			t.Fatalf("audit head: %+v %v", head, err)
		}
		if s := sample(fams, "revolver_audit_head_id", nil); s == nil || s.GetGauge().GetValue() != float64(head.ID) {
			t.Errorf("revolver_audit_head_id = %v, want %d", s, head.ID)
		}
		if s := sample(fams, "revolver_audit_head_info", map[string]string{"hash": head.Hash}); s == nil || s.GetGauge().GetValue() != 1 {
			t.Errorf("revolver_audit_head_info{hash=%q} = %v, want 1", head.Hash, s)
		}

		// The request log: one line per request, the id answered.
		log := logBuf.String()
		if strings.Contains(log, tok) || strings.Contains(log, "wrong password") || strings.Contains(log, "correct horse") {
			t.Errorf("the log holds a token or a password:\n%s", log)
		}
		var found map[string]any
		ids := map[string]bool{}
		for _, l := range logLines(t, log) {
			if l["msg"] != "request" {
				continue
			}
			ids[l["request_id"].(string)] = true
			if l["request_id"] == list.Header().Get("X-Request-ID") {
				found = l
			}
		}
		if len(ids) != 8 {
			t.Errorf("%d distinct request ids logged, want 8 (one per request)", len(ids))
		}
		if !ids[page.Header().Get("X-Request-ID")] || page.Header().Get("X-Request-ID") == "" {
			t.Errorf("the page's request id %q is not in the log", page.Header().Get("X-Request-ID"))
		}
		if found == nil {
			t.Fatalf("no log line with request_id trace-42:\n%s", log)
		}
		want := map[string]any{"level": "INFO", "method": "GET", "route": "GET /api/v1/facilities", "path": "/api/v1/facilities", "status": float64(200), "actor_id": float64(u.ID)}
		for k, v := range want {
			if found[k] != v {
				t.Errorf("log %s = %v, want %v", k, found[k], v)
			}
		}
		if _, ok := found["duration_ms"].(float64); !ok {
			t.Errorf("log duration_ms = %v, want a number", found["duration_ms"])
		}
		if b, _ := found["bytes"].(float64); int(b) != list.Body.Len() {
			t.Errorf("log bytes = %v, want %d", found["bytes"], list.Body.Len())
		}

		// The database closed: not ready, still live.
		st.Close()
		w := do("GET", "/ready", "")
		if w.Code != http.StatusServiceUnavailable {
			t.Fatalf("GET /ready on a closed database: %d %s", w.Code, w.Body)
		}
		var a observe.Answer
		if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || a.Status != "unavailable" || a.Checks["database"] != "failing" {
			t.Errorf("GET /ready on a closed database: %s (%v)", w.Body, err)
		}
		if w := do("GET", "/health", ""); w.Code != 200 {
			t.Errorf("GET /health on a closed database: %d, want 200 (liveness reads nothing)", w.Code)
		}
	})
}
