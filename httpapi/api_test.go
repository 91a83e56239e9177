package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"reflect"
	"strings"
	"testing"

	"revolver/store"
)

// altBody returns r with another body (for the mismatch half of the
// idempotency test).
func altBody(e *env, route string, r req) req {
	switch {
	case strings.HasSuffix(route, "/borrowing-base-certificates"):
		slug := strings.Split(r.path, "/")[4]
		return e.certificateUpload(slug, "2004-10-04", nil)
	case strings.HasSuffix(route, "/financial-statements"):
		r.body = []byte(strings.Replace(statementsCSV, "500000.00", "500001.00", 1))
		return r
	case route == "POST /api/v1/cash-files":
		alt := cashUpload("", "other.bai", bytes.ReplaceAll(lockboxBAI("alt", 400, 3_00), []byte("0012345678"), []byte("5550001111")))
		alt.path = r.path
		return alt
	case strings.HasSuffix(route, "/cash-files"):
		return cashUpload(strings.Split(r.path, "/")[4], "other.bai", lockboxBAI("alt", 400, 3_00))
	case strings.HasSuffix(route, "/rates/{series}/import"):
		r.body = []byte(strings.Replace(string(r.body), ",5.25", ",5.50", 1))
		return r
	}
	var m map[string]any
	if len(r.body) > 0 {
		json.Unmarshal(r.body, &m)
	} else {
		m = map[string]any{}
	}
	switch {
	case m["amount"] != nil:
		m["amount"] = "11.00"
	case m["rate"] != nil:
		m["rate"] = "4.50%"
	case m["content"] != nil:
		m["content"] = strings.Replace(amendmentYAML, "16000000.00", "17000000.00", 1)
	case m["event"] != nil:
		m["date"] = "2007-05-02"
	default:
		m["comment"] = fmt.Sprint(m["comment"], " (changed)")
	}
	out := jsonReq(r.method, r.path, m)
	return out
}

// TestIdempotency: for every mutating route, the same key and body give
// the first response again (marked replayed) and store nothing more; the
// same key with another body is 422 idempotency_mismatch.
func TestIdempotency(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		as := e.email[store.RoleLenderAdmin]
		n := 0
		for _, rt := range e.srv.Routes() {
			if !rt.Mutating {
				continue
			}
			n++
			route := rt.Method + " " + rt.Path
			r := e.request(route, own)
			key := "key-" + strings.NewReplacer(" ", "-", "/", "-", "{", "", "}", "").Replace(route)
			r.header = map[string]string{"Idempotency-Key": key}
			as := as
			if strings.HasSuffix(route, "/withdraw") { // the borrower's
				as = e.email[store.RoleBorrower]
			}
			first := e.do(as, r)
			if first.status >= 300 {
				t.Fatalf("%s: first request %d %s", route, first.status, first.body)
			}
			if first.header.Get("Idempotent-Replayed") != "" {
				t.Errorf("%s: first response marked replayed", route)
			}
			before := e.snapshot()
			again := e.do(as, r)
			if again.status != first.status || !bytes.Equal(again.body, first.body) || again.header.Get("Idempotent-Replayed") != "true" {
				t.Errorf("%s: replay %d %s (replayed %q), first %d %s", route, again.status, again.body, again.header.Get("Idempotent-Replayed"), first.status, first.body)
			}
			if after := e.snapshot(); !reflect.DeepEqual(before, after) {
				t.Errorf("%s: the replay stored something: %v → %v", route, before, after)
			}
			other := altBody(e, route, r)
			other.header = r.header
			mm := e.do(as, other)
			if mm.status != 422 || mm.code() != "idempotency_mismatch" {
				t.Errorf("%s: other body under the same key: %d %s", route, mm.status, mm.body)
			}
			if after := e.snapshot(); !reflect.DeepEqual(before, after) {
				t.Errorf("%s: the mismatch stored something: %v → %v", route, before, after)
			}
			// Another user's same key is theirs alone.
			if strings.HasSuffix(route, "/advances") {
				o := e.do(e.email[store.RoleLenderOfficer], r)
				if o.status != 201 || o.header.Get("Idempotent-Replayed") != "" {
					t.Errorf("%s: the same key by another user: %d %s", route, o.status, o.body)
				}
			}
		}
		if n < 12 {
			t.Fatalf("only %d mutating routes", n)
		}
		// A refusal is kept and replayed too.
		r := jsonReq("POST", "/api/v1/facilities/"+own+"/advances", map[string]string{"amount": "10.00", "value_date": "2008-01-15"})
		r.header = map[string]string{"Idempotency-Key": "after-termination"}
		a, b := e.do(as, r), e.do(as, r)
		if a.status != 422 || a.code() != "facility_terminated" || b.status != 422 || b.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("refusal: %d %s; again %d %s", a.status, a.body, b.status, b.body)
		}
	})
}

