package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/certpdf"
	"revolver/covenant"
	"revolver/date"
	"revolver/money"
	"revolver/store"
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

// A certificate's PDF through the API: the approved certificate's record
// with the loans, letters of credit and availability on its date as known
// at its approval (the one rule), the same bytes twice; a submitted one
// says they come with the approval; another facility's is not found.
func TestCertificatePDFAPI(t *testing.T) {
	e := newEnv(t, openSQLite)
	ctx := context.Background()
	cs, err := e.st.Certificates(ctx, own)
	if err != nil {
		t.Fatal(err)
	}
	var approved store.Certificate
	for _, c := range cs {
		if c.Status == store.Approved {
			approved = c
		}
	}
	if approved.ID == 0 {
		t.Fatal("no approved certificate in the setup")
	}
	borrower := e.email["borrower"]
	path := fmt.Sprintf("/api/v1/facilities/%s/borrowing-base-certificates/%d/certificate.pdf", own, approved.ID)
	a := e.do(borrower, jsonReq("GET", path, nil))
	if a.status != 200 || a.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("certificate PDF: %d %s", a.status, a.body)
	}
	if b := e.do(borrower, jsonReq("GET", path, nil)); !bytes.Equal(a.body, b.body) {
		t.Error("the same certificate printed other bytes")
	}
	pages, err := certpdf.PageTexts(a.body)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pages, "\n")
	full, err := e.st.Certificate(ctx, approved.ID)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := app.DecodeCertificateRecord(full)
	if err != nil || rec == nil {
		t.Fatalf("record: %v", err)
	}
	av, err := e.svc.Availability(ctx, own, full.AsOf, full.DecidedAt)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Borrowing base shown by this certificate " + certpdf.Figure(rec.BorrowingBase()),
		"Loans outstanding " + av.LoansOutstanding.Grouped(), "Letters of credit outstanding " + av.LettersOfCredit.Outstanding.Grouped(),
		"Availability " + av.Available.Grouped(), "Signature:", "Title:"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not show %q:\n%s", want, text)
		}
	}
	sub := e.submitCertificate(own, borrower)
	r := e.do(borrower, jsonReq("GET", fmt.Sprintf("/api/v1/facilities/%s/borrowing-base-certificates/%d/certificate.pdf", own, sub.ID), nil))
	if p, err := certpdf.PageTexts(r.body); r.status != 200 || err != nil || !strings.Contains(strings.Join(p, " "), "printed once a lender approves it") {
		t.Errorf("submitted certificate's PDF: %d %v", r.status, err)
	}
	if r := e.do(borrower, jsonReq("GET", strings.Replace(path, own, other, 1), nil)); r.status == 200 {
		t.Errorf("another facility's path: %d", r.status)
	}
}
