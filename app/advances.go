package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"revolver/date"
	"revolver/explain"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Settings are the operational settings kept with a facility.
type Settings struct {
	// MakerCheckerThreshold: an advance above it needs the approval of
	// someone other than its requester; nil: no approval needed.
	MakerCheckerThreshold *money.Amount `json:"maker_checker_threshold,omitempty"`
	// CertificateMoveShare: a certificate whose borrowing base moves by
	// more than this share from the previous approved one is submitted
	// with a warning; nil: DefaultCertificateMoveShare.
	CertificateMoveShare *money.Rate `json:"certificate_move_warning_share,omitempty"`
	// VarianceTolerance: a roll-forward (receivables or inventory) whose
	// unexplained variance is above it in absolute value is submitted with
	// a warning; nil: DefaultVarianceTolerance.
	VarianceTolerance *money.Amount `json:"rollforward_variance_tolerance,omitempty"`
	// CurrentShareJumpPoints: a certificate whose share of current
	// invoices rises by more than these percentage points from the
	// previous approved one is submitted with a warning; nil:
	// DefaultCurrentShareJump.
	CurrentShareJumpPoints *money.Rate `json:"current_share_jump_points,omitempty"`
	// FieldExamMonths: the bank's field exam frequency for the facility
	// when the terms state none (FieldExamSetting); nil:
	// fieldexam.DefaultMonths.
	FieldExamMonths *int `json:"field_exam_frequency_months,omitempty"`
}

// ParseSettings reads a facility's settings JSON.
func ParseSettings(f store.Facility) (Settings, error) {
	var st Settings
	if len(f.Settings) == 0 {
		return st, nil
	}
	if err := json.Unmarshal(f.Settings, &st); err != nil {
		return st, store.Errorf(store.CodeInvalid, "facility %q settings: %v", f.Slug, err)
	}
	return st, nil
}

// fund checks the advance tr against availability on its value date and
// on every later date already known at knownAt, and posts it inside tx. The
// availability returned is that of the value date before the advance.
// tp is the terms path of the value date, read before the transaction.
func fund(tx store.Tx, tp termsPath, tr ledger.Transaction, knownAt time.Time, tranche string) (store.Posted, *ledger.Availability, error) {
	a, err := checkPathIn(tx, tp, "advance", tr.Postings[0].Amount, knownAt, tranche)
	if err != nil {
		return store.Posted{}, &a, err
	}
	p, err := tx.Post(tr)
	return p, &a, err
}

// RequestInput is a request for an advance.
type RequestInput struct {
	Facility  string
	Key       string
	Amount    money.Amount
	ValueDate date.Date
	By        string
	// Role is the requester's role ("": the role of the actor in ctx).
	Role string
	// Reason makes the request a correction: an advance value-dated before
	// the business date, which only a lender may ask for and a second
	// lender approves.
	Reason string
	// Option is the pricing option the borrowing request elects (Original
	// Loan Agreement §1.5: "either a Prime Rate Loan or a LIBOR Rate
	// Loan"); "" elects the terms' first. InterestPeriod is a term-rate
	// loan's interest period, one of the option's ("1m", "3m").
	Option         string
	InterestPeriod string
	// Tranche is the tranche the request elects: ledger.TrancheLastOut
	// for a last-out (FILO) loan, "" or ledger.TrancheFirstOut for a
	// first-out one (the default). A last-out loan is advanced against the
	// last-out borrowing base and posted to the last-out loans.
	Tranche string
}

// Cutoff is the time of day by which a request for an advance value the
// same day must reach the bank, from the terms, or that it is unknown and
// why.
type Cutoff struct {
	Time    string       `json:"time,omitempty"` // "HH:MM"
	Zone    string       `json:"zone,omitempty"`
	Unknown string       `json:"unknown,omitempty"`
	Cite    explain.Cite `json:"cite,omitzero"`
}

// AdvanceCutoff states the cut-off for requests for advances of a value
// date under the terms in force on it.
func (s *Service) AdvanceCutoff(ctx context.Context, facility string, vd date.Date) (Cutoff, error) {
	ft, err := s.termsOn(ctx, facility, vd)
	if err != nil {
		return Cutoff{}, err
	}
	return cutoffOf(ft), nil
}

