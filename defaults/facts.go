package defaults

import (
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

// CovenantResult is one covenant test as reported.
type CovenantResult struct {
	Covenant  string    `json:"covenant"`
	PeriodEnd date.Date `json:"period_end"`
	Pass      bool      `json:"pass"`
	Actual    string    `json:"actual,omitempty"`
	Required  string    `json:"required,omitempty"`
	// Undetermined: the test could not be made, and why.
	Undetermined string `json:"undetermined,omitempty"`
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
}

// Lender actions on a default.
const (
	ActionCure         = "cure"
	ActionWaiver       = "waiver"
	ActionAcceleration = "acceleration"
)

// Action is a step of a default's lifecycle: cure, waiver or acceleration.
// The notice step is a Notice with subject event_of_default naming the default.
type Action struct {
	ID      string    `json:"id"`
	Default string    `json:"default"` // the Default id
	Kind    string    `json:"kind"`    // cure, waiver, acceleration
	Date    date.Date `json:"date"`
	Waiver  *Waiver   `json:"waiver,omitempty"`
	Note    string    `json:"note,omitempty"`
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
}

// Problem is a fact the engine could not use, and why.
type Problem struct {
	Ref     string `json:"ref"`
	Message string `json:"message"`
}
