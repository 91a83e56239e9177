package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/defaults"
	"revolver/store"
)

// The defaults routes' authorization: everyone who may see the facility
// reads; lenders record.
func init() {
	const f = "/api/v1/facilities/{slug}"
	for _, r := range []string{"GET " + f + "/deadlines", "GET " + f + "/events-of-default", "GET " + f + "/notices/effective", "GET " + f + "/fact-records", "GET " + f + "/requests"} {
		policy[r] = struct {
			roles []string
			ok    int
		}{nil, 200}
	}
	for _, p := range []string{"/notices", "/notices/{id}/confirmation", "/events-of-default/records", "/events-of-default/{id}/notice",
		"/events-of-default/{id}/default-interest", "/events-of-default/{id}/cure", "/events-of-default/{id}/accelerate", "/events-of-default/{id}/waive", "/events-of-default/{id}/waive/approve",
		"/insurance-policies", "/ucc-filings", "/other-indebtedness", "/occurrences", "/covenant-results", "/requests/{id}/approve", "/requests/{id}/reject"} {
		policy["POST "+f+p] = struct {
			roles []string
			ok    int
		}{checkers, 201}
	}
}

const setupLender = "maker@elsewhere.example"

func eastern(s string) time.Time {
	loc, _ := time.LoadLocation("America/New_York")
	t, _ := time.ParseInLocation("2006-01-02 15:04", s, loc)
	return t
}

func (e *env) fact(slug string) app.FactInput {
	return app.FactInput{Facility: slug, Key: fmt.Sprintf("setup:%d", e.seq()), By: setupLender}
}

// newDefault records a fresh event of default (made by someone who is not the caller).
func (e *env) newDefault(slug string) string {
	r, err := e.svc.RecordDefault(context.Background(), e.fact(slug), defaults.DefaultRecord{Event: "dissolution", Occurred: date.MustParse("2005-06-01"), Description: "dissolution resolved"})
	if err != nil {
		e.t.Fatal(err)
	}
	return r.ID
}

