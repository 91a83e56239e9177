package apptest

import (
	"fmt"
	"strings"
	"testing"

	"revolver/app"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
	"revolver/store/storetest"
)

// testInterestAdjustment: an advance back-valued five days into accrued
// interest is adjusted by the next close of business, so the interest
// equals that of a facility which had the advance from the start; running
// again posts nothing; a back-valued repayment adjusts downwards.
func testInterestAdjustment(t *testing.T, s store.Store) {
	newFacility(t, s, "early")
	newFacility(t, s, "late")
	ok(t, s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2006-01-01"), Value: money.MustRate("0.0725")}, nil))
	ok(t, s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2006-01-17"), Value: money.MustRate("0.0775")}, nil))
	svc := &app.Service{Store: s, Terms: terms(amt("5000000.00"), nil)}
	for _, f := range []string{"early", "late"} {
		a, err := ledger.Advance(ref(f, "a1", "2006-01-05"), amt("1000000.00"))
		post(t, s, a, err)
	}
	// The same advance, to early before its interest is accrued and to
	// late after it is accrued through the 20th.
	a2, err := ledger.Advance(ref("early", "a2", "2006-01-15"), amt("360000.01"))
	post(t, s, a2, err)
	must(svc.CloseOfBusiness(ctx, d("2006-01-20"))).of(t)
	a2.Facility = "late"
	late := post(t, s, a2, nil)
	r := must(svc.CloseOfBusiness(ctx, d("2006-01-21"))).of(t)
	// One accrual each for the 21st, and late's adjustment.
	if r.Posted != 3 {
		t.Fatalf("run with a back-valued advance = %+v, want 3 posted", r)
	}
	if again := must(svc.CloseOfBusiness(ctx, d("2006-01-21"))).of(t); again.Posted != 0 {
		t.Fatalf("second run = %+v, want nothing posted", again)
	}
	be := must(s.Balances(ctx, "early", d("2006-01-21"))).of(t)
	bl := must(s.Balances(ctx, "late", d("2006-01-21"))).of(t)
	for _, acc := range []ledger.Account{ledger.Loans, ledger.InterestReceivable, ledger.InterestIncome} {
		if be[acc] != bl[acc] {
			t.Errorf("%s: late %s, want %s as with the advance from the start", acc, bl[acc], be[acc])
		}
	}
	var adj []ledger.Transaction
	for _, tr := range storetest.CheckInvariants(t, s, "late") {
		if tr.Kind == ledger.KindInterestAdjustment {
			adj = append(adj, tr)
		}
	}
	if len(adj) != 1 {
		t.Fatalf("late has %d adjustments, want 1: %+v", len(adj), adj)
	}
	// 15th, 16th at 7.50%: 360,000.01 × 0.075 / 360 = 75.0000020… → 75.00
	// (the day's amount on the whole balance rounds the same way); 17th to
	// 20th at 8.00%: 80.00 each.
	if got, want := adj[0].Postings[0], (ledger.Posting{Account: ledger.InterestReceivable, Amount: amt("470.00")}); got != want || adj[0].ValueDate != d("2006-01-21") {
		t.Errorf("adjustment = %+v on %s, want %+v on 2006-01-21", got, adj[0].ValueDate, want)
	}
	for _, w := range []string{"2006-01-15..2006-01-20 (6 days)", fmt.Sprint(late.Transaction.ID)} {
		if !strings.Contains(adj[0].Memo, w) {
			t.Errorf("adjustment memo %q does not name %q", adj[0].Memo, w)
		}
	}

	// A repayment back-valued over a rate change adjusts downwards; the
	// same on early before its accrual.
	for _, f := range []string{"early", "late"} {
		if f == "late" {
			must(svc.CloseOfBusiness(ctx, d("2006-01-25"))).of(t)
		}
		rp, err := ledger.Repayment(ref(f, "r1", "2006-01-16"), amt("500000.00"))
		post(t, s, rp, err)
	}
	must(svc.CloseOfBusiness(ctx, d("2006-01-26"))).of(t)
	be = must(s.Balances(ctx, "early", d("2006-01-26"))).of(t)
	bl = must(s.Balances(ctx, "late", d("2006-01-26"))).of(t)
	for _, acc := range []ledger.Account{ledger.Loans, ledger.InterestReceivable, ledger.InterestIncome} {
		if be[acc] != bl[acc] {
			t.Errorf("after the repayment, %s: late %s, want %s", acc, bl[acc], be[acc])
		}
	}
	if again := must(svc.CloseOfBusiness(ctx, d("2006-01-26"))).of(t); again.Posted != 0 {
		t.Fatalf("second run = %+v, want nothing posted", again)
	}

	// Over a month end with capitalised interest: the adjustment is posted
	// on the run's day and capitalised with that month.
	must(svc.CloseOfBusiness(ctx, d("2006-01-31"))).of(t)
	rp, err := ledger.Repayment(ref("late", "r2", "2006-01-30"), amt("100000.00"))
	post(t, s, rp, err)
	must(svc.CloseOfBusiness(ctx, d("2006-02-01"))).of(t)
	txs := storetest.CheckInvariants(t, s, "late")
	last := txs[len(txs)-2:]
	// 30th, 31st: 100,000 × 0.08 / 360 = 22.2222… → 22.22 less each day.
	if last[0].Kind != ledger.KindInterestAdjustment || last[0].ValueDate != d("2006-02-01") || last[0].Postings[0].Amount != amt("-44.44") {
		t.Errorf("month-end adjustment = %+v", last[0])
	}
	must(svc.CloseOfBusiness(ctx, d("2006-02-28"))).of(t)
	if b := must(s.Balances(ctx, "late", d("2006-02-28"))).of(t); b[ledger.InterestReceivable] != 0 {
		t.Errorf("receivable after February's capitalisation = %s, want 0", b[ledger.InterestReceivable])
	}
}
