package ledger

import (
	"fmt"

	"revolver/date"
	"revolver/money"
)

// Stable error codes of the ledger.
const (
	CodeInvalid              = "invalid"
	CodeAvailabilityExceeded = "availability_exceeded"
	CodeFacilityTerminated   = "facility_terminated"
	CodeDefaultContinuing    = "default_continuing"
	CodeUndetermined         = "undetermined"
	CodeLCSublimitExceeded   = "lc_sublimit_exceeded"
)

// Error is a refused ledger command. Code is stable and meant for callers
// and API mappings; Message names what was wrong with the numbers.
type Error struct {
	Code    string
	Message string
	// Availability and Requested are set for availability_exceeded.
	Availability *Availability
	Requested    money.Amount
	// ValueDate is the date checked; TerminationDate is set for
	// facility_terminated.
	ValueDate       date.Date
	TerminationDate date.Date
	// Reasons are why advances are blocked (facility_terminated,
	// default_continuing, undetermined).
	Reasons []Reason
}

func (e *Error) Error() string { return e.Message }

// ErrorCode returns the stable code of the error.
func (e *Error) ErrorCode() string { return e.Code }

func invalidf(format string, a ...any) error {
	return &Error{Code: CodeInvalid, Message: fmt.Sprintf(format, a...)}
}