// TestBadRequests: malformed or out-of-range input answers 4xx with a
// clear message and stores nothing.
func TestBadRequests(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		as := e.email[store.RoleLenderOfficer]
		adv := "/api/v1/facilities/" + own + "/advances"
		huge := `{"amount":"1.00","value_date":"2004-10-15","x":"` + strings.Repeat("a", 2<<20) + `"}`
		for _, tc := range []struct {
			name   string
			r      req
			status int
			msg    string
		}{
			{"malformed", jsonReq("POST", adv, `{"amount": "1.00",`), 400, "malformed JSON"},
			{"not an object", jsonReq("POST", adv, `[1,2]`), 400, "expected"},
			{"trailing data", jsonReq("POST", adv, `{"amount":"1.00","value_date":"2004-10-15"} {}`), 400, "data after the object"},
			{"empty", jsonReq("POST", adv, ``), 400, "empty"},
			{"number amount", jsonReq("POST", adv, `{"amount": 100, "value_date": "2004-10-15"}`), 400, `field "amount": expected a string, found a JSON number`},
			{"unknown field", jsonReq("POST", adv, `{"amount":"1.00","value_date":"2004-10-15","currency":"EUR"}`), 400, `unknown field "currency"`},
			{"negative", jsonReq("POST", adv, `{"amount":"-5.00","value_date":"2004-10-15"}`), 400, "greater than zero"},
			{"zero", jsonReq("POST", adv, `{"amount":"0.00","value_date":"2004-10-15"}`), 400, "greater than zero"},
			{"over-precise", jsonReq("POST", adv, `{"amount":"1.001","value_date":"2004-10-15"}`), 400, "at most two decimals"},
			{"not a number", jsonReq("POST", adv, `{"amount":"1e5","value_date":"2004-10-15"}`), 400, "not an amount"},
			{"missing amount", jsonReq("POST", adv, `{"value_date":"2004-10-15"}`), 400, `field "amount": required`},
			{"bad date", jsonReq("POST", adv, `{"amount":"1.00","value_date":"2004-13-01"}`), 400, "expected a date YYYY-MM-DD"},
			{"date out of range", jsonReq("POST", adv, `{"amount":"1.00","value_date":"2500-01-01"}`), 400, "from 1990-01-01 to 2199-12-31"},
			{"date too early", jsonReq("POST", adv, `{"amount":"1.00","value_date":"1900-01-01"}`), 400, "out of range"},
			{"huge body", jsonReq("POST", adv, huge), 413, "larger than"},
			// Regression (security sweep): the last of two keys won, and a key
			// in other case filled the field: 20,000,000.00 was requested.
			{"duplicate key", jsonReq("POST", adv, `{"amount":"10.00","amount":"20000000.00","value_date":"2004-10-15"}`), 400, `field "amount" is given twice`},
			{"key in other case", jsonReq("POST", adv, `{"Amount":"10.00","value_date":"2004-10-15"}`), 400, `field "Amount": field names are lower case`},
			{"keys differing in case", jsonReq("POST", adv, `{"amount":"10.00","AMOUNT":"20000000.00","value_date":"2004-10-15"}`), 400, "lower case"},
			{"an array, not an object", jsonReq("POST", adv, `[{"amount":"10.00"}]`), 400, "the request body is a JSON array: expected a JSON object"},
			// Regression (security sweep): a NUL answered 500 on PostgreSQL and
			// was stored on SQLite; invalid UTF-8 was replaced silently.
			{"NUL in a string", jsonReq("POST", "/api/v1/facilities/"+own+"/repayments", `{"amount":"10.00","value_date":"2004-10-20","reason":"a\u0000b"}`), 400, `field "reason" holds a NUL character`},
			{"invalid UTF-8", jsonReq("POST", adv, "{\"amount\":\"10.00\",\"value_date\":\"2004-10-15\",\"x\":\"\xff\"}"), 400, "not valid UTF-8 (at byte"},
			{"wrong content type", req{method: "POST", path: adv, body: []byte(`{"amount":"1.00","value_date":"2004-10-15"}`), ctype: "text/plain"}, 415, "expected application/json"},
			{"bad idempotency key", req{method: "POST", path: adv, body: []byte(`{"amount":"1.00","value_date":"2004-10-15"}`), ctype: "application/json", header: map[string]string{"Idempotency-Key": "has space"}}, 400, "Idempotency-Key"},
			{"repayment over-precise", jsonReq("POST", "/api/v1/facilities/"+own+"/repayments", `{"amount":"10.005","value_date":"2004-10-20"}`), 400, "at most two decimals"},
			{"repayment wrong type", jsonReq("POST", "/api/v1/facilities/"+own+"/repayments", `{"amount":"10.00","value_date":20041020}`), 400, `field "value_date"`},
			{"decision wrong type", jsonReq("POST", "/api/v1/facilities/"+own+"/advances/1/approve", `{"comment": 5}`), 400, `field "comment"`},
			{"event unknown", jsonReq("POST", "/api/v1/facilities/"+own+"/events-of-default", `{"action":"record","event":"nope","date":"2006-01-01"}`), 422, "not an event of default"},
			{"event bad action", jsonReq("POST", "/api/v1/facilities/"+own+"/events-of-default", `{"action":"delete","event":"covenant_failed","date":"2006-01-01"}`), 400, "expected record or waive"},
			{"amendment invalid", jsonReq("POST", "/api/v1/facilities/"+own+"/amendments", `{"name":"x.yaml","content":"revolver: amendment/1\nid: x\n"}`), 422, "x.yaml"},
			{"amendment path name", jsonReq("POST", "/api/v1/facilities/"+own+"/amendments", `{"name":"../x.yaml","content":"a: b"}`), 422, "plain file name"},
			{"statements bad csv", req{method: "POST", path: "/api/v1/facilities/" + own + "/financial-statements", body: []byte("period_end,fiscal_year\n2007-04-01,abc\n"), ctype: "text/csv"}, 400, "financial-statements.csv"},
			{"certificate not multipart", jsonReq("POST", "/api/v1/facilities/"+own+"/borrowing-base-certificates", `{}`), 415, "multipart"},
			{"certificate bad date", e.certificateUpload(own, "2004-02-30", nil), 400, "as_of"},
			{"certificate unknown field", e.certificateUpload(own, "2004-10-03", map[string]string{"lc": "5"}), 400, "unknown field"},
			{"query date", jsonReq("GET", "/api/v1/facilities/"+own+"/availability?as_of=yesterday", nil), 400, "as_of"},
			{"ledger from after to", jsonReq("GET", "/api/v1/facilities/"+own+"/ledger?from=2005-01-01&to=2004-01-01", nil), 400, "before from"},
			{"ledger limit above the maximum", jsonReq("GET", "/api/v1/facilities/"+own+"/ledger?limit=1001", nil), 400, "above the maximum 1000"},
			{"certificates limit zero", jsonReq("GET", "/api/v1/facilities/"+own+"/borrowing-base-certificates?limit=0", nil), 400, "expected an integer from 1 to 1000"},
			{"advances after not an id", jsonReq("GET", "/api/v1/facilities/"+own+"/advances?after=x", nil), 400, "next_after"},
			{"facilities limit above the maximum", jsonReq("GET", "/api/v1/facilities?limit=5000", nil), 400, "above the maximum"},
			{"audit limit", jsonReq("GET", "/api/v1/audit?limit=100000", nil), 403, ""},
			{"id not a number", jsonReq("POST", "/api/v1/facilities/"+own+"/advances/abc/approve", nil), 404, "not an id"},
			{"unknown route", jsonReq("GET", "/api/v1/nothing", nil), 404, "no route"},
			{"wrong method", jsonReq("PUT", "/api/v1/facilities", nil), 405, "not allowed"},
		} {
			before := e.snapshot()
			got := e.do(as, tc.r)
			var msg struct{ Message string }
			json.Unmarshal(got.body, &msg)
			if got.status != tc.status || !strings.Contains(msg.Message, tc.msg) {
				t.Errorf("%s: %d %s, want %d with %q", tc.name, got.status, got.body, tc.status, tc.msg)
			}
			m := got.json(t)
			if _, ok := m["details"]; !ok || m["code"] == "" || m["message"] == "" {
				t.Errorf("%s: error shape %s", tc.name, got.body)
			}
			if after := e.snapshot(); !reflect.DeepEqual(before, after) {
				t.Errorf("%s: stored something: %v → %v", tc.name, before, after)
			}
		}
	})
}

