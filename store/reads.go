package store

import (
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
)

// CertificateFigure is an approved certificate as availability needs it:
// its id, as-of date, borrowing base and when it was approved (no body, no
// inputs).
type CertificateFigure struct {
	ID            int64        `json:"id"`
	AsOf          date.Date    `json:"as_of"`
	BorrowingBase money.Amount `json:"borrowing_base"`
	// LastOutBase is its last-out borrowing base (nil: none).
	LastOutBase *money.Amount `json:"last_out_base,omitempty"`
	DecidedAt   time.Time     `json:"decided_at"`
}

// AccountDay is the sum of an account's postings on one value date.
type AccountDay struct {
	Day     date.Date
	Account ledger.Account
	Amount  money.Amount
}

// AvailabilityAccounts are the accounts availability reads. Their running
// balances are kept with the postings (Running).
var AvailabilityAccounts = []ledger.Account{ledger.Loans, ledger.LoansLastOut, ledger.LCOutstanding, ledger.LCDrawn}

// Running reports whether a store keeps a running balance of the account
// (one of AvailabilityAccounts): its balance on a date is read in time
// independent of the ledger's length.
func Running(a ledger.Account) bool {
	return a == ledger.Loans || a == ledger.LoansLastOut || a == ledger.LCOutstanding || a == ledger.LCDrawn
}

// Everything is a known-at time after every record: AvailabilityInputs as
// known at it counts every committed certificate and posting, as a change's
// own checks do.
var Everything = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// AvailabilityInputs are the records availability from a date on needs,
// as known at a time, read together (one database transaction).
type AvailabilityInputs struct {
	From    date.Date
	KnownAt time.Time
	// Certificates approved at or before KnownAt and not superseded by one
	// approved by then: those of the as-of date of the certificate in force
	// on From (the last of them is in force: latest approved, then highest
	// id) and, with later, those of every later as-of date; by as-of date,
	// approval time and id.
	Certificates []CertificateFigure
	// Balances of AvailabilityAccounts at the end of From, as known at
	// KnownAt.
	Balances ledger.Balances
	// Later (with later) are the postings of AvailabilityAccounts dated
	// after From, summed by value date and account, by value date.
	Later []AccountDay
	// ApprovedAfter counts the certificates approved after KnownAt with an
	// as-of date on or before From: what, known later, could change the
	// certificate in force on From (none: the figure as known now reads the
	// same certificates).
	ApprovedAfter int
	// PostedAfter counts the postings of AvailabilityAccounts value-dated on
	// or before From and recorded after KnownAt (back-valued corrections
	// made since): the balances as known now differ by them. Balances and
	// Later count only postings recorded by KnownAt.
	PostedAfter int
}

// InForce returns the certificate of in force on d (the last one with an
// as-of date on or before d), false if none.
func (in AvailabilityInputs) InForce(d date.Date) (CertificateFigure, bool) {
	var c CertificateFigure
	ok := false
	for _, x := range in.Certificates {
		if x.AsOf > d {
			break
		}
		c, ok = x, true
	}
	return c, ok
}