func cutoffOf(ft FacilityTerms) Cutoff {
	c := Cutoff{Time: ft.Cutoff, Zone: ft.Zone, Unknown: ft.CutoffUnknown, Cite: ft.CutoffCite}
	if c.Zone == "" {
		c.Zone = "UTC"
	}
	if c.Time == "" && c.Unknown == "" {
		c.Unknown = "the terms source gives no cut-off time"
	}
	return c
}

func isLender(role string) bool {
	return role == store.RoleLenderAdmin || role == store.RoleLenderOfficer
}

func roleOf(ctx context.Context, given string) string {
	if given != "" {
		return given
	}
	a, _ := ActorFrom(ctx)
	return a.Role
}

// checkValueDate applies the guards on the value date of an advance or a
// repayment: a banking day of the facility's calendar; on or after the
// business date bd unless it is a correction (back-valued: a lender's,
// with a reason); and, for a value date not before the business date,
// before the cut-off time of the value date when the terms give one.
func checkValueDate(what string, ft FacilityTerms, vd, bd date.Date, now time.Time, role, reason string) error {
	if reason, closed := ft.Calendar.Closed(vd); closed {
		return store.Errorf(store.CodeInvalid, "%s value %s: not a banking day of the facility's calendar (%s); the next banking day is %s",
			what, vd, reason, ft.Calendar.OnOrAfter(vd))
	}
	if vd < bd {
		switch {
		case !isLender(role):
			return store.Errorf(store.CodeForbidden, "%s value %s is before the business date %s: a back-valued %s is a correction only a lender may ask for, with the reason, and a second lender approves it",
				what, vd, bd, what)
		case strings.TrimSpace(reason) == "":
			return store.Errorf(store.CodeInvalid, "%s value %s is before the business date %s: a back-valued %s is a correction; give the reason for it",
				what, vd, bd, what)
		}
		return nil
	}
	if reason != "" {
		return store.Errorf(store.CodeInvalid, "%s value %s: a reason is given for corrections, value-dated before the business date %s; this one is not", what, vd, bd)
	}
	if ft.Cutoff != "" {
		loc, err := ft.location()
		if err != nil {
			return err
		}
		var hh, mm int
		fmt.Sscanf(ft.Cutoff, "%d:%d", &hh, &mm)
		y, m, d := vd.Civil()
		if cut := time.Date(y, m, d, hh, mm, 0, 0, loc); now.After(cut) {
			return store.Errorf(store.CodeInvalid, "%s value %s: requests must reach the bank by %s %s on the value date (%s); ask for value %s",
				what, vd, ft.Cutoff, loc, ft.CutoffCite, ft.Calendar.Next(vd))
		}
	}
	return nil
}

// selfFunded is what by funded on the business date without a second
// approver: the requests funded at once.
func selfFunded(tx store.Tx, by string, bd date.Date) (money.Amount, error) {
	return tx.FundedAloneOn(bd, by)
}

