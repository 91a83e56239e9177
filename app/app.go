// Package app holds revolver's use cases over the store: each command runs
// in one store transaction and is idempotent by its client key. The terms a
// command needs (commitment, caps, pricing) come from a Terms source, so the
// agreement engine can be plugged in; the clock is injected.
package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"revolver/auth"
	"revolver/calendar"
	"revolver/date"
	"revolver/explain"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// FacilityTerms are the terms of a facility as of a date that the ledger
// use cases need.
type FacilityTerms struct {
	// Options are the pricing options a borrowing request may elect, in
	// the terms' order (the first is the default); an option whose margin
	// is not known is left out.
	Options         []ledger.Option
	Commitment      money.Amount
	AdvanceCap      *money.Amount
	TerminationDate date.Date
	// Exclusions reduce the certificate's borrowing base (e.g. a casualty
	// exclusion under Security Agreement ¶13(h)).
	Exclusions money.Amount
	// LCTreatment is how letters of credit count (agreement.BorrowingBase
	// LettersOfCredit): deduct_from_borrowing_base (face outstanding plus
	// drawn and unreimbursed, First Amendment §1(b)), deduct_from_availability
	// or none.
	LCTreatment string
	// LCSublimit caps letters of credit outstanding (nil: none stated, or
	// not known: LCSublimitUnknown says why; an issue is then not checked
	// against it), with its clause.
	LCSublimit        *money.Amount
	LCSublimitUnknown string
	LCSublimitCite    explain.Cite
	DefaultContinuing bool
	BlocksOnDefault   bool
	Pricing           ledger.Pricing
	// DefaultInterest is the terms' default interest (nil: none): the
	// rate of a day is increased by it while an event of default
	// continues (dayPricer).
	DefaultInterest *DefaultInterestTerm
	// Capitalise: interest is capitalised monthly (else billed).
	Capitalise bool
	// CureDays: days after the lender's notice to cure an overadvance.
	CureDays int
	// ClearanceDays: Business Days of Calendar after receipt that
	// collections are credited (Security Agreement ¶8).
	ClearanceDays int
	// Cash is how the facility's cash is handled: its accounts at the
	// bank, the type-code table and dominion (docs/cash.md).
	Cash CashTerms
	// Calendar is the facility's Business Days (the schedule terms'
	// calendar; the zero Calendar, the US Federal Reserve's, when the terms
	// name none).
	Calendar calendar.Calendar
	// Fees by id, e.g. the transaction fee of the Loan Modification
	// Agreement §II.A. No fee accrues before Since, the agreement's date.
	Fees  map[string]FeeTerm
	Since date.Date
	// Costs the lender may charge to the loan account, by id, with the
	// clause that lets it (a field examination: Security Agreement ¶7).
	Costs map[string]CostTerm

	// What availability and the guards on advances need besides the
	// figures above (FromAgreement sets them; a source without agreement
	// terms leaves them zero: every day a Federal Reserve banking day, the
	// zone UTC, no cut-off known).
	//
	// Unknown lists the terms availability needs that are not known
	// (availability is then undetermined); Cites the clauses of the terms
	// availability names, by term (see ledger.Limits).
	Unknown []ledger.Unknown
	Cites   map[string]explain.Cite
	// LCTreatmentUnknown: how letters of credit count is not known
	// (availability is undetermined while any are outstanding).
	LCTreatmentUnknown *ledger.Unknown
	// InterestUnknown lists the pricing terms interest needs that are not
	// known (the margin, the day count): no interest is accrued while one
	// is, and close of business reports the facility. BillingUnknown: how
	// interest is billed is not known, which blocks its capitalisation at
	// a month end. ClearanceUnknown: the clearance days are not known,
	// which blocks crediting collections.
	InterestUnknown  []ledger.Unknown
	BillingUnknown   *ledger.Unknown
	ClearanceUnknown *ledger.Unknown
	// Cure is what the terms say of curing an overadvance.
	Cure ledger.Cure
	// Zone is the facility's time zone ("": UTC).
	Zone string
	// Cutoff is the time of day ("HH:MM" in Zone) by which a request for
	// an advance value the same day must reach the bank; "" when unknown,
	// and CutoffUnknown says why.
	Cutoff        string
	CutoffUnknown string
	CutoffCite    explain.Cite
	// LastOut is set when the terms have a last-out (FILO) tranche
	// (agreement.LastOut).
	LastOut *LastOutTerms
	// Reserves are the reserves availability deducts besides the
	// certificate's, with the dates they cover: the terms' reserves placed
	// at the line and (termsPath) the lender reserves approved as known.
	Reserves []datedReserve
	// Springing are the terms' springing triggers (a springing cash
	// dominion, springing covenants), evaluated at close of business
	// (dominion.go).
	Springing []SpringingTerm
}

