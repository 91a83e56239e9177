package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"revolver/store"
)

// TestTrendsAPI: the trends answer a point per certificate in force with
// the tables; format=csv answers one table; the aging migration answers
// the matrix of two certificates; bad parameters are named.
func TestTrendsAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		f := "/api/v1/facilities/" + own
		borrower, officer := e.email[store.RoleBorrower], e.email[store.RoleLenderOfficer]
		up := e.do(borrower, e.certificateUpload(own, "2004-10-04", nil))
		if up.status != 201 {
			t.Fatalf("upload: %d %s", up.status, up.body)
		}
		id := int64(up.json(t)["id"].(float64))
		if r := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/borrowing-base-certificates/%d/approve", f, id), map[string]any{})); r.status != 200 {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		r := e.do(borrower, jsonReq("GET", f+"/trends?top=3", nil))
		if r.status != 200 {
			t.Fatalf("trends: %d %s", r.status, r.body)
		}
		m := r.json(t)
		pts := m["points"].([]any)
		if len(pts) != 2 || m["top_n"].(float64) != 3 || len(m["tables"].([]any)) != 4 {
			t.Fatalf("trends: %s", r.body)
		}
		last := pts[1].(map[string]any)
		if int64(last["certificate"].(float64)) != id || last["as_of"] != "2004-10-04" || len(last["top_debtors"].([]any)) != 3 || last["dilution"] != nil || len(last["buckets"].([]any)) != 5 {
			t.Errorf("last point: %v", last)
		}
		first := int64(pts[0].(map[string]any)["certificate"].(float64))
		r = e.do(borrower, jsonReq("GET", f+"/trends?format=csv&table=aging", nil))
		if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(string(r.body), "As of,Certificate,Current (not past due),") ||
			strings.Count(string(r.body), "\n") != 3 {
			t.Errorf("aging CSV: %d %s", r.status, r.body)
		}
		for _, bad := range []struct{ q, field string }{{"top=0", "top"}, {"format=xml", "format"}, {"format=csv&table=nope", "table"}, {"known_at=yesterday", "known_at"}} {
			if r := e.do(borrower, jsonReq("GET", f+"/trends?"+bad.q, nil)); r.status != 400 || !strings.Contains(string(r.body), bad.field) {
				t.Errorf("%s: %d %s", bad.q, r.status, r.body)
			}
		}
		r = e.do(borrower, jsonReq("GET", fmt.Sprintf("%s/aging-migration?from_certificate=%d&to_certificate=%d", f, first, id), nil))
		if r.status != 200 {
			t.Fatalf("migration: %d %s", r.status, r.body)
		}
		mg := r.json(t)
		if len(mg["matrix"].([]any)) != 5 || len(mg["invoices"].([]any)) == 0 || mg["from"].(map[string]any)["gross"] != mg["to"].(map[string]any)["gross"] {
			t.Errorf("migration of the same aging: %v", mg["from"])
		}
		if r := e.do(borrower, jsonReq("GET", fmt.Sprintf("%s/aging-migration?from_certificate=%d&to_certificate=%d", f, id, first), nil)); r.status != 422 {
			t.Errorf("backwards: %d %s", r.status, r.body)
		}
		if r := e.do(borrower, jsonReq("GET", f+"/aging-migration?from_certificate=x", nil)); r.status != 400 || !strings.Contains(string(r.body), "from_certificate") {
			t.Errorf("bad id: %d %s", r.status, r.body)
		}
	})
}