// RequestAdvance records a request for an advance, after the guards: the
// value date is a banking day, on or after the business date (before it,
// the request is a correction: a lender's, with a reason), before the
// cut-off when the terms give one; and the advance fits availability on its
// value date and every later date already known, as known now — every
// request, whatever its size. It is funded at once, in the same store
// transaction, when what the requester funded without a second approver on
// the business date plus this one stays within the facility's
// maker-checker threshold (or none is set) and it is not a correction;
// else it waits for ApproveAdvance. Retried with the same key and content
// it returns the stored request; a refused advance stores nothing.
func (s *Service) RequestAdvance(ctx context.Context, in RequestInput) (store.AdvanceRequest, error) {
	ctx = named(ctx, OpRequestAdvance)
	if err := authorize(ctx, ActRequestAdvance, in.Facility); err != nil {
		return store.AdvanceRequest{}, err
	}
	in.By = requester(ctx, in.By)
	if in.Tranche == ledger.TrancheFirstOut {
		in.Tranche = ""
	}
	tr, err := ledger.AdvanceIn(ledger.Ref{Facility: in.Facility, Key: in.Key, ValueDate: in.ValueDate}, in.Amount, in.Tranche)
	if err != nil {
		return store.AdvanceRequest{}, err
	}
	// The business date and the fact records' version in one statement.
	rs, err := s.Store.ReadState(ctx, in.Facility, 0)
	if err != nil {
		return store.AdvanceRequest{}, err
	}
	now := s.now()
	bd := businessDateOf(rs, now)
	tp, err := s.termsPath(withReadState(ctx, in.Facility, rs), in.Facility, in.ValueDate, everything) // as known now: every record
	if err != nil {
		return store.AdvanceRequest{}, fmt.Errorf("advance request %q: %w", in.Key, err)
	}
	terms := tp.ft
	in.Reason = strings.TrimSpace(in.Reason)
	opt, err := electOption(terms, in)
	if err != nil {
		return store.AdvanceRequest{}, err
	}
	req := store.AdvanceRequest{Facility: in.Facility, Key: in.Key, Amount: in.Amount, ValueDate: in.ValueDate,
		Status: store.AdvanceRequested, RequestedBy: in.By, RequestedAt: now, BusinessDate: bd, Reason: in.Reason,
		Option: opt.ID, InterestPeriod: in.InterestPeriod, Tranche: in.Tranche}
	var out store.AdvanceRequest
	err = s.update(ctx, in.Facility, func(tx store.Tx) error {
		if old, ok, err := tx.AdvanceRequestByKey(in.Key); err != nil {
			return err
		} else if ok {
			// A retry: the stored request (other content:
			// idempotency_mismatch).
			out, _, err = tx.AddAdvanceRequest(req)
			if err == nil && old.ID != out.ID {
				return fmt.Errorf("advance request %q: stored as %d, replayed as %d", in.Key, old.ID, out.ID)
			}
			return err
		}
		if old, ok, err := tx.Lookup(in.Key); err != nil {
			return err
		} else if ok {
			return store.Errorf(store.CodeIdempotencyMismatch, "idempotency key %q of facility %q was used for transaction %d", in.Key, in.Facility, old.ID)
		}
		if err := checkValueDate("advance", terms, in.ValueDate, bd, now, roleOf(ctx, in.Role), in.Reason); err != nil {
			return err
		}
		if _, err := checkPathIn(tx, tp, "advance", in.Amount, now, in.Tranche); err != nil {
			return err
		}
		st, err := ParseSettings(tx.Facility())
		if err != nil {
			return err
		}
		approval := in.Reason != ""
		if !approval && st.MakerCheckerThreshold != nil {
			done, err := selfFunded(tx, in.By, bd)
			if err != nil {
				return err
			}
			approval = done+in.Amount > *st.MakerCheckerThreshold
		}
		if !approval {
			p, err := tx.Post(tr)
			if err != nil {
				return err
			}
			req.Status, req.Transaction = store.AdvanceFunded, p.Transaction.ID
		}
		out, _, err = tx.AddAdvanceRequest(req)
		return err
	})
	return out, err
}

// electOption is the pricing option a borrowing request elects: the one it
// names, or the terms' first; the amount and interest period are checked
// against the option's minimum, multiple and periods (ledger.Option
// CheckBorrowing). A term-rate loan's interest period starts on its
// borrowing date; close of business accrues each loan at its own rate
// (ledger.LoanBook, ledger.LoanRateOn).
func electOption(terms FacilityTerms, in RequestInput) (ledger.Option, error) {
	if len(terms.Options) == 0 {
		if in.Option != "" || in.InterestPeriod != "" {
			return ledger.Option{}, store.Errorf(store.CodeInvalid, "option %q: the terms give no pricing option with a known margin", in.Option)
		}
		return ledger.Option{}, nil
	}
	opt := terms.Options[0]
	if in.Option != "" {
		i := slices.IndexFunc(terms.Options, func(o ledger.Option) bool { return o.ID == in.Option })
		if i < 0 {
			ids := make([]string, len(terms.Options))
			for j, o := range terms.Options {
				ids[j] = o.ID
			}
			return opt, store.Errorf(store.CodeInvalid, "option %q: expected one of the terms' pricing options %s", in.Option, strings.Join(ids, ", "))
		}
		opt = terms.Options[i]
	}
	if err := opt.CheckBorrowing(in.Amount, in.InterestPeriod); err != nil {
		return opt, err
	}
	return opt, nil
}

