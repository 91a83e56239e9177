package app

import (
	"context"
	"fmt"

	"revolver/date"
	"revolver/ledger"
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
// A facility counts as accrued from its first Loans posting. A Loans
// posting back-valued to a day already accrued is not re-accrued: such a
// correction needs an interest adjustment posted by the caller.
//
// If loans are posted while the run computes, the commit detects it and
// the run starts again (up to three times) rather than miss their interest.
func (s *Service) CloseOfBusiness(ctx context.Context, through date.Date) (CloseResult, error) {
	for attempt := 1; ; attempt++ {
		res, err := s.closeOfBusiness(ctx, through)
		if store.ErrorCode(err) != store.CodeConflict || attempt == 3 {
			return res, err
		}
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
		if st.AccruedThrough == 0 && st.FirstActivity == 0 || start > through {
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
		di := 0
		for day := st.From; day <= through; day++ {
			for di < len(st.Deltas) && st.Deltas[di].Day <= day {
				principal += st.Deltas[di].Amount
				di++
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
