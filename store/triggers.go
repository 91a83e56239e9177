package store

import (
	"context"
	"encoding/json"
	"time"

	"revolver/date"
)

// Trigger events.
const (
	TriggerStart = "start" // a trigger period starts on Day
	TriggerEnd   = "end"   // the trigger period in effect ends on Day
)

// TriggerState is where a facility's springing trigger stands after the
// Business Days evaluated through Day (the engine's state, kept as JSON:
// the store does not read it). Trigger names the trigger:
// "cash_dominion" or "covenant:ID". A state is appended once per
// facility, trigger and day, never changed; the latest is the trigger's
// state.
type TriggerState struct {
	Facility   string          `json:"facility"`
	Trigger    string          `json:"trigger"`
	Day        date.Date       `json:"day"`
	State      json.RawMessage `json:"state"`
	RecordedAt time.Time       `json:"recorded_at"`
}

// TriggerEvent is one append-only record of a trigger period starting or
// ending on Day, with why (Reason, and the explanation as JSON).
type TriggerEvent struct {
	ID         int64           `json:"id"`
	Facility   string          `json:"facility"`
	Trigger    string          `json:"trigger"`
	Event      string          `json:"event"` // TriggerStart or TriggerEnd
	Day        date.Date       `json:"day"`
	Reason     string          `json:"reason"`
	Explain    json.RawMessage `json:"explain,omitempty"`
	RecordedAt time.Time       `json:"recorded_at"`
}

// Triggers is what an evaluation of springing triggers appends: the new
// states and the events they caused, in one database transaction.
type Triggers struct {
	States []TriggerState
	Events []TriggerEvent
	// Notify are the notification events of the periods started and
	// ended (docs/notifications.md), appended in the same transaction; one
	// whose key is stored already is not stored again.
	Notify []Event
}

// TriggerStore keeps the springing triggers' states and periods.
type TriggerStore interface {
	// TriggerStates returns the latest state of every trigger of the
	// facilities (nil: of every facility), by facility and trigger.
	TriggerStates(ctx context.Context, facilities []string) ([]TriggerState, error)
	// TriggerEvents lists a facility's trigger events recorded at or
	// before knownAt (zero: all), by day, then id.
	TriggerEvents(ctx context.Context, facility string, knownAt time.Time) ([]TriggerEvent, error)
	// AppendTriggers appends states and events in one transaction (all or
	// none): a state of a facility, trigger and day already stored is a
	// conflict; a state must be later than the trigger's latest; every
	// field but an event's Explain is required (invalid).
	AppendTriggers(ctx context.Context, t Triggers) error
}
