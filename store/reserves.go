package store

import (
	"context"
	"time"

	"revolver/date"
	"revolver/money"
)

// Actions of reserve records.
const (
	ReserveSet     = "set"     // a lender states a reserve
	ReserveApprove = "approve" // a second lender approves it: in force from then
	ReserveRelease = "release" // a lender ends it from a date
)

// ReserveRecord is one append-only record of a lender's reserve
// (docs/reserves.md). A set record carries the reserve's kind, amount (or
// rate), placement, component, effective dates and reason; an approve
// record only the reserve id, who and when; a release record the date it
// ends (Until, the last day in force) and the reason. None is ever
// changed: a reserve is released by a new record, never edited.
type ReserveRecord struct {
	ID         int64        `json:"id"`
	Facility   string       `json:"facility"`
	ReserveID  string       `json:"reserve_id"`
	Action     string       `json:"action"`
	Kind       string       `json:"kind,omitempty"`
	Placement  string       `json:"placement,omitempty"`
	Component  string       `json:"component,omitempty"`
	Amount     money.Amount `json:"amount"`
	Rate       string       `json:"rate,omitempty"` // an exact decimal ("" none)
	From       date.Date    `json:"from,omitzero"`
	Until      date.Date    `json:"until,omitzero"`
	Reason     string       `json:"reason,omitempty"`
	RecordedBy string       `json:"recorded_by"`
	RecordedAt time.Time    `json:"recorded_at"`
}

// ReserveStore reads a facility's reserve records.
type ReserveStore interface {
	// ReserveRecords lists a facility's reserve records by id.
	ReserveRecords(ctx context.Context, facility string) ([]ReserveRecord, error)
	// ReserveFacilities lists the facilities that have reserve records,
	// by slug (one statement: what a run over every facility asks before
	// reading any facility's records).
	ReserveFacilities(ctx context.Context) ([]string, error)
}

// ReserveTx writes reserve records inside Update.
type ReserveTx interface {
	// AddReserveRecord appends r (its id and recorded time set by the
	// store, the time truncated as every stored time).
	AddReserveRecord(r ReserveRecord) (ReserveRecord, error)
	// ReserveRecords lists the facility's reserve records by id, as the
	// transaction sees them.
	ReserveRecords() ([]ReserveRecord, error)
}
