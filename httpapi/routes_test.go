package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"revolver/store"
)

// TestEveryRouteAsDeclared walks every route of the table with
// representative requests — without credentials, as a role the route
// allows (an empty or wrong body for the changes), with the wrong method
// — and checks through the contract harness (validated) that each status,
// header and media type answered is the document's; and here that every
// answer carries the security headers, a 401 WWW-Authenticate, a 405
// Allow, and that the answers are no-store unless the route is versioned.
func TestEveryRouteAsDeclared(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		fill := strings.NewReplacer("{slug}", own, "{id}", "1")
		check := func(what string, r resp) {
			t.Helper()
			for h, want := range map[string]string{
				"X-Content-Type-Options":     "nosniff",
				"Cross-Origin-Opener-Policy": "same-origin",
				"Content-Security-Policy":    "default-src 'none'; frame-ancestors 'none'",
			} {
				if got := r.header.Get(h); got != want {
					t.Errorf("%s: %s %q, want %q", what, h, got, want)
				}
			}
			if r.header.Get("Permissions-Policy") == "" || r.header.Get("X-Request-ID") == "" {
				t.Errorf("%s: no Permissions-Policy or X-Request-ID: %v", what, r.header)
			}
			if cc := r.header.Get("Cache-Control"); cc != "no-store" && !(r.status < 400 && strings.Contains(cc, "no-cache")) {
				t.Errorf("%s: Cache-Control %q", what, cc)
			}
			if r.status == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: 401 without WWW-Authenticate", what)
			}
			if r.status >= 400 && r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: %d as %q", what, r.status, r.header.Get("Content-Type"))
			}
		}
		for _, rt := range e.srv.Routes() {
			path := fill.Replace(rt.Path)
			name := rt.Method + " " + rt.Path
			// Without credentials.
			r := e.do("", req{method: rt.Method, path: path})
			check(name+" anonymous", r)
			if !rt.Public && r.status != http.StatusUnauthorized {
				t.Errorf("%s without credentials: %d", name, r.status)
			}
			// As a role the route allows.
			role := store.RoleLenderOfficer
			if rt.Roles != nil && !slices.Contains(rt.Roles, role) {
				role = rt.Roles[0]
			}
			q := req{method: rt.Method, path: path}
			if rt.Method == http.MethodPost && rt.Path != "/api/v1/session" {
				q.body, q.ctype = []byte(`{}`), "application/json"
			}
			r = e.do(e.email[role], q)
			check(name+" as "+role, r)
			if r.status >= 500 {
				t.Errorf("%s as %s: %d %s", name, role, r.status, r.body)
			}
			// A method the path does not have.
			r = e.do(e.email[role], req{method: http.MethodPut, path: path})
			check(name+" PUT", r)
			if r.status != http.StatusMethodNotAllowed || !strings.Contains(r.header.Get("Allow"), rt.Method) {
				t.Errorf("%s: PUT answered %d, Allow %q", name, r.status, r.header.Get("Allow"))
			}
		}
		// A path of no route.
		r := e.do("", req{method: "GET", path: "/api/v1/no-such-route"})
		check("unknown route", r)
		if r.status != http.StatusNotFound {
			t.Errorf("unknown route: %d", r.status)
		}
	})
}
