package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// ratesRequest builds a request for the base-rate routes (a new date each
// time, so that every recording stores a new value).
func (e *env) ratesRequest(route string) (req, bool) {
	method, pattern, _ := strings.Cut(route, " ")
	if !strings.HasPrefix(pattern, "/api/v1/rates") {
		return req{}, false
	}
	path := strings.ReplaceAll(pattern, "{series}", "prime")
	n := e.seq()
	day := fmt.Sprintf("2005-%02d-%02d", 1+n%12, 1+n%28)
	switch route {
	case "POST /api/v1/rates/{series}":
		return jsonReq(method, path, map[string]string{"effective": fmt.Sprintf("19%02d-01-01", n%100), "rate": "4.25%", "source": "Federal Reserve H.15"}), true
	case "POST /api/v1/rates/{series}/import":
		return req{method: method, path: path + "?source=FRED+DPRIME&file=DPRIME.csv", ctype: "text/csv",
			body: []byte("observation_date,DPRIME\n" + day + ",5.25\n")}, true
	}
	return jsonReq(method, path, nil), true
}

// The base rates through the API: a FRED download imported (its blank and
// "." days skipped), read back with its source; a bad cell refused by
// file:line:column, storing nothing; one value recorded; a series revolver
// does not know is 404; a value that differs from one recorded refuses the
// import naming its line.
func TestRatesAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		admin := e.email[store.RoleLenderAdmin]
		csv := "observation_date,DPRIME\n2006-06-28,8.00\n2006-06-29,8.25\n2006-06-30,.\n2006-07-03,\n2006-07-05,8.25\n"
		r := e.do(admin, req{method: "POST", path: "/api/v1/rates/prime/import?source=Federal+Reserve+H.15+via+FRED+(DPRIME)&file=DPRIME.csv", ctype: "text/csv", body: []byte(csv)})
		if r.status != 201 {
			t.Fatalf("import: %d %s", r.status, r.body)
		}
		if m := r.json(t); m["added"] != float64(3) || m["read"] != float64(3) {
			t.Errorf("import: %v", m)
		}
		bad := e.do(admin, req{method: "POST", path: "/api/v1/rates/prime/import?source=x&file=DPRIME.csv", ctype: "text/csv",
			body: []byte("observation_date,DPRIME\n2006-08-01,8.25\n2006-08-02,8.2x\n")})
		if bad.status != 400 || !strings.Contains(string(bad.body), `DPRIME.csv:3:12: column \"DPRIME\": found \"8.2x\"`) {
			t.Errorf("bad row: %d %s", bad.status, bad.body)
		}
		changed := e.do(admin, req{method: "POST", path: "/api/v1/rates/prime/import?source=x&file=later.csv", ctype: "text/csv",
			body: []byte("observation_date,DPRIME\n2006-08-03,8.25\n2006-06-29,8.50\n")})
		if changed.status < 400 || !strings.Contains(string(changed.body), "later.csv:3") {
			t.Errorf("changed value: %d %s", changed.status, changed.body)
		}
		one := e.do(admin, jsonReq("POST", "/api/v1/rates/prime", map[string]string{"effective": "2006-09-20", "rate": "8.25%", "source": "The Wall Street Journal"}))
		if one.status != 201 {
			t.Fatalf("record: %d %s", one.status, one.body)
		}
		got := e.do(e.email[store.RoleBorrower], jsonReq("GET", "/api/v1/rates/prime", nil))
		if got.status != 200 {
			t.Fatalf("values: %d %s", got.status, got.body)
		}
		vals, _ := got.json(t)["values"].([]any)
		if len(vals) != 4 {
			t.Fatalf("values %s, want the 3 imported and the 1 recorded (nothing of the refused files)", got.body)
		}
		first := vals[0].(map[string]any)
		if first["effective"] != "2006-06-28" || first["value"] != "0.08" || first["source"] != "Federal Reserve H.15 via FRED (DPRIME)" || first["recorded_at"] == nil {
			t.Errorf("first value %v", first)
		}
		if last := vals[3].(map[string]any); last["source"] != "The Wall Street Journal" {
			t.Errorf("last value %v", last)
		}
		if r := e.do(admin, jsonReq("GET", "/api/v1/rates/euribor_3m", nil)); r.status != 404 {
			t.Errorf("unknown series: %d %s", r.status, r.body)
		}
		list := e.do(admin, jsonReq("GET", "/api/v1/rates", nil)).json(t)
		series, _ := list["series"].([]any)
		if len(series) != 10 || series[0].(map[string]any)["values"] != float64(4) {
			t.Errorf("series list %v", list)
		}
	})
}

