package app

import (
	"context"
	"fmt"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// loanTerms is what the loan book needs of a day's terms.
func loanTerms(ft FacilityTerms) ledger.LoanTerms {
	opts := ft.Options
	if len(opts) == 0 && ft.Pricing.Series != "" {
		// Terms without a list of options: the one of Pricing.
		id := ft.Pricing.Option
		if id == "" {
			id = ft.Pricing.Series
		}
		opts = []ledger.Option{{ID: id, Base: ft.Pricing.Series, Margin: ft.Pricing.Margin, Floor: ft.Pricing.Floor, Lookback: ft.Pricing.Lookback}}
	}
	return ledger.LoanTerms{Options: opts, Calendar: ft.Calendar}
}

// seriesReader reads rate series by name once per run, into the run's map;
// the first error reading one is kept in err (a series with no value is
// empty, not an error: the rate is then undetermined, naming it).
type seriesReader struct {
	s      *Service
	ctx    context.Context
	series map[string]ledger.RateSeries
	// pricer gives the day's margin and default interest (nil: the
	// options' margins as they are).
	pricer *dayPricer
	err    error
}

func (r *seriesReader) get(name string) ledger.RateSeries {
	if ser, ok := r.series[name]; ok {
		return ser
	}
	ser, err := r.s.Store.RateSeries(r.ctx, name)
	if err != nil && store.ErrorCode(err) != store.CodeNotFound && r.err == nil {
		r.err = err
	}
	r.series[name] = ser
	return ser
}

// accrueLoans is the interest of day on loans under the day's terms t: each
// loan at its own rate (ledger.LoanRateOn), summed exact and rounded once.
func (r *seriesReader) accrueLoans(t FacilityTerms, day date.Date, loans []ledger.Loan) (ledger.DayInterest, error) {
	lt := loanTerms(t)
	rates := make([]ledger.LoanRate, len(loans))
	for i, l := range loans {
		o, ok := lt.Option(l.Option)
		if !ok {
			return ledger.DayInterest{}, &ledger.Error{Code: ledger.CodeUndetermined, ValueDate: day,
				Message: fmt.Sprintf("interest on %s is undetermined: %s is a %s loan and the terms in force that day give no pricing option %q with a known margin", day, l.Name, l.Option, l.Option)}
		}
		// The day's margin (a margin grid's level) and default interest,
		// as close of business and the interest shown compute them
		// (dayPricer); the base, fixed or of the day, from the loan.
		var day0 ledger.Pricing
		if r.pricer != nil && (o.Grid != nil || t.DefaultInterest != nil) {
			var err error
			if day0, err = r.pricer.pricing(r.ctx, t, ledger.Pricing{Option: o.ID, Margin: o.Margin, Grid: o.Grid}, day); err != nil {
				return ledger.DayInterest{}, err
			}
			o.Margin, o.Grid = day0.Margin, nil
		}
		rate, err := ledger.LoanRateOn(l, o, r.get, day)
		if r.err != nil {
			return ledger.DayInterest{}, r.err
		}
		if err != nil {
			return ledger.DayInterest{}, err
		}
		if day0.Default.Sign() != 0 {
			rate.Default, rate.Rate = day0.Default, rate.Rate.Add(day0.Default)
		}
		rate.Note = day0.Note
		rates[i] = rate
	}
	return ledger.AccrueLoans(day, loans, rates, t.Pricing.DayCount, t.Pricing.DayCountName)
}

// loanMoves is what the positions of a facility's loans are derived from:
// the Loans postings by transaction, the funded advance requests' elections
// and the loan notices.
type loanMoves struct {
	pooled     bool // every loan is of the default floating option: one position of the balance
	first      date.Date
	byTx       []txMove
	borrowings map[int64]ledger.Borrowing // by funding transaction id
	notices    []ledger.Notice
}

type txMove struct {
	id     int64
	day    date.Date
	amount money.Amount
	// capitalised: the month's interest moved to the Loans at the close of
	// day, after the day's accrual: it bears interest from the next day.
	capitalised bool
}

// readElections reads a facility's funded advance requests through
// through and its loan notices.
func (s *Service) readElections(ctx context.Context, facility string, through date.Date) (loanMoves, error) {
	var m loanMoves
	notices, err := s.Store.LoanNotices(ctx, facility)
	if err != nil {
		return m, err
	}
	reqs, err := s.Store.AdvanceRequests(ctx, facility)
	if err != nil {
		return m, err
	}
	m.borrowings = map[int64]ledger.Borrowing{}
	for _, r := range reqs {
		if r.Status != store.AdvanceFunded || r.Transaction == 0 || r.ValueDate > through {
			continue
		}
		m.borrowings[r.Transaction] = ledger.Borrowing{Loan: r.ID, Day: r.ValueDate, Amount: r.Amount, Option: r.Option, Tenor: r.InterestPeriod}
	}
	for _, n := range notices {
		m.notices = append(m.notices, ledger.Notice{Loan: n.Loan, PeriodEnd: n.PeriodEnd, Option: n.Option, Tenor: n.InterestPeriod,
			Ref: fmt.Sprintf("notice %d (%s, given %s)", n.ID, n.Kind, n.GivenAt.Format("2006-01-02"))})
	}
	return m, nil
}

// readLoanMoves decides whether m is pooled under the terms ft: when no
// loan notice was given and every funded advance request elects the
// default floating option of ft (or none), every loan is of that option
// and the positions are one of the balance, and nothing more is read;
// otherwise (or when derive) it reads the Loans postings through through.
func (s *Service) readLoanMoves(ctx context.Context, m *loanMoves, facility string, through date.Date, ft FacilityTerms, derive bool) error {
	def, hasDefault := loanTerms(ft).DefaultFloating()
	m.pooled = len(m.notices) == 0 && !derive
	for _, br := range m.borrowings {
		if br.Option != "" && (!hasDefault || br.Option != def.ID) {
			m.pooled = false
		}
	}
	if m.pooled {
		return nil
	}
	after := int64(0)
	for {
		txs, err := s.Store.TransactionsPage(ctx, facility, store.Page{After: after, Limit: 1000, To: through})
		if err != nil {
			return err
		}
		for _, tr := range txs {
			after = tr.ID
			var a money.Amount
			for _, p := range tr.Postings {
				if p.Account == ledger.Loans {
					a += p.Amount
				}
			}
			if a != 0 || tr.Kind == ledger.KindAdvance {
				m.byTx = append(m.byTx, txMove{id: tr.ID, day: tr.ValueDate, amount: a, capitalised: tr.Kind == ledger.KindCapitalise})
				if m.first == 0 || tr.ValueDate < m.first {
					m.first = tr.ValueDate
				}
			}
		}
		if len(txs) < 1000 {
			break
		}
	}
	return nil
}

// book is a loan book walking the days of m, leaving out the transactions
// of skip (the back-valued postings a run adjusts for).
type book struct {
	b          *ledger.LoanBook
	net        map[date.Date]money.Amount
	caps       map[date.Date]money.Amount // capitalised interest, by day
	borrowings map[date.Date][]ledger.Borrowing
	next       date.Date
}

func (m loanMoves) book(skip map[int64]bool) *book {
	bk := &book{b: ledger.NewLoanBook(m.notices), net: map[date.Date]money.Amount{}, caps: map[date.Date]money.Amount{},
		borrowings: map[date.Date][]ledger.Borrowing{}, next: m.first}
	for _, t := range m.byTx {
		if skip[t.id] {
			continue
		}
		if t.capitalised {
			bk.caps[t.day] += t.amount
			continue
		}
		bk.net[t.day] += t.amount
		if br, ok := m.borrowings[t.id]; ok {
			bk.borrowings[t.day] = append(bk.borrowings[t.day], br)
		}
	}
	return bk
}

// to moves the book to the close of day, walking every day before it with
// the terms of each (terms are asked in ascending order of days).
func (bk *book) to(day date.Date, termsOn func(date.Date) (FacilityTerms, error)) ([]ledger.Loan, error) {
	if bk.next == 0 {
		bk.next = day
	}
	reached := bk.next <= day
	capitalise := func(d date.Date, t FacilityTerms) error {
		return bk.b.Debit(d, loanTerms(t), bk.caps[d], "capitalised interest")
	}
	var last FacilityTerms
	for ; bk.next <= day; bk.next++ {
		d := bk.next
		if bk.net[d] == 0 && len(bk.borrowings[d]) == 0 && bk.caps[d] == 0 && bk.b.Principal() == 0 {
			continue // nothing to move on a day without loans or postings
		}
		t, err := termsOn(d)
		if err != nil {
			return nil, err
		}
		if err := bk.b.Day(d, loanTerms(t), bk.borrowings[d], bk.net[d]); err != nil {
			return nil, err
		}
		last = t
		// Interest capitalised at the close of a day bears interest from
		// the next: it is a loan once the day's loans are read.
		if d < day {
			if err := capitalise(d, t); err != nil {
				return nil, err
			}
		}
	}
	out := bk.b.Loans()
	if reached && bk.caps[day] != 0 {
		if err := capitalise(day, last); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LoanNoticeInput is a borrower's notice for a term-rate loan at the end of
// its current interest period: Kind store.LoanContinue keeps the loan's
// option (Option "" or the same) for InterestPeriod; store.LoanConvert
// elects Option, another of the terms' options (InterestPeriod for a term
// rate, "" for a floating rate).
type LoanNoticeInput struct {
	Facility       string
	Key            string
	Loan           int64 // the advance request that funded the loan
	Kind           string
	Option         string
	InterestPeriod string
	By             string
}

// LoanNoticeResult is a stored notice with the loan it is for (as at the
// close of the day before the business date, or of its borrowing date if
// later) and, for a term rate, the interest period it starts.
type LoanNoticeResult struct {
	Notice store.LoanNotice       `json:"notice"`
	Loan   ledger.Loan            `json:"loan"`
	Next   *ledger.InterestPeriod `json:"next_interest_period,omitempty"`
}

// GiveLoanNotice records a borrower's notice continuing or converting a
// term-rate loan at the end of its current interest period, as known now:
// the loan must be a funded advance request with principal outstanding, of
// a term-rate option, and its current interest period must end on or after
// the business date (a notice for a period already ended comes too late:
// the loan was converted to the first option that is not a term rate). The
// new option and period are checked as a borrowing of the loan's principal
// is (ledger.Option CheckBorrowing) under the terms in force on the
// period's end. A loan and period end take one notice (a second is a
// conflict); retried with the same key and content the stored notice is
// returned. A refused notice stores nothing.
func (s *Service) GiveLoanNotice(ctx context.Context, in LoanNoticeInput) (LoanNoticeResult, error) {
	ctx = named(ctx, OpLoanNotice)
	var out LoanNoticeResult
	if err := authorize(ctx, ActRequestAdvance, in.Facility); err != nil {
		return out, err
	}
	in.By = requester(ctx, in.By)
	switch {
	case in.Key == "":
		return out, store.Errorf(store.CodeInvalid, "loan notice: an idempotency key is required")
	case in.Kind != store.LoanContinue && in.Kind != store.LoanConvert:
		return out, store.Errorf(store.CodeInvalid, "loan notice %q: kind %q, expected continue or convert", in.Key, in.Kind)
	case in.Loan <= 0:
		return out, store.Errorf(store.CodeInvalid, "loan notice %q: expected the loan's number (the id of the advance request that funded it)", in.Key)
	}
	var req store.AdvanceRequest
	reqs, err := s.Store.AdvanceRequests(ctx, in.Facility)
	if err != nil {
		return out, err
	}
	for _, r := range reqs {
		if r.ID == in.Loan {
			req = r
		}
	}
	if req.ID == 0 {
		return out, store.Errorf(store.CodeNotFound, "loan notice %q: facility %q has no loan %d (no advance request %d)", in.Key, in.Facility, in.Loan, in.Loan)
	}
	if req.Status != store.AdvanceFunded {
		return out, store.Errorf(store.CodeInvalid, "loan notice %q: advance request %d is %s, not funded: it is no loan", in.Key, in.Loan, req.Status)
	}
	bd, err := s.BusinessDate(ctx)
	if err != nil {
		return out, err
	}
	on := max(bd-1, req.ValueDate)
	loans, err := s.loansAt(ctx, in.Facility, on)
	if err != nil {
		return out, fmt.Errorf("loan notice %q: %w", in.Key, err)
	}
	var loan *ledger.Loan
	for i := range loans {
		if loans[i].ID == in.Loan {
			loan = &loans[i]
		}
	}
	switch {
	case loan == nil:
		return out, store.Errorf(store.CodeInvalid, "loan notice %q: loan %d has no principal outstanding at the close of %s (repaid)", in.Key, in.Loan, on)
	case loan.Period == nil:
		return out, store.Errorf(store.CodeInvalid, "loan notice %q: loan %d is a %s loan at the close of %s (%s): it has no interest period to continue or convert at the end of", in.Key, in.Loan, loan.Option, on, loan.How)
	}
	end := loan.Period.End
	ft, err := s.termsOn(ctx, in.Facility, end)
	if err != nil {
		return out, err
	}
	lt := loanTerms(ft)
	option := in.Option
	switch in.Kind {
	case store.LoanContinue:
		if option == "" {
			option = loan.Option
		}
		if option != loan.Option {
			return out, store.Errorf(store.CodeInvalid, "loan notice %q: a continuation keeps loan %d's option %s; to elect %s give a conversion (kind convert)", in.Key, in.Loan, loan.Option, option)
		}
	case store.LoanConvert:
		if option == "" {
			return out, store.Errorf(store.CodeInvalid, "loan notice %q: a conversion names the option loan %d is converted to", in.Key, in.Loan)
		}
		if option == loan.Option {
			return out, store.Errorf(store.CodeInvalid, "loan notice %q: loan %d is already a %s loan; to keep it for another interest period give a continuation (kind continue)", in.Key, in.Loan, option)
		}
	}
	opt, ok := lt.Option(option)
	if !ok {
		ids := make([]string, len(lt.Options))
		for i, o := range lt.Options {
			ids[i] = o.ID
		}
		return out, store.Errorf(store.CodeInvalid, "loan notice %q: option %q: expected one of the pricing options in force on %s: %v", in.Key, option, end, ids)
	}
	if err := opt.CheckBorrowing(loan.Principal, in.InterestPeriod); err != nil {
		return out, fmt.Errorf("loan notice %q for loan %d (%s outstanding) from %s: %w", in.Key, in.Loan, loan.Principal, end, err)
	}
	out.Loan = *loan
	if opt.IsTerm() {
		p, err := lt.Period(opt, in.InterestPeriod, end)
		if err != nil {
			return out, err
		}
		out.Next = &p
	}
	n := store.LoanNotice{Facility: in.Facility, Key: in.Key, Loan: in.Loan, PeriodEnd: end, Kind: in.Kind, Option: option,
		InterestPeriod: in.InterestPeriod, GivenBy: in.By, GivenAt: s.now(), BusinessDate: bd}
	err = s.update(ctx, in.Facility, func(tx store.Tx) error {
		var err error
		out.Notice, _, err = tx.AddLoanNotice(n)
		return err
	})
	return out, err
}

// LoanNotices lists a facility's loan notices, oldest first.
func (s *Service) LoanNotices(ctx context.Context, facility string) ([]store.LoanNotice, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return nil, err
	}
	ns, err := s.Store.LoanNotices(ctx, facility)
	if ns == nil {
		ns = []store.LoanNotice{}
	}
	return ns, err
}

// loansAt are a facility's loans at the close of day, derived from its
// Loans postings, elections and notices (never pooled).
func (s *Service) loansAt(ctx context.Context, facility string, day date.Date) ([]ledger.Loan, error) {
	m, err := s.readElections(ctx, facility, day)
	if err != nil {
		return nil, err
	}
	if err := s.readLoanMoves(ctx, &m, facility, day, FacilityTerms{}, true); err != nil {
		return nil, err
	}
	terms := dailyTerms{s: s, facility: facility, series: map[string]ledger.RateSeries{}}
	if err := terms.dates(ctx); err != nil {
		return nil, err
	}
	return m.book(nil).to(day, func(d date.Date) (FacilityTerms, error) {
		t, _, err := terms.on(ctx, d)
		return t, err
	})
}