// TestMakerChecker: the approver must differ from the requester, enforced
// by the server for advances above the threshold, certificates, events of
// default and amendments; borrowers request, lenders approve.
func TestMakerChecker(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		officer, officer2, borrower := e.email[store.RoleLenderOfficer], e.email["officer2"], e.email[store.RoleBorrower]
		f := "/api/v1/facilities/" + own
		// Advances: at or below the threshold funded at once, above waits.
		small := e.do(borrower, jsonReq("POST", f+"/advances", map[string]string{"amount": "1000000.00", "value_date": "2004-10-15"}))
		if small.status != 201 || small.json(t)["status"] != "funded" {
			t.Fatalf("advance at the threshold: %d %s", small.status, small.body)
		}
		big := e.do(borrower, jsonReq("POST", f+"/advances", map[string]string{"amount": "1000000.01", "value_date": "2004-10-15"}))
		if big.status != 202 || big.json(t)["status"] != "requested" {
			t.Fatalf("advance above the threshold: %d %s", big.status, big.body)
		}
		id := int64(big.json(t)["id"].(float64))
		if r := e.do(borrower, jsonReq("POST", fmt.Sprintf("%s/advances/%d/approve", f, id), nil)); r.status != 403 {
			t.Errorf("borrower approves: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/advances/%d/approve", f, id), nil)); r.status != 200 || r.json(t)["status"] != "funded" || r.json(t)["decided_by"] != officer {
			t.Errorf("officer approves: %d %s", r.status, r.body)
		}
		mine := e.do(officer, jsonReq("POST", f+"/advances", map[string]string{"amount": "1500000.00", "value_date": "2004-10-15"}))
		oid := int64(mine.json(t)["id"].(float64))
		if r := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/advances/%d/approve", f, oid), nil)); r.status != 403 || !strings.Contains(string(r.body), "other than the requester") {
			t.Errorf("officer approves own advance: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/advances/%d/reject", f, oid), map[string]string{"comment": "x"})); r.status != 403 {
			t.Errorf("officer rejects own advance: %d %s", r.status, r.body)
		}
		if r := e.do(officer2, jsonReq("POST", fmt.Sprintf("%s/advances/%d/approve", f, oid), nil)); r.status != 200 {
			t.Errorf("second officer approves: %d %s", r.status, r.body)
		}
		if r := e.do(officer2, jsonReq("POST", fmt.Sprintf("%s/advances/%d/approve", f, oid), nil)); r.status != 200 {
			t.Errorf("approval retried by the same approver: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/advances/%d/approve", f, oid), nil)); r.status != 409 {
			t.Errorf("approval of a funded advance by another: %d %s", r.status, r.body)
		}
		// Certificates.
		up := e.do(officer, e.certificateUpload(own, "2004-10-03", nil))
		if up.status != 201 {
			t.Fatalf("upload: %d %s", up.status, up.body)
		}
		cid := int64(up.json(t)["id"].(float64))
		if r := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/borrowing-base-certificates/%d/approve", f, cid), nil)); r.status != 403 {
			t.Errorf("submitter approves own certificate: %d %s", r.status, r.body)
		}
		// It supersedes the setup's certificate for the same date: approved
		// only as a supersession.
		if r := e.do(officer2, jsonReq("POST", fmt.Sprintf("%s/borrowing-base-certificates/%d/approve", f, cid), nil)); r.status != 422 || r.code() != "invalid" {
			t.Errorf("second officer approves a superseding certificate without saying so: %d %s", r.status, r.body)
		}
		sup := int64(up.json(t)["supersedes"].(float64))
		if r := e.do(officer2, jsonReq("POST", fmt.Sprintf("%s/borrowing-base-certificates/%d/approve", f, cid), map[string]int64{"supersedes": sup})); r.status != 200 || r.json(t)["status"] != "approved" {
			t.Errorf("second officer approves certificate: %d %s", r.status, r.body)
		}
		// Events of default: one lender records one and advances are refused
		// at once; ending it (a cure) needs a second lender.
		ev := e.do(officer, jsonReq("POST", f+"/events-of-default", map[string]string{"action": "record", "event": "dissolution", "date": "2004-11-01", "note": "dissolved"}))
		if ev.status != 201 {
			t.Fatalf("event of default: %d %s", ev.status, ev.body)
		}
		eid := ev.json(t)["id"].(string)
		if r := e.do(borrower, jsonReq("POST", f+"/advances", map[string]string{"amount": "10.00", "value_date": "2004-11-03"})); r.status != 422 || r.code() != "default_continuing" {
			t.Errorf("advance while a default continues: %d %s", r.status, r.body)
		}
		fac := e.do(borrower, jsonReq("GET", f+"?as_of=2004-11-03&known_at=now", nil)).json(t)
		if fmt.Sprint(fac["events_of_default_continuing"]) != "["+eid+"]" {
			t.Errorf("continuing: %v", fac["events_of_default_continuing"])
		}
		// The route of the earlier approvals asks to waive it in the one flow.
		if r := e.do(officer, jsonReq("POST", f+"/events-of-default", map[string]string{"action": "waive", "event": "dissolution", "date": "2004-11-04"})); r.status != 400 || !strings.Contains(string(r.body), `"field":"agreement"`) {
			t.Errorf("waive naming no agreement: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("POST", f+"/events-of-default", map[string]string{"action": "waive", "event": "dissolution", "date": "2004-11-04", "agreement": "security-agreement"})); r.status != 201 || r.json(t)["pending"] != true {
			t.Errorf("waive through the old route: %d %s", r.status, r.body)
		}
		cure := e.do(officer, jsonReq("POST", f+"/events-of-default/"+eid+"/cure", map[string]string{"date": "2004-11-04"}))
		if cure.status != 201 || cure.json(t)["pending"] != true {
			t.Fatalf("cure: %d %s", cure.status, cure.body)
		}
		rid := int64(cure.json(t)["record"].(map[string]any)["id"].(float64))
		if r := e.do(borrower, jsonReq("POST", f+"/advances", map[string]string{"amount": "10.00", "value_date": "2004-11-05"})); r.status != 422 || r.code() != "default_continuing" {
			t.Errorf("advance after a cure one officer asked for: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/requests/%d/approve", f, rid), nil)); r.status != 403 {
			t.Errorf("requester approves own cure: %d %s", r.status, r.body)
		}
		if r := e.do(borrower, jsonReq("POST", fmt.Sprintf("%s/requests/%d/approve", f, rid), nil)); r.status != 403 {
			t.Errorf("borrower approves a cure: %d %s", r.status, r.body)
		}
		if r := e.do(officer2, jsonReq("POST", fmt.Sprintf("%s/requests/%d/approve", f, rid), nil)); r.status != 201 {
			t.Errorf("second officer approves the cure: %d %s", r.status, r.body)
		}
		// Not refused; it waits, as the borrower funded 1,000,000.00 at once
		// this business day and the threshold counts the day.
		if r := e.do(borrower, jsonReq("POST", f+"/advances", map[string]string{"amount": "10.00", "value_date": "2004-11-05"})); r.status != 202 {
			t.Errorf("advance after the cure is approved: %d %s", r.status, r.body)
		}
		// Amendments take effect only on approval.
		am := e.do(officer, jsonReq("POST", f+"/amendments", map[string]string{"name": "second-amendment.yaml", "content": amendmentYAML}))
		if am.status != 202 {
			t.Fatalf("amendment: %d %s", am.status, am.body)
		}
		aid := int64(am.json(t)["id"].(float64))
		commitment := func() any {
			terms := e.do(officer, jsonReq("GET", f+"?as_of=2005-07-01", nil)).json(t)["terms"].(map[string]any)
			return terms["commitment"].(map[string]any)["value"]
		}
		if c := commitment(); c != "14000000.00" {
			t.Errorf("commitment before approval %v", c)
		}
		if r := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/approvals/%d/approve", f, aid), nil)); r.status != 403 {
			t.Errorf("requester approves own amendment: %d %s", r.status, r.body)
		}
		if r := e.do(officer2, jsonReq("POST", fmt.Sprintf("%s/approvals/%d/approve", f, aid), nil)); r.status != 200 {
			t.Errorf("second officer approves amendment: %d %s", r.status, r.body)
		}
		if c := commitment(); c != "16000000.00" {
			t.Errorf("commitment after approval %v", c)
		}
	})
}