// ApproveAdvance approves a requested advance and funds it if it fits
// availability on its value date and every later date already known, as
// known now, in one store transaction. The approver must not be the
// requester (maker-checker). A request that is not a correction must still
// be value-dated on or after the business date. A retried approval by the
// same approver returns the funded request.
func (s *Service) ApproveAdvance(ctx context.Context, facility string, id int64, by string) (store.AdvanceRequest, error) {
	ctx = named(ctx, OpApproveAdvance)
	if err := authorize(ctx, ActDecideAdvance, facility); err != nil {
		return store.AdvanceRequest{}, err
	}
	by = requester(ctx, by)
	bd, err := s.BusinessDate(ctx)
	if err != nil {
		return store.AdvanceRequest{}, err
	}
	now := s.now()
	// The terms and defaults of the value date are read before the store
	// transaction; the value date of a request never changes.
	rs, err := s.Store.AdvanceRequests(ctx, facility)
	if err != nil {
		return store.AdvanceRequest{}, err
	}
	var vd date.Date
	for _, r := range rs {
		if r.ID == id {
			vd = r.ValueDate
		}
	}
	if vd == 0 {
		return store.AdvanceRequest{}, store.Errorf(store.CodeNotFound, "facility %q has no advance request %d", facility, id)
	}
	tp, err := s.termsPath(ctx, facility, vd, now)
	if err != nil {
		return store.AdvanceRequest{}, fmt.Errorf("approve advance %d: %w", id, err)
	}
	var out store.AdvanceRequest
	err = s.update(ctx, facility, func(tx store.Tx) error {
		r, err := tx.AdvanceRequest(id)
		if err != nil {
			return err
		}
		if r.ValueDate != vd {
			return fmt.Errorf("advance request %d: value date %s, read as %s", id, r.ValueDate, vd)
		}
		if r.Status == store.AdvanceFunded && r.DecidedBy == by {
			out = r
			return nil
		}
		if r.Status != store.AdvanceRequested {
			return store.Errorf(store.CodeConflict, "advance request %d is already %s", id, r.Status)
		}
		if by == "" || by == r.RequestedBy {
			return store.Errorf(store.CodeForbidden, "advance request %d of %s: the approver must be someone other than the requester %q", id, r.Amount.Grouped(), r.RequestedBy)
		}
		if a, ok := ActorFrom(ctx); ok && a.Role != "" && r.Reason != "" && !isLender(a.Role) {
			return store.Errorf(store.CodeForbidden, "advance request %d is a correction: a second lender approves it", id)
		}
		if r.Reason == "" && r.ValueDate < bd {
			return store.Errorf(store.CodeConflict, "advance request %d is value %s, before the business date %s: reject it and ask again for a value date to come", id, r.ValueDate, bd)
		}
		if reason, closed := tp.ft.Calendar.Closed(r.ValueDate); closed {
			return store.Errorf(store.CodeInvalid, "advance request %d value %s: not a banking day of the facility's calendar (%s)", id, r.ValueDate, reason)
		}
		tr, err := ledger.AdvanceIn(ledger.Ref{Facility: facility, Key: r.Key, ValueDate: r.ValueDate, Memo: r.Reason}, r.Amount, r.Tranche)
		if err != nil {
			return err
		}
		p, _, err := fund(tx, tp, tr, now, r.Tranche)
		if err != nil {
			return err
		}
		out, err = tx.DecideAdvanceRequest(id, store.AdvanceDecision{Status: store.AdvanceFunded, By: by, At: now, Transaction: p.Transaction.ID})
		return err
	})
	return out, err
}

// RejectAdvance rejects a requested advance, saying why. The rejecter
// must not be the requester (maker-checker). A retried rejection by the
// same person returns the rejected request.
func (s *Service) RejectAdvance(ctx context.Context, facility string, id int64, by, comment string) (store.AdvanceRequest, error) {
	ctx = named(ctx, OpRejectAdvance)
	if err := authorize(ctx, ActDecideAdvance, facility); err != nil {
		return store.AdvanceRequest{}, err
	}
	by = requester(ctx, by)
	if comment == "" {
		return store.AdvanceRequest{}, store.Errorf(store.CodeInvalid, "reject advance request %d: a comment saying why is required", id)
	}
	var out store.AdvanceRequest
	err := s.update(ctx, facility, func(tx store.Tx) error {
		r, err := tx.AdvanceRequest(id)
		if err != nil {
			return err
		}
		if r.Status == store.AdvanceRejected && r.DecidedBy == by {
			out = r
			return nil
		}
		if r.Status == store.AdvanceRequested && (by == "" || by == r.RequestedBy) {
			return store.Errorf(store.CodeForbidden, "advance request %d: someone other than its requester must decide it", id)
		}
		out, err = tx.DecideAdvanceRequest(id, store.AdvanceDecision{Status: store.AdvanceRejected, By: by, At: s.now(), Comment: comment})
		return err
	})
	return out, err
}

