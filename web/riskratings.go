package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"revolver/app"
)

// setRiskRating rates the facility from its page
// (app.Service.SetRiskRating).
func (s *Server) setRiskRating(rq *req) error {
	rq.asks(app.OpSetRiskRating)
	if err := rq.allow(app.ActRateRisk, "rate facilities"); err != nil {
		return err
	}
	f := rq.r.PostFormValue
	v := strings.TrimSpace(f("rating"))
	rating, err := strconv.Atoi(v)
	if err != nil {
		return rq.refused(userErr(http.StatusBadRequest, fmt.Sprintf("Risk rating: %q is not a whole number. Enter 1 (least risk) to 10.", v)), s.facilityPage)
	}
	out, err := s.svc.SetRiskRating(rq.actx(), rq.fac.Slug, app.RiskRatingInput{Rating: rating, Watch: f("watch") == "on", Reason: strings.TrimSpace(f("reason")), By: rq.user.Email})
	if err != nil {
		return rq.refused(err, s.facilityPage)
	}
	return rq.done(rq.facPath("#risk"), "risk_rated", strconv.Itoa(out.Rating))
}
