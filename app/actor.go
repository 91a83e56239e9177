package app

import "context"

// Actor is who asks for a use case and through what: the API, the web
// pages, the command line or the demo's loading. Surfaces put it in the
// context; use cases take the requester from it and write it into the
// audit record of the change, in the change's own store transaction.
type Actor struct {
	User   string // the user's e-mail, or "cli:<command>" for the command line
	UserID int64  // 0 for the command line
	Role   string
	// Facilities are the facilities granted to a borrower (the role
	// matrix: a borrower acts only on these).
	Facilities []string
	// RequestID ties the audit record to the request's logs.
	RequestID string
	// Via is what asked: "POST /api/v1/…", "web POST /facilities/…",
	// "revolver cob", "revolver demo".
	Via string
	// Audit, if set, is told which use case ran (its Op) and whether its
	// store transaction ran and appended the audit record. What a change
	// is (its kind and action) is never the surface's to say: each use
	// case names itself (what.go).
	Audit *AuditState
}

type actorKey struct{}

// WithActor returns ctx carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor ctx carries.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}
