package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"revolver/app"
	"revolver/date"
	"revolver/money"
	"revolver/store"
)

// reservesRequest builds the requests of the reserve routes; approve and
// release each get a new reserve set by another lender.
func (e *env) reservesRequest(route, slug string) (req, bool) {
	method, pattern, _ := strings.Cut(route, " ")
	path := strings.ReplaceAll(pattern, "{slug}", slug)
	pending := func() string {
		id := fmt.Sprintf("setup-%d", e.seq())
		if _, err := e.svc.SetReserve(context.Background(), slug, app.ReserveInput{ID: id, Placement: "line", Amount: 100,
			From: date.MustParse("2004-10-01"), Reason: "setup", By: "setup-maker@bank.example"}); err != nil {
			e.t.Fatal(err)
		}
		return strings.ReplaceAll(path, "{id}", id)
	}
	switch route {
	case "GET /api/v1/facilities/{slug}/reserves":
		return jsonReq(method, path, nil), true
	case "POST /api/v1/facilities/{slug}/reserves":
		return jsonReq(method, path, map[string]string{"id": fmt.Sprintf("r-%d", e.seq()), "placement": "borrowing_base", "amount": "10.00", "from": "2004-10-01", "reason": "test"}), true
	case "POST /api/v1/facilities/{slug}/reserves/{id}/approve":
		return jsonReq(method, pending(), nil), true
	case "POST /api/v1/facilities/{slug}/reserves/{id}/release":
		return jsonReq(method, pending(), map[string]string{"until": "2004-10-20", "reason": "test"}), true
	}
	return req{}, false
}

func sub(t *testing.T, a, b string) string {
	x, err := money.ParseAmount(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := money.ParseAmount(b)
	if err != nil {
		t.Fatal(err)
	}
	return (x - y).String()
}

// Lender reserves through the API: a borrower may not set one; a bad
// reserve is 422 naming the field, storing nothing; the officer who set it
// may not approve it; once a second officer approves it, availability on
// the business date deducts it (off the borrowing base) and lists it, and
// the list as known before the approval has none in force; a release ends
// it.
func TestReservesAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		officer, officer2, borrower := e.email[store.RoleLenderOfficer], e.email["officer2"], e.email[store.RoleBorrower]
		base := "/api/v1/facilities/" + own
		before := e.do(officer, jsonReq("GET", base+"/availability", nil)).json(t)
		body := map[string]any{"id": "exam-1", "placement": "borrowing_base", "amount": "125000.00", "from": "2004-10-01", "reason": "field exam: dilution above the test"}
		if r := e.do(borrower, jsonReq("POST", base+"/reserves", body)); r.status != 403 {
			t.Errorf("borrower sets a reserve: %d %s", r.status, r.body)
		}
		noReason := map[string]any{"id": "exam-1", "placement": "borrowing_base", "amount": "125000.00", "from": "2004-10-01"}
		if r := e.do(officer, jsonReq("POST", base+"/reserves", noReason)); r.status != 422 || !strings.Contains(string(r.body), "a reason is required") {
			t.Errorf("no reason: %d %s", r.status, r.body)
		}
		if recs, _ := e.st.ReserveRecords(t.Context(), own); len(recs) != 0 {
			t.Fatalf("refused reserve stored: %+v", recs)
		}
		r := e.do(officer, jsonReq("POST", base+"/reserves", body))
		if r.status != 201 || r.json(t)["status"] != "pending" || r.json(t)["set_by"] != officer {
			t.Fatalf("set: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("POST", base+"/reserves/exam-1/approve", nil)); r.status != 403 {
			t.Errorf("the maker approves: %d %s", r.status, r.body)
		}
		mid := e.do(officer, jsonReq("GET", base+"/availability", nil)).json(t)
		if mid["borrowing_base"] != before["borrowing_base"] {
			t.Errorf("a pending reserve changes the borrowing base: %v → %v", before["borrowing_base"], mid["borrowing_base"])
		}
		r = e.do(officer2, jsonReq("POST", base+"/reserves/exam-1/approve", nil))
		if r.status != 200 || r.json(t)["approved_by"] != officer2 {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		after := e.do(officer, jsonReq("GET", base+"/availability", nil))
		m := after.json(t)
		if m["base_reserves"] != "125000.00" || !strings.Contains(string(after.body), `"reserves":[{"id":"exam-1","source":"lender"`) {
			t.Errorf("availability after the approval: %s", after.body)
		}
		if got, want := m["borrowing_base"], sub(t, before["borrowing_base"].(string), "125000.00"); got != want {
			t.Errorf("borrowing base %v, want %s", got, want)
		}
		l := e.do(officer, jsonReq("GET", base+"/reserves?as_of=2004-10-15", nil)).json(t)
		if rs, _ := l["reserves"].([]any); len(rs) != 1 {
			t.Errorf("in force: %v", l)
		}
		l = e.do(officer, jsonReq("GET", base+"/reserves?as_of=2004-10-15&known_at=2004-10-14", nil)).json(t)
		if rs, _ := l["reserves"].([]any); len(rs) != 0 {
			t.Errorf("in force as known on the 14th: %v", l)
		}
		r = e.do(officer, jsonReq("POST", base+"/reserves/exam-1/release", map[string]any{"until": "2004-10-14", "reason": "exam closed"}))
		if r.status != 200 || r.json(t)["until"] != "2004-10-14" {
			t.Fatalf("release: %d %s", r.status, r.body)
		}
		if m := e.do(officer, jsonReq("GET", base+"/availability", nil)).json(t); m["borrowing_base"] != before["borrowing_base"] {
			t.Errorf("released reserve still deducted: %v", m["borrowing_base"])
		}
	})
}
