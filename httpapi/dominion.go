package httpapi

import (
	"revolver/app"
)

// The dominion routes: a facility's trigger periods (Cash Dominion Periods
// and springing covenants' Covenant Trigger Periods) as close of business
// records them (docs/cash.md).
func (s *Server) dominionRoutes() []*Route {
	const f = "/api/v1/facilities/{slug}"
	return []*Route{
		{Method: "GET", Path: f + "/minimum-excess-availability", Summary: "The minimum excess availability covenant as tested at the close of every Business Day: the days tested and each failure (from the first day below the minimum to the first day at or above it again, null while it fails) with why, as known at known_at; 404 when the terms have none", Query: []string{"known_at"}, Response: "AvailabilityCovenant", h: s.availabilityCovenant},
		{Method: "GET", Path: f + "/dominion-periods", Summary: "The facility's trigger periods as known at known_at: each Cash Dominion Period and Covenant Trigger Period with its start, its end (null while it lasts), why it started and ended and the explanation (the days, their excess availability and threshold, the clause)", Query: []string{"known_at"}, Response: "DominionPeriodList", h: s.dominionPeriods},
	}
}

type dominionPeriodList struct {
	Facility string               `json:"facility"`
	Periods  []app.DominionPeriod `json:"periods"`
}

func (s *Server) dominionPeriods(c *call) (any, error) {
	knownAt, err := c.knownAt(0)
	if err != nil {
		return nil, err
	}
	ps, err := s.svc.DominionPeriods(c.r.Context(), c.fac.Slug, knownAt)
	if err != nil {
		return nil, err
	}
	return dominionPeriodList{Facility: c.fac.Slug, Periods: nonNil(ps)}, nil
}

func (s *Server) availabilityCovenant(c *call) (any, error) {
	knownAt, err := c.knownAt(0)
	if err != nil {
		return nil, err
	}
	return s.svc.AvailabilityCovenant(c.r.Context(), c.fac.Slug, knownAt)
}
