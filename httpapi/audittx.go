package httpapi

import "revolver/app"

// svc returns the use cases. The request's context carries its actor
// (set in serve), so each use case appends the audit record in its own
// store transaction.
func (c *call) svc() *app.Service { return c.s.svc }
