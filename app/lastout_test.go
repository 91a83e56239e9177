package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/date"
	"revolver/examples"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// lastOutAmendment gives the example facility a last-out tranche from 1
// September 2004: receivables 80% first-out + 5% last-out, at most
// 150,000.00, at the first-out rate + 1.50% (a test's terms, not the
// documents').
var lastOutAmendment = agreement.NewFile("2004-09-01-last-out.yaml", []byte(`revolver: amendment/1
facility: btu-sovereign
id: last-out
document: first-amendment
effective: 2004-09-01
order: 1
changes:
  - op: set
    path: borrowing_base.last_out
    value:
      label: FILO tranche
      advance_rates:
        receivables: 5%
      cap: 150000.00
      margin: 1.50%
    cite: first-amendment §9
`))

func TestLastOutTranche(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		d := date.MustParse
		now := time.Date(2004, 10, 5, 9, 0, 0, 0, time.UTC)
		svc := &Service{Store: s, Terms: &StoredTerms{Store: s}, Now: func() time.Time { return now }}
		btuAs(t, svc, "btu", lastOutAmendment)
		if _, err := svc.OpenBusinessDate(ctx, d("2004-10-05"), "test", "test"); err != nil {
			t.Fatal(err)
		}
		report := func(name string) store.InputContent {
			b, err := examples.FS.ReadFile("btu-sovereign/data/" + name)
			if err != nil {
				t.Fatal(err)
			}
			return store.InputContent{Name: name, Content: b}
		}
		terms, err := svc.Terms.(*StoredTerms).TermsAsOf(ctx, "btu", d("2004-10-03"))
		if err != nil {
			t.Fatal(err)
		}
		c, cert, err := svc.SubmitCertificate(ctx, terms, CertificateInput{Facility: "btu", AsOf: d("2004-10-03"), By: "controller",
			Receivables: report("receivables.csv"), Debtors: report("debtors.csv"), Inventory: report("inventory.csv")})
		if err != nil {
			t.Fatal(err)
		}
		recv := cert.Section(agreement.Receivables)
		// The tranche: 85% × eligible − 80% × eligible, each rounded; the
		// cap binds.
		e := recv.Eligible.Amount
		hi, _ := e.Mul(money.MustRate("0.85"))
		lo, _ := e.Mul(money.MustRate("0.80"))
		if recv.LastOut.Tranche.Amount != hi-lo || cert.LastOut.Sum.Amount != hi-lo || cert.LastOut.Base.Amount != money.Min(hi-lo, 150000_00) {
			t.Fatalf("tranche %s (want %s), base %s", recv.LastOut.Tranche.Amount, hi-lo, cert.LastOut.Base.Amount)
		}
		stored, err := s.Certificate(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := SummarizeCertificate(stored.Body)
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Components) != 2 || sum.Components[0] != (CertificateComponent{Class: "receivables", ID: "receivables", Eligible: e.String(), AdvanceRate: "80%", Advance: lo.String(),
			Availability: lo.String(), LastOutRate: "5%", LastOut: (hi - lo).String()}) || sum.Components[1].Cap != "3500000.00" || sum.Components[1].LastOut != "" {
			t.Errorf("components %+v", sum.Components)
		}
		if tr := sum.Tranches; tr == nil || tr.LastOut != "150000.00" || tr.Cap != "150000.00" || tr.Margin != "1.5%" || tr.FirstOut != cert.BorrowingBase.Amount.String() ||
			tr.Total != (cert.BorrowingBase.Amount+150000_00).String() {
			t.Errorf("tranches %+v", sum.Tranches)
		}
		if _, _, err := svc.DecideCertificate(ctx, "btu", c.ID, CertificateDecision{Status: store.Approved, By: "officer"}); err != nil {
			t.Fatal(err)
		}
		a, err := svc.Availability(ctx, "btu", d("2004-10-05"), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		tr := a.Tranches
		if tr == nil || tr.LastOut.Base != 150000_00 || tr.FirstOut.Base != cert.BorrowingBase.Amount+cert.LCDeducted.Amount-a.Exclusions {
			t.Fatalf("tranches %+v (certificate %s)", tr, cert.BorrowingBase.Amount)
		}
		if a.Determined && tr.LastOut.Available != min(150000_00, a.Available) {
			t.Errorf("last-out available %s, total %s", tr.LastOut.Available, a.Available)
		}
		if !a.Determined || len(a.Blocked) > 0 {
			t.Fatalf("availability blocked: %+v", a.Blocked)
		}

		// A last-out request above the last-out availability is refused;
		// within it, it is funded to the last-out loans.
		_, err = svc.RequestAdvance(ctx, RequestInput{Facility: "btu", Key: "lo-big", Amount: 150000_01, ValueDate: d("2004-10-05"), By: "borrower", Tranche: ledger.TrancheLastOut})
		var le *ledger.Error
		if !errors.As(err, &le) || le.Code != ledger.CodeAvailabilityExceeded {
			t.Fatalf("last-out 150,000.01: %v", err)
		}
		r, err := svc.RequestAdvance(ctx, RequestInput{Facility: "btu", Key: "lo-1", Amount: 100000_00, ValueDate: d("2004-10-05"), By: "borrower", Tranche: ledger.TrancheLastOut})
		if err != nil || r.Status != store.AdvanceFunded || r.Tranche != ledger.TrancheLastOut {
			t.Fatalf("last-out request %+v %v", r, err)
		}
		if _, err := svc.RequestAdvance(ctx, RequestInput{Facility: "btu", Key: "fo-1", Amount: 200000_00, ValueDate: d("2004-10-05"), By: "borrower"}); err != nil {
			t.Fatal(err)
		}
		bal := func(day string) ledger.Balances {
			t.Helper()
			b, err := s.Balances(ctx, "btu", d(day))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		if b := bal("2004-10-05"); b[ledger.Loans] != 200000_00 || b[ledger.LoansLastOut] != 100000_00 {
			t.Fatalf("balances %v", b)
		}
		a2, _ := svc.Availability(ctx, "btu", d("2004-10-05"), time.Time{})
		if a2.Tranches.LastOut.Available != min(50000_00, a2.Available) || a2.LoansOutstanding != 300000_00 || a2.Available != a.Available-300000_00 {
			t.Errorf("after: last-out %s, total %s (before %s), loans %s", a2.Tranches.LastOut.Available, a2.Available, a.Available, a2.LoansOutstanding)
		}

		// A collection above the first-out loans repays them first, then
		// the last-out loans (credited the next business day).
		p, err := svc.Collect(ctx, "btu", "c1", d("2004-10-05"), 230000_00)
		if err != nil {
			t.Fatal(err)
		}
		if p.Transaction.ValueDate != d("2004-10-06") {
			t.Fatalf("collection credited %s", p.Transaction.ValueDate)
		}
		if b := bal("2004-10-06"); b[ledger.Loans] != 0 || b[ledger.LoansLastOut] != 70000_00 {
			t.Fatalf("after the collection %v", b)
		}
		// A repayment goes to the last-out loans once the first-out ones
		// are repaid; above them it is refused.
		if _, err := svc.Repay(ctx, RepaymentInput{Facility: "btu", Key: "rp-big", Amount: 70000_01, ValueDate: d("2004-10-06"), By: "borrower"}); err == nil {
			t.Fatal("a repayment above the loans of both tranches accepted")
		}

		// Close of business: the last-out loans bear prime 4.75% + 0% +
		// 1.50% (Actual/360), their own accrual beside the first-out one.
		if err := s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2004-09-21"), Value: money.MustRate("0.0475"), Source: "test"}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CloseOfBusiness(ctx, d("2004-10-06")); err != nil {
			t.Fatal(err)
		}
		txs, err := s.Transactions(ctx, "btu")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]money.Amount{}
		for _, x := range txs {
			if x.Kind == ledger.KindInterest {
				got[x.Key] = x.Postings[0].Amount
			}
		}
		// 100,000.00 × 6.25% / 360 = 17.361 → 17.36; 70,000.00: 12.152 → 12.15;
		// first-out 200,000.00 × 4.75% / 360 = 26.389 → 26.39, none on the 6th.
		want := map[string]money.Amount{"interest-last-out:2004-10-05": 17_36, "interest-last-out:2004-10-06": 12_15, "interest:2004-10-05": 26_39}
		if len(got) != len(want) {
			t.Errorf("accruals %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %s, want %s", k, got[k], v)
			}
		}
		// A facility whose first loan is a last-out one accrues its
		// interest from it.
		btuAs(t, svc, "lo-first", lastOutAmendment)
		c2, _, err := svc.SubmitCertificate(ctx, terms, CertificateInput{Facility: "lo-first", AsOf: d("2004-10-03"), By: "controller",
			Receivables: report("receivables.csv"), Debtors: report("debtors.csv"), Inventory: report("inventory.csv")})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.DecideCertificate(ctx, "lo-first", c2.ID, CertificateDecision{Status: store.Approved, By: "officer"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RequestAdvance(ctx, RequestInput{Facility: "lo-first", Key: "lo-1", Amount: 100000_00, ValueDate: d("2004-10-07"), By: "borrower", Tranche: ledger.TrancheLastOut}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CloseOfBusiness(ctx, d("2004-10-07")); err != nil {
			t.Fatal(err)
		}
		txs, err = s.Transactions(ctx, "lo-first")
		if err != nil {
			t.Fatal(err)
		}
		var lastOutOnly []string
		for _, x := range txs {
			if x.Kind == ledger.KindInterest {
				lastOutOnly = append(lastOutOnly, x.Key+" "+x.Postings[0].Amount.String())
			}
		}
		if len(lastOutOnly) != 1 || lastOutOnly[0] != "interest-last-out:2004-10-07 17.36" {
			t.Errorf("a last-out loan alone: accruals %v", lastOutOnly)
		}
		// The interest report keeps the first-out periods apart from the
		// last-out accruals.
		rep, err := svc.InterestByRatePeriod(ctx, "btu", d("2004-10-05"), d("2004-10-06"))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Accrued != "26.39" || rep.LastOutAccrued != "29.51" {
			t.Errorf("interest report: accrued %s, last-out %s", rep.Accrued, rep.LastOutAccrued)
		}
	})
}
