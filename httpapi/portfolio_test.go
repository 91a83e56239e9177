package httpapi_test

import (
	"encoding/json"
	"testing"

	"revolver/money"
	"revolver/store"
)

// GET /api/v1/portfolio: each facility's figures are those of GET
// …/availability on the date; a borrower sees only its facility; a bad
// sort is a 400 naming the field.
func TestPortfolioIsTheAvailability(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		for _, q := range []string{"as_of=2004-10-15", "as_of=2004-10-15&known_at=2004-10-14T12:00:00Z"} {
			var pf struct {
				Total      int `json:"total"`
				Facilities []struct {
					Facility         string        `json:"facility"`
					Availability     *money.Amount `json:"availability"`
					LoansOutstanding money.Amount  `json:"loans_outstanding"`
					BorrowingBase    money.Amount  `json:"borrowing_base"`
					Commitment       money.Amount  `json:"commitment"`
				} `json:"facilities"`
				NextPage *int `json:"next_page"`
			}
			r := e.do(e.email[store.RoleLenderOfficer], jsonReq("GET", "/api/v1/portfolio?sort=availability&dir=desc&"+q, nil))
			if err := json.Unmarshal(r.body, &pf); err != nil || r.status != 200 {
				t.Fatalf("%s: %d %s", q, r.status, r.body)
			}
			if len(pf.Facilities) == 0 || len(pf.Facilities) != pf.Total || pf.NextPage != nil {
				t.Fatalf("%s: %s", q, r.body)
			}
			for _, f := range pf.Facilities {
				var av struct {
					Availability     *money.Amount `json:"availability"`
					LoansOutstanding money.Amount  `json:"loans_outstanding"`
					BorrowingBase    money.Amount  `json:"borrowing_base"`
					Commitment       money.Amount  `json:"commitment"`
				}
				a := e.do(e.email[store.RoleLenderOfficer], jsonReq("GET", "/api/v1/facilities/"+f.Facility+"/availability?"+q, nil))
				if err := json.Unmarshal(a.body, &av); err != nil {
					t.Fatal(err)
				}
				if (av.Availability == nil) != (f.Availability == nil) || av.Availability != nil && *av.Availability != *f.Availability ||
					av.LoansOutstanding != f.LoansOutstanding || av.BorrowingBase != f.BorrowingBase || av.Commitment != f.Commitment {
					t.Errorf("%s, %s: portfolio %+v, availability %s", q, f.Facility, f, a.body)
				}
			}
		}
		m := e.do(e.email[store.RoleBorrower], jsonReq("GET", "/api/v1/portfolio", nil)).json(t)
		if fs, _ := m["facilities"].([]any); len(fs) != 1 || fs[0].(map[string]any)["facility"] != own {
			t.Errorf("the borrower's portfolio: %v", m)
		}
		if bad := e.do(e.email[store.RoleLenderOfficer], jsonReq("GET", "/api/v1/portfolio?sort=colour", nil)); bad.status != 400 {
			t.Errorf("sort=colour: %d %s", bad.status, bad.body)
		}
	})
}
