package app

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
	"revolver/store/sqlite"
)

// Regression: letters of credit drawn and not reimbursed count against the
// borrowing base as the face outstanding does (First Amendment §1(b)).
func TestLimitsCountLettersOfCreditDrawnAndUndrawn(t *testing.T) {
	ctx := context.Background()
	s := openFacility(t)
	d := date.MustParse
	approvedCertificate(t, s, "2006-01-01", 5_000_000_00)
	ref := func(key, vd string) ledger.Ref { return ledger.Ref{Facility: "f", Key: key, ValueDate: d(vd)} }
	issue, _ := ledger.LCIssue(ref("lc", "2006-01-02"), 500_000_00)
	draw, _ := ledger.LCDraw(ref("draw", "2006-01-03"), 200_000_00)
	if _, err := s.PostBatch(ctx, []ledger.Transaction{issue, draw}); err != nil {
		t.Fatal(err)
	}
	terms := FacilityTerms{Commitment: 14_000_000_00, TerminationDate: d("2007-05-31")}
	svc := &Service{Store: s, Terms: TermsFunc(func(context.Context, string, date.Date) (FacilityTerms, error) { return terms, nil })}
	for _, c := range []struct {
		treatment string
		asOf      string
		bb, lc    money.Amount
		available money.Amount
	}{
		{"deduct_from_borrowing_base", "2006-01-02", 4_500_000_00, 0, 4_500_000_00},
		{"deduct_from_borrowing_base", "2006-01-03", 4_500_000_00, 0, 4_500_000_00}, // 300,000 outstanding + 200,000 drawn
		{"deduct_from_availability", "2006-01-03", 5_000_000_00, 500_000_00, 4_500_000_00},
		{"none", "2006-01-03", 5_000_000_00, 0, 5_000_000_00},
	} {
		terms.LCTreatment = c.treatment
		a, err := svc.Availability(ctx, "f", d(c.asOf), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if a.BorrowingBase != c.bb || a.LettersOfCredit.FromAvailability != c.lc || a.Available != c.available {
			t.Errorf("%s on %s: borrowing base %s, letters of credit from availability %s, available %s; want %s, %s, %s",
				c.treatment, c.asOf, a.BorrowingBase, a.LettersOfCredit.FromAvailability, a.Available, c.bb, c.lc, c.available)
		}
	}
}

// A repayment above the loans outstanding, or a drawing above the letters of
// credit outstanding, is refused and posts nothing.
func TestPostRefusesMoreThanTheBalance(t *testing.T) {
	ctx := context.Background()
	s := openFacility(t)
	d := date.MustParse
	ref := func(key string) ledger.Ref { return ledger.Ref{Facility: "f", Key: key, ValueDate: d("2006-01-05")} }
	adv, _ := ledger.Advance(ref("adv"), 100_00)
	issue, _ := ledger.LCIssue(ref("lc"), 50_00)
	if _, err := s.PostBatch(ctx, []ledger.Transaction{adv, issue}); err != nil {
		t.Fatal(err)
	}
	svc := &Service{Store: s}
	rep, _ := ledger.Repayment(ref("rep"), 100_01)
	if _, err := svc.Post(ctx, rep); store.ErrorCode(err) != store.CodeInvalid {
		t.Errorf("repayment above the loans: %v", err)
	}
	draw, _ := ledger.LCDraw(ref("draw"), 50_01)
	if _, err := svc.Post(ctx, draw); store.ErrorCode(err) != store.CodeInvalid {
		t.Errorf("drawing above the letters of credit: %v", err)
	}
	rep, _ = ledger.Repayment(ref("rep2"), 100_00)
	if _, err := svc.Post(ctx, rep); err != nil {
		t.Errorf("repayment of the whole loan: %v", err)
	}
	txs, _ := s.Transactions(ctx, "f")
	if len(txs) != 3 {
		t.Errorf("%d transactions stored, want 3", len(txs))
	}
}

// openFacility opens a SQLite store in a temporary directory with facility "f".
func openFacility(t *testing.T) store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.CreateFacility(ctx, store.Facility{Slug: "f", Name: "F", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return s
}

func approvedCertificate(t *testing.T, s store.Store, asOf string, bb money.Amount) {
	t.Helper()
	approvedCertificateOf(t, s, "f", asOf, bb)
}

func approvedCertificateOf(t *testing.T, s store.Store, facility, asOf string, bb money.Amount) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2006, 1, 1, 12, 0, 0, 0, time.UTC)
	c, err := s.CreateCertificate(ctx, store.Certificate{Facility: facility, AsOf: date.MustParse(asOf), PreparedBy: "borrower", CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitCertificate(ctx, c.ID, store.Submission{Body: json.RawMessage(`{}`), BorrowingBase: bb, By: "borrower", At: at,
		Inputs: []store.InputContent{{Name: "r.csv", Content: []byte(asOf)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideCertificate(ctx, c.ID, store.Decision{Status: store.Approved, Reviewer: "lender", At: at}); err != nil {
		t.Fatal(err)
	}
}

// A lower borrowing base leaves the loans above availability: the
// overadvance is recorded once, with the cure deadline 30 days after the
// lender's notice (Security Agreement ¶13(h)).
func TestRecordOveradvance(t *testing.T) {
	ctx := context.Background()
	s := openFacility(t)
	d := date.MustParse
	terms := FacilityTerms{Commitment: 14_000_000_00, TerminationDate: d("2007-05-31"), CureDays: 30}
	svc := &Service{Store: s, Terms: TermsFunc(func(context.Context, string, date.Date) (FacilityTerms, error) { return terms, nil })}
	approvedCertificate(t, s, "2006-01-01", 1_000_000_00)
	adv, _ := ledger.Advance(ledger.Ref{Facility: "f", Key: "adv", ValueDate: d("2006-01-05")}, 900_000_00)
	if _, err := s.PostBatch(ctx, []ledger.Transaction{adv}); err != nil {
		t.Fatal(err)
	}
	if _, over, err := svc.RecordOveradvance(ctx, "f", d("2006-01-31"), 0, "officer"); err != nil || over {
		t.Fatalf("before the lower certificate: over %v, %v", over, err)
	}
	approvedCertificate(t, s, "2006-02-01", 500_000_00)
	for i := 0; i < 2; i++ { // the second run finds the same record
		rec, over, err := svc.RecordOveradvance(ctx, "f", d("2006-02-01"), d("2006-02-02"), "officer")
		if err != nil || !over {
			t.Fatalf("over %v, %v", over, err)
		}
		if rec.Amount != 400_000_00 || rec.CureBy != d("2006-03-04") || rec.Loans != 900_000_00 || rec.BorrowingBase != 500_000_00 {
			t.Errorf("record %+v", rec)
		}
	}
	recs, err := s.Overadvances(ctx, "f")
	if err != nil || len(recs) != 1 {
		t.Fatalf("records %+v, %v", recs, err)
	}
}
