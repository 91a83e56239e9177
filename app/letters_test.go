package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// TestLettersOfCredit: an officer issues a letter of credit, which counts
// against availability; a drawing above its undrawn face, a drawing after
// its expiry and a reimbursement above what is drawn are refused naming
// the field and post nothing; a reimbursement by an advance moves the
// drawing to the loans; the expiry releases the rest of the face; an
// issue above availability is refused as an advance would be; a number is
// issued once (the same issue again is a replay); a borrower may not
// record letters of credit.
func TestLettersOfCredit(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 5, 31, 12, 0, 0, 0, time.UTC))
		c.open("2006-05-31", 12)
		c.certificate("2006-04-30", 20_000_000_00) // above the commitment
		lender := WithActor(context.Background(), Actor{User: "officer1@bank", UserID: 1, Role: store.RoleLenderOfficer})
		d := date.MustParse
		lc := func(in LetterOfCreditInput) (LetterOfCreditResult, error) {
			in.Facility = "btu"
			return c.LetterOfCredit(lender, in)
		}
		issue := LetterOfCreditInput{ID: "SB-1", Action: LCIssue, ValueDate: d("2006-05-31"), Amount: 1_000_000_00, Beneficiary: "Port Authority", Expiry: d("2006-11-30")}
		out, err := lc(issue)
		if err != nil {
			t.Fatal(err)
		}
		if l := out.Letter; l.Face != 1_000_000_00 || l.Outstanding != 1_000_000_00 || l.Beneficiary != "Port Authority" || l.Expiry != d("2006-11-30") || l.Status != "outstanding" {
			t.Fatalf("issued: %+v", l)
		}
		if a := c.availability("2006-05-31", time.Time{}); a.LettersOfCredit.Exposure != 1_000_000_00 || a.Available != 13_000_000_00 {
			t.Errorf("availability after the issue: exposure %s, available %s; want 1,000,000.00 and 13,000,000.00", a.LettersOfCredit.Exposure.Grouped(), a.Available.Grouped())
		}
		again, err := lc(issue)
		if err != nil || !again.Posted.Replayed {
			t.Errorf("the same issue again: %+v %v, want a replay", again.Posted, err)
		}
		other := issue
		other.Amount = 2_000_000_00
		_, err = lc(other)
		wantErrCode(t, "a number issued again for another face", err, store.CodeConflict)
		before, _ := s.Transactions(c.ctx, "btu")
		for _, bad := range []struct {
			in          LetterOfCreditInput
			code, field string
		}{
			{LetterOfCreditInput{ID: "SB-1", Action: LCDraw, Key: "k1", ValueDate: d("2006-06-01"), Amount: 1_000_000_01}, store.CodeInvalid, "amount"},
			{LetterOfCreditInput{ID: "SB-1", Action: LCDraw, Key: "k2", ValueDate: d("2006-12-01"), Amount: 1_00}, store.CodeInvalid, "value_date"},
			{LetterOfCreditInput{ID: "SB-1", Action: LCReimburse, Key: "k3", ValueDate: d("2006-06-01"), Amount: 1_00}, store.CodeInvalid, "amount"},
			{LetterOfCreditInput{ID: "SB-9", Action: LCDraw, Key: "k4", ValueDate: d("2006-06-01"), Amount: 1_00}, store.CodeNotFound, "id"},
			{LetterOfCreditInput{ID: "SB 2", Action: LCIssue, ValueDate: d("2006-06-01"), Amount: 1_00, Beneficiary: "x", Expiry: d("2006-07-01")}, store.CodeInvalid, "id"},
			{LetterOfCreditInput{ID: "SB-2", Action: LCIssue, ValueDate: d("2006-06-01"), Amount: 1_00, Beneficiary: "x", Expiry: d("2006-06-01")}, store.CodeInvalid, "expiry"},
			{LetterOfCreditInput{ID: "SB-2", Action: LCIssue, ValueDate: d("2006-06-01"), Amount: 1_00, Expiry: d("2006-07-01")}, store.CodeInvalid, "beneficiary"},
			{LetterOfCreditInput{ID: "SB-2", Action: "amend", ValueDate: d("2006-06-01"), Amount: 1_00}, store.CodeInvalid, "action"},
		} {
			_, err := lc(bad.in)
			if store.ErrorCode(err) != bad.code || !strings.Contains(err.Error(), bad.field+":") {
				t.Errorf("%+v: %v, want %s naming %s", bad.in, err, bad.code, bad.field)
			}
		}
		_, err = lc(LetterOfCreditInput{ID: "SB-2", Action: LCIssue, ValueDate: d("2006-05-31"), Amount: 13_000_000_01, Beneficiary: "Utility", Expiry: d("2006-12-31")})
		var le *ledger.Error
		if !errors.As(err, &le) || le.Code != ledger.CodeAvailabilityExceeded {
			t.Errorf("an issue a cent above availability: %v, want availability_exceeded", err)
		}
		if after, _ := s.Transactions(c.ctx, "btu"); len(after) != len(before) {
			t.Fatalf("refusals posted %d transactions", len(after)-len(before))
		}
		borrowerCtx := WithActor(context.Background(), Actor{User: "controller@btu", UserID: 2, Role: store.RoleBorrower, Facilities: []string{"btu"}})
		_, err = c.LetterOfCredit(borrowerCtx, LetterOfCreditInput{Facility: "btu", ID: "SB-3", Action: LCIssue, ValueDate: d("2006-05-31"), Amount: 1_00, Beneficiary: "x", Expiry: d("2006-06-30")})
		wantErrCode(t, "a borrower issuing", err, store.CodeForbidden)

		if _, err := lc(LetterOfCreditInput{ID: "SB-1", Action: LCDraw, Key: "d1", ValueDate: d("2006-06-01"), Amount: 300_000_00}); err != nil {
			t.Fatal(err)
		}
		loans := func() money.Amount {
			b, err := s.Balances(c.ctx, "btu", d("2006-06-30"))
			if err != nil {
				t.Fatal(err)
			}
			return b[ledger.Loans]
		}
		l0 := loans()
		out, err = lc(LetterOfCreditInput{ID: "SB-1", Action: LCReimburse, Key: "r1", ValueDate: d("2006-06-02"), Amount: 300_000_00, ByAdvance: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := loans() - l0; got != 300_000_00 {
			t.Errorf("a reimbursement by an advance raised the loans by %s, want 300,000.00", got.Grouped())
		}
		out, err = lc(LetterOfCreditInput{ID: "SB-1", Action: LCExpire, ValueDate: d("2006-11-30")})
		if err != nil {
			t.Fatal(err)
		}
		want := LetterOfCredit{ID: "SB-1", Beneficiary: "Port Authority", Issued: d("2006-05-31"), Expiry: d("2006-11-30"), Face: 1_000_000_00,
			Reimbursed: 300_000_00, Expired: 700_000_00, Status: "closed"}
		got := out.Letter
		if len(got.Transactions) != 4 {
			t.Errorf("transactions %v, want the issue, the drawing, the reimbursement and the expiry", got.Transactions)
		}
		if !equalLC(got, want) {
			t.Errorf("after the expiry: %+v, want %+v", got, want)
		}
		_, err = lc(LetterOfCreditInput{ID: "SB-1", Action: LCExpire, Key: "e2", ValueDate: d("2006-11-30")})
		wantErrCode(t, "an expiry of nothing", err, store.CodeInvalid)
		if a := c.availability("2006-11-30", time.Time{}); a.LettersOfCredit.Exposure != 0 {
			t.Errorf("exposure after the expiry %s, want 0", a.LettersOfCredit.Exposure.Grouped())
		}
	})
}

func equalLC(a, b LetterOfCredit) bool {
	a.Transactions, b.Transactions = nil, nil
	return a.ID == b.ID && a.Beneficiary == b.Beneficiary && a.Issued == b.Issued && a.Expiry == b.Expiry && a.Face == b.Face &&
		a.Outstanding == b.Outstanding && a.Drawn == b.Drawn && a.Reimbursed == b.Reimbursed && a.Expired == b.Expired && a.Status == b.Status
}
