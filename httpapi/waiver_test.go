package httpapi_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"revolver/store"
)

// A waiver letter goes through the amendments route and its approval like
// an amendment; from then GET …/covenants shows the waived test as fail
// with its figures and the waiver, and the next quarter's test without one.
func TestWaiverLetterThroughTheAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		officer, officer2, borrower := e.email[store.RoleLenderOfficer], e.email["officer2"], e.email[store.RoleBorrower]
		f := "/api/v1/facilities/" + own
		data, err := os.ReadFile("../examples/btu-sovereign/data/financials.csv")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		var csv []string
		for _, l := range lines {
			if strings.HasPrefix(l, "period_end") || strings.HasPrefix(l, "2004-") || strings.HasPrefix(l, "2005-04-03") || strings.HasPrefix(l, "2005-07-03") {
				csv = append(csv, l)
			}
		}
		if r := e.do(borrower, req{method: "POST", path: f + "/financial-statements", body: []byte(strings.Join(csv, "\n") + "\n"), ctype: "text/csv"}); r.status != 201 {
			t.Fatalf("statements: %d %s", r.status, r.body)
		}
		letter, err := os.ReadFile("../agreement/testdata/btu-waiver/2005-05-20-waiver-letter.yaml")
		if err != nil {
			t.Fatal(err)
		}
		bad := strings.Replace(string(letter), "period: 2005-04-03", "period: 2004-09-30", 1)
		if r := e.do(officer, jsonReq("POST", f+"/amendments", map[string]string{"name": "bad-waiver.yaml", "content": bad})); r.status != 422 ||
			!strings.Contains(string(r.body), `bad-waiver.yaml:23:5: waiver of a test period that does not exist`) {
			t.Errorf("a waiver of a period not tested: %d %s", r.status, r.body)
		}
		am := e.do(officer, jsonReq("POST", f+"/amendments", map[string]string{"name": "2005-05-20-waiver-letter.yaml", "content": string(letter)}))
		if am.status != 202 {
			t.Fatalf("waiver letter: %d %s", am.status, am.body)
		}
		waiverOf := func() map[string]any {
			t.Helper()
			r := e.do(officer, jsonReq("GET", f+"/covenants?known_at=now", nil))
			if r.status != 200 {
				t.Fatalf("covenants: %d %s", r.status, r.body)
			}
			var got map[string]any
			for _, x := range r.json(t)["tests"].([]any) {
				tt := x.(map[string]any)
				if tt["covenant"] != "minimum_net_income" {
					continue
				}
				switch tt["period_end"] {
				case "2005-04-03":
					if tt["result"] != "fail" || tt["actual"] != "-1236480.00" || tt["required"] != "1.00" || tt["headroom"] != "-1236481.00" {
						t.Errorf("2005-04-03: %v", tt)
					}
					if w, ok := tt["waiver"].(map[string]any); ok {
						got = w
					}
				case "2005-07-03":
					if tt["result"] != "fail" || tt["waiver"] != nil {
						t.Errorf("2005-07-03: %v", tt)
					}
				}
			}
			return got
		}
		if w := waiverOf(); w != nil {
			t.Errorf("waived before the approval: %v", w)
		}
		aid := int64(am.json(t)["id"].(float64))
		if r := e.do(officer2, jsonReq("POST", fmt.Sprintf("%s/approvals/%d/approve", f, aid), nil)); r.status != 200 {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		if w := waiverOf(); w == nil || w["letter"] != "first-waiver" || w["effective"] != "2005-05-20" || !strings.Contains(fmt.Sprint(w["text"]), "waived by Waiver Letter of 20 May 2005 §1") {
			t.Errorf("waiver after the approval: %v", w)
		}
	})
}
