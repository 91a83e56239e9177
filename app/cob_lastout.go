package app

import (
	"context"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// lastOutInterest is close of business's accrual of interest on the
// last-out (FILO) loans: its own daily accrual (ledger.LastOutAccrual,
// keyed interest-last-out:<day>) on the loans_last_out balance at the
// first-out rate plus the last-out margin (ledger.LastOutPricing), beside
// the first-out accrual on the loans. The balances are read once per
// facility run, and only for a facility whose terms have a last-out
// tranche on a day accrued.
type lastOutInterest struct {
	facility string
	loaded   bool
	later    []store.AccountDay
	next     int
	balance  money.Amount
}

// day accrues the last-out interest of day under the terms t (nothing
// when they have no last-out tranche or there are no last-out loans).
func (l *lastOutInterest) day(ctx context.Context, s *Service, day date.Date, t FacilityTerms, ser ledger.RateSeries) (ledger.Transaction, bool, error) {
	if t.LastOut == nil {
		return ledger.Transaction{}, false, nil
	}
	if !l.loaded {
		in, err := s.Store.AvailabilityInputs(ctx, l.facility, day-1, store.Everything, true)
		if err != nil {
			return ledger.Transaction{}, false, err
		}
		l.loaded, l.balance = true, in.Balances[ledger.LoansLastOut]
		for _, a := range in.Later {
			if a.Account == ledger.LoansLastOut {
				l.later = append(l.later, a)
			}
		}
	}
	for ; l.next < len(l.later) && l.later[l.next].Day <= day; l.next++ {
		l.balance += l.later[l.next].Amount
	}
	if l.balance <= 0 {
		return ledger.Transaction{}, false, nil
	}
	if u := t.LastOut.MarginUnknown; u != nil {
		return ledger.Transaction{}, false, undetermined(day, "last-out interest on "+day.String(), []ledger.Unknown{*u})
	}
	a, err := ledger.AccrueDay(ledger.LastOutPricing(t.Pricing, t.LastOut.Margin), ser, day, l.balance)
	if err != nil {
		return ledger.Transaction{}, false, err
	}
	return ledger.LastOutAccrual(l.facility, a)
}