// TestSessionAndCSRF: browser sign-in sets a safe cookie; unsafe requests
// by cookie need the CSRF token (header or form field); sign-in failures
// are rate-limited.
func TestSessionAndCSRF(t *testing.T) {
	e := newEnv(t, openSQLite)
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar}
	post := func(path, ctype string, body []byte, hdr map[string]string) (*http.Response, []byte) {
		r, _ := http.NewRequest("POST", e.ts.URL+path, bytes.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		res, err := cl.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	email := e.email[store.RoleBorrower]
	res, body := post("/api/v1/session", "application/x-www-form-urlencoded", []byte("email="+email+"&password=password-borrower"), nil)
	if res.StatusCode != 201 {
		t.Fatalf("sign in: %d %s", res.StatusCode, body)
	}
	ck := res.Cookies()[0]
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" {
		t.Errorf("cookie %+v", ck)
	}
	var s struct {
		CSRF string `json:"csrf_token"`
	}
	json.Unmarshal(body, &s)
	adv := "/api/v1/facilities/" + own + "/advances"
	advBody := []byte(`{"amount":"10.00","value_date":"2004-10-15"}`)
	if res, body := post(adv, "application/json", advBody, nil); res.StatusCode != 403 || !strings.Contains(string(body), "csrf") {
		t.Errorf("without CSRF token: %d %s", res.StatusCode, body)
	}
	if res, body := post(adv, "application/json", advBody, map[string]string{"X-CSRF-Token": "wrong"}); res.StatusCode != 403 {
		t.Errorf("wrong CSRF token: %d %s", res.StatusCode, body)
	}
	if res, body := post(adv, "application/json", advBody, map[string]string{"X-CSRF-Token": s.CSRF}); res.StatusCode != 201 {
		t.Errorf("with CSRF token: %d %s", res.StatusCode, body)
	}
	up := e.certificateUpload(own, "2004-10-03", map[string]string{"csrf_token": s.CSRF})
	if res, body := post(up.path, up.ctype, up.body, nil); res.StatusCode != 201 {
		t.Errorf("form with csrf_token field: %d %s", res.StatusCode, body)
	}
	// GET needs no token; sign-out ends the session.
	r, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/me", nil)
	if res, _ := cl.Do(r); res.StatusCode != 200 {
		t.Errorf("me: %d", res.StatusCode)
	}
	r, _ = http.NewRequest("DELETE", e.ts.URL+"/api/v1/session", nil)
	r.Header.Set("X-CSRF-Token", s.CSRF)
	if res, _ := cl.Do(r); res.StatusCode != 204 {
		t.Errorf("sign out: %d", res.StatusCode)
	}
	r, _ = http.NewRequest("GET", e.ts.URL+"/api/v1/me", nil)
	r.AddCookie(ck)
	if res, _ := http.DefaultClient.Do(r); res.StatusCode != 401 {
		t.Errorf("me after sign-out: %d", res.StatusCode)
	}
	// Rate limiting: five failures, then even the right password waits.
	other := e.email[store.RoleAuditor]
	for i := 0; i < 5; i++ {
		if res, body := post("/api/v1/session", "application/json", []byte(`{"email":"`+other+`","password":"wrong password"}`), nil); res.StatusCode != 401 {
			t.Fatalf("failure %d: %d %s", i, res.StatusCode, body)
		}
	}
	res, body = post("/api/v1/session", "application/json", []byte(`{"email":"`+other+`","password":"password-auditor"}`), nil)
	if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
		t.Errorf("sixth attempt: %d %s", res.StatusCode, body)
	}
	// Unknown users answer like wrong passwords.
	if res, body := post("/api/v1/session", "application/json", []byte(`{"email":"nobody@x.example","password":"whatever1"}`), nil); res.StatusCode != 401 && res.StatusCode != 429 {
		t.Errorf("unknown user: %d %s", res.StatusCode, body)
	}
}

