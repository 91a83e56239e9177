package observe

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// RequestIDHeader names a request, sent by the client or given here, and
// answered on every response.
const RequestIDHeader = "X-Request-ID"

var requestIDRe = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// RequestID is the client's X-Request-ID when it is 1 to 64 letters,
// digits or ._:- characters, else a new one ("req_" and 20 random
// characters).
func RequestID(r *http.Request) string {
	if id := r.Header.Get(RequestIDHeader); requestIDRe.MatchString(id) {
		return id
	}
	var b [12]byte
	rand.Read(b[:])
	return "req_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// call is what the handlers tell the middleware about a request.
type call struct {
	mu      sync.Mutex
	route   string
	actorID int64
}

type callKey struct{}

// NoteRoute tells the request log and the metrics the pattern of the
// route serving the request ("GET /facilities/{slug}"); the last noted
// wins (the API's route under the pages' "/api/").
func NoteRoute(ctx context.Context, pattern string) {
	if c, ok := ctx.Value(callKey{}).(*call); ok {
		c.mu.Lock()
		c.route = pattern
		c.mu.Unlock()
	}
}

// NoteActor tells the request log who made the request (the user's id).
func NoteActor(ctx context.Context, userID int64) {
	if c, ok := ctx.Value(callKey{}).(*call); ok && userID != 0 {
		c.mu.Lock()
		c.actorID = userID
		c.mu.Unlock()
	}
}

// recorder keeps the status and the bytes written.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the writer (Flush, deadlines).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Middleware serves next with a request id (the client's X-Request-ID if
// valid, else a new one, set on the request for next and on the
// response), counts the request in m (nil: no metrics) and writes one
// log line per request: request_id, method, route, path (without the
// query), status, duration_ms, bytes and actor_id when known. Nothing of
// the headers or the body is logged, so no token, cookie or password. A
// 5xx answer is logged at error level; a panic is logged with its stack
// and answered 500.
func Middleware(next http.Handler, m *Metrics, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := RequestID(r)
		r.Header.Set(RequestIDHeader, id)
		w.Header().Set(RequestIDHeader, id)
		c := &call{}
		r = r.WithContext(context.WithValue(r.Context(), callKey{}, c))
		rec := &recorder{ResponseWriter: w}
		var panicked any
		var stack []byte
		func() {
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					panicked, stack = p, debug.Stack()
					if rec.status == 0 {
						http.Error(rec, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
					}
				}
			}()
			next.ServeHTTP(rec, r)
		}()
		took := time.Since(start)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		c.mu.Lock()
		route, actor := c.route, c.actorID
		c.mu.Unlock()
		if route == "" {
			route = "unmatched"
		}
		m.Request(route, r.Method, rec.status, took)
		attrs := []slog.Attr{slog.String("request_id", id), slog.String("method", r.Method), slog.String("route", route),
			slog.String("path", r.URL.Path), slog.Int("status", rec.status),
			slog.Float64("duration_ms", float64(took.Microseconds())/1000), slog.Int64("bytes", rec.bytes)}
		if actor != 0 {
			attrs = append(attrs, slog.Int64("actor_id", actor))
		}
		level := slog.LevelInfo
		if panicked != nil {
			level = slog.LevelError
			attrs = append(attrs, slog.String("panic", fmt.Sprint(panicked)), slog.String("stack", string(stack)))
		} else if rec.status >= 500 {
			level = slog.LevelError
		}
		log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}
