package httpapi

import (
	"net/http"

	"revolver/app"
)

// The risk rating routes: a facility's risk rating on the bank's scale
// and whether it is on the watch list, with its history.
func (s *Server) riskRatingRoutes() []*Route {
	const f = "/api/v1/facilities/{slug}/risk-ratings"
	return []*Route{
		{Method: "GET", Path: f, Summary: "The facility's risk rating in force (1 least risk to 10) and watch list entry as known at known_at, with every earlier rating, newest first, each with its reason, who set it and when", Query: []string{"known_at"}, Response: "RiskRatings", h: s.riskRatings},
		{Method: "POST", Path: f, Summary: "Rate the facility (1 to 10) and put it on or off the watch list, saying why: a new entry of its history (a lender officer)", Roles: roles(app.ActRateRisk), Mutating: true, Op: app.OpSetRiskRating, Request: "RiskRatingInput", Response: "RiskRating", Status: http.StatusCreated, h: s.setRiskRating},
	}
}

func (s *Server) riskRatings(c *call) (any, error) {
	knownAt, err := c.knownAt(0)
	if err != nil {
		return nil, err
	}
	return s.svc.RiskRatingsOf(c.r.Context(), c.fac.Slug, knownAt)
}

func (s *Server) setRiskRating(c *call) (any, error) {
	var in app.RiskRatingInput
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	in.By = c.user.Email
	out, err := c.svc().SetRiskRating(c.r.Context(), c.fac.Slug, in)
	if err != nil {
		return nil, err
	}
	return out, c.audit(nil, out)
}
