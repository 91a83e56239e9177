package app

import (
	"context"
	"slices"

	"github.com/cockroachdb/apd/v3"

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
	// Loans is the interest per loan and rate period (each loan's exact
	// share, rounded once per period), RepaymentOrder how repayments were
	// applied to the loans.
	Loans          []ledger.LoanPeriod `json:"loans"`
	RepaymentOrder string              `json:"repayment_order"`
	// LastOutAccrued, with a last-out tranche, is the sum of the last-out
	// loans' own daily accruals in the span (not in Periods or Accrued,
	// which are the first-out loans').
	LastOutAccrued string `json:"last_out_accrued,omitempty"`
}

// rateGroups are a day's loans grouped by the rate they bore, each with
// its exact interest rounded to the cent.
func rateGroups(di ledger.DayInterest) ([]ledger.DayRate, error) {
	var out []ledger.DayRate
	exact := map[int]*apd.Decimal{}
	c := apd.BaseContext.WithPrecision(40)
	for _, l := range di.Loans {
		i := slices.IndexFunc(out, func(g ledger.DayRate) bool {
			return g.Option == l.Rate.Option && g.Series == l.Rate.Series && g.Base.Effective == l.Rate.Point.Effective && g.Rate.Cmp(l.Rate.Rate) == 0 && g.Note == l.Rate.Note
		})
		if i < 0 {
			out = append(out, ledger.DayRate{Day: di.Day, Option: l.Rate.Option, Series: l.Rate.Series, Base: l.Rate.Point, Margin: l.Rate.Margin,
				Rate: l.Rate.Rate, Floor: l.Rate.Floor, Floored: l.Rate.Floored, Default: l.Rate.Default, Note: l.Rate.Note, DayCount: di.DayCountName})
			i = len(out) - 1
			exact[i] = new(apd.Decimal)
		}
		if _, err := c.Add(exact[i], exact[i], l.Exact); err != nil {
			return nil, err
		}
	}
	for i := range out {
		a, err := money.FromDecimal(exact[i])
		if err != nil {
			return nil, err
		}
		out[i].Interest = a
	}
	return out, nil
}

// InterestByRatePeriod explains the interest accrued on a facility's loans
// from from to to (value dates, inclusive): the days grouped by the rate
// they bore, each period with its rate as close of business computed it
// (the base series' value in force, with its source, at least the floor,
// plus the margin of the option — a margin grid's level in force, saying
// which, the measured average and the period — and the default interest
// while an event of default continues), its day count and the interest
// posted by close of business for its days (on a day its loans bore
// several rates, each rate's exact share rounded to the cent); and per
// loan and rate period (ledger.LoanPeriods): each loan of the day
// (ledger.LoanBook) with its rate (ledger.LoanRateOn, with the day's
// margin and default interest from dayPricer). Days before the first
// accrual or after the last are left out; a day whose series had no value
// is undetermined, naming the series and the day.
func (s *Service) InterestByRatePeriod(ctx context.Context, facility string, from, to date.Date) (InterestReport, error) {
	out := InterestReport{Facility: facility, From: from, To: to, Periods: []ledger.RatePeriod{}, Loans: []ledger.LoanPeriod{}, RepaymentOrder: ledger.RepaymentOrder}
	if err := authorize(ctx, ActRead, facility); err != nil {
		return out, err
	}
	if to < from || int(to-from) >= maxInterestDays {
		return out, store.Errorf(store.CodeInvalid, "interest from %s to %s: expected from on or before to, at most %d days", from, to, maxInterestDays)
	}
	var txs []ledger.Transaction
	var accrued, adjusted, lastOut int64
	after := int64(0)
	for {
		page, err := s.Store.TransactionsPage(ctx, facility, store.Page{After: after, Limit: 1000, From: from, To: to})
		if err != nil {
			return out, err
		}
		for _, tr := range page {
			after = tr.ID
			for _, p := range tr.Postings {
				if p.Account != ledger.InterestReceivable {
					continue
				}
				switch {
				case tr.Kind == ledger.KindInterest && ledger.IsLastOutInterest(tr):
					lastOut += int64(p.Amount)
				case tr.Kind == ledger.KindInterest:
					accrued += int64(p.Amount)
				case tr.Kind == ledger.KindInterestAdjustment:
					adjusted += int64(p.Amount)
				}
			}
		}
		txs = append(txs, page...)
		if len(page) < 1000 {
			break
		}
	}
	days, loanDays, err := s.interestDays(ctx, facility, from, to, txs)
	if err != nil {
		return out, err
	}
	if out.Loans, err = ledger.LoanPeriods(loanDays); err != nil {
		return out, err
	}
	out.Periods = ledger.RatePeriods(days)
	out.Accrued, out.Adjustments = money.Amount(accrued).String(), money.Amount(adjusted).String()
	if lastOut != 0 {
		out.LastOutAccrued = money.Amount(lastOut).String()
	}
	return out, nil
}

