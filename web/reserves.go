package web

import (
	"net/http"
	"strings"

	"revolver/app"
	"revolver/date"
)

// setReserve sets a lender reserve from the facility page's form
// (app.Service.SetReserve): pending until a second lender approves it.
func (s *Server) setReserve(rq *req) error {
	rq.asks(app.OpSetReserve)
	if err := rq.allow(app.ActSetReserve, "set reserves"); err != nil {
		return err
	}
	f := rq.r.PostFormValue
	amount, err := amountField("Reserve amount", f("amount"))
	rq.amount = amount
	if err != nil {
		return rq.refused(err, s.facilityPage)
	}
	from, err := dateField("In force from", f("from"))
	if err != nil {
		return rq.refused(err, s.facilityPage)
	}
	var until date.Date
	if v := strings.TrimSpace(f("until")); v != "" {
		if until, err = dateField("In force until", v); err != nil {
			return rq.refused(err, s.facilityPage)
		}
	}
	in := app.ReserveInput{ID: strings.TrimSpace(f("id")), Kind: f("kind"), Placement: f("placement"), Component: strings.TrimSpace(f("component")),
		Amount: amount, From: from, Until: until, Reason: strings.TrimSpace(f("reason")), By: rq.user.Email}
	out, err := s.svc.SetReserve(rq.actx(), rq.fac.Slug, in)
	if err != nil {
		return rq.refused(err, s.facilityPage)
	}
	return rq.done(rq.facPath("#reserves"), "reserve_set", out.ID, out.Status)
}

// changeReserve approves or releases a lender reserve from the facility
// page (app.Service.ApproveReserve, ReleaseReserve).
func (s *Server) changeReserve(rq *req) error {
	id, action := rq.r.PathValue("id"), rq.r.PathValue("action")
	var out app.LenderReserve
	var err error
	switch action {
	case "approve":
		rq.asks(app.OpApproveReserve)
		if err := rq.allow(app.ActDecideReserve, "approve reserves"); err != nil {
			return err
		}
		out, err = s.svc.ApproveReserve(rq.actx(), rq.fac.Slug, id, rq.user.Email)
	case "release":
		rq.asks(app.OpReleaseReserve)
		if err := rq.allow(app.ActSetReserve, "release reserves"); err != nil {
			return err
		}
		until, derr := dateField("Last day in force", rq.r.PostFormValue("until"))
		if derr != nil {
			return rq.refused(derr, s.facilityPage)
		}
		out, err = s.svc.ReleaseReserve(rq.actx(), rq.fac.Slug, id, until, strings.TrimSpace(rq.r.PostFormValue("reason")), rq.user.Email)
	default:
		return userErr(http.StatusNotFound, "There is no such reserve action.")
	}
	if err != nil {
		return rq.refused(err, s.facilityPage)
	}
	status := out.Status
	if out.ReleasedAt != nil {
		status = "released"
	}
	return rq.done(rq.facPath("#reserves"), "reserve_changed", out.ID, status)
}
