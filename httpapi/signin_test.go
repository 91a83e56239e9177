package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"revolver/auth"
	"revolver/date"
	"revolver/httpapi"
	"revolver/store"
)

// signInAs posts a sign-in (JSON) and returns the response.
func (e *env) signInAs(email, password string) resp {
	e.t.Helper()
	return e.do("", jsonReq("POST", "/api/v1/session", map[string]string{"email": email, "password": password}))
}

// records returns the audit records from after on.
func (e *env) records(after int64) []store.AuditRecord {
	e.t.Helper()
	recs, err := e.acc.AuditRecords(context.Background(), after, 100000)
	if err != nil {
		e.t.Fatal(err)
	}
	return recs
}

// verified fails the test unless the whole audit chain verifies.
func (e *env) verified() {
	e.t.Helper()
	if b := store.VerifyAudit(0, "", e.records(0)); b != nil {
		e.t.Fatalf("audit chain broken: %+v", b)
	}
}

// TestSignInTyposOfOthers: five failed sign-ins from one address, four of
// them for a mistyped email, do not lock out another user who types the
// right password (they did: the address had the account's limit of five).
func TestSignInTyposOfOthers(t *testing.T) {
	e := newEnv(t, openSQLite)
	for i := 0; i < 4; i++ {
		if r := e.signInAs("borower@test.example", "password-borrower"); r.status != 401 {
			t.Fatalf("typo %d: %d %s", i, r.status, r.body)
		}
	}
	if r := e.signInAs(e.email[store.RoleBorrower], "not the password"); r.status != 401 {
		t.Fatalf("wrong password: %d %s", r.status, r.body)
	}
	if r := e.signInAs(e.email[store.RoleAuditor], "password-auditor"); r.status != 201 {
		t.Fatalf("another user with the right password: %d %s", r.status, r.body)
	}
	// The account of the wrong password is not locked by the typos either.
	if r := e.signInAs(e.email[store.RoleBorrower], "password-borrower"); r.status != 201 {
		t.Fatalf("the borrower with the right password: %d %s", r.status, r.body)
	}
}

// TestSignInLimitsShared: two server processes on one database share the
// counts: failures made on one lock the account on the other; a success
// on either clears it; the limit holds per account, not per process.
func TestSignInLimitsShared(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		var mu sync.Mutex
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		lim := auth.SignInLimits{PerAccount: 3, PerAddress: 50, Window: 15 * time.Minute}
		var servers [2]*httptest.Server
		for i := range servers {
			srv, err := httpapi.New(httpapi.Config{Store: e.st, Terms: e.terms, Now: clock, SignInLimits: lim})
			if err != nil {
				t.Fatal(err)
			}
			servers[i] = httptest.NewServer(srv)
			t.Cleanup(servers[i].Close)
		}
		signIn := func(i int, email, pw string) *http.Response {
			t.Helper()
			res, err := http.Post(servers[i].URL+"/api/v1/session", "application/json",
				strings.NewReader(`{"email":"`+email+`","password":"`+pw+`"}`))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res
		}
		officer := e.email[store.RoleLenderOfficer]
		for i, srv := range []int{0, 1, 0} {
			if res := signIn(srv, officer, "wrong"); res.StatusCode != 401 {
				t.Fatalf("failure %d on server %d: %d", i, srv, res.StatusCode)
			}
		}
		for srv := range servers {
			res := signIn(srv, officer, "password-lender_officer")
			if res.StatusCode != 429 || res.Header.Get("Retry-After") != "901" {
				t.Errorf("server %d after three failures on both: %d, Retry-After %q", srv, res.StatusCode, res.Header.Get("Retry-After"))
			}
		}
		// Another account on either server is not affected.
		if res := signIn(1, e.email[store.RoleAuditor], "password-auditor"); res.StatusCode != 201 {
			t.Errorf("another account: %d", res.StatusCode)
		}
		// The window passes (on the clock both servers read): the officer
		// signs in on one server, which clears the count on the other.
		mu.Lock()
		now = now.Add(15 * time.Minute)
		mu.Unlock()
		if res := signIn(1, officer, "password-lender_officer"); res.StatusCode != 201 {
			t.Fatalf("after the window: %d", res.StatusCode)
		}
		for i := 0; i < 2; i++ {
			signIn(0, officer, "wrong")
		}
		if res := signIn(0, officer, "password-lender_officer"); res.StatusCode != 201 {
			t.Errorf("two failures after a success: %d", res.StatusCode)
		}
		e.verified()
	})
}

