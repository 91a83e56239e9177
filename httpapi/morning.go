package httpapi

import "revolver/app"

// morning answers the lender's morning (app.Service.Morning): the
// exceptions of every facility the caller sees on the business date as
// known at known_at, what changed since the business date opened, and the
// caller's queues.
func (s *Server) morning(c *call) (any, error) {
	knownAt, err := c.knownAt(0)
	if err != nil {
		return nil, err
	}
	return s.svc.Morning(c.r.Context(), knownAt)
}

// morningAnswer is the schema of GET /api/v1/morning.
type morningAnswer = app.Morning
