package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

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
	// Failed are the facilities the run could not close, with the reason
	// (CloseOfBusiness then also returns a *CloseError).
	Failed []CloseFailure `json:",omitempty"`
	// Undetermined are the fees of facilities the run closed that it could
	// not post because a term they need is not known, with the reason: the
	// rest of each facility is closed, and the run succeeds.
	Undetermined []CloseFailure `json:",omitempty"`
	// Triggers counts the springing triggers' states recorded (one per
	// facility, trigger and Business Day evaluated); PeriodsStarted and
	// PeriodsEnded the trigger periods that started and ended
	// (dominion.go).
	Triggers                     int `json:",omitempty"`
	PeriodsStarted, PeriodsEnded int `json:",omitempty"`
	// Audit is the audit trail's head after the run, to publish (keep it
	// elsewhere: revolver audit verify --expect checks the trail against
	// it).
	Audit AuditHead
}

// CloseOfBusiness accrues interest for every facility for each day not yet
// accrued up to and including through: one accrual transaction per facility
// and day (keyed by ledger.InterestKey, so running twice posts nothing
// new), on the loans at the close of that day, each at its own rate
// (ledger.LoanRateOn: a floating-rate loan at the base rate effective that
// day, a term-rate loan at the base fixed for its interest period, plus
// the margin, floor applied), with the day count, of the terms in force
// that day, summed exact and rounded once (ledger.AccrueLoans): a run
// across an amendment accrues each day at its own terms. The loans are
// one position of the Loans balance while every loan is of the default
// floating option and no loan notice was given (ledger.Pooled), else
// derived from the Loans postings, the funded requests' elections and the
// notices (ledger.LoanBook, loans.go). On a month end, facilities whose terms in
// force that day capitalise interest have the month's accrued interest
// moved to the Loans. Each rate series is read once per run; the terms
// once per facility and span between the dates they change (TermDates),
// or once per day when the Terms source does not list them.
//
// A facility counts as accrued from its first Loans posting.
//
// A Loans posting stored after a run and dated on or before the day that
// run accrued through (an advance, repayment, collection, returned item or
// reversal back-valued into accrued days; store.AccrualState.Late) is
// adjusted by the next run reaching that day: each affected day, from the
// posting's value date to the accrued-through day, is recomputed on the
// loans with and without the late postings (each rounded once, as the
// daily accrual is), and the sum of the
// differences is posted as one ledger.InterestAdjustment per facility and
// run, dated through, with a memo naming the days and the transactions. It
// is part of the receivable from through on: with capitalised interest, it
// is capitalised at the end of through's month, not in the months whose
// days it corrects, and it bears no interest before; with billed interest
// it is billed with through's month. The run records the largest Loans
// transaction id it saw, so running it again posts nothing new. Each day
// is recomputed with the terms and the base rate in force on that day,
// as read by this run.
//
// The accruals, the move of the business date to the day after through
// (never backwards) and the run's audit record (kind close_of_business,
// action run, for the context's actor, when the run posted something or
// moved the date) commit in one store transaction
// (store.Store.CommitAccrual): a run is never stored without its record,
// nor the business date moved without the accruals of the day it closes.
//
// The run also posts the fees of the terms on the days it walks (fees.go):
// a fixed fee on its due date (key "fee:ID", unless a transaction under
// that key is stored), a periodic fee on the billing date of each period
// (key "fee:ID:PERIOD-END"), computed by ledger.BillFee from the balances
// at the close of each day of the period. A fee a term of which is not
// known is not posted and is listed in the result's Undetermined.
//
// The run also evaluates the springing triggers (a springing cash
// dominion, springing covenants, the minimum excess availability
// covenant) of every facility whose terms in force on through have one,
// on each Business Day after each trigger's latest recorded state, and
// appends the states and the trigger periods they start or end in the
// same store transaction (dominion.go; CloseResult.Triggers). A facility
// whose triggers cannot be evaluated is listed in Undetermined.
//
// A facility the run cannot close (a term interest needs is not known, a
// rate series has no value, …) stops only itself: the run closes every
// other facility, commits their accruals, lists the facility and the
// reason in the result's Failed, does not move the business date, and
// returns a *CloseError after the commit.
//
// If loans are posted while the run computes, the commit detects it and
// the run starts again (up to three times) rather than miss their interest.
func (s *Service) CloseOfBusiness(ctx context.Context, through date.Date) (CloseResult, error) {
	ctx = named(ctx, OpCloseOfBusiness)
	if err := authorize(ctx, ActCloseOfBusiness, ""); err != nil {
		return CloseResult{}, err
	}
	start := time.Now()
	for attempt := 1; ; attempt++ {
		res, err := s.closeOfBusiness(ctx, through)
		if store.ErrorCode(err) == store.CodeConflict && attempt < 3 {
			continue
		}
		if err == nil {
			if _, ok := s.Store.(store.Accounts); ok {
				res.Audit, err = s.AuditHead(ctx)
			}
		}
		if s.Observe != nil {
			s.Observe.CloseOfBusinessFinished(time.Since(start), err)
		}
		return res, err
	}
}

