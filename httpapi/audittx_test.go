package httpapi_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"revolver/store"
)

// atomicRoutes are the mutations whose audit record is appended in the
// change's own store transaction (besides the defaults routes, which all
// are), with what the record must list.
var atomicRoutes = map[string][]string{
	"POST /api/v1/facilities/{slug}/advances":                                 {"advance_request", "transaction"},
	"POST /api/v1/facilities/{slug}/repayments":                               {"transaction"},
	"POST /api/v1/facilities/{slug}/borrowing-base-certificates":              {"certificate"},
	"POST /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/approve": {"certificate"},
	"POST /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/reject":  {"certificate"},
	"POST /api/v1/facilities/{slug}/financial-statements":                     {"financial_statement"},
	"POST /api/v1/facilities/{slug}/events-of-default":                        {"fact_record"},
	"POST /api/v1/facilities/{slug}/amendments":                               {"pending"},
	"POST /api/v1/facilities/{slug}/approvals/{id}/approve":                   {"pending", "fact_record"},
	"POST /api/v1/facilities/{slug}/approvals/{id}/reject":                    {"pending"},
}

// TestAuditAtomicRoutes: for every mutation converted to audit in its own
// store transaction, the record lists what the transaction stored, and
// when the record cannot be written (the audit table is gone) the request
// fails and nothing is stored.
func TestAuditAtomicRoutes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		ctx := context.Background()
		as := e.email[store.RoleLenderAdmin]
		routes := map[string][]string{}
		for k, v := range atomicRoutes {
			routes[k] = v
		}
		for _, rt := range e.srv.Routes() {
			route := rt.Method + " " + rt.Path
			if _, ok := e.defaultsRequest(route, own); ok && rt.Mutating {
				routes[route] = []string{"fact_record"}
			}
		}
		if len(routes) < len(atomicRoutes)+12 {
			t.Fatalf("only %d routes: %v", len(routes), routes)
		}
		snapshot := func() map[string]int {
			s := e.snapshot()
			for _, slug := range []string{own, other} {
				rs, _ := e.st.FactRecords(ctx, slug)
				s[slug+" fact records"] = len(rs)
			}
			return s
		}
		for _, rt := range e.srv.Routes() {
			route := rt.Method + " " + rt.Path
			want, ok := routes[route]
			if !ok {
				continue
			}
			delete(routes, route)
			// With the audit record: one record, listing the change.
			head, _ := e.acc.AuditRecords(ctx, 0, 100000)
			r := e.do(as, e.request(route, own))
			if r.status >= 300 {
				t.Fatalf("%s: %d %s", route, r.status, r.body)
			}
			recs, _ := e.acc.AuditRecords(ctx, int64(len(head)), 100)
			if len(recs) == 0 {
				t.Fatalf("%s: no audit record", route)
			}
			for _, w := range want {
				if !strings.Contains(string(recs[0].After), `"what":"`+w+`"`) {
					t.Errorf("%s: the first record does not list a %s: %s", route, w, recs[0].After)
				}
			}
			if rec := recs[0]; rec.RequestID == "" || rec.Route != route || rec.Facility != own || rec.Actor != as {
				t.Errorf("%s: record %+v", route, rec)
			}
			// Without the audit table: refused, nothing stored. (The same
			// certificate reports again would be the first certificate,
			// storing nothing: the second upload is of another date.)
			rq := e.request(route, own)
			if route == "POST /api/v1/facilities/{slug}/borrowing-base-certificates" {
				rq = e.certificateUpload(own, "2004-10-04", nil)
			}
			before := snapshot()
			if _, err := e.db.ExecContext(ctx, `ALTER TABLE audit RENAME TO audit_away`); err != nil {
				t.Fatal(err)
			}
			r = e.do(as, rq)
			if _, err := e.db.ExecContext(ctx, `ALTER TABLE audit_away RENAME TO audit`); err != nil {
				t.Fatal(err)
			}
			if r.status != 500 || r.code() != "internal" {
				t.Errorf("%s without an audit table: %d %s", route, r.status, r.body)
			}
			if after := snapshot(); !reflect.DeepEqual(before, after) {
				t.Errorf("%s: stored without its audit record: %v → %v", route, before, after)
			}
		}
		if len(routes) != 0 {
			t.Errorf("routes not served: %v", routes)
		}
	})
}
