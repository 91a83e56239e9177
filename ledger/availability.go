package ledger

import (
	"fmt"

	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

// Limits are the figures availability is computed from, as of one date.
type Limits struct {
	Commitment money.Amount `json:"commitment"`
	// AdvanceCap is the advance cap, nil if the terms set none.
	AdvanceCap *money.Amount `json:"advance_cap,omitempty"`
	// BorrowingBase is the borrowing base in force (from the latest approved
	// certificate, with letters of credit and exclusions as of the date).
	BorrowingBase   money.Amount `json:"borrowing_base"`
	TerminationDate date.Date    `json:"termination_date"`
	// DefaultContinuing: an event of default continues on the date.
	DefaultContinuing bool `json:"default_continuing"`
	// BlocksOnDefault: the terms refuse advances while a default continues.
	BlocksOnDefault bool `json:"blocks_on_default"`
	// LettersOfCredit deducted from availability (not from the borrowing
	// base), when the terms say "deduct_from_availability".
	LettersOfCredit money.Amount `json:"letters_of_credit,omitempty"`
}

// Availability is the lesser of the Commitment, any advance cap and the
// Borrowing Base, less the Loans outstanding (Loan Agreement §2.1). It is
// negative when the loans exceed the limit (an overadvance).
type Availability struct {
	Commitment       money.Amount  `json:"commitment"`
	AdvanceCap       *money.Amount `json:"advance_cap,omitempty"`
	BorrowingBase    money.Amount  `json:"borrowing_base"`
	Limit            money.Amount  `json:"limit"`
	LettersOfCredit  money.Amount  `json:"letters_of_credit,omitempty"` // deducted from availability
	LoansOutstanding money.Amount  `json:"loans_outstanding"`
	Available        money.Amount  `json:"available"`
}

// Overadvance is the amount by which the loans exceed the limit, 0 if none.
func (a Availability) Overadvance() money.Amount {
	if a.Available < 0 {
		return -a.Available
	}
	return 0
}

// ComputeAvailability applies §2.1 to the limits and the loans outstanding.
func ComputeAvailability(l Limits, loans money.Amount) Availability {
	limit := money.Min(l.Commitment, l.BorrowingBase)
	if l.AdvanceCap != nil {
		limit = money.Min(limit, *l.AdvanceCap)
	}
	return Availability{
		Commitment:       l.Commitment,
		AdvanceCap:       l.AdvanceCap,
		BorrowingBase:    l.BorrowingBase,
		Limit:            limit,
		LettersOfCredit:  l.LettersOfCredit,
		LoansOutstanding: loans,
		Available:        limit - l.LettersOfCredit - loans,
	}
}

// CheckAdvance decides whether an advance of requested on valueDate may be
// made. It returns nil, or an *Error with code facility_terminated (value
// date after the Termination Date), default_continuing (an event of default
// continues and the terms block advances) or availability_exceeded (carrying
// the numbers).
func CheckAdvance(l Limits, loans, requested money.Amount, valueDate date.Date) error {
	return check("advance", l, loans, requested, valueDate)
}

// CheckLCIssue decides whether a letter of credit of face may be issued on
// valueDate: its face reduces availability as an advance would, so the same
// tests apply (with the same error codes).
func CheckLCIssue(l Limits, loans, face money.Amount, valueDate date.Date) error {
	return check("letter of credit", l, loans, face, valueDate)
}

func check(what string, l Limits, loans, requested money.Amount, valueDate date.Date) error {
	if requested <= 0 {
		return invalidf("%s of %s: amount must be positive", what, requested)
	}
	if l.TerminationDate != 0 && valueDate > l.TerminationDate {
		return &Error{Code: CodeFacilityTerminated, ValueDate: valueDate, TerminationDate: l.TerminationDate,
			Message: fmt.Sprintf("%s on %s refused: the facility terminated on %s", what, valueDate, l.TerminationDate)}
	}
	if l.DefaultContinuing && l.BlocksOnDefault {
		return &Error{Code: CodeDefaultContinuing,
			Message: fmt.Sprintf("%s on %s refused: an event of default continues", what, valueDate)}
	}
	a := ComputeAvailability(l, loans)
	if requested > a.Available {
		capText := "none"
		if a.AdvanceCap != nil {
			capText = a.AdvanceCap.Grouped()
		}
		return &Error{Code: CodeAvailabilityExceeded, Availability: &a, Requested: requested,
			Message: fmt.Sprintf("%s of %s refused: availability is %s = min(commitment %s, advance cap %s, borrowing base %s) − loans outstanding %s",
				what, requested.Grouped(), a.Available.Grouped(), a.Commitment.Grouped(), capText, a.BorrowingBase.Grouped(), a.LoansOutstanding.Grouped())}
	}
	return nil
}

// Overadvance is the amount by which the Loans exceed availability on a
// date, with the deadline to cure it: cureDays after the lender's notice
// (Security Agreement ¶13(h): 30 days after the bank's notice).
type Overadvance struct {
	Amount       money.Amount `json:"amount"`
	Availability Availability `json:"availability"`
	Notice       date.Date    `json:"notice"`
	CureBy       date.Date    `json:"cure_by"`
}

// CheckOveradvance returns the overadvance on a date, if any (a lower
// borrowing base, a casualty exclusion, letters of credit), with its cure
// deadline counted from the notice date.
func CheckOveradvance(l Limits, loans money.Amount, notice date.Date, cureDays int) (Overadvance, bool) {
	a := ComputeAvailability(l, loans)
	if a.Available >= 0 {
		return Overadvance{Availability: a}, false
	}
	return Overadvance{Amount: a.Overadvance(), Availability: a, Notice: notice, CureBy: notice.AddDays(cureDays)}, true
}

// Explain is the explanation of the availability figure: the limit as the
// least of its parts, less the loans outstanding.
func (a Availability) Explain() *explain.Node {
	limit := &explain.Node{Key: "availability.limit", Label: "Limit", Value: a.Limit.String(),
		Formula: "min(commitment, advance cap, borrowing base)"}
	limit.Add(&explain.Node{Key: "availability.commitment", Label: "Commitment", Value: a.Commitment.String()})
	if a.AdvanceCap != nil {
		limit.Add(&explain.Node{Key: "availability.advance_cap", Label: "Advance cap", Value: a.AdvanceCap.String()})
	}
	limit.Add(&explain.Node{Key: "availability.borrowing_base", Label: "Borrowing base in force", Value: a.BorrowingBase.String(),
		Formula: "latest approved certificate, less letters of credit outstanding and exclusions"})
	n := &explain.Node{Key: "availability", Label: "Availability", Value: a.Available.String(), Formula: "limit − loans outstanding"}
	return n.Add(limit, &explain.Node{Key: "availability.loans", Label: "Loans outstanding", Value: a.LoansOutstanding.String()})
}

// Utilisation is the share of the commitment drawn: loans outstanding ÷
// commitment (false when the commitment is not positive).
func Utilisation(loans, commitment money.Amount) (money.Rate, bool) {
	if commitment <= 0 {
		return money.Rate{}, false
	}
	r, err := money.Div(loans, commitment)
	return r, err == nil
}
