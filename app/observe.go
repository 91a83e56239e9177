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

// Progress is told how far long work has gone: done of total units
// (facilities of a close of business, rows of an import).
type Progress func(done, total int)

type progressKey struct{}

// WithProgress has the use cases run with ctx report their progress to p
// (a terminal's progress line).
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// progress reports to the context's Progress, if any.
func progress(ctx context.Context, done, total int) {
	if p, ok := ctx.Value(progressKey{}).(Progress); ok && p != nil {
		p(done, total)
	}
}

func (s *Service) signInFailed(reason string) {
	if s.Observe != nil {
		s.Observe.SignInFailed(reason)
	}
}