// TestAuditSignInSignOut: failed sign-ins (wrong password, unknown email,
// refused by the limit), sign-ins and sign-outs are in the audit trail,
// with who, the result and a summary; the chain verifies.
func TestAuditSignInSignOut(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		admin := e.email[store.RoleLenderAdmin]
		e.signInAs(admin, "wrong password")
		e.signInAs("nobody@test.example", "whatever1")
		jar, _ := cookiejar.New(nil)
		cl := &http.Client{Jar: jar}
		res, err := cl.Post(e.ts.URL+"/api/v1/session", "application/json", strings.NewReader(`{"email":"`+admin+`","password":"password-lender_admin"}`))
		if err != nil || res.StatusCode != 201 {
			t.Fatalf("sign in: %v %v", res, err)
		}
		var s struct {
			CSRF string `json:"csrf_token"`
		}
		jsonDecode(t, res, &s)
		r, _ := http.NewRequest("DELETE", e.ts.URL+"/api/v1/session", nil)
		r.Header.Set("X-CSRF-Token", s.CSRF)
		if res, err := cl.Do(r); err != nil || res.StatusCode != 204 {
			t.Fatalf("sign out: %v %v", res, err)
		}
		recs := e.records(0)
		want := []struct{ actor, role, action, result, code, summary string }{
			{admin, store.RoleLenderAdmin, "sign_in", "refused", "unauthorized", admin + " (lender admin) tried to sign in: refused (unauthorized)"},
			{"nobody@test.example", "", "sign_in", "refused", "unauthorized", "nobody@test.example tried to sign in: refused (unauthorized)"},
			{admin, store.RoleLenderAdmin, "sign_in", "done", "", admin + " (lender admin) signed in"},
			{admin, store.RoleLenderAdmin, "sign_out", "done", "", admin + " (lender admin) signed out"},
		}
		if len(recs) != len(want) {
			t.Fatalf("%d records, want %d: %+v", len(recs), len(want), recs)
		}
		for i, w := range want {
			r := recs[i]
			if r.Actor != w.actor || r.Role != w.role || r.Kind != "session" || r.Action != w.action || r.Result != w.result || r.Error != w.code ||
				r.Summary != w.summary || r.RequestID == "" || r.BusinessDate == 0 {
				t.Errorf("record %d: %+v, want %+v", i+1, r, w)
			}
		}
		if !strings.Contains(string(recs[0].After), `"address":"127.0.0.1"`) {
			t.Errorf("failed sign-in does not name the address: %s", recs[0].After)
		}
		e.verified()
	})
}

func jsonDecode(t *testing.T, res *http.Response, v any) {
	t.Helper()
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	if err := jsonUnmarshal(b.Bytes(), v); err != nil {
		t.Fatalf("%v: %s", err, b.Bytes())
	}
}