// closing is what a run commits with its accruals: the next business
// date, opened by the actor (or "close of business"), and, when the
// context carries an actor and the store keeps an audit trail, the run's
// record.
func (s *Service) closing(ctx context.Context, through date.Date, facilities int, failed, undetermined []CloseFailure) *store.AccrualClose {
	a, hasActor := ActorFrom(ctx)
	by := "close of business"
	if hasActor && a.User != "" {
		by = a.User
	}
	c := &store.AccrualClose{Open: store.BusinessDay{Date: through + 1, RecordedBy: by, RecordedAt: s.now(), Reason: "close of business " + through.String()}}
	if len(failed) > 0 {
		// The day is not closed while a facility is not.
		c.Open = store.BusinessDay{}
	}
	if _, audited := s.Store.(store.TxAuditor); !hasActor || !audited {
		return c
	}
	c.Audit = func(posted []store.Posted, opened bool) (*store.AuditRecord, error) {
		if a.Audit != nil {
			a.Audit.Ran = true
		}
		res := CloseResult{Facilities: facilities, Failed: failed, Undetermined: undetermined}
		count(&res, posted)
		if res.Posted == 0 && !opened {
			return nil, nil // nothing changed: no record
		}
		after := map[string]any{"through": through, "result": res}
		if opened {
			after["business_date"] = through + 1
		}
		b, err := json.Marshal(after)
		if err != nil {
			return nil, err
		}
		rec := a.Record(opOf(ctx), s.now())
		rec.Dated, rec.After = through, b
		if a.Audit != nil {
			a.Audit.Appended = true
		}
		return &rec, nil
	}
	return c
}