// TestAuditChain: mutations append linked records; editing a row in the
// database breaks verification at that record.
func TestAuditChain(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		f := "/api/v1/facilities/" + own
		for i := 0; i < 3; i++ {
			r := e.do(e.email[store.RoleBorrower], jsonReq("POST", f+"/advances", map[string]string{"amount": "10.00", "value_date": "2004-10-15"}))
			if r.status != 201 {
				t.Fatalf("advance: %d %s", r.status, r.body)
			}
		}
		recs, err := e.acc.AuditRecords(context.Background(), 0, 100)
		if err != nil || len(recs) != 3 {
			t.Fatalf("records %d %v", len(recs), err)
		}
		if recs[0].Actor != e.email[store.RoleBorrower] || recs[0].Route != "POST /api/v1/facilities/{slug}/advances" || recs[0].Facility != own || recs[0].RequestID == "" || len(recs[0].After) == 0 {
			t.Errorf("record %+v", recs[0])
		}
		if b := store.VerifyAudit(0, "", recs); b != nil {
			t.Fatalf("intact chain broken: %+v", b)
		}
		list := e.do(e.email[store.RoleAuditor], jsonReq("GET", "/api/v1/audit?after=1&limit=1", nil))
		if list.status != 200 || len(list.json(t)["records"].([]any)) != 1 {
			t.Errorf("audit list: %d %s", list.status, list.body)
		}
		// Tamper with record 2 (the trail is append-only in the database,
		// so the tamperer first drops the guard).
		ctx := context.Background()
		for _, q := range []string{`DROP TRIGGER audit_no_update`, `DROP TRIGGER audit_append_only ON audit`} {
			if _, err := e.db.ExecContext(ctx, q); err == nil {
				break
			}
		}
		if _, err := e.db.ExecContext(ctx, `UPDATE audit SET actor = 'mallory@example' WHERE id = 2`); err != nil {
			t.Fatal(err)
		}
		recs, _ = e.acc.AuditRecords(ctx, 0, 100)
		b := store.VerifyAudit(0, "", recs)
		if b == nil || b.ID != 2 || !strings.Contains(b.Reason, "altered") {
			t.Fatalf("tampered chain: %+v", b)
		}
	})
}