// interestDays derives the rates the days from from to to bore, from the
// facility's transactions txs value-dated in the span (those known: a day
// without an accrual in txs is left out): each day's loans grouped by rate
// (ledger.DayRate, a day with one rate carrying its posted accrual) and
// each day's interest by loan (ledger.DayInterest), as close of business
// computed them (the terms and the rate series of the day).
func (s *Service) interestDays(ctx context.Context, facility string, from, to date.Date, txs []ledger.Transaction) ([]ledger.DayRate, []ledger.DayInterest, error) {
	posted := map[date.Date]int64{}
	deltas := map[date.Date]money.Amount{} // Loans postings from from to to
	for _, tr := range txs {
		if tr.ValueDate < from || tr.ValueDate > to {
			continue
		}
		for _, p := range tr.Postings {
			if p.Account == ledger.Loans {
				day := tr.ValueDate
				if tr.Kind == ledger.KindCapitalise {
					day++ // bears interest from the next day
				}
				deltas[day] += p.Amount
			}
			if p.Account == ledger.InterestReceivable && tr.Kind == ledger.KindInterest && !ledger.IsLastOutInterest(tr) {
				posted[tr.ValueDate] += int64(p.Amount)
			}
		}
	}
	terms := dailyTerms{s: s, facility: facility, series: map[string]ledger.RateSeries{}}
	if err := terms.dates(ctx); err != nil {
		return nil, nil, err
	}
	m, err := s.readElections(ctx, facility, to)
	if err != nil {
		return nil, nil, err
	}
	last, _, err := terms.on(ctx, to)
	if err != nil {
		return nil, nil, err
	}
	if err := s.readLoanMoves(ctx, &m, facility, to, last, false); err != nil {
		return nil, nil, err
	}
	// Pooled (every loan of the default floating option): one position of
	// the balance, from the balance before from and the postings read.
	var principal money.Amount
	if m.pooled {
		b, err := s.Store.Balances(ctx, facility, from-1)
		if err != nil {
			return nil, nil, err
		}
		principal = b[ledger.Loans]
	}
	bk := m.book(nil)
	termsOf := func(d date.Date) (FacilityTerms, error) {
		t, _, err := terms.on(ctx, d)
		return t, err
	}
	rates := &seriesReader{s: s, ctx: ctx, series: terms.series, pricer: s.pricer(facility)}
	var days []ledger.DayRate
	var loanDays []ledger.DayInterest
	for day := from; day <= to; day++ {
		principal += deltas[day]
		amt, ok := posted[day]
		if !ok {
			continue // no accrual that day (no loans, or not yet closed)
		}
		var loans []ledger.Loan
		if !m.pooled {
			if loans, err = bk.to(day, termsOf); err != nil {
				return nil, nil, err
			}
		}
		t, _, err := terms.on(ctx, day)
		if err != nil {
			return nil, nil, err
		}
		if m.pooled {
			if loans, err = ledger.Pooled(principal, loanTerms(t)); err != nil {
				return nil, nil, err
			}
		}
		di, err := rates.accrueLoans(t, day, loans)
		if err != nil {
			return nil, nil, err
		}
		loanDays = append(loanDays, di)
		groups, err := rateGroups(di)
		if err != nil {
			return nil, nil, err
		}
		if len(groups) == 1 {
			groups[0].Interest = money.Amount(amt) // the posted amount
		}
		days = append(days, groups...)
	}
	return days, loanDays, nil
}
