package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"revolver/app"
	"revolver/covenant"
	"revolver/date"
	"revolver/money"
	"revolver/store"
)

// policy is the authorization rule of each route, written here
// independently of the server's route table: which roles may call it and
// the status of success.
var policy = map[string]struct {
	roles []string // nil: every role
	ok    int
}{
	"GET /api/v1/health":                         {nil, 200},
	"GET /health":                                {nil, 200},
	"GET /ready":                                 {nil, 200},
	"GET /api/v1/openapi.json":                   {nil, 200},
	"POST /api/v1/session":                       {nil, 201},
	"DELETE /api/v1/session":                     {nil, 204},
	"GET /api/v1/me":                             {nil, 200},
	"GET /api/v1/facilities":                     {nil, 200},
	"GET /api/v1/portfolio":                      {nil, 200},
	"GET /api/v1/morning":                        {nil, 200},
	"GET /api/v1/facilities/{slug}":              {nil, 200},
	"GET /api/v1/facilities/{slug}/availability": {nil, 200},
	"GET /api/v1/facilities/{slug}/borrowing-base-certificates":                       {nil, 200},
	"POST /api/v1/facilities/{slug}/borrowing-base-certificates":                      {makers, 201},
	"GET /api/v1/facilities/{slug}/borrowing-base-certificates/{id}":                  {nil, 200},
	"GET /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/certificate.pdf":  {nil, 200},
	"POST /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/approve":         {checkers, 200},
	"POST /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/reject":          {checkers, 200},
	"POST /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/withdraw":        {[]string{store.RoleBorrower}, 200},
	"GET /api/v1/facilities/{slug}/advances":                                          {nil, 200},
	"POST /api/v1/facilities/{slug}/advances":                                         {makers, 201},
	"POST /api/v1/facilities/{slug}/advances/{id}/approve":                            {checkers, 200},
	"POST /api/v1/facilities/{slug}/advances/{id}/reject":                             {checkers, 200},
	"POST /api/v1/facilities/{slug}/advances/{id}/cancel":                             {makers, 200},
	"POST /api/v1/facilities/{slug}/repayments":                                       {makers, 201},
	"GET /api/v1/facilities/{slug}/ledger":                                            {nil, 200},
	"POST /api/v1/facilities/{slug}/financial-statements":                             {makers, 201},
	"POST /api/v1/facilities/{slug}/financial-statements/preview":                     {makers, 200},
	"GET /api/v1/facilities/{slug}/covenants":                                         {nil, 200},
	"GET /api/v1/facilities/{slug}/covenants/{period_end}/compliance-certificate.pdf": {nil, 200},
	"GET /api/v1/facilities/{slug}/trends":                                            {nil, 200},
	// The setup's certificate compared with itself: refused as not earlier
	// (422) once the caller may read the facility (TestTrendsAPI answers 200).
	"GET /api/v1/facilities/{slug}/aging-migration":         {nil, 422},
	"POST /api/v1/facilities/{slug}/events-of-default":      {checkers, 201},
	"POST /api/v1/facilities/{slug}/amendments":             {checkers, 202},
	"POST /api/v1/facilities/{slug}/amendments/preview":     {[]string{store.RoleLenderAdmin, store.RoleLenderOfficer}, 200},
	"GET /api/v1/facilities/{slug}/approvals":               {nil, 200},
	"POST /api/v1/facilities/{slug}/approvals/{id}/approve": {checkers, 200},
	"POST /api/v1/facilities/{slug}/approvals/{id}/reject":  {checkers, 200},
	"GET /api/v1/audit":                                  {[]string{store.RoleLenderAdmin, store.RoleAuditor}, 200},
	"POST /api/v1/close-of-business":                     {[]string{store.RoleLenderAdmin}, 202},
	"GET /api/v1/jobs/{id}":                              {[]string{store.RoleLenderAdmin}, 200},
	"GET /api/v1/rates":                                  {nil, 200},
	"GET /api/v1/rates/{series}":                         {nil, 200},
	"POST /api/v1/rates/{series}":                        {checkers, 201},
	"POST /api/v1/rates/{series}/import":                 {checkers, 201},
	"POST /api/v1/cash-files":                            {checkers, 201},
	"GET /api/v1/facilities/{slug}/interest":             {nil, 200},
	"GET /api/v1/facilities/{slug}/statements/{month}":   {nil, 200},
	"GET /api/v1/facilities/{slug}/loan-notices":         {nil, 200},
	"POST /api/v1/facilities/{slug}/loans/{id}/continue": {makers, 201},
	"POST /api/v1/facilities/{slug}/loans/{id}/convert":  {makers, 201},
	"GET /api/v1/facilities/{slug}/reserves":             {nil, 200},
	"GET /api/v1/facilities/{slug}/cash-files":           {nil, 200},
	"POST /api/v1/facilities/{slug}/cash-files":          {checkers, 201},
	"GET /api/v1/facilities/{slug}/cash-files/{id}":      {nil, 200},
	// The setup's certificate carries no collections journal: not found
	// (404) once the caller may read the facility (TestReconcileCash
	// reconciles one that does).
	"GET /api/v1/facilities/{slug}/cash-reconciliation":               {nil, 404},
	"POST /api/v1/facilities/{slug}/reserves":                         {checkers, 201},
	"POST /api/v1/facilities/{slug}/reserves/{id}/approve":            {checkers, 200},
	"POST /api/v1/facilities/{slug}/reserves/{id}/release":            {checkers, 200},
	"GET /api/v1/facilities/{slug}/dominion-periods":                  {nil, 200},
	"GET /api/v1/facilities/{slug}/minimum-excess-availability":       {nil, 404},
	"GET /api/v1/facilities/{slug}/report-maps":                       {nil, 200},
	"GET /api/v1/facilities/{slug}/report-maps/{kind}/versions":       {nil, 200},
	"POST /api/v1/facilities/{slug}/report-maps/{kind}":               {makers, 201},
	"POST /api/v1/facilities/{slug}/report-maps/{kind}/preview":       {nil, 200},
	"GET /api/v1/facilities/{slug}/risk-ratings":                      {nil, 200},
	"POST /api/v1/facilities/{slug}/risk-ratings":                     {checkers, 201},
	"GET /api/v1/facilities/{slug}/letters-of-credit":                 {nil, 200},
	"POST /api/v1/facilities/{slug}/letters-of-credit":                {checkers, 201},
	"POST /api/v1/facilities/{slug}/letters-of-credit/{id}/draw":      {checkers, 201},
	"POST /api/v1/facilities/{slug}/letters-of-credit/{id}/reimburse": {checkers, 201},
	"POST /api/v1/facilities/{slug}/letters-of-credit/{id}/expire":    {checkers, 201},
	"GET /api/v1/facilities/{slug}/field-exams":                       {nil, 200},
	"POST /api/v1/facilities/{slug}/field-exams":                      {checkers, 201},
	"POST /api/v1/facilities/{slug}/field-exams/{id}/perform":         {checkers, 201},
	"POST /api/v1/facilities/{slug}/field-exams/{id}/findings":        {checkers, 201},
	"POST /api/v1/facilities/{slug}/field-exam-findings/{id}/preview": {checkers, 200},
	"POST /api/v1/facilities/{slug}/field-exam-findings/{id}/dispose": {checkers, 201},
}

