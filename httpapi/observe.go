package httpapi

import (
	"context"
	"net/http"

	"revolver/observe"
	"revolver/store"
)

// The liveness and readiness routes: served at the root, beside the API,
// without authentication; they answer no personal data.
func (s *Server) observeRoutes() []*Route {
	return []*Route{
		{Method: "GET", Path: "/health", Summary: "Liveness: the process answers (nothing is read)", Public: true, Response: "Probe", h: s.live},
		{Method: "GET", Path: "/ready", Summary: "Readiness: the database answers with every migration applied, and every other registered check passes (503 if not)", Public: true, Response: "Probe", h: s.ready},
	}
}

func init() {
	schemaTypes["Probe"] = observe.Answer{}
	routeDocs["GET /ready"] = routeDoc{responses: obj{"503": obj{"description": "not ready: the checks that fail are named (what fails is in the server's log)",
		"headers": obj{"Retry-After": obj{"$ref": "#/components/headers/Retry-After"}},
		"content": obj{"application/json": obj{"schema": ref("Probe")}}}}}
}

// Health is the server's readiness checks (Config.Health, or its own).
func (s *Server) Health() *observe.Health { return s.checks }

// storeReady is the readiness check of the store: it answers, with the
// schema this build expects.
func storeReady(st store.Store) observe.Check {
	return func(ctx context.Context) error { return store.Ready(ctx, st) }
}

func (s *Server) live(c *call) (any, error) { return observe.Answer{Status: "ok"}, nil }

func (s *Server) ready(c *call) (any, error) {
	a, ok := s.checks.Run(c.r.Context())
	if !ok {
		c.status = http.StatusServiceUnavailable
		c.w.Header().Set("Retry-After", "5")
	}
	return a, nil
}

// note tells the request log and the metrics the route and the caller.
func (c *call) note() {
	ctx := c.r.Context()
	observe.NoteRoute(ctx, c.rt.Method+" "+c.rt.Path)
	observe.NoteActor(ctx, c.user.ID)
}
