package store

import (
	"context"
	"encoding/json"
	"time"

	"revolver/date"
)

// Kinds of fact records: what happened to a facility over time that the
// defaults engine (package defaults) reads as its facts. The store checks
// only that a kind is one of these; the body's shape belongs to package app.
const (
	FactNotice             = "notice"                  // a notice given (Security Agreement ¶21), with its computed effect
	FactNoticeConfirmation = "notice_confirmation"     // a fax confirmation or courier copy recorded after the notice
	FactDefault            = "event_of_default"        // an event of default recorded as occurred
	FactDefaultAction      = "default_action"          // an acceleration, or a cure or waiver approved by a second lender
	FactWaiverRequest      = "waiver_request"          // a waiver asked for, waiting for a second lender
	FactCureRequest        = "cure_request"            // a cure asked for, waiting for a second lender
	FactResultRequest      = "covenant_result_request" // a passing covenant result over a failing test, waiting for a second lender
	FactRestatement        = "restatement"             // restated statements submitted, waiting for a lender's acceptance
	FactDecision           = "request_decision"        // a second person's approval or rejection of a request
	FactOtherDebt          = "other_debt"              // other indebtedness (cross-default, First Amendment §1(g))
	FactPolicy             = "insurance_policy"        // an insurance policy on the collateral (¶13(b))
	FactFiling             = "ucc_filing"              // a UCC filing's number, date, continuations
	FactOccurrence         = "occurrence"              // a delivery, casualty, payment, move or sale
	FactCovenantResult     = "covenant_result"         // a covenant test as reported
)

// FactKinds lists the kinds of fact records.
var FactKinds = []string{FactNotice, FactNoticeConfirmation, FactDefault, FactDefaultAction, FactWaiverRequest,
	FactCureRequest, FactResultRequest, FactRestatement, FactDecision,
	FactOtherDebt, FactPolicy, FactFiling, FactOccurrence, FactCovenantResult}

// FactRecord is one append-only record of a facility's facts. A later
// record about the same Subject (a policy, a debt, a default) adds to or
// supersedes what earlier ones said; none is ever changed. Body is JSON,
// stored byte for byte with its SHA-256.
type FactRecord struct {
	ID       int64  `json:"id"`
	Facility string `json:"facility"`
	// Key is the idempotency key: the same key with the same kind, subject,
	// date and body returns the first record; other content is
	// idempotency_mismatch.
	Key        string          `json:"key"`
	Kind       string          `json:"kind"`
	Subject    string          `json:"subject,omitempty"` // what it concerns, e.g. a default, policy or debt id
	On         date.Date       `json:"on"`                // the date the fact is dated
	Body       json.RawMessage `json:"body"`
	BodySHA256 string          `json:"body_sha256"` // hex, computed by the store
	RecordedBy string          `json:"recorded_by"`
	RecordedAt time.Time       `json:"recorded_at"`
}

// FactStore reads a facility's fact records.
type FactStore interface {
	// FactRecords lists a facility's fact records by id.
	FactRecords(ctx context.Context, facility string) ([]FactRecord, error)
	// FactRecordsVersion names the set of a facility's fact records cheaply:
	// their count and the last id (records are append-only, so the pair
	// changes exactly when a record is added).
	FactRecordsVersion(ctx context.Context, facility string) (n int, last int64, err error)
}

// FactTx writes fact records inside Update.
type FactTx interface {
	// AddFactRecord stores r once under its key; the same key with the
	// same content returns the stored record (true), other content is
	// idempotency_mismatch. Records are never changed.
	AddFactRecord(r FactRecord) (FactRecord, bool, error)
	// FactRecords lists the facility's fact records by id, as the
	// transaction sees them.
	FactRecords() ([]FactRecord, error)
}
