package app

import (
	"context"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// maxInterestDays bounds the days one InterestByRatePeriod reads.
const maxInterestDays = 3700

// InterestReport is a facility's interest from From to To by rate period.
type InterestReport struct {
	Facility string              `json:"facility"`
	From     date.Date           `json:"from"`
	To       date.Date           `json:"to"`
	Periods  []ledger.RatePeriod `json:"periods"`
	// Accrued is the daily accruals' sum; Adjustments the interest
	// adjustments posted in the span for back-valued postings.
	Accrued     string `json:"accrued"`
	Adjustments string `json:"adjustments"`
	// LastOutAccrued, with a last-out tranche, is the sum of the last-out
	// loans' own daily accruals in the span (not in Periods or Accrued,
	// which are the first-out loans').
	LastOutAccrued string `json:"last_out_accrued,omitempty"`
}

// InterestByRatePeriod explains the interest accrued on a facility's loans
// from from to to (value dates, inclusive): the days grouped by the rate
// they bore, each period with its rate as close of business computed it
// (ledger.RateOfDay: the base series' value in force, with its source, at
// least the floor, plus the margin of the option — a margin grid's level in
// force, saying which, the measured average and the period — and the
// default interest while an event of default continues), its day count and the
// interest posted by close of business for its days. Days before the first
// accrual or after the last are left out; a day whose series had no value
// is undetermined, naming the series and the day.
func (s *Service) InterestByRatePeriod(ctx context.Context, facility string, from, to date.Date) (InterestReport, error) {
	out := InterestReport{Facility: facility, From: from, To: to, Periods: []ledger.RatePeriod{}}
	if err := authorize(ctx, ActRead, facility); err != nil {
		return out, err
	}
	if to < from || int(to-from) >= maxInterestDays {
		return out, store.Errorf(store.CodeInvalid, "interest from %s to %s: expected from on or before to, at most %d days", from, to, maxInterestDays)
	}
	posted := map[date.Date]int64{}
	var accrued, adjusted, lastOut int64
	after := int64(0)
	for {
		txs, err := s.Store.TransactionsPage(ctx, facility, store.Page{After: after, Limit: 1000, From: from, To: to})
		if err != nil {
			return out, err
		}
		for _, tr := range txs {
			after = tr.ID
			for _, p := range tr.Postings {
				if p.Account != ledger.InterestReceivable {
					continue
				}
				switch {
				case tr.Kind == ledger.KindInterest && ledger.IsLastOutInterest(tr):
					lastOut += int64(p.Amount)
				case tr.Kind == ledger.KindInterest:
					posted[tr.ValueDate] += int64(p.Amount)
					accrued += int64(p.Amount)
				case tr.Kind == ledger.KindInterestAdjustment:
					adjusted += int64(p.Amount)
				}
			}
		}
		if len(txs) < 1000 {
			break
		}
	}
	terms := dailyTerms{s: s, facility: facility, series: map[string]ledger.RateSeries{}}
	if err := terms.dates(ctx); err != nil {
		return out, err
	}
	var days []ledger.DayRate
	pricer := s.pricer(facility)
	for day := from; day <= to; day++ {
		amt, ok := posted[day]
		if !ok {
			continue // no accrual that day (no loans, or not yet closed)
		}
		t, ser, err := terms.on(ctx, day)
		if err != nil {
			return out, err
		}
		// The rate of the day as close of business computes it: the
		// day's margin and default interest, then the base, the floor.
		p, err := pricer.pricing(ctx, t, t.Pricing, day)
		if err != nil {
			return out, err
		}
		r, err := ledger.RateOfDay(p, ser, day)
		if err != nil {
			return out, err
		}
		days = append(days, ledger.DayRateOf(p, r, money.Amount(amt)))
	}
	out.Periods = ledger.RatePeriods(days)
	out.Accrued, out.Adjustments = money.Amount(accrued).String(), money.Amount(adjusted).String()
	if lastOut != 0 {
		out.LastOutAccrued = money.Amount(lastOut).String()
	}
	return out, nil
}
