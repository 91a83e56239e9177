package httpapi_test

import (
	"strings"
	"testing"

	"revolver/store"
)

// riskRatingsRequest builds the requests of the risk rating routes.
func (e *env) riskRatingsRequest(route, slug string) (req, bool) {
	method, pattern, _ := strings.Cut(route, " ")
	path := strings.ReplaceAll(pattern, "{slug}", slug)
	switch route {
	case "GET /api/v1/facilities/{slug}/risk-ratings":
		return jsonReq(method, path, nil), true
	case "POST /api/v1/facilities/{slug}/risk-ratings":
		return jsonReq(method, path, map[string]any{"rating": 5, "watch": true, "reason": "test"}), true
	}
	return req{}, false
}

// The risk rating routes: an officer rates the facility (201, who set it
// from the session), a rating outside 1–10 is a 422 naming it, the
// history lists every entry newest first, and the morning lists the
// facility on the watch list.
func TestRiskRatingRoutes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		officer := e.email[store.RoleLenderOfficer]
		base := "/api/v1/facilities/" + own + "/risk-ratings"
		r := e.do(officer, jsonReq("POST", base, map[string]any{"rating": 3, "reason": "annual review"}))
		if r.status != 201 || !strings.Contains(string(r.body), `"set_by":"`+officer+`"`) {
			t.Fatalf("rate: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("POST", base, map[string]any{"rating": 12, "reason": "x"})); r.status != 422 || !strings.Contains(string(r.body), "rating 12") {
			t.Errorf("rating 12: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("POST", base, map[string]any{"rating": 8, "watch": true, "reason": "borrowing base down by half"})); r.status != 201 {
			t.Fatalf("watch: %d %s", r.status, r.body)
		}
		m := e.do(e.email[store.RoleBorrower], jsonReq("GET", base, nil)).json(t)
		h, _ := m["history"].([]any)
		cur, _ := m["current"].(map[string]any)
		if len(h) != 2 || cur["rating"] != float64(8) || cur["watch"] != true || h[1].(map[string]any)["rating"] != float64(3) {
			t.Errorf("history: %v", m)
		}
		mo := e.do(officer, jsonReq("GET", "/api/v1/morning", nil))
		if !strings.Contains(string(mo.body), `"kind":"watch"`) || !strings.Contains(string(mo.body), "borrowing base down by half") {
			t.Errorf("the morning lacks the watch list: %s", mo.body)
		}
	})
}