// CancelAdvance withdraws a request not yet decided; only its requester
// may. Retried, it returns the cancelled request.
func (s *Service) CancelAdvance(ctx context.Context, facility string, id int64, by string) (store.AdvanceRequest, error) {
	ctx = named(ctx, OpCancelAdvance)
	if err := authorize(ctx, ActRequestAdvance, facility); err != nil {
		return store.AdvanceRequest{}, err
	}
	by = requester(ctx, by)
	var out store.AdvanceRequest
	err := s.update(ctx, facility, func(tx store.Tx) error {
		r, err := tx.AdvanceRequest(id)
		if err != nil {
			return err
		}
		switch {
		case r.Status == store.AdvanceCancelled && r.DecidedBy == by:
			out = r
			return nil
		case by == "" || by != r.RequestedBy:
			return store.Errorf(store.CodeForbidden, "advance request %d was made by %s: only its requester may cancel it", id, r.RequestedBy)
		case r.Status != store.AdvanceRequested:
			return store.Errorf(store.CodeConflict, "advance request %d is already %s: only a request not yet decided can be cancelled", id, r.Status)
		}
		out, err = tx.DecideAdvanceRequest(id, store.AdvanceDecision{Status: store.AdvanceCancelled, By: by, At: s.now(), Comment: "cancelled by the requester"})
		return err
	})
	return out, err
}

// RepaymentInput is a repayment to record.
type RepaymentInput struct {
	Facility  string
	Key       string
	Amount    money.Amount
	ValueDate date.Date
	Memo      string
	By        string
	Role      string // "": the actor's
	// Reason makes it a correction (value-dated before the business date).
	Reason string
}

// Repaid is a recorded repayment, or the correction waiting for a second
// lender's approval.
type Repaid struct {
	Posted  *store.Posted  `json:"posted,omitempty"`
	Pending *store.Pending `json:"pending,omitempty"`
}

// PendingRepayment is the kind of a back-valued repayment waiting for a
// second lender.
const PendingRepayment = "repayment_correction"

// RepaymentCorrection is the payload of a pending back-valued repayment.
type RepaymentCorrection struct {
	Key       string       `json:"key"`
	Amount    money.Amount `json:"amount"`
	ValueDate date.Date    `json:"value_date"`
	Memo      string       `json:"memo,omitempty"`
	Reason    string       `json:"reason"`
}

