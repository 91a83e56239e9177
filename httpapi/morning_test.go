package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"revolver/store"
)

// GET /api/v1/morning: the lender sees every facility's exceptions, each
// with a reason and a link; a borrower only its own facility's; a bad
// known_at is a 400 naming the field.
func TestMorning(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		type answer struct {
			BusinessDate string `json:"business_date"`
			Facilities   int    `json:"facilities"`
			Exceptions   []struct {
				Kind, Facility, Reason, Link string
			} `json:"exceptions"`
			Changes []any `json:"changes"`
			Queues  struct {
				Reviews, Approvals, Notices []any
			} `json:"queues"`
		}
		get := func(role string) answer {
			t.Helper()
			r := e.do(e.email[role], jsonReq("GET", "/api/v1/morning", nil))
			var a answer
			if err := json.Unmarshal(r.body, &a); err != nil || r.status != 200 {
				t.Fatalf("%s: %d %s", role, r.status, r.body)
			}
			if a.BusinessDate == "" || a.Exceptions == nil || a.Changes == nil || a.Queues.Reviews == nil {
				t.Errorf("%s: %s", role, r.body)
			}
			return a
		}
		pf := e.do(e.email[store.RoleLenderOfficer], jsonReq("GET", "/api/v1/portfolio", nil)).json(t)
		lender := get(store.RoleLenderOfficer)
		if total, _ := pf["total"].(float64); lender.Facilities != int(total) {
			t.Errorf("lender's morning: %d facilities, the portfolio %v", lender.Facilities, total)
		}
		for _, x := range lender.Exceptions {
			if x.Kind == "" || x.Reason == "" || !strings.HasPrefix(x.Link, "/facilities/"+x.Facility) {
				t.Errorf("exception %+v", x)
			}
		}
		b := get(store.RoleBorrower)
		if b.Facilities != 1 {
			t.Errorf("borrower's morning: %d facilities, want 1", b.Facilities)
		}
		for _, x := range b.Exceptions {
			if x.Facility != own {
				t.Errorf("borrower sees %+v", x)
			}
		}
		if len(b.Queues.Reviews)+len(b.Queues.Approvals)+len(b.Queues.Notices) != 0 {
			t.Errorf("borrower's queues: %+v", b.Queues)
		}
		if bad := e.do(e.email[store.RoleLenderOfficer], jsonReq("GET", "/api/v1/morning?known_at=yesterday", nil)); bad.status != 400 || !strings.Contains(string(bad.body), "known_at") {
			t.Errorf("known_at=yesterday: %d %s", bad.status, bad.body)
		}
	})
}
