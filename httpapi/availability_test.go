package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Regression: GET …/availability?as_of=2004-10-15 answered 6,913,323.65
// while advances dated that day were refused above 6,413,323.65 (an
// advance dated later counted for the one and not the other). The answer
// now gives both the day's figure and what an advance that day may take —
// the lowest on the day and every later date known — and that is exactly
// what is funded.
func TestAvailabilityIsWhatAnAdvanceMayTake(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		ctx := context.Background()
		if err := e.st.UpdateFacilitySettings(ctx, own, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		later, err := e.svc.Advance(ctx, app.AdvanceRequest{Facility: own, Key: "later", Amount: 50_000_000, ValueDate: date.MustParse("2004-10-20")})
		if err != nil {
			t.Fatal(err)
		}
		f := "/api/v1/facilities/" + own
		var av struct {
			Availability       money.Amount `json:"availability"`
			AvailableToAdvance money.Amount `json:"available_to_advance"`
			LowestOn           date.Date    `json:"lowest_on"`
			LoansOutstanding   money.Amount `json:"loans_outstanding"`
			BindingLimit       string       `json:"binding_limit"`
			Formula            string       `json:"formula"`
		}
		r := e.do(e.email[store.RoleBorrower], jsonReq("GET", f+"/availability?as_of=2004-10-15", nil))
		if err := json.Unmarshal(r.body, &av); err != nil {
			t.Fatal(err)
		}
		if av.LoansOutstanding != 0 || av.AvailableToAdvance != av.Availability-later.Posted.Transaction.Postings[0].Amount ||
			av.LowestOn != date.MustParse("2004-10-20") || av.BindingLimit != ledger.BindsBorrowingBase || !strings.Contains(av.Formula, "min(commitment") {
			t.Fatalf("availability %s", r.body)
		}
		over := e.do(e.email[store.RoleBorrower], jsonReq("POST", f+"/advances", map[string]string{"amount": (av.AvailableToAdvance + 1).String(), "value_date": "2004-10-15"}))
		if over.status != 422 || over.code() != "availability_exceeded" || !strings.Contains(string(over.body), "2004-10-20") {
			t.Fatalf("one cent more: %d %s", over.status, over.body)
		}
		fits := e.do(e.email[store.RoleBorrower], jsonReq("POST", f+"/advances", map[string]string{"amount": av.AvailableToAdvance.String(), "value_date": "2004-10-15"}))
		if fits.status != 201 {
			t.Fatalf("the whole of it: %d %s", fits.status, fits.body)
		}
	})
}

// GET …/availability?known_at=: as known before the certificate was
// approved, the figure is undetermined (null, never 0.00) with the reason,
// and the answer as known now comes with why it differs.
func TestAvailabilityKnownAt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		f := "/api/v1/facilities/" + own
		m := e.do(e.email[store.RoleBorrower], jsonReq("GET", f+"/availability?as_of=2004-10-15&known_at=2004-10-14T12:00:00Z", nil)).json(t)
		blocked, _ := m["advances_blocked"].([]any)
		if m["availability"] != nil || m["available_to_advance"] != "0.00" || len(blocked) != 1 || !strings.Contains(fmt.Sprint(blocked[0]), "undetermined") {
			t.Fatalf("as known at 2004-10-14 noon: %v", m)
		}
		h, _ := m["hindsight"].(map[string]any)
		if h == nil || h["availability"] == nil || !strings.Contains(fmt.Sprint(h["why"]), "certificate") {
			t.Fatalf("hindsight %v", m["hindsight"])
		}
		if m["known_at"] != "2004-10-14T12:00:00Z" {
			t.Errorf("known at %v", m["known_at"])
		}
		now := e.do(e.email[store.RoleBorrower], jsonReq("GET", f+"/availability?as_of=2004-10-15", nil)).json(t)
		if now["availability"] == nil || now["hindsight"] != nil {
			t.Errorf("on the business date: %v", now)
		}
		if r := e.do(e.email[store.RoleBorrower], jsonReq("GET", f+"/availability?known_at=yesterday", nil)); r.status != 400 || !strings.Contains(string(r.body), "known_at") {
			t.Errorf("bad known_at: %d %s", r.status, r.body)
		}
	})
}

// Through the API: a borrower's back-valued or weekend advance is refused;
// a borrower cancels a request not yet decided; the facility resource
// carries the overadvance.
func TestAdvanceGuardsThroughTheAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		f := "/api/v1/facilities/" + own
		borrower := e.email[store.RoleBorrower]
		for _, c := range []struct{ vd, code string }{{"2003-11-03", "forbidden"}, {"2004-10-16", "invalid"}, {"2004-10-17", "invalid"}} {
			if r := e.do(borrower, jsonReq("POST", f+"/advances", map[string]string{"amount": "10.00", "value_date": c.vd})); r.status/100 != 4 || r.code() != c.code {
				t.Errorf("advance value %s: %d %s", c.vd, r.status, r.body)
			}
		}
		big := e.do(borrower, jsonReq("POST", f+"/advances", map[string]string{"amount": "1000000.01", "value_date": "2004-10-18"}))
		if big.status != 202 || !strings.Contains(string(big.body), `"cutoff":{`) {
			t.Fatalf("request above the threshold: %d %s", big.status, big.body)
		}
		id := int64(big.json(t)["id"].(float64))
		if r := e.do(e.email[store.RoleLenderOfficer], jsonReq("POST", fmt.Sprintf("%s/advances/%d/cancel", f, id), nil)); r.status != 403 {
			t.Errorf("someone else cancels: %d %s", r.status, r.body)
		}
		if r := e.do(borrower, jsonReq("POST", fmt.Sprintf("%s/advances/%d/cancel", f, id), nil)); r.status != 200 || r.json(t)["status"] != "cancelled" {
			t.Errorf("the requester cancels: %d %s", r.status, r.body)
		}
		// A lower certificate puts the loans over the borrowing base.
		if _, err := e.svc.Advance(context.Background(), app.AdvanceRequest{Facility: own, Key: "big", Amount: 600_000_000, ValueDate: date.MustParse("2004-10-15")}); err != nil {
			t.Fatal(err)
		}
		fac := e.do(borrower, jsonReq("GET", f+"?as_of=2004-10-15", nil)).json(t)
		if fac["overadvance"] != nil {
			t.Fatalf("overadvance before: %v", fac["overadvance"])
		}
		ctx := context.Background()
		cert, err := e.st.CreateCertificate(ctx, store.Certificate{Facility: own, AsOf: date.MustParse("2004-10-10"), PreparedBy: "x@btu", CreatedAt: e.srvNow()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.SubmitCertificate(ctx, cert.ID, store.Submission{Body: []byte(`{}`), BorrowingBase: 500_000_000, By: "x@btu", At: e.srvNow(),
			Inputs: []store.InputContent{{Name: "r.csv", Content: []byte("lower")}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.DecideCertificate(ctx, cert.ID, store.Decision{Status: store.Approved, Reviewer: "y@bank", At: e.srvNow()}); err != nil {
			t.Fatal(err)
		}
		fac = e.do(borrower, jsonReq("GET", f+"?as_of=2004-10-15", nil)).json(t)
		o, _ := fac["overadvance"].(map[string]any)
		if o == nil || o["amount"] != "1000000.00" || o["since"] != "2004-10-15" || o["cause"] != "borrowing_base" || o["cure_undetermined"] == nil {
			t.Errorf("overadvance %v", fac["overadvance"])
		}
	})
}