// LastOutTerms are what the use cases need of a last-out tranche: the
// margin the last-out loans bear over the first-out rate (MarginUnknown
// when it is not known: their interest is then undetermined) and its
// clause.
type LastOutTerms struct {
	Margin        money.Rate
	MarginUnknown *ledger.Unknown
	Cite          explain.Cite
}

// FeeTerm is a fee the terms set: its kind (fixed when empty), amount,
// due date, rate or rate grid, basis and billing, and the terms of it that
// are not known (ledger.FeeTerms).
type FeeTerm = ledger.FeeTerms

// CostTerm is a kind of cost the terms let the lender charge.
type CostTerm struct {
	Label string
	Cite  explain.Cite
}

// Terms gives a facility's terms as of a date.
type Terms interface {
	Terms(ctx context.Context, facility string, asOf date.Date) (FacilityTerms, error)
}

// TermDates is implemented by a Terms source whose terms (all but
// DefaultContinuing) change only on the dates TermDates lists, ascending:
// for the agreement engine, the agreement's date and the effective dates of
// its amendments (agreement.Facility.Dates). The terms on a day are those
// read on the latest listed date on or before it. Close of business reads
// the terms once for each span between two such dates instead of once for
// each day accrued.
type TermDates interface {
	TermDates(ctx context.Context, facility string) ([]date.Date, error)
}

// TermsFunc adapts a function to Terms.
type TermsFunc func(ctx context.Context, facility string, asOf date.Date) (FacilityTerms, error)

// Terms calls f.
func (f TermsFunc) Terms(ctx context.Context, facility string, asOf date.Date) (FacilityTerms, error) {
	return f(ctx, facility, asOf)
}

