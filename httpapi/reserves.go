package httpapi

import (
	"net/http"

	"revolver/app"
	"revolver/date"
	"revolver/money"
)

// The reserve routes: a facility's lender reserves (docs/reserves.md),
// set by one lender, in force once a second approves, released by a new
// record.
func (s *Server) reserveRoutes() []*Route {
	const f = "/api/v1/facilities/{slug}"
	return []*Route{
		{Method: "GET", Path: f + "/reserves", Summary: "The facility's lender reserves as known at known_at, each with its kind, amount, placement, dates, reason, who set and who approved it; with as_of, only those in force on that date", Query: []string{"as_of", "known_at"}, Response: "ReserveList", h: s.reserves},
		{Method: "POST", Path: f + "/reserves", Summary: "Set a lender reserve (a fixed amount or an availability block, placed at a component, the borrowing base or the line, with a reason): pending until a second lender approves it", Roles: roles(app.ActSetReserve), Mutating: true, Op: app.OpSetReserve, Request: "ReserveInput", Response: "LenderReserve", Status: http.StatusCreated, h: s.setReserve},
		{Method: "POST", Path: f + "/reserves/{id}/approve", Summary: "Approve a pending lender reserve (not by the lender who set it): from then on availability deducts it on the dates it covers", Roles: roles(app.ActDecideReserve), Mutating: true, Op: app.OpApproveReserve, Response: "LenderReserve", h: s.approveReserve},
		{Method: "POST", Path: f + "/reserves/{id}/release", Summary: "Release a lender reserve: a new record ending it after the day until (the reserve is never edited), with a reason", Roles: roles(app.ActSetReserve), Mutating: true, Op: app.OpReleaseReserve, Request: "ReserveRelease", Response: "LenderReserve", h: s.releaseReserve},
	}
}

// reserveInput is a lender reserve as set (app.ReserveInput without who:
// the caller sets it).
type reserveInput struct {
	ID        string       `json:"id"`
	Kind      string       `json:"kind,omitempty"`      // fixed (default) or availability_block
	Placement string       `json:"placement,omitempty"` // component, borrowing_base or line (an availability block's default)
	Component string       `json:"component,omitempty"`
	Amount    money.Amount `json:"amount"`
	From      date.Date    `json:"from"`
	Until     date.Date    `json:"until,omitzero"`
	Reason    string       `json:"reason"`
}

type reserveList struct {
	Reserves []app.LenderReserve `json:"reserves"`
}

// reserveRelease: the last day the reserve is in force, and why it ends.
type reserveRelease struct {
	Until  date.Date `json:"until"`
	Reason string    `json:"reason"`
}

func (s *Server) reserves(c *call) (any, error) {
	asOf, err := parseDate("as_of", c.r.URL.Query().Get("as_of"), false, 0)
	if err != nil {
		return nil, err
	}
	knownAt, err := c.knownAt(asOf)
	if err != nil {
		return nil, err
	}
	rs, err := s.svc.Reserves(c.r.Context(), c.fac.Slug, asOf, knownAt)
	if err != nil {
		return nil, err
	}
	return reserveList{Reserves: nonNil(rs)}, nil
}

func (s *Server) setReserve(c *call) (any, error) {
	var b reserveInput
	if err := c.decodeJSON(&b); err != nil {
		return nil, err
	}
	in := app.ReserveInput{ID: b.ID, Kind: b.Kind, Placement: b.Placement, Component: b.Component, Amount: b.Amount, From: b.From, Until: b.Until, Reason: b.Reason, By: c.user.Email}
	out, err := c.svc().SetReserve(c.r.Context(), c.fac.Slug, in)
	if err != nil {
		return nil, err
	}
	return out, c.audit(nil, out)
}

func (s *Server) approveReserve(c *call) (any, error) {
	out, err := c.svc().ApproveReserve(c.r.Context(), c.fac.Slug, c.r.PathValue("id"), c.user.Email)
	if err != nil {
		return nil, err
	}
	return out, c.audit(nil, out)
}

func (s *Server) releaseReserve(c *call) (any, error) {
	var in reserveRelease
	if err := c.decodeJSON(&in); err != nil {
		return nil, err
	}
	out, err := c.svc().ReleaseReserve(c.r.Context(), c.fac.Slug, c.r.PathValue("id"), in.Until, in.Reason, c.user.Email)
	if err != nil {
		return nil, err
	}
	return out, c.audit(nil, out)
}
