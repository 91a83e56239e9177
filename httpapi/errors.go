package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"revolver/agreement"
	"revolver/collateral"
	"revolver/ledger"
	"revolver/store"
)

// Error is an API error with a status, answered as an RFC 9457 problem
// detail (application/problem+json).
type Error struct {
	Status  int
	Code    string
	Message string
	Details map[string]any
	// Allow lists the methods of the path (405).
	Allow []string
}

func (e *Error) Error() string { return e.Message }

// ProblemType is the type URI of the problems with a code: one per stable
// error code.
func ProblemType(code string) string { return "urn:revolver:problem:" + code }

// errorBody is the JSON of every error answer: the members of RFC 9457
// (type, title, status, detail, instance) and, as extension members, the
// stable code, the details, the request id and message (the detail again,
// kept for the clients that read it before problem details).
type errorBody struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail"`
	Instance  string         `json:"instance"`
	Code      string         `json:"code"`
	Message   string         `json:"message"`
	Details   map[string]any `json:"details"`
	RequestID string         `json:"request_id"`
}

// title is the short summary of a code's problem, the same for every
// problem of the code.
func title(code string) string {
	t := strings.ReplaceAll(code, "_", " ")
	if t == "" {
		return "Error"
	}
	return strings.ToUpper(t[:1]) + t[1:]
}

func (e *Error) body(r *http.Request, rid string) errorBody {
	d := e.Details
	if d == nil {
		d = map[string]any{}
	}
	st := e.Status
	if st == 0 {
		st = status(e.Code)
	}
	inst := ""
	if r != nil {
		inst = r.URL.Path
	}
	return errorBody{Type: ProblemType(e.Code), Title: title(e.Code), Status: st, Detail: e.Message, Instance: inst,
		Code: e.Code, Message: e.Message, Details: d, RequestID: rid}
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
	"no_job_queue":                  http.StatusServiceUnavailable,
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

// writeError answers an error as a problem detail, with the headers its
// status calls for: WWW-Authenticate on 401 and Allow on 405 (a 429's
// Retry-After is set by the refusing handler, which knows the wait).
func writeError(w http.ResponseWriter, r *http.Request, rid string, e *Error) {
	if e.Status == 0 {
		e.Status = status(e.Code)
	}
	h := w.Header()
	switch e.Status {
	case http.StatusUnauthorized:
		h.Set("WWW-Authenticate", `Bearer realm="revolver"`)
	case http.StatusMethodNotAllowed:
		if len(e.Allow) > 0 {
			h.Set("Allow", strings.Join(e.Allow, ", "))
		}
	}
	b, _ := jsonMarshal(e.body(r, rid))
	writeProblem(w, e.Status, b)
}

// ProblemJSON is the media type of error answers.
const ProblemJSON = "application/problem+json"

func writeProblem(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", ProblemJSON)
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}
