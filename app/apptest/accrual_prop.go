package apptest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"

	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
	"revolver/store/storetest"
)

var accrualFacility atomic.Int64

// testAccrualProperty: random advances and repayments, some back-valued
// into days already accrued, interleaved with close-of-business runs to
// random later dates; after every run, the interest posted (accruals and
// interest adjustments) equals the sum of AccrueDay on each day's closing
// Loans balance of a model ledger holding every posting from its value
// date, no day is accrued twice, and a second run posts nothing. Until a
// posting is back-valued, each day's stored accrual equals the model's.
func testAccrualProperty(t *testing.T, s store.Store) {
	prime := ledger.RatePoint{Effective: d("2006-01-01"), Value: money.MustRate("0.0725")}
	ok(t, s.PutRate(ctx, "prime", prime, nil))
	ok(t, s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2006-02-15"), Value: money.MustRate("0.0775")}, nil))
	series := must(s.RateSeries(ctx, "prime")).of(t)
	pricing := ledger.Pricing{Series: "prime", Margin: money.MustRate("0.005"), DayCount: ledger.Actual360}
	rapid.Check(t, func(rt *rapid.T) {
		f := fmt.Sprintf("acc%d", accrualFacility.Add(1))
		newFacility(rt, s, f)
		// Close of business for this facility only: the other facilities of
		// the store are left alone by giving them no terms.
		svc := &app.Service{Store: s, Terms: app.TermsFunc(func(_ context.Context, facility string, _ date.Date) (app.FacilityTerms, error) {
			return app.FacilityTerms{Pricing: pricing}, nil
		})}
		closed := d("2006-01-01") // last close of business
		var model []ledger.Transaction
		keys := 0
		backValued := false
		for step := rapid.IntRange(1, 20).Draw(rt, "steps"); step > 0; step-- {
			if rapid.IntRange(0, 2).Draw(rt, "op") < 2 {
				keys++
				// Some postings are back-valued into days already accrued.
				vd := max(closed+1+date.Date(rapid.IntRange(-8, 5).Draw(rt, "ahead")), d("2006-01-01"))
				backValued = backValued || vd <= closed
				a := money.Amount(rapid.Int64Range(1, 1_000_000_00).Draw(rt, "cents"))
				r := ledger.Ref{Facility: f, Key: fmt.Sprintf("k%d", keys), ValueDate: vd}
				var tr ledger.Transaction
				var err error
				if rapid.Bool().Draw(rt, "advance") {
					tr, err = ledger.Advance(r, a)
				} else {
					tr, err = ledger.Repayment(r, a)
				}
				model = append(model, post(rt, s, tr, err).Transaction)
				continue
			}
			to := closed + date.Date(rapid.IntRange(1, 10).Draw(rt, "days"))
			must(svc.CloseOfBusiness(ctx, to)).of(rt)
			if again := must(svc.CloseOfBusiness(ctx, to)).of(rt); again.Posted != 0 {
				rt.Fatalf("second run to %s posted %d", to, again.Posted)
			}
			closed = to
			txs := storetest.CheckInvariants(rt, s, f)
			accrued := map[date.Date]money.Amount{}
			var posted, want money.Amount
			for _, tr := range txs {
				if tr.Kind == ledger.KindInterest || tr.Kind == ledger.KindInterestAdjustment {
					posted += tr.Postings[0].Amount
				}
				if tr.Kind == ledger.KindInterest {
					if _, dup := accrued[tr.ValueDate]; dup {
						rt.Fatalf("two accruals on %s", tr.ValueDate)
					}
					accrued[tr.ValueDate] = tr.Postings[0].Amount
				}
			}
			first := date.Max
			for _, tr := range model {
				first = min(first, tr.ValueDate)
			}
			for day := first; day <= closed; day++ {
				want += must(ledger.AccrueDay(pricing, series, day, ledger.Balance(model, ledger.Loans, day))).of(rt).Amount
			}
			// The interest posted (accruals and adjustments) is the sum of
			// the daily accruals on the balances of a ledger that had every
			// posting from its value date.
			if posted != want {
				rt.Fatalf("interest posted through %s = %s, want %s", closed, posted, want)
			}
			if backValued {
				continue
			}
			for day := first; day <= closed; day++ {
				want := must(ledger.AccrueDay(pricing, series, day, ledger.Balance(model, ledger.Loans, day))).of(rt).Amount
				if got := accrued[day]; got != want {
					rt.Fatalf("interest on %s = %s, want %s on loans of %s", day, got, want, ledger.Balance(model, ledger.Loans, day))
				}
			}
		}
	})
}
