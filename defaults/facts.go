package defaults

import (
	"time"

	"revolver/agreement"
	"revolver/date"
	"revolver/money"
)

// Facts are what has been recorded of the facility: the inputs of the
// engine besides the terms. All fields are plain data.
type Facts struct {
	Notices []Notice `json:"notices,omitempty"`
	// Events are recorded happenings: planned or done acts (records_move,
	// place_of_business_change, sale, casualty), payments (costs_paid,
	// fee_paid, obligations_paid), deliveries (report_delivered, delivered).
	Events   []Event        `json:"events,omitempty"`
	Policies []Policy       `json:"insurance_policies,omitempty"`
	Filings  []FilingRecord `json:"ucc_filings,omitempty"`
	// OutstandingAtTermination is the amount owed at the Termination Date,
	// when known (nil: not given).
	OutstandingAtTermination *money.Amount `json:"outstanding_at_termination,omitempty"`
	// CovenantResults are the covenant tests as the covenant engine
	// reported them (input data; this package does not run covenants).
	CovenantResults []CovenantResult `json:"covenant_results,omitempty"`
	OtherDebts      []OtherDebt      `json:"other_debts,omitempty"`
	Defaults        []DefaultRecord  `json:"default_records,omitempty"`
	Actions         []Action         `json:"actions,omitempty"`
	// Requests are requests to end an event of default (a cure, a waiver,
	// a covenant result, restated statements) waiting for a second
	// person's decision: shown with the default, which they do not end.
	Requests []Request `json:"requests,omitempty"`
}

// Event is a recorded happening.
type Event struct {
	ID   string    `json:"id"`
	Kind string    `json:"kind"`
	Ref  string    `json:"ref,omitempty"` // what it concerns: a fee id, a report id, a closing item, a notice id
	For  date.Date `json:"for,omitempty"` // the period a report covers
	Date date.Date `json:"date"`          // when it happened or is planned
	Note string    `json:"note,omitempty"`
}

// Policy is an insurance policy on the collateral.
type Policy struct {
	ID                     string    `json:"id"`
	Insurer                string    `json:"insurer"`
	Number                 string    `json:"number,omitempty"`
	Covers                 []string  `json:"covers,omitempty"`
	Effective              date.Date `json:"effective"`
	Expires                date.Date `json:"expires"`
	LossPayee              string    `json:"loss_payee"` // party id
	CancellationNoticeDays int       `json:"cancellation_notice_days"`
	// Evidenced is when evidence of the policy reached the bank (nil: not yet).
	Evidenced *date.Date `json:"evidenced,omitempty"`
	Cancelled *date.Date `json:"cancelled,omitempty"`
}

// FilingRecord is what is known of a UCC filing of the terms (by id):
// number and filing date when the terms hold them as unknown, and the
// continuation statements filed.
type FilingRecord struct {
	Filing        string      `json:"filing"`
	Number        string      `json:"number,omitempty"`
	Filed         date.Date   `json:"filed,omitempty"`
	Continuations []date.Date `json:"continuations,omitempty"`
}

// CovenantResult is one covenant test as reported. Several results for one
// covenant and period are its history, in the order recorded: a failing
// result is an event of default; a later passing one ends it only when a
// second person approved it (RequestedBy and ApprovedBy differ: restated
// statements a lender accepted, or a result a second lender approved).
type CovenantResult struct {
	Covenant  string    `json:"covenant"`
	PeriodEnd date.Date `json:"period_end"`
	Pass      bool      `json:"pass"`
	Actual    string    `json:"actual,omitempty"`
	Required  string    `json:"required,omitempty"`
	// Undetermined: the test could not be made, and why.
	Undetermined string `json:"undetermined,omitempty"`
	// On is the date the result is dated (a passing result ends a failure
	// from it); 0: the date it was recorded, else the period end.
	On date.Date `json:"on,omitempty"`
	// Basis says where the result comes from, e.g. "tested on the
	// statements submitted by … at …".
	Basis       string    `json:"basis,omitempty"`
	RequestedBy string    `json:"requested_by,omitempty"`
	ApprovedBy  string    `json:"approved_by,omitempty"`
	RecordedBy  string    `json:"recorded_by,omitempty"`
	RecordedAt  time.Time `json:"recorded_at,omitzero"`
}

// OtherDebt is indebtedness of the borrower to others (cross-default, First
// Amendment §1(g)).
type OtherDebt struct {
	ID       string       `json:"id"`
	Creditor string       `json:"creditor"`
	Amount   money.Amount `json:"amount"`
	Due      date.Date    `json:"due"`
	Paid     *date.Date   `json:"paid,omitempty"`
	// Accelerated / DefaultUnder: when it was accelerated or an event of
	// default arose under its documents.
	Accelerated  *date.Date `json:"accelerated,omitempty"`
	DefaultUnder *date.Date `json:"default_under,omitempty"`
	// Disputed in good faith, with reserves the bank deems adequate: both
	// are needed to exclude the debt.
	Disputed         bool `json:"disputed,omitempty"`
	ReservesAdequate bool `json:"reserves_adequate,omitempty"`
}

