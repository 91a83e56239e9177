package store

import (
	"errors"
	"fmt"
)

// Stable error codes.
const (
	CodeNotFound            = "not_found"
	CodeConflict            = "conflict"
	CodeInvalid             = "invalid"
	CodeIdempotencyMismatch = "idempotency_mismatch"
	CodeForbidden           = "forbidden"
	CodeInternal            = "internal"
)

// Error is a failure the caller can act on, with a stable Code.
type Error struct {
	Code    string
	Message string
	Err     error // wrapped cause, if any
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the stable code.
func (e *Error) ErrorCode() string { return e.Code }

// Errorf returns an *Error with code and a formatted message.
func Errorf(code, format string, a ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, a...)}
}

// ErrorCode returns the stable code of err: the code of the first error in
// its chain with an ErrorCode method (store.Error, ledger.Error), "" for
// nil, else internal.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var c interface{ ErrorCode() string }
	if errors.As(err, &c) {
		return c.ErrorCode()
	}
	return CodeInternal
}
