package store

import (
	"context"
	"time"
)

// Risk ratings: the bank's scale, from RiskRatingBest (least risk) to
// RiskRatingWorst.
const (
	RiskRatingBest  = 1
	RiskRatingWorst = 10
)

// RiskRating is one entry of a facility's risk rating history: the
// rating on the bank's scale (1–10), whether the facility is on the watch
// list, why, who set it and when. Entries are appended, never changed: the
// rating in force at a time is the last one recorded by then.
type RiskRating struct {
	ID       int64     `json:"id"`
	Facility string    `json:"facility"`
	Rating   int       `json:"rating"`
	Watch    bool      `json:"watch"`
	Reason   string    `json:"reason"`
	SetBy    string    `json:"set_by"`
	SetAt    time.Time `json:"set_at"`
}

// RiskRatingStore reads a facility's risk rating history.
type RiskRatingStore interface {
	// RiskRatings lists every entry of a facility's risk rating history,
	// by id (not_found for an unknown facility).
	RiskRatings(ctx context.Context, facility string) ([]RiskRating, error)
}

// RiskRatingTx writes risk ratings inside Update.
type RiskRatingTx interface {
	// AddRiskRating appends an entry (its id set by the store, its time
	// truncated as every stored time). Rating must be 1 to 10; Reason,
	// SetBy and SetAt given.
	AddRiskRating(r RiskRating) (RiskRating, error)
}

// RiskRatingAt is the entry in force at time at (the last recorded by
// then) among recs, or false when there is none.
func RiskRatingAt(recs []RiskRating, at time.Time) (RiskRating, bool) {
	var out RiskRating
	found := false
	for _, r := range recs {
		if !r.SetAt.After(at) && (!found || r.ID > out.ID) {
			out, found = r, true
		}
	}
	return out, found
}
