package httpapi_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"revolver/certpdf"
	"revolver/covenant"
	"revolver/date"
	"revolver/money"
)

// The compliance certificate through the API: the PDF of a period's
// covenant results as GET …/covenants gives them, the same bytes for the
// same known-at time; a period without tests is 404, a bad date 400
// naming the field; a borrower does not see another facility's.
func TestComplianceCertificateAPI(t *testing.T) {
	e := newEnv(t, openSQLite)
	ctx := context.Background()
	pe := date.MustParse("2007-04-01")
	if _, _, err := e.svc.AddStatementsAt(ctx, own, []covenant.Statement{{PeriodEnd: pe, FiscalYear: 2007, FiscalQuarter: 1, File: "statements.csv", Line: 2,
		Lines: map[string]money.Amount{"total_assets": 63_000_000_00, "intangible_assets": 900_000_00, "total_liabilities": 29_000_000_00, "subordinated_debt": 0, "net_income": 500_000_00}}}, "maker@elsewhere.example", time.Date(2007, 5, 15, 12, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/facilities/" + own + "/covenants/2007-04-01/compliance-certificate.pdf?known_at=2007-06-01T12:00:00Z"
	borrower := e.email["borrower"]
	a := e.do(borrower, jsonReq("GET", path, nil))
	if a.status != 200 || a.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(a.body, []byte("%PDF-")) {
		t.Fatalf("compliance certificate: %d %s %.40q", a.status, a.header.Get("Content-Type"), a.body)
	}
	if cd := a.header.Get("Content-Disposition"); !strings.Contains(cd, own+"-compliance-2007-04-01.pdf") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if b := e.do(borrower, jsonReq("GET", path, nil)); !bytes.Equal(a.body, b.body) {
		t.Error("the same period as known at the same time printed other bytes")
	}
	pages, err := certpdf.PageTexts(a.body)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pages, "\n")
	cov := e.do(borrower, jsonReq("GET", "/api/v1/facilities/"+own+"/covenants?known_at=2007-06-01T12:00:00Z", nil)).json(t)
	tests, _ := cov["tests"].([]any)
	n := 0
	for _, x := range tests {
		m, _ := x.(map[string]any)
		if m["period_end"] != "2007-04-01" {
			continue
		}
		n++
		label, _ := m["label"].(string)
		result, _ := m["result"].(string)
		if !strings.Contains(text, label) || !strings.Contains(text, strings.ToUpper(strings.ReplaceAll(result, "_", " "))) {
			t.Errorf("the PDF does not show %q with its result %s:\n%s", label, result, text)
		}
		if act, ok := m["actual"].(string); ok && !strings.Contains(text, certpdf.Figure(act)) {
			t.Errorf("the PDF does not show %s's actual %s", label, act)
		}
	}
	if n == 0 {
		t.Fatalf("no test of 2007-04-01 in the covenants answer: %v", cov)
	}
	for _, want := range []string{"total liabilities 29,000,000.00", "known at 2007-06-01 12:00 UTC", "UNDETERMINED could not be tested", "Signature:", "Title:"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not show %q:\n%s", want, text)
		}
	}
	if r := e.do(borrower, jsonReq("GET", "/api/v1/facilities/"+own+"/covenants/2006-01-01/compliance-certificate.pdf", nil)); r.status != 404 {
		t.Errorf("a period without tests: %d %s", r.status, r.body)
	}
	if r := e.do(borrower, jsonReq("GET", "/api/v1/facilities/"+own+"/covenants/2007-13-01/compliance-certificate.pdf", nil)); r.status != 400 || !strings.Contains(string(r.body), "period_end") {
		t.Errorf("a bad period end: %d %s", r.status, r.body)
	}
	if r := e.do(borrower, jsonReq("GET", strings.Replace(path, own, other, 1), nil)); r.status == 200 {
		t.Errorf("another facility's compliance certificate to this facility's borrower: %d", r.status)
	}
}