// Repay records a repayment after the guards on its value date: a banking
// day, on or after the business date, before the cut-off when the terms
// give one. A repayment value-dated before the business date is a
// correction: only a lender asks for it, with the reason, and it waits for
// a second lender's approval (DecidePending).
func (s *Service) Repay(ctx context.Context, in RepaymentInput) (Repaid, error) {
	ctx = named(ctx, OpRepay)
	if err := authorize(ctx, ActRecordRepayment, in.Facility); err != nil {
		return Repaid{}, err
	}
	in.By = requester(ctx, in.By)
	ft, err := s.termsOn(ctx, in.Facility, in.ValueDate)
	if err != nil {
		return Repaid{}, err
	}
	t, err := s.repayment(ctx, ft, ledger.Ref{Facility: in.Facility, Key: in.Key, ValueDate: in.ValueDate, Memo: in.Memo}, in.Amount)
	if err != nil {
		return Repaid{}, err
	}
	bd, err := s.BusinessDate(ctx)
	if err != nil {
		return Repaid{}, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	// Repayments have no cut-off of their own in the terms.
	ft.Cutoff = ""
	if err := checkValueDate("repayment", ft, in.ValueDate, bd, s.now(), roleOf(ctx, in.Role), in.Reason); err != nil {
		return Repaid{}, err
	}
	if in.Reason == "" {
		p, err := s.Post(ctx, t)
		return Repaid{Posted: &p}, err
	}
	payload, err := json.Marshal(RepaymentCorrection{Key: in.Key, Amount: in.Amount, ValueDate: in.ValueDate, Memo: in.Memo, Reason: in.Reason})
	if err != nil {
		return Repaid{}, err
	}
	p, err := s.createPending(ctx, store.Pending{Facility: in.Facility, Kind: PendingRepayment, Payload: payload, RequestedBy: in.By, RequestedAt: s.now()})
	return Repaid{Pending: &p}, err
}

// repaymentCorrection is the transaction an approved back-valued repayment
// posts.
func (s *Service) repaymentCorrection(ctx context.Context, facility string, payload []byte) (ledger.Transaction, error) {
	var c RepaymentCorrection
	if err := json.Unmarshal(payload, &c); err != nil {
		return ledger.Transaction{}, err
	}
	memo := "correction: " + c.Reason
	if c.Memo != "" {
		memo = c.Memo + " (" + memo + ")"
	}
	ft, err := s.termsOn(ctx, facility, c.ValueDate)
	if err != nil {
		return ledger.Transaction{}, err
	}
	return s.repayment(ctx, ft, ledger.Ref{Facility: facility, Key: c.Key, ValueDate: c.ValueDate, Memo: memo}, c.Amount)
}

// loanBalances are the loans of each tranche on vd as posted now, for a
// facility whose terms ft have a last-out tranche (false: none).
func (s *Service) loanBalances(ctx context.Context, ft FacilityTerms, facility string, vd date.Date) (ledger.LoanBalances, bool, error) {
	if ft.LastOut == nil {
		return ledger.LoanBalances{}, false, nil
	}
	bal, err := s.Store.Balances(ctx, facility, vd)
	if err != nil {
		return ledger.LoanBalances{}, false, err
	}
	return ledger.LoanBalances{FirstOut: bal[ledger.Loans], LastOut: bal[ledger.LoansLastOut]}, true, nil
}

// repayment is the repayment transaction of amount: with a last-out
// tranche split by ledger.RepaymentSplit (the first-out loans first, the
// last-out loans last) on the loans of the value date.
func (s *Service) repayment(ctx context.Context, ft FacilityTerms, r ledger.Ref, amount money.Amount) (ledger.Transaction, error) {
	b, tranched, err := s.loanBalances(ctx, ft, r.Facility, r.ValueDate)
	if err != nil || !tranched {
		if err != nil {
			return ledger.Transaction{}, err
		}
		return ledger.Repayment(r, amount)
	}
	return ledger.RepaymentOf(r, amount, b)
}

// FirstValueDate is the earliest value date an advance may have without
// being a correction: the first banking day of the facility's calendar on
// or after the business date (the pages offer it as the default).
func (s *Service) FirstValueDate(ctx context.Context, facility string) (date.Date, error) {
	bd, err := s.BusinessDate(ctx)
	if err != nil {
		return 0, err
	}
	ft, err := s.Terms.Terms(ctx, facility, bd)
	if err != nil {
		return 0, err
	}
	return ft.Calendar.OnOrAfter(bd), nil
}

// PendingCorrection is a back-valued repayment asked for (a pending action
// of kind PendingRepayment) with its decision.
type PendingCorrection struct {
	store.Pending
	Correction RepaymentCorrection `json:"correction"`
}

// RepaymentCorrections lists a facility's back-valued repayments asked
// for, oldest first, each with its decision.
func (s *Service) RepaymentCorrections(ctx context.Context, facility string) ([]PendingCorrection, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return nil, err
	}
	acc, err := accounts(s.Store)
	if err != nil {
		return nil, err
	}
	ps, err := acc.PendingList(ctx, facility)
	if err != nil {
		return nil, err
	}
	out := []PendingCorrection{}
	for _, p := range ps {
		if p.Kind != PendingRepayment {
			continue
		}
		c := PendingCorrection{Pending: p}
		if err := json.Unmarshal(p.Payload, &c.Correction); err != nil {
			return nil, fmt.Errorf("pending repayment correction %d: %w", p.ID, err)
		}
		out = append(out, c)
	}
	return out, nil
}