var (
	makers   = []string{store.RoleLenderAdmin, store.RoleLenderOfficer, store.RoleBorrower}
	checkers = []string{store.RoleLenderAdmin, store.RoleLenderOfficer}
)

var publicRoutes = []string{"GET /api/v1/health", "GET /health", "GET /ready", "GET /api/v1/openapi.json", "POST /api/v1/session"}

// request builds a request for a route on a facility, creating what it
// needs first (made by someone who is not the caller).
func (e *env) request(route, slug string) req { return e.requestAs(route, slug, "") }

// requestAs is request for a caller (by email), for routes that only the
// maker of what they act on may call ("": the lender admin).
func (e *env) requestAs(route, slug, as string) req {
	if r, ok := e.defaultsRequest(route, slug); ok { // defaults_test.go
		return r
	}
	if r, ok := e.userFormsRequest(route, as); ok { // users_test.go
		return r
	}
	if r, ok := e.accessRequest(route); ok { // access_test.go
		return r
	}
	if r, ok := e.ratesRequest(route); ok { // rates_test.go
		return r
	}
	if r, ok := e.loansRequest(route, slug); ok { // loans_test.go
		return r
	}
	if r, ok := e.reservesRequest(route, slug); ok { // reserves_test.go
		return r
	}
	if r, ok := e.statementRequest(route, slug); ok { // statement_test.go
		return r
	}
	if r, ok := e.cashRequest(route, slug); ok { // cash_test.go
		return r
	}
	if r, ok := e.notifyRequest(route, as); ok { // notify_test.go
		return r
	}
	if r, ok := e.reportMapsRequest(route, slug); ok { // reportmaps_test.go
		return r
	}
	if r, ok := e.riskRatingsRequest(route, slug); ok { // riskratings_test.go
		return r
	}
	if r, ok := e.lettersRequest(route, slug); ok { // letters_test.go
		return r
	}
	if r, ok := e.fieldExamsRequest(route, slug); ok { // fieldexams_test.go
		return r
	}
	ctx := context.Background()
	method, pattern, _ := strings.Cut(route, " ")
	path := strings.ReplaceAll(pattern, "{slug}", slug)
	setup := "maker@elsewhere.example"
	withID := func(id int64) string { return strings.ReplaceAll(path, "{id}", fmt.Sprint(id)) }
	switch route {
	case "POST /api/v1/session":
		return jsonReq(method, path, map[string]string{"email": e.email[store.RoleLenderAnalyst], "password": "password-" + store.RoleLenderAnalyst})
	case "POST /api/v1/facilities/{slug}/borrowing-base-certificates":
		return e.certificateUpload(slug, "2004-10-03", nil)
	case "GET /api/v1/facilities/{slug}/borrowing-base-certificates/{id}", "GET /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/certificate.pdf":
		cs, _ := e.st.Certificates(ctx, slug)
		return jsonReq(method, withID(cs[0].ID), nil)
	case "POST /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/approve":
		// The setup's certificate for the same date is approved: this one
		// supersedes it (or the one that superseded it).
		c := e.submitCertificate(slug, setup)
		return jsonReq(method, withID(c.ID), map[string]int64{"supersedes": c.Supersedes})
	case "POST /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/withdraw":
		return jsonReq(method, withID(e.submitCertificate(slug, setup).ID), map[string]string{"comment": "the aging was run a day early"})
	case "POST /api/v1/facilities/{slug}/borrowing-base-certificates/{id}/reject":
		return jsonReq(method, withID(e.submitCertificate(slug, setup).ID), map[string]string{"comment": "aging does not tie to the ledger"})
	case "POST /api/v1/facilities/{slug}/advances":
		return jsonReq(method, path, map[string]string{"amount": "100.00", "value_date": "2004-10-15"})
	case "POST /api/v1/facilities/{slug}/advances/{id}/approve", "POST /api/v1/facilities/{slug}/advances/{id}/reject":
		r, err := e.svc.RequestAdvance(ctx, app.RequestInput{Facility: slug, Key: fmt.Sprintf("setup:%d", e.seq()),
			Amount: threshold + money.Amount(10_000_000), ValueDate: date.MustParse("2004-10-15"), By: setup})
		if err != nil || r.Status != store.AdvanceRequested {
			e.t.Fatalf("setup advance: %+v %v", r, err)
		}
		body := any(nil)
		if strings.HasSuffix(route, "reject") {
			body = map[string]string{"comment": "no"}
		}
		return jsonReq(method, withID(r.ID), body)
	case "POST /api/v1/facilities/{slug}/advances/{id}/cancel":
		if as == "" {
			as = e.email[store.RoleLenderAdmin]
		}
		r, err := e.svc.RequestAdvance(ctx, app.RequestInput{Facility: slug, Key: fmt.Sprintf("setup:%d", e.seq()),
			Amount: threshold + money.Amount(10_000_000), ValueDate: date.MustParse("2004-10-15"), By: as})
		if err != nil || r.Status != store.AdvanceRequested {
			e.t.Fatalf("setup advance: %+v %v", r, err)
		}
		return jsonReq(method, withID(r.ID), nil)
	case "POST /api/v1/facilities/{slug}/repayments":
		return jsonReq(method, path, map[string]string{"amount": "10.00", "value_date": "2004-10-20"})
	case "POST /api/v1/close-of-business":
		return jsonReq(method, path, map[string]string{"through": businessDate.AddDays(int(e.seq() % 300)).String()})
	case "GET /api/v1/jobs/{id}":
		j, err := e.jobs.EnqueueCloseOfBusiness(ctx, businessDate.AddDays(400+int(e.seq()%300)), app.Actor{User: "cli:cob"})
		if err != nil {
			e.t.Fatal(err)
		}
		return jsonReq(method, withID(j.ID), nil)
	case "GET /api/v1/facilities/{slug}/aging-migration":
		cs, _ := e.st.Certificates(ctx, slug)
		return jsonReq(method, fmt.Sprintf("%s?from_certificate=%d&to_certificate=%d", path, cs[0].ID, cs[0].ID), nil)
	case "GET /api/v1/facilities/{slug}/ledger":
		return jsonReq(method, path+"?from=2004-01-01&to=2004-12-31", nil)
	case "GET /api/v1/facilities/{slug}/availability":
		return jsonReq(method, path+"?as_of=2004-10-15", nil)
	case "GET /api/v1/facilities/{slug}/covenants/{period_end}/compliance-certificate.pdf":
		pe := date.MustParse("2007-04-01")
		if _, _, err := e.svc.AddStatements(ctx, slug, []covenant.Statement{{PeriodEnd: pe, FiscalYear: 2007, FiscalQuarter: 1, File: "statements.csv", Line: 2,
			Lines: map[string]money.Amount{"total_assets": 63_000_000_00, "intangible_assets": 900_000_00, "total_liabilities": 29_000_000_00, "subordinated_debt": 0, "net_income": 500_000_00}}}, setup); err != nil {
			e.t.Fatal(err)
		}
		return jsonReq(method, strings.ReplaceAll(path, "{period_end}", pe.String()), nil)
	case "POST /api/v1/facilities/{slug}/financial-statements", "POST /api/v1/facilities/{slug}/financial-statements/preview":
		return req{method: method, path: path, body: []byte(statementsCSV), ctype: "text/csv"}
	case "POST /api/v1/facilities/{slug}/events-of-default":
		return jsonReq(method, path, map[string]string{"action": "record", "event": "dissolution", "date": "2007-05-01", "note": "dissolved"})
	case "POST /api/v1/facilities/{slug}/amendments/preview":
		return jsonReq(method, path, map[string]string{"name": "draft.yaml", "content": amendmentYAML, "as_of": "2004-10-15"})
	case "POST /api/v1/facilities/{slug}/amendments":
		return jsonReq(method, path, app.AmendmentFile{Name: "second-amendment.yaml", Content: amendmentYAML})
	case "POST /api/v1/facilities/{slug}/approvals/{id}/approve", "POST /api/v1/facilities/{slug}/approvals/{id}/reject":
		// A pending event of default of an earlier version's approvals:
		// approving it records the default as a fact.
		payload, _ := json.Marshal(app.DefaultRecord{Event: "dissolution", Date: date.MustParse("2007-05-01"), Note: "dissolved"})
		var p store.Pending
		err := e.st.Update(ctx, slug, func(tx store.Tx) error {
			var err error
			p, err = tx.CreatePending(store.Pending{Facility: slug, Kind: app.PendingEventOfDefault, Payload: payload, RequestedBy: setup, RequestedAt: time.Now()})
			return err
		})
		if err != nil {
			e.t.Fatal(err)
		}
		body := any(nil)
		if strings.HasSuffix(route, "reject") {
			body = map[string]string{"comment": "not a default"}
		}
		return jsonReq(method, withID(p.ID), body)
	}
	return jsonReq(method, path, nil)
}

