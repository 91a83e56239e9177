package app

import (
	"context"
	"time"
)

// Observer is told what the use cases do, for the process's metrics
// (observe.Metrics is one). Service.Observe nil tells nobody.
type Observer interface {
	// SignInFailed: a sign-in was refused (reason CodeUnauthorized or
	// CodeRateLimited).
	SignInFailed(reason string)
	// CloseOfBusinessProgress: done of total facilities computed.
	CloseOfBusinessProgress(done, total int)
	// CloseOfBusinessFinished: a run ended, failed when err is not nil.
	CloseOfBusinessFinished(took time.Duration, err error)
}

// Progress is told how far long work has gone: what it is at (step, e.g.
// "close of business 2006-12-29: facilities") and done of total units.
type Progress func(step string, done, total int)

type progressKey struct{}

// WithProgress has the use cases run with ctx report their progress to p
// (a terminal's progress line); nil reports to nobody (work run inside
// other work that reports its own).
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// ReportProgress tells the context's Progress, if any, how far the work
// has gone.
func ReportProgress(ctx context.Context, step string, done, total int) {
	if p, ok := ctx.Value(progressKey{}).(Progress); ok && p != nil {
		p(step, done, total)
	}
}

func (s *Service) signInFailed(reason string) {
	if s.Observe != nil {
		s.Observe.SignInFailed(reason)
	}
}
