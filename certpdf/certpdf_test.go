package certpdf

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/covenant"
	"revolver/date"
	"revolver/explain"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

func pages(t *testing.T, b []byte) []string {
	t.Helper()
	ps, err := PageTexts(b)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func pageOf(ps []string, s string) int {
	for i, p := range ps {
		if strings.Contains(p, s) {
			return i + 1
		}
	}
	return 0
}

const longLabel = "Ineligible: receivables of account debtors located outside the United States and Canada not backed by a letter of credit or credit insurance acceptable to the Lender (cross-border, affiliates and government)"

var hash = strings.Repeat("0123456789abcdef", 4)[2:]

func record(lines int) *app.CertificateRecord {
	root := &explain.Node{Key: "borrowing_base", Label: "Borrowing base", Value: "1234567.89"}
	recv := &explain.Node{Key: "receivables", Label: "Receivables availability", Value: "1000000.00"}
	recv.Children = append(recv.Children, &explain.Node{Key: "receivables.gross", Label: "Gross receivables", Value: "2500000.01"},
		&explain.Node{Key: "receivables.ineligible.foreign", Label: longLabel, Value: "-98765.43"})
	for i := 0; i < lines; i++ {
		recv.Children = append(recv.Children, &explain.Node{Key: "x", Label: "Another ineligible line", Value: "-1.00"})
	}
	root.Children = append(root.Children, recv, &explain.Node{Key: "inventory", Label: "Inventory availability", Value: "234567.89"})
	at := time.Date(2006, 7, 5, 14, 30, 0, 0, time.UTC)
	return &app.CertificateRecord{Currency: "USD", Explanation: root, Certificate: store.Certificate{ID: 7, Facility: "btu", AsOf: date.MustParse("2006-07-01"),
		Status: store.Approved, SubmittedBy: "controller", SubmittedAt: at, Reviewer: "lender", DecidedAt: at.Add(time.Hour), CreatedAt: at,
		Inputs:     []store.Input{{Name: "aging.csv", Size: 10, SHA256: "ab" + hash}, {Name: "debtors.csv", Size: 11, SHA256: "cd" + hash}, {Name: "inventory.csv", Size: 12, SHA256: "ef" + hash}},
		BodySHA256: "01" + hash, ExplanationSHA256: "45" + hash}}
}

func position(rec *app.CertificateRecord) *app.Availability {
	cap := money.Amount(3_000_000_00)
	return &app.Availability{KnownAt: rec.Certificate.DecidedAt, Availability: ledger.Availability{AsOf: rec.Certificate.AsOf,
		Commitment: 5_000_000_00, AdvanceCap: &cap, Certificate: &ledger.Certificate{ID: rec.Certificate.ID, AsOf: rec.Certificate.AsOf, BorrowingBase: 1_234_567_89},
		CertificateBase: 1_234_567_89, Limit: 1_234_567_89, Binding: "borrowing_base",
		LettersOfCredit:  ledger.LettersOfCredit{Outstanding: 150_000_00, Drawn: 25_000_12, Exposure: 175_000_12, FromAvailability: 175_000_12},
		LoansOutstanding: 800_000_55, Available: 1_234_567_89 - 175_000_12 - 800_000_55, Determined: true}}
}

// The certificate prints the record's figures and the position's, its
// long labels whole, the attestation and the signature block on one page,
// the same bytes twice.
func TestCertificate(t *testing.T) {
	rec := record(0)
	in := Certificate{FacilityName: "Big Tire Universe, Inc.", FacilitySlug: "btu", Record: rec, Position: position(rec)}
	a, err := certificate(in, false)
	if err != nil {
		t.Fatal(err)
	}
	b, err := certificate(in, false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a, []byte("%PDF-")) || !bytes.Equal(a, b) {
		t.Fatalf("PDF %.20q, the same twice: %v", a, bytes.Equal(a, b))
	}
	c1, _ := CertificateBytes(in)
	c2, _ := CertificateBytes(in)
	if !bytes.Equal(c1, c2) || bytes.Equal(c1, a) {
		t.Errorf("compressed: the same twice %v; differs from uncompressed %v", bytes.Equal(c1, c2), !bytes.Equal(c1, a))
	}
	if pc, pu := pages(t, c1), pages(t, a); !slices.Equal(pc, pu) {
		t.Errorf("compressed pages read %q, uncompressed %q", pc, pu)
	}
	ps := pages(t, a)
	if len(ps) != 1 {
		t.Errorf("%d pages, want 1: %q", len(ps), ps)
	}
	all := strings.Join(ps, " ")
	p := in.Position
	for _, want := range []string{"1,234,567.89", "1,000,000.00", "2,500,000.01", "-98,765.43", "234,567.89", // the record's lines
		Figure(rec.BorrowingBase()), Figure(p.Commitment.String()), Figure(p.AdvanceCap.String()), Figure(p.LettersOfCredit.Outstanding.String()),
		Figure(p.LettersOfCredit.Drawn.String()), Figure(p.LoansOutstanding.String()), Figure(p.Available.String()), "259,567.22",
		"Loans outstanding", "Letters of credit outstanding", "Availability", longLabel, "No. 7", "2006-07-01",
		"no Default or Event of Default exists", "Signature:", "Name:", "Title:", "Date:", "aging.csv (10 bytes) SHA-256 ab" + hash} {
		if !strings.Contains(all, want) {
			t.Errorf("the PDF does not show %q", want)
		}
	}
	if strings.Contains(all, "...") {
		t.Errorf("a label is cut: %q", all)
	}
	if CertificateName(in) != "btu-certificate-7-2006-07-01.pdf" {
		t.Errorf("name %s", CertificateName(in))
	}
	// Not approved: no position, and it says why.
	in.Position = nil
	in.Record.Certificate.Status = store.Submitted
	n, err := certificate(in, false)
	if err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(pages(t, n), " "); !strings.Contains(s, "printed once a lender approves it") || strings.Contains(s, "Loans outstanding") {
		t.Errorf("submitted certificate: %q", s)
	}
	in.Record.Certificate.Status = store.Rejected
	if n, err = certificate(in, false); err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(pages(t, n), " "); !strings.Contains(s, "was rejected and was never in force") {
		t.Errorf("rejected certificate: %q", s)
	}
}

// A long certificate runs to a second page, and the attestation and the
// signature block start a page together rather than being split.
func TestCertificateAttestationTogether(t *testing.T) {
	for lines := 0; lines <= 40; lines++ {
		rec := record(lines)
		b, err := certificate(Certificate{FacilityName: "F", FacilitySlug: "f", Record: rec, Position: position(rec)}, false)
		if err != nil {
			t.Fatal(err)
		}
		ps := pages(t, b)
		at, sig := pageOf(ps, "The undersigned officer"), pageOf(ps, "Date:")
		if at == 0 || at != sig || pageOf(ps, "For the Borrower") != at {
			t.Errorf("%d lines: attestation on page %d, signature on %d of %d", lines, at, sig, len(ps))
		}
		if lines == 40 && len(ps) < 2 {
			t.Errorf("%d lines: %d pages", lines, len(ps))
		}
	}
}

func TestCompliance(t *testing.T) {
	st := &covenant.Statement{PeriodEnd: date.MustParse("2006-07-01"), FiscalYear: 2006, FiscalQuarter: 2, File: "statements.csv", Line: 3,
		Lines: map[string]money.Amount{"tangible_net_worth": 12_345_678_90, "total_liabilities": 4_000_000_01}}
	amt := func(a money.Amount) covenant.Figure { return covenant.Figure{Known: true, Amount: a} }
	tests := []covenant.Test{
		{Covenant: "minimum_tangible_net_worth", Label: "Minimum Tangible Net Worth", Actual: amt(12_345_678_90), Required: amt(10_000_000_00), Headroom: amt(2_345_678_90), Result: covenant.Pass, Statement: st},
		{Covenant: "leverage", Label: "Maximum ratio of total liabilities to tangible net worth, tested at the end of each fiscal quarter on a trailing basis", Actual: covenant.Figure{Known: true, Ratio: true, Rate: money.MustRate("0.3240")},
			Required: covenant.Figure{Known: true, Ratio: true, Rate: money.MustRate("0.3000")}, Headroom: covenant.Figure{Known: true, Ratio: true, Rate: money.MustRate("-0.0240")},
			Result: covenant.Fail, Reason: "the ratio exceeds the maximum", Statement: st,
			Waiver: &agreement.Waiver{Effective: date.MustParse("2006-08-01"), Cite: agreement.Cite{Document: "waiver-2006-08", Title: "Waiver Letter", Section: "§1"}}},
		{Covenant: "fixed_charge", Label: "Fixed charge coverage", Result: covenant.NotApplicable, Reason: "tested only during a covenant trigger period", Statement: st},
	}
	other := covenant.Test{Covenant: "minimum_tangible_net_worth", Label: "Minimum Tangible Net Worth", PeriodEnd: date.MustParse("2006-04-01"), FiscalYear: 2006, FiscalQuarter: 1, Actual: amt(77_777_77), Result: covenant.Fail}
	for i := range tests {
		tests[i].PeriodEnd, tests[i].FiscalYear, tests[i].FiscalQuarter = st.PeriodEnd, 2006, 2
	}
	in, ok := ComplianceOf(&covenant.Result{Tests: append([]covenant.Test{other}, tests...)}, st.PeriodEnd, time.Date(2006, 10, 1, 23, 0, 0, 0, time.UTC))
	if !ok || in.Period != "FY2006 Q2" || len(in.Tests) != 3 {
		t.Fatalf("ComplianceOf: %v %s %d tests", ok, in.Period, len(in.Tests))
	}
	if _, ok := ComplianceOf(&covenant.Result{Tests: tests}, date.MustParse("2006-04-01"), time.Time{}); ok {
		t.Error("ComplianceOf a period without tests")
	}
	in.FacilityName, in.FacilitySlug = "Big Tire Universe, Inc.", "btu"
	a, err := compliance(in, false)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := compliance(in, false)
	if !bytes.Equal(a, b) {
		t.Fatal("not the same bytes twice")
	}
	c1, _ := ComplianceBytes(in)
	c2, _ := ComplianceBytes(in)
	if !bytes.Equal(c1, c2) {
		t.Error("compressed: not the same bytes twice")
	}
	ps := pages(t, a)
	if len(ps) != 1 {
		t.Errorf("%d pages, want 1", len(ps))
	}
	all := strings.Join(ps, " ")
	for _, want := range []string{"Minimum Tangible Net Worth", "12,345,678.90", "10,000,000.00", "2,345,678.90", "PASS", "0.3240", "0.3000", "-0.0240",
		"FAIL (WAIVED)", "NOT APPLICABLE", tests[1].Label, "waived by Waiver Letter §1 (waiver-2006-08, effective 2006-08-01)",
		"tangible net worth", "4,000,000.01", "statements.csv, line 3", "is in compliance", "FY2006 Q2 ended 2006-07-01", "known at 2006-10-01 23:00 UTC", "Signature:", "Title:", "Date:"} {
		if !strings.Contains(all, want) {
			t.Errorf("the PDF does not show %q", want)
		}
	}
	if strings.Contains(all, "77,777.77") {
		t.Error("the PDF shows another period's test")
	}
	if at, sig := pageOf(ps, "The undersigned officer"), pageOf(ps, "Date:"); at == 0 || at != sig {
		t.Errorf("attestation on page %d, signature on %d", at, sig)
	}
	// An unwaived failure is named in the attestation.
	in.Tests[1].Waiver = nil
	n, _ := compliance(in, false)
	if s := strings.Join(pages(t, n), " "); !strings.Contains(s, "1 covenant(s) marked FAIL") || strings.Contains(s, "is in compliance") {
		t.Errorf("failing: %q", s)
	}
	in.Tests[2].Result = covenant.Undetermined
	n, _ = compliance(in, false)
	if s := strings.Join(pages(t, n), " "); !strings.Contains(s, "1 covenant(s) marked FAIL") || !strings.Contains(s, "1 covenant(s) marked UNDETERMINED") || strings.Contains(s, "is in compliance") {
		t.Errorf("failing and undetermined: %q", s)
	}
	if ComplianceName(in) != "btu-compliance-2006-07-01.pdf" {
		t.Errorf("name %s", ComplianceName(in))
	}
}

// A certificate submitted with the officer's attestation prints the words
// stored with it, and the name and title on their lines of the signature
// block; without one, the standard statement and blank lines.
func TestCertificateSignedAttestation(t *testing.T) {
	rec := record(0)
	rec.Certificate.Attestation = &store.Attestation{Name: "Jane Q. Controller", Title: "Chief Financial Officer",
		Text: "no Default or Event of Default exists"}
	b, err := certificate(Certificate{FacilityName: "F", FacilitySlug: "f", Record: rec, Position: position(rec)}, false)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pages(t, b), " ")
	for _, want := range []string{"The undersigned, Jane Q. Controller, Chief Financial Officer of the Borrower",
		"attests: no Default or Event of Default exists", "Name:", "Title:"} {
		if !strings.Contains(text, want) {
			t.Errorf("signed certificate lacks %q", want)
		}
	}
	if strings.Count(text, "Jane Q. Controller") != 2 || strings.Count(text, "Chief Financial Officer") != 2 {
		t.Errorf("name and title should be in the attestation and on their signature lines: %q", text)
	}
	unsigned, err := certificate(Certificate{FacilityName: "F", FacilitySlug: "f", Record: record(0), Position: position(rec)}, false)
	if err != nil {
		t.Fatal(err)
	}
	if u := strings.Join(pages(t, unsigned), " "); strings.Contains(u, "Jane") || !strings.Contains(u, "The undersigned officer") {
		t.Errorf("unsigned certificate: %q", u)
	}
}