// A borrowing request elects a pricing option: by default the terms' first
// (the example's prime), stored with the request; the example's LIBOR
// option has no interest periods in the documents held, so its loans cannot
// be elected (undetermined); an option the terms lack is refused.
func TestAdvanceElection(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		officer := e.email[store.RoleLenderOfficer]
		path := "/api/v1/facilities/" + own + "/advances"
		r := e.do(officer, jsonReq("POST", path, map[string]string{"amount": "100.00", "value_date": "2004-10-15"}))
		if r.status != 201 || r.json(t)["option"] != "prime" {
			t.Errorf("default election: %d %s", r.status, r.body)
		}
		r = e.do(officer, jsonReq("POST", path, map[string]string{"amount": "100.00", "value_date": "2004-10-15", "option": "libor", "interest_period": "3m"}))
		if r.status != 422 || r.json(t)["code"] != "undetermined" || !strings.Contains(string(r.body), "the terms give no interest periods for option libor") {
			t.Errorf("libor election: %d %s", r.status, r.body)
		}
		r = e.do(officer, jsonReq("POST", path, map[string]string{"amount": "100.00", "value_date": "2004-10-15", "option": "euribor"}))
		if r.status != 422 || !strings.Contains(string(r.body), `option \"euribor\": expected one of the terms' pricing options prime, libor`) {
			t.Errorf("unknown option: %d %s", r.status, r.body)
		}
	})
}

// GET …/interest: the example facility's accruals by rate period, each
// citing its base rate's source (the prime recorded for the test); the
// days without an accrual are not a period.
func TestInterestReportRoute(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		admin := e.email[store.RoleLenderAdmin]
		r := e.do(admin, jsonReq("GET", "/api/v1/facilities/"+own+"/interest?from=2004-10-01&to=2004-10-31", nil))
		if r.status != 200 {
			t.Fatalf("interest: %d %s", r.status, r.body)
		}
		m := r.json(t)
		if ps, _ := m["periods"].([]any); m["accrued"] != "0.00" || len(ps) != 0 {
			t.Errorf("no close of business yet: %s", r.body)
		}
		// 100,000.00 from 15 October at prime 4.75% + 0%: 13.19 a day.
		ctx := context.Background()
		if err := e.st.PutRate(ctx, "prime", ledger.RatePoint{Effective: date.MustParse("2004-09-22"), Value: money.MustRate("4.75%"), Source: "Federal Reserve H.15"}, nil); err != nil {
			t.Fatal(err)
		}
		if a := e.do(admin, jsonReq("POST", "/api/v1/facilities/"+own+"/advances", map[string]string{"amount": "100000.00", "value_date": "2004-10-15"})); a.status != 201 {
			t.Fatalf("advance: %d %s", a.status, a.body)
		}
		if _, err := e.svc.CloseOfBusiness(ctx, date.MustParse("2004-10-20")); err != nil {
			t.Fatal(err)
		}
		m = e.do(admin, jsonReq("GET", "/api/v1/facilities/"+own+"/interest?from=2004-10-01&to=2004-10-31", nil)).json(t)
		ps, _ := m["periods"].([]any)
		if len(ps) != 1 || m["accrued"] != "79.14" {
			t.Fatalf("after close of business: %v", m)
		}
		p := ps[0].(map[string]any)
		base := p["base_rate"].(map[string]any)
		if p["from"] != "2004-10-15" || p["to"] != "2004-10-20" || p["days"] != float64(6) || p["rate"] != "0.0475" || base["source"] != "Federal Reserve H.15" || p["interest"] != "79.14" {
			t.Errorf("period %v", p)
		}
		if bad := e.do(admin, jsonReq("GET", "/api/v1/facilities/"+own+"/interest?from=2004-10-31&to=2004-10-01", nil)); bad.status != 400 {
			t.Errorf("inverted: %d %s", bad.status, bad.body)
		}
	})
}
