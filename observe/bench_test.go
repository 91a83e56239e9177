package observe

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkMiddleware is the cost the request log and the metrics add to
// a request, against the same handler served bare.
func BenchmarkMiddleware(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		NoteRoute(r.Context(), "GET /api/v1/facilities/{slug}")
		NoteActor(r.Context(), 7)
		w.Write([]byte(`{"ok":true}`))
	})
	for _, c := range []struct {
		name string
		h    http.Handler
	}{
		{"bare", h},
		{"observed", Middleware(h, New(), slog.New(slog.NewJSONHandler(io.Discard, nil)))},
	} {
		b.Run(c.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/api/v1/facilities/btu", nil)
			b.ReportAllocs()
			for b.Loop() {
				c.h.ServeHTTP(httptest.NewRecorder(), r)
			}
		})
	}
}
