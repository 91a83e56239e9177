package app

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// feeWork is what a close-of-business run finds to post for a facility's
// fees on the days it walks: fixed fees that fall due, and the periods
// whose billing date it reaches.
type feeWork struct {
	fixed   []feeDue
	periods []feePeriod
	seen    map[string]bool
}

type feeDue struct {
	fee FeeTerm
	day date.Date
}

type feePeriod struct {
	id               string
	from, to, billed date.Date
}

// day notes the fees of the terms t in force on day that are due or
// billed on it.
func (w *feeWork) day(day date.Date, t FacilityTerms) {
	if len(t.Fees) == 0 {
		return
	}
	if w.seen == nil {
		w.seen = map[string]bool{}
	}
	ids := make([]string, 0, len(t.Fees))
	for id := range t.Fees {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		f := t.Fees[id]
		switch {
		case f.Kind == "" || f.Kind == ledger.FeeFixed:
			if f.Due == 0 || w.seen["fixed:"+id] {
				continue
			}
			// Due on a day the run walks: a fee due before the facility's
			// first loan (before its loan account starts in revolver) is
			// not posted by close of business (ChargeFee charges it).
			if f.Due == day {
				w.seen["fixed:"+id] = true
				w.fixed = append(w.fixed, feeDue{fee: f, day: day})
			}
		case f.Billing != "":
			from, to, err := ledger.FeePeriod(f.Billing, day)
			if err != nil {
				continue
			}
			if ledger.FeeBillingDate(to, t.Calendar) != day || w.seen["period:"+id+":"+to.String()] {
				continue
			}
			w.seen["period:"+id+":"+to.String()] = true
			w.periods = append(w.periods, feePeriod{id: id, from: from, to: to, billed: day})
		}
		// A periodic fee whose billing is not known has no period to bill.
	}
}

// post computes the fees' transactions for the facility: run are the
// transactions the run posts besides (its interest, its capitalisations).
// A fee a term of which is not known is not posted and is returned in
// notes with the reason; the facility is closed all the same.
func (w *feeWork) post(ctx context.Context, s *Service, facility string, series map[string]ledger.RateSeries, run []ledger.Transaction) (txs []ledger.Transaction, notes []CloseFailure, err error) {
	note := func(err error) bool {
		var le *ledger.Error
		if errors.As(err, &le) && le.Code == ledger.CodeUndetermined {
			notes = append(notes, CloseFailure{Facility: facility, Reason: err.Error()})
			return true
		}
		return false
	}
	for _, f := range w.fixed {
		if len(f.fee.Unknown) > 0 {
			note(undetermined(f.fee.Due, fmt.Sprintf("fee %s due %s", f.fee.ID, f.fee.Due), f.fee.Unknown))
			continue
		}
		key := ledger.FeeKey(f.fee.ID, 0)
		charged, err := s.keyStored(ctx, facility, key)
		if err != nil {
			return nil, nil, err
		}
		if charged {
			continue // charged already (ChargeFee), by whatever means
		}
		memo := fmt.Sprintf("%s (%s) due %s", f.fee.Label, f.fee.ID, f.fee.Due)
		if !f.fee.Cite.IsZero() {
			memo += "; " + f.fee.Cite.String()
		}
		tr, err := ledger.Fee(ledger.Ref{Facility: facility, Key: key, ValueDate: f.fee.Due, Memo: memo}, f.fee.Amount, false)
		if err != nil {
			return nil, nil, err
		}
		txs = append(txs, tr)
	}
	for _, p := range w.periods {
		b, err := s.billPeriod(ctx, facility, series, p, run)
		if err != nil {
			if note(err) {
				continue
			}
			return nil, nil, err
		}
		tr, ok, err := ledger.FeeBilled(facility, b)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			txs = append(txs, tr)
		}
	}
	return txs, notes, nil
}

// keyStored reports whether the facility has a transaction under key.
func (s *Service) keyStored(ctx context.Context, facility, key string) (bool, error) {
	var ok bool
	err := s.Store.Update(ctx, facility, func(tx store.Tx) error {
		var err error
		_, ok, err = tx.Lookup(key)
		return err
	})
	return ok, err
}

// billPeriod computes a periodic fee for its period (a zero bill when the
// fee was in force on no day of it): the terms in force
// and the balances at the close of each day of the period (what is stored
// and what the run posts), and the interest of the period.
func (s *Service) billPeriod(ctx context.Context, facility string, series map[string]ledger.RateSeries, p feePeriod, run []ledger.Transaction) (ledger.FeeBill, error) {
	bal, err := s.Store.Balances(ctx, facility, p.from-1)
	if err != nil {
		return ledger.FeeBill{}, err
	}
	var txs []ledger.Transaction
	for after := int64(0); ; {
		page, err := s.Store.TransactionsPage(ctx, facility, store.Page{After: after, Limit: 1000, From: p.from, To: p.to})
		if err != nil {
			return ledger.FeeBill{}, err
		}
		txs = append(txs, page...)
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].ID
	}
	for _, t := range run {
		if t.ValueDate >= p.from && t.ValueDate <= p.to {
			txs = append(txs, t)
		}
	}
	sort.SliceStable(txs, func(i, j int) bool { return txs[i].ValueDate < txs[j].ValueDate })
	terms := dailyTerms{s: s, facility: facility, series: series}
	if err := terms.dates(ctx); err != nil {
		return ledger.FeeBill{}, err
	}
	var days []ledger.FeeDay
	var interest money.Amount
	var fee *FeeTerm
	ti := 0
	for day := p.from; day <= p.to; day++ {
		for ti < len(txs) && txs[ti].ValueDate <= day {
			bal.Apply(&txs[ti])
			for _, q := range txs[ti].Postings {
				if q.Account == ledger.InterestIncome {
					interest -= q.Amount
				}
			}
			ti++
		}
		t, _, err := terms.on(ctx, day)
		if err != nil {
			return ledger.FeeBill{}, err
		}
		// The loans of both tranches (a last-out tranche's too).
		fd := ledger.FeeDay{Day: day, Loans: bal[ledger.Loans] + bal[ledger.LoansLastOut], LCOutstanding: bal[ledger.LCOutstanding], LCDrawn: bal[ledger.LCDrawn], Commitment: t.Commitment}
		if f, ok := t.Fees[p.id]; ok && f.Billing != "" && day >= t.Since {
			fd.Fee = &f
			fee = &f // as last in force in the period
		}
		for _, u := range t.Unknown {
			if u.Term == "commitment" {
				fd.CommitmentUnknown = &u
			}
		}
		days = append(days, fd)
	}
	if fee == nil {
		// Not in force on any day of the period: nothing to bill.
		return ledger.FeeBill{}, nil
	}
	return ledger.BillFee(*fee, p.from, p.to, p.billed, days, interest)
}