// DefaultRecord is an event of default a person records (dissolution,
// merger, nonperformance, false representation, invalid security interest).
type DefaultRecord struct {
	ID          string    `json:"id"`
	Event       string    `json:"event"` // an events_of_default id of the terms
	Occurred    date.Date `json:"occurred"`
	Description string    `json:"description"`
	RecordedBy  string    `json:"recorded_by,omitempty"`
	RecordedAt  time.Time `json:"recorded_at,omitzero"`
}

// Lender actions on a default.
const (
	ActionCure         = "cure"
	ActionWaiver       = "waiver"
	ActionAcceleration = "acceleration"
)

// Action is a step of a default's lifecycle: cure, waiver or acceleration.
// The notice step is a Notice with subject event_of_default naming the
// default. A cure or a waiver ends the default only with a requester and a
// different approver (for a waiver, those of its Waiver).
type Action struct {
	ID          string    `json:"id"`
	Default     string    `json:"default"` // the Default id
	Kind        string    `json:"kind"`    // cure, waiver, acceleration
	Date        date.Date `json:"date"`
	Waiver      *Waiver   `json:"waiver,omitempty"`
	Note        string    `json:"note,omitempty"`
	RequestedBy string    `json:"requested_by,omitempty"`
	ApprovedBy  string    `json:"approved_by,omitempty"`
	RecordedAt  time.Time `json:"recorded_at,omitzero"`
}

// Kinds of requests to end an event of default.
const (
	RequestCure           = "cure"
	RequestWaiver         = "waiver"
	RequestCovenantResult = "covenant_result"
	RequestRestatement    = "restatement"
)

// Request is a request to end an event of default waiting for a second
// person: a cure or waiver of Default, a passing covenant result, or restated
// statements for the period (Covenant and Period say which covenant
// defaults it concerns; Covenant "" for restated statements: every covenant
// of the period). It is open from RequestedAt until DecidedAt.
type Request struct {
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`
	Default     string     `json:"default,omitempty"`
	Covenant    string     `json:"covenant,omitempty"`
	Period      date.Date  `json:"period,omitempty"`
	Date        date.Date  `json:"date,omitempty"`
	Note        string     `json:"note,omitempty"`
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at,omitzero"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
}

// Waiver is the bank's written consent (Security Agreement ¶16: explicit
// reference to the agreement; for a covenant, naming the covenant and period).
type Waiver struct {
	Written     bool      `json:"written"`
	Agreement   string    `json:"agreement"` // the document id it refers to
	Covenant    string    `json:"covenant,omitempty"`
	Period      date.Date `json:"period,omitempty"`
	RequestedBy string    `json:"requested_by"`
	ApprovedBy  string    `json:"approved_by"`
	// Legacy: a waiver approved by a second lender before waivers named the
	// agreement and the covenant (what it was recorded as); the reference
	// is not checked.
	Legacy string `json:"legacy,omitempty"`
	// Letter, Cite and Conditions: for a waiver by a waiver letter of the
	// terms (agreement.Waiver), the letter, its clause and its conditions.
	Letter     string          `json:"letter,omitempty"`
	Cite       *agreement.Cite `json:"cite,omitempty"`
	Conditions []string        `json:"conditions,omitempty"`
}

// Problem is a fact the engine could not use, and why.
type Problem struct {
	Ref     string `json:"ref"`
	Message string `json:"message"`
}

// KnownAt returns the facts as known at k: a notice, event of default,
// lender action, covenant result or request recorded after k is left out,
// and a request decided after k is still open. A zero k, or a fact without
// a recorded time (a facts file), is always known.
func (f Facts) KnownAt(k time.Time) Facts {
	if k.IsZero() {
		return f
	}
	known := func(at time.Time) bool { return at.IsZero() || !at.After(k) }
	out := f
	out.Notices = keep(f.Notices, func(n Notice) bool { return known(n.RecordedAt) })
	out.Defaults = keep(f.Defaults, func(r DefaultRecord) bool { return known(r.RecordedAt) })
	out.Actions = keep(f.Actions, func(a Action) bool { return known(a.RecordedAt) })
	out.CovenantResults = keep(f.CovenantResults, func(r CovenantResult) bool { return known(r.RecordedAt) })
	out.Requests = nil
	for _, r := range f.Requests {
		if !known(r.RequestedAt) || r.DecidedAt != nil && !r.DecidedAt.After(k) {
			continue
		}
		r.DecidedAt = nil
		out.Requests = append(out.Requests, r)
	}
	return out
}

func keep[T any](xs []T, ok func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}
