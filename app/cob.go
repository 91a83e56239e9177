package app

import (
	"context"
	"fmt"
	"strings"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// CloseResult summarises a close-of-business run.
type CloseResult struct {
	Facilities int // facilities examined
	Posted     int // accrual and capitalisation transactions posted
	Replayed   int // already posted by an earlier run
}

// CloseOfBusiness accrues interest for every facility for each day not yet
// accrued up to and including through: one accrual transaction per facility
// and day (keyed by ledger.InterestKey, so running twice posts nothing
// new), on the Loans balance at the close of that day, at the base rate
// effective that day plus the margin (ledger.AccrueDay). On a month end,
// facilities whose terms capitalise interest have the month's accrued
// interest moved to the Loans. Rates are read once per series.
//
// A facility counts as accrued from its first Loans posting.
//
// A Loans posting stored after a run and dated on or before the day that
// run accrued through (an advance, repayment, collection, returned item or
// reversal back-valued into accrued days; store.AccrualState.Late) is
// adjusted by the next run reaching that day: each affected day, from the
// posting's value date to the accrued-through day, is recomputed with
// ledger.AccrueDay on the Loans balance with and without the late postings
// (each rounded once, as the daily accrual is), and the sum of the
// differences is posted as one ledger.InterestAdjustment per facility and
// run, dated through, with a memo naming the days and the transactions. It
// is part of the receivable from through on: with capitalised interest, it
// is capitalised at the end of through's month, not in the months whose
// days it corrects, and it bears no interest before; with billed interest
// it is billed with through's month. The run records the largest Loans
// transaction id it saw, so running it again posts nothing new. The
// recomputation uses the terms and base rates read for this run.
//
// When the run succeeds, the business date moves to the day after through
// (Service.OpenBusinessDate; never backwards).
//
// If loans are posted while the run computes, the commit detects it and
// the run starts again (up to three times) rather than miss their interest.
func (s *Service) CloseOfBusiness(ctx context.Context, through date.Date) (CloseResult, error) {
	for attempt := 1; ; attempt++ {
		res, err := s.closeOfBusiness(ctx, through)
		if store.ErrorCode(err) == store.CodeConflict && attempt < 3 {
			continue
		}
		if err != nil {
			return res, err
		}
		// The day is closed: the next business date opens.
		by := "close of business"
		if a, ok := ActorFrom(ctx); ok && a.User != "" {
			by = a.User
		}
		if _, err := s.OpenBusinessDate(ctx, through+1, by, "close of business "+through.String()); err != nil {
			return res, fmt.Errorf("close of business %s: opening the next business date: %w", through, err)
		}
		return res, nil
	}
}

func (s *Service) closeOfBusiness(ctx context.Context, through date.Date) (CloseResult, error) {
	var res CloseResult
	states, err := s.Store.AccrualState(ctx, through)
	if err != nil {
		return res, fmt.Errorf("close of business %s: %w", through, err)
	}
	res.Facilities = len(states)
	series := map[string]ledger.RateSeries{}
	var txs []ledger.Transaction
	processed := make([]store.AccrualState, 0, len(states))
	for _, st := range states {
		start := st.AccruedThrough + 1
		if st.AccruedThrough == 0 {
			start = st.FirstActivity
		}
		// Back-valued Loans postings are adjusted in a run reaching the
		// accrued-through day (an earlier run leaves them for a later one).
		late := st.Late
		if through < st.AccruedThrough {
			late = nil
		}
		if (st.AccruedThrough == 0 && st.FirstActivity == 0 || start > through) && len(late) == 0 {
			continue
		}
		processed = append(processed, st)
		terms, err := s.Terms.Terms(ctx, st.Facility, through)
		if err != nil {
			return res, fmt.Errorf("close of business %s: terms of %q: %w", through, st.Facility, err)
		}
		ser, ok := series[terms.Pricing.Series]
		if !ok {
			ser, err = s.Store.RateSeries(ctx, terms.Pricing.Series)
			if err != nil {
				return res, fmt.Errorf("close of business %s: facility %q: %w", through, st.Facility, err)
			}
			series[terms.Pricing.Series] = ser
		}
		principal := st.Opening
		// Interest accrued and not yet capitalised. Everything stored for
		// the facility is dated on or before AccruedThrough, so the balance
		// as of through is the balance when this run starts.
		receivable := st.InterestReceivable
		adj := adjustment{late: late}
		di := 0
		for day := st.From; day <= through; day++ {
			for di < len(st.Deltas) && st.Deltas[di].Day <= day {
				principal += st.Deltas[di].Amount
				di++
			}
			if day <= st.AccruedThrough && len(late) > 0 {
				if err := adj.day(terms.Pricing, ser, day, principal); err != nil {
					return res, fmt.Errorf("close of business %s: facility %q: %w", through, st.Facility, err)
				}
			}
			if day == through && len(late) > 0 {
				t, ok, err := adj.transaction(st.Facility, through)
				if err != nil {
					return res, fmt.Errorf("close of business %s: facility %q: %w", through, st.Facility, err)
				}
				if ok {
					txs = append(txs, t)
					receivable += adj.total
				}
			}
			if day < start {
				continue
			}
			a, err := ledger.AccrueDay(terms.Pricing, ser, day, principal)
			if err != nil {
				return res, fmt.Errorf("close of business %s: facility %q: %w", through, st.Facility, err)
			}
			t, ok, err := ledger.Accrual(st.Facility, a)
			if err != nil {
				return res, err
			}
			if ok {
				txs = append(txs, t)
				receivable += a.Amount
			}
			if terms.Capitalise && ledger.IsMonthEnd(day) {
				t, ok, err := ledger.Capitalise(st.Facility, day, receivable)
				if err != nil {
					return res, err
				}
				if ok {
					txs = append(txs, t)
					// Capitalised interest bears interest from the next day.
					principal += receivable
					receivable = 0
				}
			}
		}
	}
	posted, err := s.Store.CommitAccrual(ctx, through, processed, txs)
	if err != nil {
		return res, fmt.Errorf("close of business %s: %w", through, err)
	}
	for _, p := range posted {
		if p.Replayed {
			res.Replayed++
		} else {
			res.Posted++
		}
	}
	return res, nil
}

// adjustment accumulates the interest difference of accrued days caused
// by late (back-valued) Loans postings.
type adjustment struct {
	late  []store.LatePosting
	total money.Amount
	days  []date.Date // days whose interest changed
}

// day adds the difference on day, where principal is the Loans balance at
// its close including the late postings.
func (a *adjustment) day(p ledger.Pricing, ser ledger.RateSeries, day date.Date, principal money.Amount) error {
	without := principal
	for _, l := range a.late {
		if l.Day <= day {
			without -= l.Amount
		}
	}
	if without == principal {
		return nil
	}
	now, err := ledger.AccrueDay(p, ser, day, principal)
	if err != nil {
		return err
	}
	was, err := ledger.AccrueDay(p, ser, day, without)
	if err != nil {
		return err
	}
	if d := now.Amount - was.Amount; d != 0 {
		a.total += d
		a.days = append(a.days, day)
	}
	return nil
}

// transaction is the adjustment posted on day.
func (a *adjustment) transaction(facility string, day date.Date) (ledger.Transaction, bool, error) {
	ids := make([]string, len(a.late))
	for i, l := range a.late {
		ids[i] = fmt.Sprintf("%d (%s, %s)", l.TxID, l.Day, l.Amount)
	}
	var days string
	switch n := len(a.days); n {
	case 0:
		return ledger.Transaction{}, false, nil
	case 1:
		days = a.days[0].String()
	default:
		days = fmt.Sprintf("%s..%s (%d days)", a.days[0], a.days[n-1], n)
	}
	memo := fmt.Sprintf("interest adjustment %s for %s: back-valued loans transactions %s", a.total, days, strings.Join(ids, ", "))
	return ledger.InterestAdjustment(facility, day, ledger.InterestAdjustmentKey(day, a.late[len(a.late)-1].TxID), a.total, memo)
}
