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

// fieldExamsRequest builds the requests of the field exam routes: an exam
// (and a finding) made for the route by the setup user.
func (e *env) fieldExamsRequest(route, slug string) (req, bool) {
	method, pattern, _ := strings.Cut(route, " ")
	path := strings.ReplaceAll(pattern, "{slug}", slug)
	setup := app.WithActor(context.Background(), app.Actor{User: "officer@setup.example", UserID: 1, Role: store.RoleLenderOfficer})
	exam := func() app.FieldExam {
		x, err := e.svc.ScheduleFieldExam(setup, slug, app.FieldExamInput{Start: date.MustParse("2004-10-01"), Examiner: "Audit Co"})
		if err != nil {
			e.t.Fatal(err)
		}
		return x
	}
	finding := func() int64 {
		x, err := e.svc.AddFinding(setup, slug, exam().ID, app.FindingInput{Severity: "medium", Text: "dilution understated"})
		if err != nil {
			e.t.Fatal(err)
		}
		return x.Findings[0].ID
	}
	withID := func(id int64) string { return strings.ReplaceAll(path, "{id}", fmt.Sprint(id)) }
	switch route {
	case "GET /api/v1/facilities/{slug}/field-exams":
		return jsonReq(method, path, nil), true
	case "POST /api/v1/facilities/{slug}/field-exams":
		return jsonReq(method, path, map[string]any{"start": "2004-11-01", "examiner": "Audit Co", "scope": "receivables"}), true
	case "POST /api/v1/facilities/{slug}/field-exams/{id}/perform":
		return jsonReq(method, withID(exam().ID), map[string]any{"on": "2004-10-14"}), true
	case "POST /api/v1/facilities/{slug}/field-exams/{id}/findings":
		return jsonReq(method, withID(exam().ID), map[string]any{"severity": "low", "text": "cut-off a day late"}), true
	case "POST /api/v1/facilities/{slug}/field-exam-findings/{id}/preview":
		return jsonReq(method, withID(finding()), map[string]any{"component": "receivables", "rate": "0.75", "effective": "2004-10-15"}), true
	case "POST /api/v1/facilities/{slug}/field-exam-findings/{id}/dispose":
		return jsonReq(method, withID(finding()), map[string]any{"disposition": "note", "text": "to follow up at the next exam"}), true
	}
	return req{}, false
}

// The field exam routes: an officer schedules an exam and records it
// performed and a finding (who recorded each from the session); a report
// dated after the business date is a 422 naming it; the finding's
// advance-rate draft is previewed (the terms it changes) and then asked
// for with the preview's SHA-256, leaving an amendment pending; the
// schedule answers the next due date a year after the report; a borrower
// reads it but may not schedule.
func TestFieldExamRoutes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		officer := e.email[store.RoleLenderOfficer]
		base := "/api/v1/facilities/" + own
		r := e.do(officer, jsonReq("POST", base+"/field-exams", map[string]any{"start": "2004-09-27", "examiner": "Audit Co", "scope": "receivables"}))
		if r.status != 201 || !strings.Contains(string(r.body), `"scheduled_by":"`+officer+`"`) {
			t.Fatalf("schedule: %d %s", r.status, r.body)
		}
		id := int64(r.json(t)["id"].(float64))
		if r := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/field-exams/%d/perform", base, id), map[string]any{"on": "2004-10-16"})); r.status != 422 || !strings.Contains(string(r.body), "after the business date") {
			t.Errorf("a report after the business date: %d %s", r.status, r.body)
		}
		if r := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/field-exams/%d/perform", base, id), map[string]any{"on": "2004-10-08"})); r.status != 201 || !strings.Contains(string(r.body), `"state":"performed"`) {
			t.Fatalf("perform: %d %s", r.status, r.body)
		}
		r = e.do(officer, jsonReq("POST", fmt.Sprintf("%s/field-exams/%d/findings", base, id), map[string]any{"severity": "high", "text": "dilution 9%"}))
		if r.status != 201 {
			t.Fatalf("finding: %d %s", r.status, r.body)
		}
		fid := int64(r.json(t)["findings"].([]any)[0].(map[string]any)["id"].(float64))
		change := map[string]any{"component": "receivables", "rate": "0.75", "effective": "2004-10-15"}
		p := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/field-exam-findings/%d/preview", base, fid), change))
		pv := p.json(t)
		preview, _ := pv["preview"].(map[string]any)
		if p.status != 200 || preview == nil || len(preview["terms"].([]any)) != 1 {
			t.Fatalf("preview: %d %s", p.status, p.body)
		}
		change["previewed_sha256"] = preview["sha256"]
		d := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/field-exam-findings/%d/dispose", base, fid), map[string]any{"disposition": "advance_rate", "advance_rate": change}))
		if d.status != 201 || !strings.Contains(string(d.body), `"kind":"advance_rate"`) {
			t.Fatalf("dispose: %d %s", d.status, d.body)
		}
		if again := e.do(officer, jsonReq("POST", fmt.Sprintf("%s/field-exam-findings/%d/dispose", base, fid), map[string]any{"disposition": "note", "text": "x"})); again.status != 409 {
			t.Errorf("disposed twice: %d %s", again.status, again.body)
		}
		ps, err := e.acc.PendingList(context.Background(), own)
		if err != nil || len(ps) == 0 || ps[len(ps)-1].Kind != app.PendingAmendment {
			t.Errorf("pending after the disposition: %+v %v", ps, err)
		}
		g := e.do(e.email[store.RoleBorrower], jsonReq("GET", base+"/field-exams", nil)).json(t)
		if g["last_performed"] != "2004-10-08" || g["next_due"] != "2005-10-08" || g["status"] != "current" {
			t.Errorf("schedule: %v", g)
		}
		if r := e.do(e.email[store.RoleBorrower], jsonReq("POST", base+"/field-exams", map[string]any{"start": "2004-11-01", "examiner": "x"})); r.status != 403 {
			t.Errorf("a borrower scheduling: %d", r.status)
		}
	})
}