// TestAuditAppendOnly: the database refuses to change an audit record.
func TestAuditAppendOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		e.do(e.email[store.RoleBorrower], jsonReq("POST", "/api/v1/facilities/"+own+"/advances", map[string]string{"amount": "10.00", "value_date": "2004-10-15"}))
		if _, err := e.db.ExecContext(context.Background(), `UPDATE audit SET actor = 'x' WHERE id = 1`); err == nil {
			t.Error("update of an audit record accepted")
		}
		if _, err := e.db.ExecContext(context.Background(), `DELETE FROM audit`); err == nil {
			t.Error("delete of audit records accepted")
		}
	})
}

// TestOpenAPI: every route is documented and every documented operation
// is served.
func TestOpenAPI(t *testing.T) {
	e := newEnv(t, openSQLite)
	got := e.do("", jsonReq("GET", "/api/v1/openapi.json", nil))
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(got.body, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("document: %v %s", err, got.body[:min(200, len(got.body))])
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, rt := range e.srv.Routes() {
		served[rt.Method+" "+rt.Path] = true
		if !documented[rt.Method+" "+rt.Path] {
			t.Errorf("%s %s is not documented", rt.Method, rt.Path)
		}
	}
	for op := range documented {
		if !served[op] {
			t.Errorf("%s is documented but not in the route table", op)
		}
		// And the server routes it (no "no route" 404, no 405).
		m, p, _ := strings.Cut(op, " ")
		p = strings.NewReplacer("{slug}", own, "{id}", "1").Replace(p)
		r := e.do(e.email[store.RoleLenderAdmin], req{method: m, path: p})
		if r.status == 405 || r.status == 404 && strings.Contains(string(r.body), "no route") {
			t.Errorf("documented %s is not served: %d %s", op, r.status, r.body)
		}
	}
	for _, p := range []string{"/api/v1/health", "/api/v1/facilities", "/api/v1/facilities/{slug}/availability", "/api/v1/facilities/{slug}/borrowing-base-certificates",
		"/api/v1/facilities/{slug}/borrowing-base-certificates/{id}/approve", "/api/v1/facilities/{slug}/borrowing-base-certificates/{id}/reject",
		"/api/v1/facilities/{slug}/advances", "/api/v1/facilities/{slug}/advances/{id}/approve", "/api/v1/facilities/{slug}/repayments",
		"/api/v1/facilities/{slug}/ledger", "/api/v1/facilities/{slug}/financial-statements", "/api/v1/facilities/{slug}/covenants", "/api/v1/audit"} {
		if doc.Paths[p] == nil {
			t.Errorf("required path %s missing", p)
		}
	}
}

// TestAuditAtomic: an advance's audit record is written in the advance's
// own store transaction: when the record cannot be written, the advance
// is not stored either; the record lists what the transaction stored.
func TestAuditAtomic(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		adv := "/api/v1/facilities/" + own + "/advances"
		if r := e.do(e.email[store.RoleBorrower], jsonReq("POST", adv, map[string]string{"amount": "10.00", "value_date": "2004-10-15"})); r.status != 201 {
			t.Fatalf("advance: %d %s", r.status, r.body)
		}
		recs, _ := e.acc.AuditRecords(context.Background(), 0, 10)
		if len(recs) != 1 || !strings.Contains(string(recs[0].After), `"what":"advance_request"`) || !strings.Contains(string(recs[0].After), `"what":"transaction"`) {
			t.Fatalf("records %+v", recs)
		}
		before := e.snapshot()
		if _, err := e.db.ExecContext(context.Background(), `ALTER TABLE audit RENAME TO audit_away`); err != nil {
			t.Fatal(err)
		}
		r := e.do(e.email[store.RoleBorrower], jsonReq("POST", adv, map[string]string{"amount": "10.00", "value_date": "2004-10-15"}))
		if r.status != 500 || r.code() != "internal" {
			t.Errorf("advance without an audit table: %d %s", r.status, r.body)
		}
		if _, err := e.db.ExecContext(context.Background(), `ALTER TABLE audit_away RENAME TO audit`); err != nil {
			t.Fatal(err)
		}
		if after := e.snapshot(); !reflect.DeepEqual(before, after) {
			t.Errorf("an advance was stored without its audit record: %v → %v", before, after)
		}
	})
}