// defaultsRequest builds a request for a defaults route, creating what it
// needs first; false for other routes.
func (e *env) defaultsRequest(route, slug string) (req, bool) {
	ctx := context.Background()
	method, pattern, _ := strings.Cut(route, " ")
	path := strings.ReplaceAll(pattern, "{slug}", slug)
	withID := func(id string) string { return strings.ReplaceAll(path, "{id}", id) }
	const f = "/api/v1/facilities/{slug}"
	switch strings.TrimPrefix(pattern, f) {
	case "/deadlines", "/events-of-default":
		if method == "GET" {
			return jsonReq(method, path+"?as_of=2006-06-01", nil), true
		}
	case "/notices/effective":
		return jsonReq(method, path+"?method=courier&sent=2006-05-26T16:30:00-04:00", nil), true
	case "/fact-records", "/requests":
		return jsonReq(method, path, nil), true
	case "/requests/{id}/approve", "/requests/{id}/reject":
		r, err := e.svc.RequestCure(ctx, e.fact(slug), e.newDefault(slug), date.MustParse("2005-06-20"), "reinstated")
		if err != nil {
			e.t.Fatal(err)
		}
		var body any
		if strings.HasSuffix(pattern, "reject") {
			body = map[string]string{"comment": "not cured"}
		}
		return jsonReq(method, strings.ReplaceAll(path, "{id}", fmt.Sprint(r.Record.ID)), body), true
	case "/notices":
		return jsonReq(method, path, map[string]string{"from": "lender", "to": "borrower", "subject": "sale", "method": "courier", "sent": "2006-05-26 16:30"}), true
	case "/notices/{id}/confirmation":
		n, err := e.svc.RecordNotice(ctx, e.fact(slug), defaults.Notice{From: "borrower", To: "lender", Subject: "records_move", Method: "fax", Sent: eastern("2006-04-03 10:00")})
		if err != nil {
			e.t.Fatal(err)
		}
		return jsonReq(method, withID(n.ID), map[string]string{"confirmed": "2006-04-03 10:05", "courier_copy": "2006-04-03 11:00"}), true
	case "/events-of-default/records":
		return jsonReq(method, path, map[string]string{"event": "dissolution", "occurred": "2005-06-01", "description": "dissolution resolved"}), true
	case "/events-of-default/{id}/notice":
		return jsonReq(method, withID(e.newDefault(slug)), map[string]string{"method": "courier", "sent": "2005-06-02 10:00"}), true
	case "/events-of-default/{id}/default-interest":
		return jsonReq(method, withID(e.newDefault(slug)), map[string]string{"method": "courier", "sent": "2005-06-02 10:00"}), true
	case "/events-of-default/{id}/cure":
		return jsonReq(method, withID(e.newDefault(slug)), map[string]string{"date": "2005-06-20", "note": "reinstated"}), true
	case "/events-of-default/{id}/accelerate":
		id := e.newDefault(slug)
		if _, err := e.svc.NoticeOfDefault(ctx, e.fact(slug), id, defaults.Notice{Method: "courier", Sent: eastern("2005-06-02 10:00")}); err != nil {
			e.t.Fatal(err)
		}
		return jsonReq(method, withID(id), map[string]string{"date": "2005-06-10"}), true
	case "/events-of-default/{id}/waive":
		return jsonReq(method, withID(e.newDefault(slug)), map[string]string{"date": "2005-07-01", "agreement": "security-agreement"}), true
	case "/events-of-default/{id}/waive/approve":
		id := e.newDefault(slug)
		if _, err := e.svc.RequestWaiver(ctx, e.fact(slug), app.WaiverRequest{Default: id, Date: date.MustParse("2005-07-01"), Agreement: "security-agreement"}); err != nil {
			e.t.Fatal(err)
		}
		return jsonReq(method, withID(id), nil), true
	case "/insurance-policies":
		return jsonReq(method, path, map[string]any{"id": "INV-1", "insurer": "Mutual", "covers": []string{"inventory", "other_tangible_collateral"},
			"effective": "2006-01-01", "expires": "2006-12-31", "loss_payee": "lender", "cancellation_notice_days": 10, "evidenced": "2005-12-20"}), true
	case "/ucc-filings":
		return jsonReq(method, path, map[string]string{"filing": "ucc1", "jurisdiction": "Delaware", "number": "4-0123", "filed": "2004-02-02"}), true
	case "/other-indebtedness":
		return jsonReq(method, path, map[string]any{"id": "note-7", "creditor": "Other Bank", "amount": "60000.00", "due": "2006-03-01"}), true
	case "/occurrences":
		return jsonReq(method, path, map[string]string{"kind": "delivered", "ref": "other_documents", "date": "2004-01-28"}), true
	case "/covenant-results":
		return jsonReq(method, path, map[string]any{"covenant": "minimum_tangible_net_worth", "period_end": "2006-03-31", "pass": true}), true
	}
	return req{}, false
}