func count(res *CloseResult, posted []store.Posted) {
	for _, p := range posted {
		if p.Replayed {
			res.Replayed++
		} else {
			res.Posted++
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
	s.cobProgress(ctx, through, 0, len(states))
	// The elections (loan notices, funded requests electing an option)
	// are read only of the facilities that have any: for the others every
	// loan is of the default floating option (readLoanMoves' rule).
	elect, err := s.Store.ElectionFacilities(ctx)
	if err != nil {
		return res, fmt.Errorf("close of business %s: %w", through, err)
	}
	elections := make(map[string]bool, len(elect))
	for _, f := range elect {
		elections[f] = true
	}
	series := map[string]ledger.RateSeries{}
	var txs []ledger.Transaction
	processed := make([]store.AccrualState, 0, len(states))
	// The springing triggers are evaluated beside the accruals, by one
	// goroutine fed each facility's terms of the day (dominion.go): it
	// reads the triggers' latest states once for the run.
	tw := &triggerWork{s: s, prior: make(map[string]store.TriggerState, 2), reserves: map[string]bool{}, now: s.now(), day: through}
	jobs := make(chan triggerJob, 512)
	done := make(chan []CloseFailure, 1)
	var twErr error
	go func() {
		notes, err := tw.work(ctx, through, jobs)
		twErr = err
		done <- notes
	}()
	stop := func() []CloseFailure {
		close(jobs)
		return <-done
	}
	for i, st := range states {
		if i > 0 {
			s.cobProgress(ctx, through, i, len(states))
		}
		terms := &dailyTerms{s: s, facility: st.Facility, series: series}
		ftxs, notes, run, err := s.closeFacility(ctx, st, through, terms, elections[st.Facility])
		if err != nil {
			if ctx.Err() != nil {
				stop()
				return res, fmt.Errorf("close of business %s: %w", through, ctx.Err())
			}
			// One facility's failure stops only that facility: the run
			// goes on with the others and reports it.
			res.Failed = append(res.Failed, CloseFailure{Facility: st.Facility, Reason: err.Error()})
			continue
		}
		if run {
			processed = append(processed, st)
			txs = append(txs, ftxs...)
			res.Undetermined = append(res.Undetermined, notes...)
		}
		// The terms the accrual read for through (read now if it read
		// none), for the triggers.
		ft, _, err := terms.on(ctx, through)
		jobs <- triggerJob{st: st, ft: ft, err: err}
	}
	res.Undetermined = append(res.Undetermined, stop()...)
	if twErr != nil {
		return res, fmt.Errorf("close of business %s: %w", through, twErr)
	}
	res.Triggers = len(tw.out.States)
	for _, e := range tw.out.Events {
		if e.Event == store.TriggerStart {
			res.PeriodsStarted++
		} else {
			res.PeriodsEnded++
		}
	}
	for i := range txs {
		if txs[i].RecordedAt.IsZero() {
			txs[i].RecordedAt = s.now()
		}
	}
	s.cobProgress(ctx, through, len(states), len(states))
	c := s.closing(ctx, through, res.Facilities, res.Failed, res.Undetermined)
	if len(tw.out.States) > 0 {
		c.Triggers = &tw.out
	}
	posted, err := s.Store.CommitAccrual(ctx, through, processed, txs, c)
	if err != nil {
		return res, fmt.Errorf("close of business %s: %w", through, err)
	}
	count(&res, posted)
	if len(res.Failed) > 0 {
		return res, &CloseError{Through: through, Facilities: res.Facilities, Failed: res.Failed}
	}
	return res, nil
}

// CloseFailure is a facility a close-of-business run could not close, and
// why.
type CloseFailure struct {
	Facility string `json:"facility"`
	Reason   string `json:"reason"`
}

// CloseError is a close-of-business run that closed every facility it
// could but not those of Failed: what it posted for the others is stored,
// the business date is not moved (the day is not closed until every
// facility is), and running it again once the cause is put right closes
// the rest.
type CloseError struct {
	Through    date.Date
	Facilities int
	Failed     []CloseFailure
}

func (e *CloseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "close of business %s: %d of %d facilities not closed (the business date is not moved):", e.Through, len(e.Failed), e.Facilities)
	for _, f := range e.Failed {
		fmt.Fprintf(&b, " facility %q: %s;", f.Facility, f.Reason)
	}
	return strings.TrimSuffix(b.String(), ";")
}

// ErrorCode is "close_incomplete".
func (e *CloseError) ErrorCode() string { return CodeCloseIncomplete }

// CodeCloseIncomplete is the code of a CloseError.
const CodeCloseIncomplete = "close_incomplete"

// closeFacility computes what a run through through posts for one
// facility: run is false when it has nothing to do (no loans yet, or
// already accrued through the day with no back-valued postings).
func (s *Service) closeFacility(ctx context.Context, st store.AccrualState, through date.Date, terms *dailyTerms, elections bool) (txs []ledger.Transaction, notes []CloseFailure, run bool, err error) {
	series := terms.series
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
		return nil, nil, false, nil
	}
	if err := terms.dates(ctx); err != nil {
		return nil, nil, true, err
	}
	// interestTerms are the terms of day, refused when the pricing terms
	// interest needs are not known, with the day's margin and default
	// interest (dayPricer: a margin grid's level, an event of default).
	pricer := s.pricer(st.Facility)
	interestTerms := func(day date.Date) (FacilityTerms, ledger.RateSeries, error) {
		t, ser, err := terms.on(ctx, day)
		if err != nil {
			return t, ser, err
		}
		if len(t.InterestUnknown) > 0 {
			return t, ser, undetermined(day, "interest on "+day.String(), t.InterestUnknown)
		}
		t.Pricing, err = pricer.pricing(ctx, t, t.Pricing, day)
		return t, ser, err
	}
	// The loans: one position of the balance while every loan is of the
	// default floating option (pooled), else derived from the Loans
	// postings, the elections and the notices (ledger.LoanBook), with and
	// without the late postings. Which, is decided with the first terms
	// the run reads.
	moves := loanMoves{borrowings: map[int64]ledger.Borrowing{}}
	if elections {
		if moves, err = s.readElections(ctx, st.Facility, through); err != nil {
			return nil, nil, true, err
		}
	}
	termsOf := func(day date.Date) (FacilityTerms, error) {
		t, _, err := terms.on(ctx, day)
		return t, err
	}
	var withBook, withoutBook *book
	decided := false
	decide := func(t FacilityTerms) error {
		if decided {
			return nil
		}
		decided = true
		if err := s.readLoanMoves(ctx, &moves, st.Facility, through, t, false); err != nil || moves.pooled {
			return err
		}
		skip := map[int64]bool{}
		for _, l := range late {
			skip[l.TxID] = true
		}
		withBook, withoutBook = moves.book(nil), moves.book(skip)
		return nil
	}
	// loansOn are the loans at the close of day (principal: the balance).
	loansOn := func(day date.Date, t FacilityTerms, principal money.Amount, b **book) ([]ledger.Loan, error) {
		if err := decide(t); err != nil {
			return nil, err
		}
		if *b == nil {
			return ledger.Pooled(principal, loanTerms(t))
		}
		return (*b).to(day, termsOf)
	}
	rates := &seriesReader{s: s, ctx: ctx, series: series, pricer: pricer}
	principal := st.Opening
	// Interest accrued and not yet capitalised. Everything stored for
	// the facility is dated on or before AccruedThrough, so the balance
	// as of through is the balance when this run starts.
	receivable := st.InterestReceivable
	adj := adjustment{late: late}
	lastOut := lastOutInterest{facility: st.Facility}
	var fees feeWork
	di := 0
	for day := st.From; day <= through; day++ {
		for di < len(st.Deltas) && st.Deltas[di].Day <= day {
			principal += st.Deltas[di].Amount
			di++
		}
		if day <= st.AccruedThrough && len(late) > 0 {
			if without := adj.without(day, principal); without != principal {
				t, _, err := interestTerms(day)
				if err != nil {
					return nil, nil, true, err
				}
				now, err := loansOn(day, t, principal, &withBook)
				if err != nil {
					return nil, nil, true, err
				}
				was, err := loansOn(day, t, without, &withoutBook)
				if err != nil {
					return nil, nil, true, err
				}
				if err := adj.day(rates, t, day, now, was); err != nil {
					return nil, nil, true, err
				}
			}
		}
		if day == through && len(late) > 0 {
			t, ok, err := adj.transaction(st.Facility, through)
			if err != nil {
				return nil, nil, true, err
			}
			if ok {
				txs = append(txs, t)
				receivable += adj.total
			}
		}
		if day < start {
			continue
		}
		t, ser, err := interestTerms(day)
		if err != nil {
			return nil, nil, true, err
		}
		loans, err := loansOn(day, t, principal, &withBook)
		if err != nil {
			return nil, nil, true, err
		}
		a, err := rates.accrueLoans(t, day, loans)
		if err != nil {
			return nil, nil, true, err
		}
		tr, ok, err := ledger.LoanAccrual(st.Facility, a)
		if err != nil {
			return nil, nil, true, err
		}
		if ok {
			txs = append(txs, tr)
			receivable += a.Amount
		}
		// The last-out loans' own accrual (cob_lastout.go).
		if tr, ok, err := lastOut.day(ctx, s, day, t, ser); err != nil {
			return nil, nil, true, err
		} else if ok {
			txs = append(txs, tr)
			receivable += tr.Postings[0].Amount
		}
		fees.day(day, t)
		if !ledger.IsMonthEnd(day) {
			continue
		}
		if u := t.BillingUnknown; u != nil {
			return nil, nil, true, undetermined(day, "whether the interest of the month ending "+day.String()+" is capitalised", []ledger.Unknown{*u})
		}
		if t.Capitalise {
			tr, ok, err := ledger.Capitalise(st.Facility, day, receivable)
			if err != nil {
				return nil, nil, true, err
			}
			if ok {
				txs = append(txs, tr)
				// Capitalised interest bears interest from the next day.
				if withBook != nil {
					if err := withBook.b.Debit(day, loanTerms(t), receivable, "capitalised interest"); err != nil {
						return nil, nil, true, err
					}
				}
				principal += receivable
				receivable = 0
			}
		}
	}
	ftxs, notes, err := fees.post(ctx, s, st.Facility, series, txs)
	if err != nil {
		return nil, nil, true, err
	}
	return append(txs, ftxs...), notes, true, nil
}