// TestAuditRefusedChanges: a mutating request refused with a 4xx status —
// by the rules (an advance above availability), by role, by validation,
// or unauthenticated — is in the audit trail as refused with its error
// code, who, what and the amount and value date asked; a refusal kept
// under an idempotency key is recorded once; the chain verifies.
func TestAuditRefusedChanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		adv := "/api/v1/facilities/" + own + "/advances"
		borrower := e.email[store.RoleBorrower]
		// More than the availability of the business date.
		big := jsonReq("POST", adv, map[string]string{"amount": "9000000.00", "value_date": "2004-10-15"})
		big.header = map[string]string{"Idempotency-Key": "big-1"}
		if r := e.do(borrower, big); r.status != 422 || r.code() != "availability_exceeded" {
			t.Fatalf("advance above availability: %d %s", r.status, r.body)
		}
		if r := e.do(borrower, big); r.status != 422 || r.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %d %s", r.status, r.body)
		}
		if r := e.do(e.email[store.RoleLenderAnalyst], jsonReq("POST", adv, map[string]string{"amount": "10.00", "value_date": "2004-10-15"})); r.status != 403 {
			t.Fatalf("analyst: %d %s", r.status, r.body)
		}
		if r := e.do(borrower, jsonReq("POST", adv, `{"amount":"10.001","value_date":"2004-10-15"}`)); r.status != 400 {
			t.Fatalf("invalid: %d %s", r.status, r.body)
		}
		if r := e.do("", jsonReq("POST", adv, map[string]string{"amount": "10.00", "value_date": "2004-10-15"})); r.status != 401 {
			t.Fatalf("anonymous: %d %s", r.status, r.body)
		}
		recs := e.records(0)
		if len(recs) != 4 {
			t.Fatalf("%d records, want 4 (the replay is not a new refusal): %+v", len(recs), recs)
		}
		r := recs[0]
		if r.Result != "refused" || r.Error != "availability_exceeded" || r.Actor != borrower || r.Role != store.RoleBorrower ||
			r.Kind != "advance" || r.Action != "request" || r.Facility != own || r.Amount.String() != "9000000.00" || r.Dated.String() != "2004-10-15" || r.BusinessDate == 0 ||
			r.Summary != borrower+" (borrower) tried to request advance of 9,000,000.00 value-dated 2004-10-15 for "+own+": refused (availability_exceeded)" ||
			!strings.Contains(string(r.After), `"status":422`) {
			t.Errorf("refused advance: %+v %s", r, r.After)
		}
		for i, want := range []struct{ actor, code string }{{e.email[store.RoleLenderAnalyst], "forbidden"}, {borrower, "invalid"}, {"anonymous", "unauthorized"}} {
			if r := recs[i+1]; r.Actor != want.actor || r.Result != "refused" || r.Error != want.code || r.Kind != "advance" {
				t.Errorf("refusal %d: %+v, want %+v", i+2, r, want)
			}
		}
		// A done advance names the funded request and its status.
		if r := e.do(borrower, jsonReq("POST", adv, map[string]string{"amount": "10.00", "value_date": "2004-10-15"})); r.status != 201 {
			t.Fatalf("advance: %d %s", r.status, r.body)
		}
		done := e.records(4)
		if len(done) != 1 || done[0].Result != "done" || done[0].Resource == "" || done[0].StatusAfter != "funded" ||
			done[0].Summary != borrower+" (borrower) requested advance "+done[0].Resource+" of 10.00 value-dated 2004-10-15 for "+own+": funded" {
			t.Errorf("done advance: %+v", done)
		}
		e.verified()
	})
}

// TestAuditEveryMutatingRoute: every mutating route's refusal names the
// kind of thing and the action of the route.
func TestAuditEveryMutatingRoute(t *testing.T) {
	e := newEnv(t, openSQLite)
	var n int64
	for _, rt := range e.srv.Routes() {
		if !rt.Mutating {
			continue
		}
		p := strings.NewReplacer("{slug}", own, "{id}", "1").Replace(rt.Path)
		if r := e.do("", req{method: rt.Method, path: p}); r.status != 401 {
			t.Fatalf("%s %s anonymous: %d %s", rt.Method, rt.Path, r.status, r.body)
		}
		recs := e.records(n)
		if len(recs) != 1 || recs[0].Kind == "" || recs[0].Action == "" || recs[0].Route != rt.Method+" "+rt.Path || recs[0].Error != "unauthorized" {
			t.Errorf("%s %s: records %+v", rt.Method, rt.Path, recs)
		}
		n += int64(len(recs))
	}
	e.verified()
}