// The defaults API end to end: records by lenders, a waiver needing a
// second lender, the deadlines as JSON and iCalendar, events of default
// with remedies, an advance refused while a default continues, and a
// borrower reading their own facility only.
func TestDefaultsAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		officer, officer2, borrower := e.email[store.RoleLenderOfficer], e.email["officer2"], e.email[store.RoleBorrower]
		base := "/api/v1/facilities/" + own

		// A borrower cannot record, and cannot see another facility.
		if r := e.do(borrower, jsonReq("POST", base+"/events-of-default/records", map[string]string{"event": "dissolution", "occurred": "2005-06-01", "description": "x"})); r.status != 403 {
			t.Errorf("borrower records: %d %s", r.status, r.body)
		}
		if r := e.do(borrower, jsonReq("GET", "/api/v1/facilities/"+other+"/deadlines", nil)); r.status != 404 {
			t.Errorf("borrower reads another facility: %d %s", r.status, r.body)
		}

		// The business of 2005-06-10 ends (the next business date opens);
		// then an event of default is recorded and the advance is refused.
		e.openBusinessDate("2005-06-10")
		e.openBusinessDate("2005-06-13")
		r := e.do(officer, jsonReq("POST", base+"/events-of-default/records", map[string]string{"event": "dissolution", "occurred": "2005-06-01", "description": "dissolution resolved"}))
		if r.status != 201 {
			t.Fatalf("record: %d %s", r.status, r.body)
		}
		id := r.json(t)["id"].(string)
		adv := e.do(borrower, jsonReq("POST", base+"/advances", map[string]string{"amount": "100.00", "value_date": "2005-06-13"}))
		if adv.status != 422 || adv.code() != "default_continuing" {
			t.Errorf("advance while the default continues: %d %s", adv.status, adv.body)
		}
		eods := e.do(borrower, jsonReq("GET", base+"/events-of-default?as_of=2005-06-10&known_at=now", nil))
		if eods.status != 200 || !strings.Contains(string(eods.body), `"continuing":["`+id+`"]`) || !strings.Contains(string(eods.body), `"missing":[`) {
			t.Errorf("events of default: %d %s", eods.status, eods.body)
		}
		// As known at the end of business of 2005-06-10 (the default for a
		// date before the business date: when 2005-06-13 opened) it was not
		// recorded yet; with hindsight it continued, and both are said.
		eods = e.do(borrower, jsonReq("GET", base+"/events-of-default?as_of=2005-06-10", nil))
		if eods.status != 200 || !strings.Contains(string(eods.body), `"continuing":[]`) || !strings.Contains(string(eods.body), `"continuing_with_hindsight":["`+id+`"]`) ||
			strings.Contains(string(eods.body), `"known_at":"2005-06-10T23:59:59.999999Z"`) {
			t.Errorf("events of default as known at the end of 2005-06-10: %d %s", eods.status, eods.body)
		}
		if fac := e.do(borrower, jsonReq("GET", base+"?as_of=2005-06-10&known_at=now", nil)); fac.status != 200 || !strings.Contains(string(fac.body), `"events_of_default_continuing":["`+id+`"]`) {
			t.Errorf("the facility resource: %d %s", fac.status, fac.body)
		}
		if r := e.do(borrower, jsonReq("GET", base+"/events-of-default?known_at=yesterday", nil)); r.status != 400 || !strings.Contains(string(r.body), "known_at") {
			t.Errorf("known_at=yesterday: %d %s", r.status, r.body)
		}

		// Waiver: requested by one officer, refused to the same, approved by another.
		w := e.do(officer, jsonReq("POST", base+"/events-of-default/"+id+"/waive", map[string]string{"date": "2005-06-15", "agreement": "security-agreement"}))
		if w.status != 201 || w.json(t)["pending"] != true {
			t.Fatalf("waive: %d %s", w.status, w.body)
		}
		if a := e.do(officer, jsonReq("POST", base+"/events-of-default/"+id+"/waive/approve", nil)); a.status != 403 {
			t.Errorf("requester approves: %d %s", a.status, a.body)
		}
		ap := jsonReq("POST", base+"/events-of-default/"+id+"/waive/approve", nil)
		ap.header = map[string]string{"Idempotency-Key": "approve-1"}
		if a := e.do(officer2, ap); a.status != 201 {
			t.Fatalf("second lender approves: %d %s", a.status, a.body)
		}
		if a := e.do(officer2, ap); a.status != 201 || a.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("approve replay: %d %s", a.status, a.body)
		}
		eods = e.do(officer, jsonReq("GET", base+"/events-of-default?as_of=2005-06-20&known_at=now", nil))
		var got struct {
			Continuing []string           `json:"continuing"`
			Defaults   []defaults.Default `json:"events_of_default"`
		}
		json.Unmarshal(eods.body, &got)
		if len(got.Continuing) != 0 || len(got.Defaults) != 1 || got.Defaults[0].Status != "waived" || got.Defaults[0].Waiver.ApprovedBy != officer2 {
			t.Errorf("after the waiver: %s", eods.body)
		}
		if adv := e.do(borrower, jsonReq("POST", base+"/advances", map[string]string{"amount": "100.00", "value_date": "2005-06-20"})); adv.code() == "default_continuing" {
			t.Errorf("advance after the waiver: %d %s", adv.status, adv.body)
		}

		// Other indebtedness: amounts are decimal strings in and out.
		if r := e.do(officer, jsonReq("POST", base+"/other-indebtedness", map[string]any{"id": "n1", "creditor": "Other Bank", "amount": 60000, "due": "2006-03-01"})); r.status != 400 {
			t.Errorf("a number as amount: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("POST", base+"/other-indebtedness", map[string]any{"id": "n1", "creditor": "Other Bank", "amount": "60000.00", "due": "2006-03-01"})); r.status != 201 || !strings.Contains(string(r.body), `"amount":"60000.00"`) {
			t.Errorf("other debt: %d %s", r.status, r.body)
		}

		// A courier notice on the Friday before Memorial Day takes effect on Tuesday.
		ne := e.do(borrower, jsonReq("GET", base+"/notices/effective?method=courier&sent=2006-05-26T16:30:00-04:00", nil))
		if ne.status != 200 || ne.json(t)["date"] != "2006-05-30" {
			t.Errorf("notice effective: %d %s", ne.status, ne.body)
		}
		if ne := e.do(borrower, jsonReq("GET", base+"/notices/effective?method=pigeon&sent=2006-05-26T16:30:00-04:00", nil)); ne.status != 422 || !strings.Contains(string(ne.body), "pigeon") {
			t.Errorf("unknown method: %d %s", ne.status, ne.body)
		}
		n := e.do(officer, jsonReq("POST", base+"/notices", map[string]string{"from": "lender", "to": "borrower", "subject": "casualty_overadvance", "method": "courier", "sent": "2006-05-26 16:30"}))
		if n.status != 201 || !strings.Contains(string(n.body), `"date":"2006-05-30"`) {
			t.Fatalf("notice: %d %s", n.status, n.body)
		}

		// Deadlines as JSON and as iCalendar.
		dl := e.do(borrower, jsonReq("GET", base+"/deadlines?as_of=2006-06-01&known_at=now", nil))
		if dl.status != 200 || !strings.HasPrefix(dl.header.Get("Content-Type"), "application/json") || !strings.Contains(string(dl.body), `"due":"2006-06-29"`) {
			t.Errorf("deadlines: %d %s %s", dl.status, dl.header.Get("Content-Type"), dl.body)
		}
		for _, rq := range []req{jsonReq("GET", base+"/deadlines?as_of=2006-06-01&known_at=now&format=ics", nil),
			{method: "GET", path: base + "/deadlines?as_of=2006-06-01&known_at=now", header: map[string]string{"Accept": "text/calendar"}}} {
			ics := e.do(borrower, rq)
			if ics.status != 200 || !strings.HasPrefix(ics.header.Get("Content-Type"), "text/calendar") || !strings.HasPrefix(string(ics.body), "BEGIN:VCALENDAR\r\n") ||
				!strings.HasSuffix(string(ics.body), "END:VCALENDAR\r\n") || !strings.Contains(string(ics.body), "DTSTART;VALUE=DATE:20060629") {
				t.Errorf("ics: %d %s\n%s", ics.status, ics.header.Get("Content-Type"), ics.body)
			}
		}
		if r := e.do(borrower, jsonReq("GET", base+"/deadlines?format=pdf", nil)); r.status != 400 {
			t.Errorf("format=pdf: %d %s", r.status, r.body)
		}

		// Unknown default: 404; bad input: 400 naming the field.
		if r := e.do(officer, jsonReq("POST", base+"/events-of-default/eod-999/cure", map[string]string{"date": "2005-06-20"})); r.status != 404 {
			t.Errorf("cure of an unknown default: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("POST", base+"/insurance-policies", map[string]any{"insurer": "M", "effective": "2006-13-01", "expires": "2007-01-01", "loss_payee": "lender"})); r.status != 400 || !strings.Contains(string(r.body), `"field":"effective"`) {
			t.Errorf("bad date: %d %s", r.status, r.body)
		}
		// Records are audited.
		recs, _ := e.acc.AuditRecords(context.Background(), 0, 1000)
		var audited int
		for _, a := range recs {
			if strings.Contains(a.Route, "/events-of-default/") || strings.HasSuffix(a.Route, "/notices") {
				audited++
			}
		}
		if audited < 4 {
			t.Errorf("audited defaults records: %d", audited)
		}
	})
}
