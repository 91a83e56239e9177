package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"revolver/agreement"
	"revolver/collateral"
	"revolver/ledger"
	"revolver/store"
)

// Error is an API error: {"code", "message", "details"} with a status.
type Error struct {
	Status  int
	Code    string
	Message string
	Details map[string]any
}

func (e *Error) Error() string { return e.Message }

// errorBody is the JSON of every error answer.
type errorBody struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details"`
}

func (e *Error) body() errorBody {
	d := e.Details
	if d == nil {
		d = map[string]any{}
	}
	return errorBody{Code: e.Code, Message: e.Message, Details: d}
}

func errf(status int, code, format string, a ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, a...)}
}

func invalidf(format string, a ...any) *Error {
	return errf(http.StatusBadRequest, "invalid", format, a...)
}

// statusOf maps every stable error code (store.Error, ledger.Error and the
// API's own) to its HTTP status. It is the one place this mapping is made.
var statusOf = map[string]int{
	"invalid":                       http.StatusBadRequest,
	store.CodeNotFound:              http.StatusNotFound,
	store.CodeConflict:              http.StatusConflict,
	"unauthorized":                  http.StatusUnauthorized,
	store.CodeForbidden:             http.StatusForbidden,
	"csrf":                          http.StatusForbidden,
	"maker_checker":                 http.StatusForbidden,
	ledger.CodeAvailabilityExceeded: http.StatusUnprocessableEntity,
	ledger.CodeFacilityTerminated:   http.StatusUnprocessableEntity,
	ledger.CodeDefaultContinuing:    http.StatusUnprocessableEntity,
	ledger.CodeLCSublimitExceeded:   http.StatusUnprocessableEntity,
	store.CodeIdempotencyMismatch:   http.StatusUnprocessableEntity,
	"undetermined":                  http.StatusUnprocessableEntity,
	"too_large":                     http.StatusRequestEntityTooLarge,
	"unsupported_media_type":        http.StatusUnsupportedMediaType,
	"method_not_allowed":            http.StatusMethodNotAllowed,
	"rate_limited":                  http.StatusTooManyRequests,
	store.CodeInternal:              http.StatusInternalServerError,
}

// Codes lists the stable error codes.
func Codes() map[string]int { return statusOf }

// asError turns any error into an API error via statusOf.
func (s *Server) asError(c *call, err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		if ae.Status == 0 {
			ae.Status = statusOf[ae.Code]
		}
		return ae
	}
	var le *ledger.Error
	if errors.As(err, &le) {
		e := &Error{Code: le.Code, Message: le.Message, Details: map[string]any{}}
		if le.Availability != nil {
			a := le.Availability
			e.Details["requested"] = le.Requested
			e.Details["availability"] = map[string]any{"as_of": a.AsOf, "commitment": a.Commitment, "advance_cap": a.AdvanceCap,
				"borrowing_base": a.BorrowingBase, "certificate_base": a.CertificateBase, "letters_of_credit": a.LettersOfCredit.Exposure,
				"limit": a.Limit, "binding_limit": a.Binding, "loans_outstanding": a.LoansOutstanding, "available": a.Available}
		}
		if len(le.Reasons) > 0 {
			e.Details["reasons"] = le.Reasons
		}
		if le.TerminationDate != 0 {
			e.Details["termination_date"] = le.TerminationDate
			e.Details["value_date"] = le.ValueDate
		}
		e.Status = status(e.Code)
		if e.Code == ledger.CodeInvalid {
			e.Status = http.StatusUnprocessableEntity
		}
		return e
	}
	var agErr agreement.Errors
	if errors.As(err, &agErr) {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: err.Error()}
	}
	var se *store.Error
	if errors.As(err, &se) && se.Code != store.CodeInternal {
		st := status(se.Code)
		if se.Code == store.CodeInvalid {
			// A request that decoded but that the rules refuse.
			st = http.StatusUnprocessableEntity
		}
		e := &Error{Status: st, Code: se.Code, Message: se.Error()}
		if rows := rowErrors(err); rows != nil {
			e.Details = rows
		}
		return e
	}
	rid := ""
	if c != nil {
		rid = c.reqID
	}
	s.log.Error("internal error", "err", err, "request_id", rid)
	return &Error{Status: http.StatusInternalServerError, Code: store.CodeInternal,
		Message: "internal error; quote request id " + rid + " to the operator", Details: map[string]any{"request_id": rid}}
}

// rowErrors gives the rows of an input refused row by row (collateral
// errors) as details: each row's file, line, column, what was found and
// what was expected, and how many in all.
func rowErrors(err error) map[string]any {
	var ce *collateral.Errors
	if !errors.As(err, &ce) {
		return nil
	}
	rows := make([]map[string]any, len(ce.List))
	for i, fe := range ce.List {
		rows[i] = map[string]any{"file": fe.File, "line": fe.Line, "column": fe.Column, "found": fe.Value, "expected": fe.Expected}
	}
	return map[string]any{"rows": rows, "total": ce.Total}
}

func status(code string) int {
	if st, ok := statusOf[code]; ok {
		return st
	}
	return http.StatusUnprocessableEntity
}

func writeError(w http.ResponseWriter, e *Error) {
	if e.Status == 0 {
		e.Status = status(e.Code)
	}
	b, _ := jsonMarshal(e.body())
	writeJSON(w, e.Status, b)
}