// Service runs the use cases.
type Service struct {
	Store store.Store
	Terms Terms
	Now   func() time.Time
	// SignInLimits limit failed sign-ins (auth.DefaultSignInLimits if
	// zero).
	SignInLimits auth.SignInLimits
	// Observe is told of sign-in failures and close-of-business runs, for
	// the metrics (nil: nobody).
	Observe Observer
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// AdvanceRequest asks for an advance.
type AdvanceRequest struct {
	Facility  string
	Key       string
	Amount    money.Amount
	ValueDate date.Date
	Memo      string
}

// AdvanceResult is a funded advance and the availability it was checked
// against (nil for a replay).
type AdvanceResult struct {
	Posted       store.Posted
	Availability *ledger.Availability
}

// Advance funds an advance if it fits availability on its value date and
// on every later date already known, as known now, in one store
// transaction serialised per facility. It is the funding step without a
// person's request: people's requests go through RequestAdvance, which
// adds the guards on the value date and maker-checker. A retry with the
// same key and the same request returns the first result and posts
// nothing; the same key with another request is idempotency_mismatch. A
// refusal is a *ledger.Error (availability_exceeded with the numbers,
// facility_terminated, default_continuing, undetermined) and posts nothing.
func (s *Service) Advance(ctx context.Context, r AdvanceRequest) (AdvanceResult, error) {
	ctx = named(ctx, OpAdvance)
	if err := authorize(ctx, ActPostTransaction, r.Facility); err != nil {
		return AdvanceResult{}, err
	}
	tr, err := ledger.Advance(ledger.Ref{Facility: r.Facility, Key: r.Key, ValueDate: r.ValueDate, Memo: r.Memo}, r.Amount)
	if err != nil {
		return AdvanceResult{}, err
	}
	now := s.now()
	tp, err := s.termsPath(ctx, r.Facility, r.ValueDate, now)
	if err != nil {
		return AdvanceResult{}, fmt.Errorf("advance %q: %w", r.Key, err)
	}
	var res AdvanceResult
	err = s.update(ctx, r.Facility, func(tx store.Tx) error {
		if _, ok, err := tx.Lookup(r.Key); err != nil {
			return err
		} else if ok {
			// Same content: the first result, nothing posted; other
			// content: idempotency_mismatch.
			res.Posted, err = tx.Post(tr)
			return err
		}
		var err error
		res.Posted, res.Availability, err = fund(tx, tp, tr, now, "")
		return err
	})
	if err != nil {
		return AdvanceResult{}, err
	}
	return res, nil
}

// Post posts a transaction other than an advance (repayment, fee, cost,
// letter of credit, collection) in one store transaction. A letter of
// credit is issued only within availability on its value date and every
// later date already known (its face counts against the limit as loans
// do), checked in the same transaction. Advances go through Advance or
// RequestAdvance; people's repayments through Repay.
func (s *Service) Post(ctx context.Context, t ledger.Transaction) (store.Posted, error) {
	act, op := ActPostTransaction, OpPost
	if t.Kind == ledger.KindRepayment {
		act, op = ActRecordRepayment, OpRepay
	}
	ctx = named(ctx, op)
	if err := authorize(ctx, act, t.Facility); err != nil {
		return store.Posted{}, err
	}
	if t.Kind == ledger.KindAdvance {
		return store.Posted{}, store.Errorf(store.CodeInvalid, "transaction %q: an advance is made with Advance, which checks availability", t.Key)
	}
	var tp termsPath
	now := s.now()
	if t.Kind == ledger.KindLCIssue {
		var err error
		if tp, err = s.termsPath(ctx, t.Facility, t.ValueDate, now); err != nil {
			return store.Posted{}, fmt.Errorf("letter of credit %q: %w", t.Key, err)
		}
	}
	var p store.Posted
	err := s.update(ctx, t.Facility, func(tx store.Tx) error {
		if t.Kind == ledger.KindLCIssue && len(t.Postings) > 0 {
			if _, ok, err := tx.Lookup(t.Key); err != nil {
				return err
			} else if !ok {
				if _, err := checkPath(tx, tp, "letter of credit", t.Postings[0].Amount, now); err != nil {
					return err
				}
			}
		}
		if err := checkBalances(tx, t); err != nil {
			return err
		}
		var err error
		p, err = tx.Post(t)
		return err
	})
	return p, err
}

// checkBalances refuses what would take an account past what it holds: a
// repayment above the loans outstanding, a payment above the interest, fees
// or costs receivable, a drawing above the letters of
// credit outstanding, a reimbursement or expiry above what is drawn or
// outstanding. The loans and the letters of credit are checked on the
// value date and on every later date already posted: a back-valued
// repayment above the loans of a later date (repaid since) would leave
// them below zero from then on. A replay of a stored key is left to the
// store.
func checkBalances(tx store.Tx, t ledger.Transaction) error {
	if t.Kind == ledger.KindRepayment {
		for _, p := range t.Postings {
			if p.Account == ledger.LoansLastOut {
				if err := checkBalance(tx, t, ledger.LoansLastOut, "the last-out loans outstanding"); err != nil {
					return err
				}
			}
		}
	}
	var account ledger.Account
	var what string
	switch t.Kind {
	case ledger.KindRepayment:
		account, what = ledger.Loans, "the loans outstanding"
	case ledger.KindLCDraw, ledger.KindLCExpire:
		account, what = ledger.LCOutstanding, "the letters of credit outstanding"
	case ledger.KindLCReimburse:
		account, what = ledger.LCDrawn, "the letters of credit drawn and not reimbursed"
	case ledger.KindPayment:
		for _, p := range t.Postings {
			if p.Amount < 0 {
				account = p.Account
			}
		}
		what = "the " + strings.ReplaceAll(string(account), "_", " ")
	default:
		return nil
	}
	return checkBalance(tx, t, account, what)
}

// checkBalance is checkBalances for one account.
func checkBalance(tx store.Tx, t ledger.Transaction, account ledger.Account, what string) error {
	if _, ok, err := tx.Lookup(t.Key); err != nil || ok {
		return err
	}
	var amount money.Amount
	for _, p := range t.Postings {
		if p.Account == account && p.Amount < 0 {
			amount -= p.Amount
		}
	}
	if !slices.Contains(store.AvailabilityAccounts, account) {
		bal, err := tx.Balance(account, t.ValueDate)
		if err != nil {
			return err
		}
		if amount > bal {
			return store.Errorf(store.CodeInvalid, "%s %q of %s on %s is more than %s, %s", t.Kind, t.Key, amount, t.ValueDate, what, bal)
		}
		return nil
	}
	// The balance on the value date and its changes on later dates, of
	// every posting committed (the certificates the read also gives are
	// not needed).
	in, err := tx.AvailabilityInputs(t.ValueDate, everything, true)
	if err != nil {
		return err
	}
	bal := in.Balances[account]
	if amount > bal {
		return store.Errorf(store.CodeInvalid, "%s %q of %s on %s is more than %s, %s", t.Kind, t.Key, amount, t.ValueDate, what, bal)
	}
	for _, l := range in.Later {
		if l.Account != account {
			continue
		}
		if bal += l.Amount; amount > bal {
			return store.Errorf(store.CodeInvalid, "%s %q of %s on %s is more than %s on %s, %s (a later date: it would leave them below zero from then on)",
				t.Kind, t.Key, amount, t.ValueDate, what, l.Day, bal)
		}
	}
	return nil
}

// Reverse reverses a stored transaction (kind reversal, or returned_item
// for a collection).
func (s *Service) Reverse(ctx context.Context, r ledger.Ref, kind ledger.Kind, id int64) (store.Posted, error) {
	ctx = named(ctx, OpReverse)
	if err := authorize(ctx, ActPostTransaction, r.Facility); err != nil {
		return store.Posted{}, err
	}
	var p store.Posted
	err := s.update(ctx, r.Facility, func(tx store.Tx) error {
		if old, ok, err := tx.Lookup(r.Key); err != nil {
			return err
		} else if ok {
			if old.Kind != kind || old.Reverses != id || old.ValueDate != r.ValueDate || old.Memo != r.Memo {
				return store.Errorf(store.CodeIdempotencyMismatch, "idempotency key %q of facility %q was used for transaction %d with other content", r.Key, r.Facility, old.ID)
			}
			p = store.Posted{Transaction: old, Replayed: true}
			return nil
		}
		orig, err := tx.Transaction(id)
		if err != nil {
			return err
		}
		t, err := ledger.Reverse(r, kind, orig)
		if err != nil {
			return err
		}
		p, err = tx.Post(t)
		return err
	})
	return p, err
}

// Overadvance reports whether the loans exceed availability on asOf (as
// known now) and, if so, the overadvance with its cure deadline counted
// from the notice date (Security Agreement ¶13(h)). It posts nothing.
func (s *Service) Overadvance(ctx context.Context, facility string, asOf, notice date.Date) (ledger.Overadvance, bool, error) {
	a, err := s.Availability(ctx, facility, asOf, s.now())
	if err != nil || a.Overadvance == nil {
		return ledger.Overadvance{}, false, err
	}
	o := *a.Overadvance
	if notice != 0 {
		o, _ = ledger.OveradvanceOf([]ledger.Availability{a.Availability}, notice, o.Cure)
		o.Since = a.Overadvance.Since
	}
	return o, true, nil
}

// RecordOveradvance checks the facility on asOf (as known now) and, when
// the loans exceed availability, records the overadvance with its cure
// deadline counted from the lender's notice (Security Agreement ¶13(h);
// notice 0: none given yet; the deadline is left out when the terms give
// no cure period), under the key "overadvance:<asOf>:<notice>". It returns
// false when there is no overadvance, and posts nothing.
func (s *Service) RecordOveradvance(ctx context.Context, facility string, asOf, notice date.Date, by string) (store.Overadvance, bool, error) {
	ctx = named(ctx, OpRecordOveradvance)
	now := s.now()
	tp, err := s.termsPath(ctx, facility, asOf, now)
	if err != nil {
		return store.Overadvance{}, false, err
	}
	ft := tp.ft
	var rec store.Overadvance
	var over bool
	err = s.update(ctx, facility, func(tx store.Tx) error {
		a, _, err := availabilityOn(txReader(tx), ft, tp.open, asOf, now)
		if err != nil {
			return err
		}
		var o ledger.Overadvance
		if o, over = ledger.OveradvanceOf([]ledger.Availability{a}, notice, cureOf(ft)); !over {
			return nil
		}
		rec = store.Overadvance{Facility: facility, Key: "overadvance:" + asOf.String() + ":" + notice.String(), DetectedOn: asOf,
			Amount: o.Amount, BorrowingBase: a.BorrowingBase, Loans: a.LoansOutstanding, RecordedBy: by, RecordedAt: now}
		if notice != 0 {
			rec.Notice, rec.CureBy = o.Notice, o.CureBy
		}
		rec, _, err = tx.RecordOveradvance(rec)
		return err
	})
	return rec, over, err
}