// undetermined is the error of a figure of day (what) that needs terms
// that are not known.
func undetermined(day date.Date, what string, us []ledger.Unknown) error {
	e := &ledger.Error{Code: ledger.CodeUndetermined, ValueDate: day}
	msgs := make([]string, len(us))
	for i, u := range us {
		msgs[i] = u.Message()
		e.Reasons = append(e.Reasons, ledger.Reason{Code: ledger.ReasonUndetermined, Message: u.Message(), Cite: u.Cite})
	}
	e.Message = what + " is undetermined: " + strings.Join(msgs, "; ")
	return e
}

// dailyTerms gives a facility's terms and base rate series on each day of
// a run, days asked in ascending order. When the Terms source lists the
// dates its terms change (TermDates), the terms are read once for each span
// between them; otherwise once for each day. Series are read once per run
// (the map is shared by the run's facilities).
type dailyTerms struct {
	s        *Service
	facility string
	series   map[string]ledger.RateSeries

	changes []date.Date // the dates the terms change, if known
	dated   bool        // whether changes is known
	cur     FacilityTerms
	ser     ledger.RateSeries
	from    date.Date // cur is in force from from ...
	until   date.Date // ... to the day before until; until == 0: nothing read
}

// dates asks the Terms source for the dates the terms change.
func (d *dailyTerms) dates(ctx context.Context) error {
	td, ok := d.s.Terms.(TermDates)
	if !ok {
		return nil
	}
	ds, err := td.TermDates(ctx, d.facility)
	if err != nil {
		return fmt.Errorf("terms: %w", err)
	}
	d.changes, d.dated = ds, true
	return nil
}

