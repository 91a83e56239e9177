package store

import (
	"context"
	"time"

	"revolver/date"
)

// Loan notice kinds.
const (
	// LoanContinue continues a term-rate loan in its option for a new
	// interest period (the same or another the terms allow).
	LoanContinue = "continue"
	// LoanConvert converts it to another pricing option.
	LoanConvert = "convert"
)

// LoanNotice is a borrower's notice continuing or converting a term-rate
// loan at the end of its interest period. Loan is the id of the advance
// request that funded the loan; PeriodEnd the end of the interest period
// the notice is for (the first day of what it elects). Notices are
// append-only: one per loan and period end.
type LoanNotice struct {
	ID        int64     `json:"id"`
	Facility  string    `json:"facility"`
	Key       string    `json:"key"`
	Loan      int64     `json:"loan"`
	PeriodEnd date.Date `json:"period_end"`
	Kind      string    `json:"kind"` // LoanContinue or LoanConvert
	// Option is the pricing option from PeriodEnd; InterestPeriod its
	// interest period ("3m"), "" for an option without periods.
	Option         string    `json:"option"`
	InterestPeriod string    `json:"interest_period,omitempty"`
	GivenBy        string    `json:"given_by"`
	GivenAt        time.Time `json:"given_at"`
	// BusinessDate is the business date the notice was given on.
	BusinessDate date.Date `json:"business_date,omitzero"`
}

// LoanNoticeTx is the part of Tx that keeps loan notices.
type LoanNoticeTx interface {
	// AddLoanNotice stores a notice under its key. The same key with the
	// same content returns the stored notice (true); other content under
	// the key is idempotency_mismatch; a second notice for the same loan
	// and period end under another key is a conflict.
	AddLoanNotice(n LoanNotice) (LoanNotice, bool, error)
	// LoanNotices lists the facility's notices by id.
	LoanNotices() ([]LoanNotice, error)
}

// LoanNoticeStore is the part of Store that reads loan notices.
type LoanNoticeStore interface {
	// LoanNotices lists a facility's loan notices by id.
	LoanNotices(ctx context.Context, facility string) ([]LoanNotice, error)
	// ElectionFacilities lists, by slug, the facilities whose loans may
	// not all be of one floating option: those with a loan notice or a
	// funded advance request electing a rate option (one statement: what a
	// run over every facility asks before reading any facility's
	// elections).
	ElectionFacilities(ctx context.Context) ([]string, error)
}
