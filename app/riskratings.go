package app

import (
	"context"
	"strings"
	"time"

	"revolver/store"
)

// RiskRatingInput is a new risk rating of a facility: the rating on the
// bank's scale (store.RiskRatingBest to store.RiskRatingWorst), whether
// the facility is on the watch list, and why. By is who sets it when the
// context names no person (the command line).
type RiskRatingInput struct {
	Rating int    `json:"rating"`
	Watch  bool   `json:"watch"`
	Reason string `json:"reason"`
	By     string `json:"-"`
}

// RiskRatings is a facility's risk rating as known at a time: the entry in
// force (nil: never rated) and every entry recorded by then, newest first.
type RiskRatings struct {
	Facility string             `json:"facility"`
	KnownAt  time.Time          `json:"known_at"`
	Current  *store.RiskRating  `json:"current"`
	History  []store.RiskRating `json:"history"`
}

// SetRiskRating appends a risk rating of the facility (a lender officer
// or administrator): the history keeps every earlier one.
func (s *Service) SetRiskRating(ctx context.Context, facility string, in RiskRatingInput) (store.RiskRating, error) {
	ctx = named(ctx, OpSetRiskRating)
	if err := authorize(ctx, ActRateRisk, facility); err != nil {
		return store.RiskRating{}, err
	}
	by := requester(ctx, in.By)
	switch {
	case in.Rating < store.RiskRatingBest || in.Rating > store.RiskRatingWorst:
		return store.RiskRating{}, invalid("risk rating: rating %d, expected %d (least risk) to %d", in.Rating, store.RiskRatingBest, store.RiskRatingWorst)
	case strings.TrimSpace(in.Reason) == "":
		return store.RiskRating{}, invalid("risk rating: reason is required (why the facility is rated %d)", in.Rating)
	case by == "":
		return store.RiskRating{}, invalid("risk rating: who sets it is required")
	}
	var out store.RiskRating
	err := s.update(ctx, facility, func(tx store.Tx) error {
		var err error
		out, err = tx.AddRiskRating(store.RiskRating{Facility: facility, Rating: in.Rating, Watch: in.Watch, Reason: strings.TrimSpace(in.Reason), SetBy: by, SetAt: s.now()})
		return err
	})
	return out, err
}

// RiskRatingsOf is the facility's risk rating and its history as known at
// knownAt (zero: now).
func (s *Service) RiskRatingsOf(ctx context.Context, facility string, knownAt time.Time) (RiskRatings, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return RiskRatings{}, err
	}
	if knownAt.IsZero() || knownAt.Equal(store.Everything) {
		knownAt = s.now()
	}
	recs, err := s.Store.RiskRatings(ctx, facility)
	if err != nil {
		return RiskRatings{}, err
	}
	out := RiskRatings{Facility: facility, KnownAt: knownAt, History: []store.RiskRating{}}
	for i := len(recs) - 1; i >= 0; i-- {
		if !recs[i].SetAt.After(knownAt) {
			out.History = append(out.History, recs[i])
		}
	}
	if r, ok := store.RiskRatingAt(recs, knownAt); ok {
		out.Current = &r
	}
	return out, nil
}
