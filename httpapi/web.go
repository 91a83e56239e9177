package httpapi

import (
	"context"
	"net/http"

	"revolver/app"
	"revolver/date"
	"revolver/store"
)

// SessionCookie is the name of the browser session cookie set by
// POST /api/v1/session, for the web pages served beside the API.
const SessionCookie = sessionCookie

// Terms is the terms source the server reads agreements through (shared
// with the web pages so that both use one cache).
func (s *Server) Terms() *app.StoredTerms { return s.terms }

// AvailabilityOn is the answer of GET …/availability for a facility on a
// date, for callers in the same process that have checked the caller's
// access to the facility themselves (the web pages).
func (s *Server) AvailabilityOn(ctx context.Context, slug string, asOf date.Date) (Availability, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, "/?as_of="+asOf.String(), nil)
	if err != nil {
		return Availability{}, err
	}
	out, err := s.availability(&call{s: s, r: r, fac: store.Facility{Slug: slug}})
	if err != nil {
		return Availability{}, err
	}
	return out.(Availability), nil
}