// on returns the terms in force on day and the series of their base rate.
func (d *dailyTerms) on(ctx context.Context, day date.Date) (FacilityTerms, ledger.RateSeries, error) {
	if d.until != 0 && d.from <= day && day < d.until {
		return d.cur, d.ser, nil
	}
	t, err := d.s.Terms.Terms(ctx, d.facility, day)
	if err != nil {
		return t, nil, fmt.Errorf("terms as of %s: %w", day, err)
	}
	ser, ok := d.series[t.Pricing.Series]
	if !ok {
		// A series with no value yet: the day's interest is undetermined,
		// naming the series and the day (ledger.RateUnknown).
		if ser, err = d.s.Store.RateSeries(ctx, t.Pricing.Series); err != nil && store.ErrorCode(err) != store.CodeNotFound {
			return t, nil, err
		}
		d.series[t.Pricing.Series] = ser
	}
	d.cur, d.ser, d.from, d.until = t, ser, day, day+1
	if d.dated {
		// In force until the first change after day.
		d.until = date.Max + 1
		for _, c := range d.changes {
			if c > day && c < d.until {
				d.until = c
			}
		}
	}
	return t, ser, nil
}

// adjustment accumulates the interest difference of accrued days caused
// by late (back-valued) Loans postings.
type adjustment struct {
	late  []store.LatePosting
	total money.Amount
	days  []date.Date // days whose interest changed
}

// without is the Loans balance at the close of day without the late
// postings, where principal is the balance with them.
func (a *adjustment) without(day date.Date, principal money.Amount) money.Amount {
	for _, l := range a.late {
		if l.Day <= day {
			principal -= l.Amount
		}
	}
	return principal
}

// day adds the difference on day between the interest on the loans now
// (at its close including the late postings) and was (excluding them), at
// the terms and base rates in force that day.
func (a *adjustment) day(r *seriesReader, t FacilityTerms, day date.Date, now, was []ledger.Loan) error {
	n, err := r.accrueLoans(t, day, now)
	if err != nil {
		return err
	}
	w, err := r.accrueLoans(t, day, was)
	if err != nil {
		return err
	}
	if d := n.Amount - w.Amount; d != 0 {
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

// cobProgress tells the observer and the context's Progress that done of
// total facilities are computed.
func (s *Service) cobProgress(ctx context.Context, through date.Date, done, total int) {
	if s.Observe != nil {
		s.Observe.CloseOfBusinessProgress(done, total)
	}
	ReportProgress(ctx, "close of business "+through.String()+": facilities", done, total)
}
