package observe

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Check is one readiness check: nil when what it checks is ready, else an
// error saying what is not.
type Check func(ctx context.Context) error

// Health serves /health and /ready. Checks are added by name before or
// while serving (the database's by the server, the workers' by the job
// engine).
type Health struct {
	mu     sync.Mutex
	names  []string
	checks map[string]Check
	// Timeout bounds each check (default 2 s).
	Timeout time.Duration
	// Log receives what a failing check said (the answer, unauthenticated,
	// says only which check fails).
	Log *slog.Logger
}

// Add registers (or replaces) the readiness check name.
func (h *Health) Add(name string, c Check) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.checks == nil {
		h.checks = map[string]Check{}
	}
	if _, ok := h.checks[name]; !ok {
		h.names = append(h.names, name)
	}
	h.checks[name] = c
}

// Answer is the body of /health and /ready.
type Answer struct {
	// Status is "ok" or, on /ready, "unavailable".
	Status string `json:"status"`
	// Checks are the readiness checks by name: "ok" or "failing" (what
	// fails is logged, not answered).
	Checks map[string]string `json:"checks,omitempty"`
}

// Live answers 200 {"status":"ok"} while the process answers; it reads
// nothing.
func (h *Health) Live(w http.ResponseWriter, r *http.Request) {
	NoteRoute(r.Context(), "GET /health")
	write(w, http.StatusOK, Answer{Status: "ok"})
}

// Ready runs every check and answers 200 when all pass, else 503 with
// each check's result.
func (h *Health) Ready(w http.ResponseWriter, r *http.Request) {
	NoteRoute(r.Context(), "GET /ready")
	a, ok := h.Run(r.Context())
	status := http.StatusOK
	if !ok {
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "5")
	}
	write(w, status, a)
}

// Run runs the checks, one after the other, each within the timeout.
func (h *Health) Run(ctx context.Context) (Answer, bool) {
	h.mu.Lock()
	names := append([]string(nil), h.names...)
	checks := make([]Check, len(names))
	for i, n := range names {
		checks[i] = h.checks[n]
	}
	h.mu.Unlock()
	timeout := h.Timeout
	if timeout == 0 {
		timeout = 2 * time.Second
	}
	a := Answer{Status: "ok", Checks: map[string]string{}}
	ok := true
	for i, c := range checks {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		err := c(cctx)
		cancel()
		if err != nil {
			a.Checks[names[i]], ok = "failing", false
			if h.Log != nil {
				h.Log.Warn("readiness check failing", "check", names[i], "err", err)
			}
			continue
		}
		a.Checks[names[i]] = "ok"
	}
	if !ok {
		a.Status = "unavailable"
	}
	return a, ok
}

func write(w http.ResponseWriter, status int, a Answer) {
	b, _ := json.Marshal(a)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
