package httpapi

import (
	"context"
	"time"

	"revolver/app"
	"revolver/date"
)

// SessionCookie is the name of the browser session cookie set by
// POST /api/v1/session, for the web pages served beside the API.
const SessionCookie = sessionCookie

// Terms is the terms source the server reads agreements through (shared
// with the web pages so that both use one cache).
func (s *Server) Terms() *app.StoredTerms { return s.terms }

// AvailabilityOn is availability for a facility on a date as known by
// the default rule (app.Service.Availability), for callers in the same
// process that have checked the caller's access to the facility
// themselves.
func (s *Server) AvailabilityOn(ctx context.Context, slug string, asOf date.Date) (app.Availability, error) {
	return s.svc.Availability(ctx, slug, asOf, time.Time{})
}