// TestAuditFiltersAndCSV: GET /api/v1/audit filters by facility, user,
// kind and business date, and answers CSV on format=csv or Accept:
// text/csv with the same records.
func TestAuditFiltersAndCSV(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		officer, borrower := e.email[store.RoleLenderOfficer], e.email[store.RoleBorrower]
		// Each advance is value-dated on the business date it is made on.
		for _, s := range []struct {
			as, slug, day string
		}{{borrower, own, "2004-10-15"}, {officer, own, "2004-10-20"}, {officer, other, "2004-10-20"}} {
			if _, err := e.svc.OpenBusinessDate(context.Background(), date.MustParse(s.day), "ops", "test"); err != nil {
				t.Fatal(err)
			}
			if r := e.do(s.as, jsonReq("POST", "/api/v1/facilities/"+s.slug+"/advances", map[string]string{"amount": "10.00", "value_date": s.day})); r.status != 201 {
				t.Fatalf("advance: %d %s", r.status, r.body)
			}
		}
		e.signInAs(borrower, "wrong password")
		auditor := e.email[store.RoleAuditor]
		ids := func(q string) []int {
			t.Helper()
			r := e.do(auditor, jsonReq("GET", "/api/v1/audit"+q, nil))
			if r.status != 200 {
				t.Fatalf("%s: %d %s", q, r.status, r.body)
			}
			var out []int
			for _, rec := range r.json(t)["records"].([]any) {
				out = append(out, int(rec.(map[string]any)["id"].(float64)))
			}
			return out
		}
		for _, tc := range []struct {
			q    string
			want string
		}{
			{"", "[1 2 3 4]"},
			{"?facility=" + own, "[1 2]"},
			{"?user=" + officer, "[2 3]"},
			{"?user=" + strings.ToUpper(borrower), "[1 4]"},
			{"?kind=session", "[4]"},
			{"?kind=advance&facility=" + own + "&user=" + officer, "[2]"},
			{"?from=2004-10-16&to=2004-10-20", "[2 3 4]"},
			{"?to=2004-10-15", "[1]"},
			{"?after=2&limit=1", "[3]"},
		} {
			if got := fmt.Sprint(ids(tc.q)); got != tc.want {
				t.Errorf("%q: %s, want %s", tc.q, got, tc.want)
			}
		}
		for _, q := range []string{"?from=2004-10-20&to=2004-10-15", "?from=yesterday", "?format=xml", "?limit=0"} {
			if r := e.do(auditor, jsonReq("GET", "/api/v1/audit"+q, nil)); r.status != 400 {
				t.Errorf("%s: %d %s", q, r.status, r.body)
			}
		}
		for _, r := range []req{
			jsonReq("GET", "/api/v1/audit?format=csv&user="+officer, nil),
			{method: "GET", path: "/api/v1/audit?user=" + officer, header: map[string]string{"Accept": "text/csv"}},
		} {
			got := e.do(auditor, r)
			if got.status != 200 || !strings.HasPrefix(got.header.Get("Content-Type"), "text/csv") {
				t.Fatalf("csv: %d %s %s", got.status, got.header.Get("Content-Type"), got.body)
			}
			rows, err := csv.NewReader(bytes.NewReader(got.body)).ReadAll()
			if err != nil || len(rows) != 3 || rows[0][0] != "id" || rows[1][0] != "2" || rows[2][0] != "3" {
				t.Fatalf("csv rows %v %v", rows, err)
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			if row := rows[2]; row[col["facility"]] != other || row[col["amount"]] != "10.00" || row[col["business_date"]] != "2004-10-20" || row[col["dated"]] != "2004-10-20" ||
				row[col["actor"]] != officer || row[col["role"]] != store.RoleLenderOfficer || row[col["result"]] != "done" ||
				!strings.Contains(row[col["summary"]], "requested advance") || row[col["hash"]] == "" {
				t.Errorf("csv row %v", row)
			}
		}
		if r := e.do(borrower, jsonReq("GET", "/api/v1/audit?format=csv", nil)); r.status != 403 {
			t.Errorf("borrower reads the audit trail: %d", r.status)
		}
		e.verified()
	})
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