var seqN atomic.Int64

func (e *env) seq() int64 { return seqN.Add(1) }

// TestAuthorizationMatrix: every route × every role (and anonymous) × own
// and other facility → the expected status.
func TestAuthorizationMatrix(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		for _, rt := range e.srv.Routes() {
			route := rt.Method + " " + rt.Path
			pol, ok := policy[route]
			if !ok {
				t.Errorf("route %s has no policy in the test", route)
				continue
			}
			slugs := []string{""}
			if strings.Contains(rt.Path, "{slug}") {
				slugs = []string{own, other}
			}
			for _, slug := range slugs {
				for _, who := range append([]string{"anonymous"}, roles...) {
					as := e.email[roleKey(who)]
					r := e.requestAs(route, slug, as)
					got := e.do(as, r)
					public := slices.Contains(publicRoutes, route)
					var want int
					switch {
					case public:
						want = pol.ok
					case who == "anonymous":
						want = http.StatusUnauthorized
					case who == store.RoleBorrower && slug == other:
						want = http.StatusNotFound
					case pol.roles != nil && !slices.Contains(pol.roles, who):
						want = http.StatusForbidden
					default:
						want = pol.ok
					}
					if got.status != want {
						t.Errorf("%s on %q as %s: status %d, want %d\n%s", route, slug, who, got.status, want, got.body)
					}
					if who == store.RoleBorrower && slug == other && strings.Contains(string(got.body), "other-facility\"") && got.status != 404 {
						t.Errorf("%s leaks the other facility to a borrower: %s", route, got.body)
					}
				}
			}
		}
		// A borrower lists only their facility.
		got := e.do(e.email["borrower"], jsonReq("GET", "/api/v1/facilities", nil))
		if strings.Contains(string(got.body), other) || !strings.Contains(string(got.body), own) {
			t.Errorf("borrower's facilities: %s", got.body)
		}
		// A borrower asking for a facility that does not exist gets the
		// same answer as for one that is not theirs.
		a := e.do(e.email["borrower"], jsonReq("GET", "/api/v1/facilities/"+other, nil))
		b := e.do(e.email["borrower"], jsonReq("GET", "/api/v1/facilities/no-such-facility", nil))
		// The same but for the slug and the request's id.
		rid := regexp.MustCompile(`"request_id":"[^"]*"`)
		same := func(body []byte, slug string) string {
			return rid.ReplaceAllString(strings.ReplaceAll(string(body), slug, "X"), "")
		}
		if a.status != 404 || b.status != 404 || same(a.body, other) != same(b.body, "no-such-facility") {
			t.Errorf("other facility %d %s, missing facility %d %s", a.status, a.body, b.status, b.body)
		}
	})
}

func roleKey(who string) string {
	if who == "anonymous" {
		return "none"
	}
	return who
}
