package httpapi_test

import (
	"context"
	"testing"

	"revolver/agreement"
	"revolver/app"
	"revolver/store"
)

const lastOutAmendment = `revolver: amendment/1
facility: btu-sovereign
id: last-out
document: first-amendment
effective: 2004-09-01
order: 1
changes:
  - op: set
    path: borrowing_base.last_out
    value:
      advance_rates:
        receivables: 5%
      cap: 150000.00
      margin: 1.50%
    cite: first-amendment §9
`

// With a last-out tranche, availability answers the figures per tranche
// (validated against the OpenAPI document, as every answer here is), an
// advance request elects the last-out tranche and is checked against it;
// without one, neither key is in the answer.
func TestLastOutTrancheAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open openFunc) {
		e := newEnv(t, open)
		ctx := context.Background()
		if _, err := e.svc.RegisterFacility(ctx, "filo", append(agreementFiles(t), agreement.NewFile("2004-09-01-last-out.yaml", []byte(lastOutAmendment))), app.Settings{}, "setup"); err != nil {
			t.Fatal(err)
		}
		lmaPerformed(t, e.svc, "filo")
		c := e.submitCertificate("filo", "setup@bank.example")
		if _, _, err := e.svc.DecideCertificate(ctx, "filo", c.ID, app.CertificateDecision{Status: store.Approved, By: "setup-checker@bank.example"}); err != nil {
			t.Fatal(err)
		}
		officer := e.email[store.RoleLenderOfficer]
		f := "/api/v1/facilities/filo"
		r := e.do(officer, jsonReq("POST", f+"/advances", map[string]string{"amount": "150000.01", "value_date": "2004-10-15", "tranche": "last_out"}))
		if r.status != 422 || r.code() != "availability_exceeded" {
			t.Fatalf("last-out 150,000.01: %d %s", r.status, r.body)
		}
		r = e.do(officer, jsonReq("POST", f+"/advances", map[string]string{"amount": "60000.00", "value_date": "2004-10-15", "tranche": "last_out"}))
		if r.status != 201 || r.json(t)["tranche"] != "last_out" {
			t.Fatalf("last-out 60,000.00: %d %s", r.status, r.body)
		}
		m := e.do(officer, jsonReq("GET", f+"/availability?as_of=2004-10-15", nil)).json(t)
		tr, _ := m["tranches"].(map[string]any)
		lo, _ := tr["last_out"].(map[string]any)
		if lo["borrowing_base"] != "150000.00" || lo["loans_outstanding"] != "60000.00" || lo["available"] != "90000.00" || lo["account"] != "loans_last_out" ||
			m["available_to_advance_last_out"] != "90000.00" || m["loans_outstanding"] != "60000.00" {
			t.Errorf("availability %v", m)
		}
		m = e.do(officer, jsonReq("GET", "/api/v1/facilities/"+own+"/availability?as_of=2004-10-15", nil)).json(t)
		if _, ok := m["tranches"]; ok {
			t.Errorf("tranches without a last-out tranche: %v", m)
		}
		if _, ok := m["available_to_advance_last_out"]; ok {
			t.Errorf("last-out figure without a last-out tranche: %v", m)
		}
		r = e.do(officer, jsonReq("POST", "/api/v1/facilities/"+own+"/advances", map[string]string{"amount": "1.00", "value_date": "2004-10-15", "tranche": "last_out"}))
		if r.status < 400 || r.status >= 500 {
			t.Errorf("a last-out advance without a last-out tranche: %d %s", r.status, r.body)
		}
	})
}
