package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/store"
)

// liborPeriods is an amendment (of the tests only) giving the example's
// LIBOR option interest periods from 1 November 2004, after the tests'
// business date: a LIBOR loan value-dated from then can be funded and
// continued.
const liborPeriods = `revolver: amendment/1
facility: btu-sovereign
id: libor-periods
document: first-amendment
effective: 2004-11-01
order: 9
changes:
  - op: set
    path: pricing.options.libor.interest_periods
    value: [1m, 3m]
    cite: first-amendment §9
  - op: set
    path: pricing.options.libor.rate_fixing_days
    value: 2
    cite: first-amendment §9
`

var liborOnce sync.Map // store → slug → recorded

// liborLoan funds a LIBOR loan of 100,000.00 for 1 month from 2 November
// 2004 in facility slug (recording the amendment first) and returns its
// number.
func (e *env) liborLoan(slug string) int64 {
	ctx := context.Background()
	k := fmt.Sprintf("%p/%s", e.st, slug)
	if _, done := liborOnce.LoadOrStore(k, true); !done {
		if _, err := e.st.PutDocument(ctx, store.Document{Facility: slug, ID: "zz-libor-periods.yaml", Kind: app.DocAmendment,
			Effective: date.MustParse("2004-11-01"), RecordedBy: "setup", RecordedAt: time.Now(), Content: []byte(liborPeriods)}); err != nil {
			e.t.Fatal(err)
		}
	}
	n := e.seq()
	r, err := e.svc.RequestAdvance(ctx, app.RequestInput{Facility: slug, Key: fmt.Sprintf("setup-libor:%d", n), Amount: 10_000_000,
		ValueDate: date.MustParse("2004-11-02"), By: fmt.Sprintf("setup-%d@bank.example", n), Option: "libor", InterestPeriod: "1m"})
	if err != nil || r.Status != store.AdvanceFunded {
		e.t.Fatalf("setup libor loan: %+v %v", r, err)
	}
	return r.ID
}

// loansRequest builds the requests of the loan notice routes.
func (e *env) loansRequest(route, slug string) (req, bool) {
	method, pattern, _ := strings.Cut(route, " ")
	path := strings.ReplaceAll(pattern, "{slug}", slug)
	switch route {
	case "GET /api/v1/facilities/{slug}/loan-notices":
		return jsonReq(method, path, nil), true
	case "POST /api/v1/facilities/{slug}/loans/{id}/continue":
		return jsonReq(method, strings.ReplaceAll(path, "{id}", fmt.Sprint(e.liborLoan(slug))), map[string]string{"interest_period": "1m"}), true
	case "POST /api/v1/facilities/{slug}/loans/{id}/convert":
		return jsonReq(method, strings.ReplaceAll(path, "{id}", fmt.Sprint(e.liborLoan(slug))), map[string]string{"option": "prime"}), true
	}
	return req{}, false
}

// Loan notices through the API: a LIBOR loan continued for 3 months from
// the end of its period (2 December 2004), listed; a second notice for the
// same period is a conflict; a bad period or option is 422 saying why,
// storing nothing; a prime loan has no period to continue.
func TestLoanNoticesAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		borrower := e.email[store.RoleBorrower]
		id := e.liborLoan(own)
		base := fmt.Sprintf("/api/v1/facilities/%s/loans/%d", own, id)
		for _, tc := range []struct {
			path string
			body map[string]string
			want string
		}{
			{"/continue", map[string]string{"interest_period": "6m"}, `interest period \"6m\" for option libor: expected one of 1m, 3m`},
			{"/continue", map[string]string{}, "interest_period"},
			{"/convert", map[string]string{"option": "prime", "interest_period": "1m"}, "a prime loan has none"},
			{"/convert", map[string]string{"option": "sofr"}, `option \"sofr\": expected one of the pricing options in force on 2004-12-02`},
		} {
			r := e.do(borrower, jsonReq("POST", base+tc.path, tc.body))
			if r.status < 400 || r.status >= 500 || !strings.Contains(string(r.body), tc.want) {
				t.Errorf("%s %v: %d %s, want %q", tc.path, tc.body, r.status, r.body, tc.want)
			}
		}
		if ns, _ := e.st.LoanNotices(context.Background(), own); len(ns) != 0 {
			t.Fatalf("refused notices stored: %+v", ns)
		}
		r := e.do(borrower, jsonReq("POST", base+"/continue", map[string]string{"interest_period": "3m"}))
		if r.status != 201 {
			t.Fatalf("continue: %d %s", r.status, r.body)
		}
		m := r.json(t)
		next, _ := m["next_interest_period"].(map[string]any)
		if next["start"] != "2004-12-02" || next["end"] != "2005-03-02" || next["fixing"] != "2004-11-30" {
			t.Errorf("next period %v", m["next_interest_period"])
		}
		if r := e.do(borrower, jsonReq("POST", base+"/convert", map[string]string{"option": "prime"})); r.status != 409 {
			t.Errorf("second notice for the period: %d %s", r.status, r.body)
		}
		l := e.do(borrower, jsonReq("GET", "/api/v1/facilities/"+own+"/loan-notices", nil))
		ns, _ := l.json(t)["notices"].([]any)
		if l.status != 200 || len(ns) != 1 || ns[0].(map[string]any)["interest_period"] != "3m" {
			t.Errorf("notices: %d %s", l.status, l.body)
		}
	})
}
