package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/jobs"
	"revolver/store"
)

// TestServeRunsWorkers: revolver serve runs the job workers, /ready checks
// them, and a job enqueued elsewhere runs in it and counts in its
// metrics; with --no-workers there is no workers check and the job waits.
func TestServeRunsWorkers(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		for _, noWorkers := range []bool{false, true} {
			ctx, cancel := context.WithCancel(context.Background())
			mln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			metricsAddr := mln.Addr().String()
			mln.Close()
			o := serveOptions{addr: "127.0.0.1:0", metricsAddr: metricsAddr, jobs: workerOptions{noWorkers: noWorkers, workers: 1, rescueAfter: jobs.DefaultRescueAfter}}
			addr := make(chan string, 1)
			done := make(chan error, 1)
			go func() { done <- serve(ctx, st, o, func(a net.Addr) { addr <- a.String() }) }()
			var base string
			select {
			case base = <-addr:
			case err := <-done:
				t.Fatalf("serve: %v", err)
			}
			get := func(url string) string {
				t.Helper()
				res, err := http.Get(url)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return string(b)
			}
			ready := get("http://" + base + "/ready")
			if hasCheck := strings.Contains(ready, `"workers":"ok"`); hasCheck == noWorkers {
				t.Errorf("no workers %v: /ready %s", noWorkers, ready)
			}
			q, err := jobs.Open(ctx, jobs.Config{Store: st, Service: service(st)})
			if err != nil {
				t.Fatal(err)
			}
			through := date.MustParse("2006-01-02")
			if noWorkers {
				through++
			}
			j, err := q.EnqueueCloseOfBusiness(ctx, through, app.Actor{User: "cli:test", Via: "test"})
			if err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(20 * time.Second)
			for !noWorkers {
				got, err := q.Get(ctx, j.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.State == "completed" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("job %d still %s", j.ID, got.State)
				}
				time.Sleep(50 * time.Millisecond)
			}
			metrics := get("http://" + metricsAddr + "/metrics")
			if counted := strings.Contains(metrics, `revolver_jobs_finished_total{kind="close_of_business",outcome="done"} 1`); counted == noWorkers {
				t.Errorf("no workers %v: job metrics:\n%s", noWorkers, grepLines(metrics, "revolver_jobs"))
			}
			if noWorkers {
				time.Sleep(time.Second)
				if got, _ := q.Get(ctx, j.ID); got.State != "available" {
					t.Errorf("with --no-workers the job is %s, want available (no one works it)", got.State)
				}
			}
			q.Stop(ctx)
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("serve ended: %v", err)
			}
		}
	})
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestWorkerServesMetrics: `revolver worker --metrics-addr` (a real
// process) answers /ready with its database and workers checks and
// /metrics with the process's metrics.
func TestWorkerServesMetrics(t *testing.T) {
	db := t.TempDir() + "/revolver.db"
	if out, err := revolver(t, "", "migrate", "--db", db); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command("revolver", "worker", "--db", db, "--metrics-addr", addr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// Each path is asked until it answers 200 (the workers start a moment
	// after the address is served: /ready says 503 until then).
	get := func(path string) (int, string) {
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			res, err := http.Get("http://" + addr + path)
			if err == nil {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode == 200 || time.Now().After(deadline) {
					return res.StatusCode, string(b)
				}
			} else if time.Now().After(deadline) {
				t.Fatalf("GET %s: %v", path, err)
			}
		}
	}
	if st, body := get("/ready"); st != 200 || !strings.Contains(body, `"workers":"ok"`) || !strings.Contains(body, `"database":"ok"`) {
		t.Errorf("/ready: %d %s", st, body)
	}
	if st, body := get("/metrics"); st != 200 || !strings.Contains(body, "revolver_") {
		t.Errorf("/metrics: %d %.200s", st, body)
	}
}

// TestCloseOfBusinessOverHTTP: POST /api/v1/close-of-business on revolver
// serve enqueues the close on the server's queue (202, Location: the job),
// a worker runs it, and GET /api/v1/jobs/{id} follows it to completed;
// the business date then is the next day. An officer may not (403) and
// enqueues nothing.
func TestCloseOfBusinessOverHTTP(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		svc := service(st)
		svc.Now = time.Now
		token := map[string]string{}
		for _, u := range []struct{ email, role string }{{"ops@lender.example", store.RoleLenderAdmin}, {"officer@lender.example", store.RoleLenderOfficer}} {
			if _, err := svc.AddUser(cliContext(ctx, "test"), app.NewUser{Email: u.email, Role: u.role, Password: "correct horse battery"}); err != nil {
				t.Fatal(err)
			}
			tok, _, err := svc.CreateToken(cliContext(ctx, "test"), u.email, 0)
			if err != nil {
				t.Fatal(err)
			}
			token[u.role] = tok
		}
		o := serveOptions{addr: "127.0.0.1:0", jobs: workerOptions{workers: 1, rescueAfter: jobs.DefaultRescueAfter}}
		addr := make(chan string, 1)
		done := make(chan error, 1)
		go func() { done <- serve(ctx, st, o, func(a net.Addr) { addr <- a.String() }) }()
		var base string
		select {
		case base = <-addr:
		case err := <-done:
			t.Fatalf("serve: %v", err)
		}
		do := func(method, path, role, body string) (int, http.Header, string) {
			t.Helper()
			r, _ := http.NewRequest(method, "http://"+base+path, strings.NewReader(body))
			r.Header.Set("Authorization", "Bearer "+token[role])
			if body != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			res, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, res.Header, string(b)
		}
		if code, _, body := do("POST", "/api/v1/close-of-business", store.RoleLenderOfficer, `{"through":"2006-01-02"}`); code != 403 {
			t.Fatalf("an officer's close of business: %d %s, want 403", code, body)
		}
		code, hdr, body := do("POST", "/api/v1/close-of-business", store.RoleLenderAdmin, `{"through":"2006-01-02"}`)
		if code != 202 || !strings.HasPrefix(hdr.Get("Location"), "/api/v1/jobs/") {
			t.Fatalf("close of business: %d %s (Location %q), want 202 and the job's location", code, body, hdr.Get("Location"))
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			code, _, body = do("GET", hdr.Get("Location"), store.RoleLenderAdmin, "")
			if code != 200 {
				t.Fatalf("GET %s: %d %s", hdr.Get("Location"), code, body)
			}
			if strings.Contains(body, `"state":"completed"`) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the job is still %s", body)
			}
			time.Sleep(100 * time.Millisecond)
		}
		bd, err := st.BusinessDate(ctx)
		if err != nil || bd.Date != date.MustParse("2006-01-03") {
			t.Errorf("business date after the close through 2006-01-02: %+v %v, want 2006-01-03", bd, err)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("serve ended: %v", err)
		}
	})
}
