package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"revolver/app"
	"revolver/date"
	"revolver/store"
)

// lettersRequest builds the letters of credit routes' requests: a drawing,
// reimbursement or expiry acts on a letter issued (and drawn) for it.
func (e *env) lettersRequest(route, slug string) (req, bool) {
	method, pattern, _ := strings.Cut(route, " ")
	path := strings.ReplaceAll(pattern, "{slug}", slug)
	issued := func(draw bool) string {
		id := fmt.Sprintf("setup-%d", e.seq())
		in := app.LetterOfCreditInput{Facility: slug, ID: id, Action: app.LCIssue, ValueDate: date.MustParse("2004-10-15"), Amount: 1000, Beneficiary: "setup", Expiry: date.MustParse("2005-10-15")}
		if _, err := e.svc.LetterOfCredit(context.Background(), in); err != nil {
			e.t.Fatal(err)
		}
		if draw {
			in.Action, in.Amount, in.Key = app.LCDraw, 500, "setup"
			if _, err := e.svc.LetterOfCredit(context.Background(), in); err != nil {
				e.t.Fatal(err)
			}
		}
		return strings.ReplaceAll(path, "{id}", id)
	}
	switch route {
	case "GET /api/v1/facilities/{slug}/letters-of-credit":
		return jsonReq(method, path, nil), true
	case "POST /api/v1/facilities/{slug}/letters-of-credit":
		return jsonReq(method, path, map[string]string{"id": fmt.Sprintf("lc-%d", e.seq()), "value_date": "2004-10-15", "amount": "10.00", "beneficiary": "Port", "expiry": "2005-04-15"}), true
	case "POST /api/v1/facilities/{slug}/letters-of-credit/{id}/draw":
		return jsonReq(method, issued(false), map[string]string{"value_date": "2004-10-15", "amount": "1.00"}), true
	case "POST /api/v1/facilities/{slug}/letters-of-credit/{id}/reimburse":
		return jsonReq(method, issued(true), map[string]string{"value_date": "2004-10-15", "amount": "1.00"}), true
	case "POST /api/v1/facilities/{slug}/letters-of-credit/{id}/expire":
		return jsonReq(method, issued(false), map[string]string{"value_date": "2004-10-15"}), true
	}
	return req{}, false
}

// The letters of credit routes: an officer issues a letter (201, listed
// with its face outstanding), a drawing above its undrawn face is a 422
// naming the amount, an expiry without an amount releases the rest.
func TestLetterOfCreditRoutes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		officer := e.email[store.RoleLenderOfficer]
		base := "/api/v1/facilities/" + own + "/letters-of-credit"
		r := e.do(officer, jsonReq("POST", base, map[string]string{"id": "SB-7", "value_date": "2004-10-15", "amount": "50000.00", "beneficiary": "Port Authority", "expiry": "2005-04-15"}))
		if r.status != 201 || !strings.Contains(string(r.body), `"outstanding":"50000.00"`) {
			t.Fatalf("issue: %d %s", r.status, r.body)
		}
		r = e.do(officer, jsonReq("POST", base+"/SB-7/draw", map[string]string{"value_date": "2004-10-15", "amount": "50000.01"}))
		if r.status != 422 || !strings.Contains(string(r.body), "amount") || !strings.Contains(string(r.body), "undrawn face") {
			t.Errorf("a drawing above the face: %d %s", r.status, r.body)
		}
		r = e.do(officer, jsonReq("POST", base+"/SB-7/expire", map[string]string{"value_date": "2004-10-20"}))
		if r.status != 201 || !strings.Contains(string(r.body), `"expired":"50000.00"`) || !strings.Contains(string(r.body), `"status":"closed"`) {
			t.Errorf("expiry: %d %s", r.status, r.body)
		}
		r = e.do(officer, jsonReq("GET", base, nil))
		if r.status != 200 || !strings.Contains(string(r.body), `"id":"SB-7"`) {
			t.Errorf("list: %d %s", r.status, r.body)
		}
	})
}
