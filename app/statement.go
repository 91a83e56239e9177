package app

import (
	"context"
	"errors"
	"time"

	"revolver/ledger"
	"revolver/statement"
	"revolver/store"
)

// Statement is the borrower's statement of a stored facility for a month
// (statement.Build, docs/statement.md) as known at knownAt: the ledger's
// transactions recorded by then (zero, or now and later: every committed
// transaction, shown as known at the clock's now), the rates of the
// month's interest as close of business computed them from the terms and
// the rate series, and the terms in force on the month's last day for
// what is due.
func (s *Service) Statement(ctx context.Context, facility string, year int, month time.Month, knownAt time.Time) (statement.Statement, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return statement.Statement{}, err
	}
	from, to, err := statement.MonthOf(year, month)
	if err != nil {
		return statement.Statement{}, store.Errorf(store.CodeInvalid, "statement of %q: %v", facility, err)
	}
	if _, err := s.Store.Facility(ctx, facility); err != nil {
		return statement.Statement{}, err
	}
	now := s.now()
	read := knownAt
	if knownAt.IsZero() || !knownAt.Before(now) {
		knownAt, read = now, store.Everything
	}
	all, err := s.Store.Transactions(ctx, facility)
	if err != nil {
		return statement.Statement{}, err
	}
	txs := make([]ledger.Transaction, 0, len(all))
	var inMonth []ledger.Transaction
	for _, t := range all {
		if t.ValueDate > to || (!t.RecordedAt.IsZero() && t.RecordedAt.After(read)) {
			continue
		}
		txs = append(txs, t)
		if t.ValueDate >= from {
			inMonth = append(inMonth, t)
		}
	}
	in := statement.Input{Facility: facility, Year: year, Month: month, KnownAt: knownAt, Transactions: txs}
	ft, err := s.Terms.Terms(ctx, facility, to)
	if err != nil {
		return statement.Statement{}, err
	}
	in.Calendar = ft.Calendar
	switch {
	case ft.BillingUnknown != nil:
		in.BillingUnknown, in.BillingCite = ft.BillingUnknown.Message(), ft.BillingUnknown.Cite
	case ft.Capitalise:
		in.Billing = statement.CapitalisedMonthly
	default:
		in.Billing = statement.BilledMonthly
	}
	// The rates of the month's days, as close of business computed them;
	// a rate that can no longer be derived (the terms or the series it
	// read are not there) leaves the amounts standing and says why.
	if in.Days, in.LoanDays, err = s.interestDays(ctx, facility, from, to, inMonth); err != nil {
		var le *ledger.Error
		if !errors.As(err, &le) {
			return statement.Statement{}, err
		}
		in.Days, in.LoanDays, in.RatesUnknown = nil, nil, le.Error()
	}
	return statement.Build(in)
}