// TestAvailabilityAgreesWithAdvances: the availability answered is what an
// advance is checked against: the whole of it is funded, a cent more is
// refused (with a letter of credit outstanding and partly drawn).
func TestAvailabilityAgreesWithAdvances(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		ctx := context.Background()
		lc, _ := ledgerLC(own, "lc-1", "2004-10-05", 50_000_000)
		if _, err := e.svc.Post(ctx, lc); err != nil {
			t.Fatal(err)
		}
		draw, _ := ledgerDraw(own, "lc-1-draw", "2004-10-06", 10_000_000)
		if _, err := e.svc.Post(ctx, draw); err != nil {
			t.Fatal(err)
		}
		f := "/api/v1/facilities/" + own
		got := e.do(e.email[store.RoleBorrower], jsonReq("GET", f+"/availability?as_of=2004-10-15", nil))
		m := got.json(t)
		if m["letters_of_credit"] != "500000.00" {
			t.Fatalf("letters of credit %v", m)
		}
		avail := m["availability"].(string)
		// Above the maker-checker threshold (counting what the officer
		// funded today) an advance waits for a second officer's approval,
		// checked against availability again.
		a, _ := moneyParse(avail)
		for left := a; left > 0; {
			part := min(left, threshold)
			r := e.do(e.email[store.RoleLenderOfficer], jsonReq("POST", f+"/advances", map[string]string{"amount": part.String(), "value_date": "2004-10-15"}))
			if r.status == 202 {
				r = e.do(e.email["officer2"], jsonReq("POST", fmt.Sprintf("%s/advances/%d/approve", f, int64(r.json(t)["id"].(float64))), nil))
			}
			if r.status != 201 && r.status != 200 || r.json(t)["status"] != "funded" {
				t.Fatalf("advance of %s with %s left of %s: %d %s", part, left, avail, r.status, r.body)
			}
			left -= part
		}
		r := e.do(e.email[store.RoleLenderOfficer], jsonReq("POST", f+"/advances", map[string]string{"amount": "0.01", "value_date": "2004-10-15"}))
		if r.status != 422 || r.code() != "availability_exceeded" {
			t.Fatalf("one cent over: %d %s", r.status, r.body)
		}
		if m := e.do(e.email[store.RoleBorrower], jsonReq("GET", f+"/availability?as_of=2004-10-15", nil)).json(t); m["availability"] != "0.00" {
			t.Fatalf("availability after drawing it all: %v", m)
		}
	})
}
